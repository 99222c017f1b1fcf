//! The reader's work bound, its caps, and agreement with serde_json.
//!
//! Work is counted (see `work`), not timed: the bound holds on any machine.
//! The worst-case corpus is `tests/hostile/` (made by its Python script).

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::value::RawValue;

use super::reader::Reader;
use super::work::{within_bound, WORK_PER_BYTE};
use super::*;
use crate::ErrorKind;

/// (file, bytes, expected error kind or "ok") of every corpus body.
fn corpus() -> Vec<(String, Vec<u8>, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/hostile");
    let manifest = std::fs::read_to_string(format!("{dir}/corpus.json")).unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(&manifest).unwrap();
    entries
        .iter()
        .map(|e| {
            let file = e["file"].as_str().unwrap().to_owned();
            let bytes = std::fs::read(format!("{dir}/{file}")).unwrap();
            (file, bytes, e["expect"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// Work done reading `body`, and whether it was read.
fn work_of(body: &[u8], pairwise: bool) -> (Result<()>, usize) {
    let text = std::str::from_utf8(body).unwrap_or("");
    let mut reader = Reader::new(text);
    reader.pairwise = pairwise;
    let result = reader.top_level().map(drop);
    (result, reader.work.steps())
}

#[test]
fn corpus_bodies_stay_within_the_work_bound() {
    for (file, body, _) in corpus() {
        let (_, steps) = work_of(&body, false);
        println!("{file:24} {:6} bytes {steps:7} steps", body.len());
        assert!(
            within_bound(steps, body.len()),
            "{file}: {steps} steps for {} bytes ({:.1} per byte, bound {WORK_PER_BYTE})",
            body.len(),
            steps as f64 / body.len() as f64
        );
    }
}

/// The check catches 0.1's reader: comparing each key with every earlier
/// one costs thousands of steps per byte on the issue's 8,496-key body.
#[test]
fn the_bound_fails_for_pairwise_duplicate_detection() {
    let (_, body, _) = corpus()
        .into_iter()
        .find(|(file, _, _)| file == "many-keys.json")
        .unwrap();
    let (result, steps) = work_of(&body, true);
    assert!(result.is_ok(), "{result:?}");
    assert!(!within_bound(steps, body.len()), "{steps} steps");
    assert!(steps > 100 * body.len(), "{steps} steps");
}

#[test]
fn corpus_bodies_get_their_expected_error() {
    let client = crate::Client::new(
        crate::Credentials::new(crate::CredentialFields {
            partner_code: "MOMO",
            access_key: "F8BBA842ECF85",
            secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz",
        })
        .unwrap(),
        crate::Environment::Test,
    );
    for (file, body, expect) in corpus() {
        let got = match client.verify_ipn(&body) {
            Ok(_) => "ok",
            Err(e) => e.kind().as_str(),
        };
        assert_eq!(got, expect, "{file}");
    }
}

#[test]
fn each_cap_has_its_own_error_at_the_first_byte_past_it() {
    let keys = |n: usize| {
        let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\":0")).collect();
        format!("{{{}}}", members.join(","))
    };
    assert!(Object::parse(keys(MAX_KEYS).as_bytes()).is_ok());
    let limit_of = |body: &str| match Object::parse(body.as_bytes()) {
        Err(Error::JsonLimit { limit, .. }) => Some(limit),
        _ => None,
    };
    assert_eq!(limit_of(&keys(MAX_KEYS + 1)), Some(JsonLimit::Keys));
    let nested = format!("{{\"o\":{}}}", keys(MAX_KEYS + 1));
    assert_eq!(limit_of(&nested), Some(JsonLimit::Keys));

    let array = |n: usize| format!("{{\"a\":[{}]}}", vec!["0"; n].join(","));
    // The array is a value too.
    assert!(Object::parse(array(MAX_VALUES - 1).as_bytes()).is_ok());
    assert_eq!(limit_of(&array(MAX_VALUES)), Some(JsonLimit::Values));

    let string = |n: usize| format!("{{\"s\":\"{}\"}}", "x".repeat(n));
    assert!(Object::parse(string(MAX_STRING_BYTES).as_bytes()).is_ok());
    assert_eq!(
        limit_of(&string(MAX_STRING_BYTES + 1)),
        Some(JsonLimit::StringBytes)
    );
    // Escapes count as written.
    let escaped = |n: usize| format!("{{\"s\":\"{}\\n\"}}", "x".repeat(n));
    assert!(Object::parse(escaped(MAX_STRING_BYTES - 2).as_bytes()).is_ok());
    assert_eq!(
        limit_of(&escaped(MAX_STRING_BYTES - 1)),
        Some(JsonLimit::StringBytes)
    );
    // Escapes are counted over the whole body.
    let flat = |n: usize| {
        let parts = vec!["\\n"; n].concat();
        let strings: Vec<String> = parts
            .as_bytes()
            .chunks(4000)
            .map(|c| format!("\"{}\"", std::str::from_utf8(c).unwrap()))
            .collect();
        format!("{{\"a\":[{}]}}", strings.join(","))
    };
    assert!(Object::parse(flat(MAX_ESCAPES).as_bytes()).is_ok());
    assert_eq!(limit_of(&flat(MAX_ESCAPES + 1)), Some(JsonLimit::Escapes));
    let key = |n: usize| format!("{{\"{}\":1}}", "k".repeat(n));
    assert!(Object::parse(key(MAX_KEY_BYTES).as_bytes()).is_ok());
    assert_eq!(limit_of(&key(MAX_KEY_BYTES + 1)), Some(JsonLimit::KeyBytes));

    let deep = |n: usize| format!("{{\"d\":{}{}}}", "[".repeat(n), "]".repeat(n));
    assert!(Object::parse(deep(MAX_DEPTH).as_bytes()).is_ok());
    assert_eq!(limit_of(&deep(MAX_DEPTH + 1)), Some(JsonLimit::Depth));

    // The message names the constant and the offset, for the merchant's logs.
    let err = Object::parse(keys(MAX_KEYS + 1).as_bytes()).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::JsonLimit);
    let text = err.to_string();
    assert!(
        text.starts_with("MAX_KEYS: the body has an object with more than 128 keys (byte "),
        "{text}"
    );
}

#[test]
fn documented_caps() {
    // README "Limits" and the C header give these numbers.
    assert_eq!(
        (
            MAX_KEYS,
            MAX_KEY_BYTES,
            MAX_VALUES,
            MAX_STRING_BYTES,
            MAX_ESCAPES,
            MAX_DEPTH
        ),
        (128, 64, 512, 4096, 2048, 16)
    );
}

#[test]
fn strings_decode_like_serde_json() {
    for text in [
        r#""plain""#,
        r#""a\"b\\c\/d\be\ff\ng\rh\ti""#,
        r#""\u00e9t\u00C9""#,
        r#""\ud83d\ude00 and \uD834\uDD1E""#,
        r#""\u00e9\n\ud83d\ude00\t""#,
        r#""tiếng Việt \u0041""#,
        r#""""#,
    ] {
        let body = format!(r#"{{"s":{text}}}"#);
        let ours = Object::parse(body.as_bytes()).unwrap().str("s").unwrap();
        let theirs: String = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs, "{text}");
    }
    for bad in [
        r#""\ud83d""#,
        r#""\ude00""#,
        r#""\ud83d\u0041""#,
        r#""\ud83dx""#,
        r#""\u12""#,
        r#""\x""#,
        "\"tab\there\"",
        r#""unterminated"#,
    ] {
        let body = format!(r#"{{"s":{bad}}}"#);
        assert!(
            matches!(
                Object::parse(body.as_bytes()),
                Err(Error::InvalidJson { .. })
            ),
            "{bad}"
        );
    }
}

/// The word-at-a-time scanners agree with a byte-at-a-time reading for
/// every byte in every position of a word, after every prefix.
#[test]
fn word_scanners_agree_with_bytes() {
    use super::reader::{digit_run, whitespace_run};
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    for prefix_byte in [b' ', b'\t', b'\r', b'\n', b'0', b'9'] {
        for prefix in 0..16 {
            for byte in 0..=255u8 {
                let mut bytes = vec![prefix_byte; prefix];
                bytes.push(byte);
                bytes.extend_from_slice(b"        ");
                let scalar = bytes.iter().take_while(|b| ws(b)).count();
                assert_eq!(whitespace_run(&bytes), scalar, "{bytes:?}");
                let scalar = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                assert_eq!(digit_run(&bytes), scalar, "{bytes:?}");
            }
        }
    }
}

proptest! {
    #[test]
    fn word_scanners_on_random_bytes(bytes in prop::collection::vec(
        prop::sample::select(b" \t\n\r0123456789!/:\x00\x80\xff".to_vec()), 0..40)) {
        use super::reader::{digit_run, whitespace_run};
        let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        prop_assert_eq!(whitespace_run(&bytes), bytes.iter().take_while(|b| ws(b)).count());
        prop_assert_eq!(digit_run(&bytes), bytes.iter().take_while(|b| b.is_ascii_digit()).count());
    }
}

/// JSON text for a random value: random whitespace, escapes and numbers.
fn json_text() -> impl Strategy<Value = String> {
    let ws = prop::sample::select(vec!["", " ", "\n", "\t ", "\r\n"]);
    let string = prop::collection::vec(
        prop::sample::select(vec![
            "a",
            "Z",
            "0",
            " ",
            "é",
            "😀",
            "\\n",
            "\\\"",
            "\\\\",
            "\\/",
            "\\u00e9",
            "\\uD83D\\uDE00",
            "\\u0000",
            "key",
        ]),
        0..6,
    )
    .prop_map(|parts| format!("\"{}\"", parts.concat()));
    let number = prop::sample::select(vec![
        "0",
        "-0",
        "7",
        "-12",
        "1.5",
        "1e3",
        "2E-2",
        "-0.0e+1",
        "18446744073709551616",
    ])
    .prop_map(str::to_owned);
    let literal = prop::sample::select(vec!["true", "false", "null"]).prop_map(str::to_owned);
    let leaf = prop_oneof![string.clone(), number, literal];
    let value = leaf.prop_recursive(5, 64, 6, move |inner| {
        let member = (string.clone(), inner.clone());
        prop_oneof![
            prop::collection::vec(inner, 0..6).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(member, 0..6).prop_map(|m| {
                let m: Vec<String> = m.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("{{{}}}", m.join(","))
            }),
        ]
    });
    let key = prop::sample::select(vec!["amount", "orderId", "a", "b", "amo\\u0075nt", "x"]);
    (prop::collection::vec((key, value, ws.clone()), 0..8), ws).prop_map(|(members, ws)| {
        let m: Vec<String> = members
            .into_iter()
            .map(|(k, v, w)| format!("{w}\"{k}\"{w}:{w}{v}{w}"))
            .collect();
        format!("{ws}{{{}}}{ws}", m.join(","))
    })
}

/// A body with one byte replaced, inserted or removed, from the bytes that
/// matter to a JSON reader.
fn damaged() -> impl Strategy<Value = Vec<u8>> {
    let significant = prop::sample::select(b"{}[]\":,\\u0a-.eE+ \x01tfn\xc3!x".to_vec());
    (
        json_text(),
        any::<prop::sample::Index>(),
        significant,
        0..3u8,
    )
        .prop_map(|(text, at, byte, how)| {
            let mut bytes = text.into_bytes();
            let at = at.index(bytes.len() + 1);
            match how {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => drop(bytes.remove(at)),
                _ => {}
            }
            bytes
        })
}

/// Objects built to make key sorting expensive: many keys that share long
/// prefixes, of mixed lengths, possibly nested.
fn many_keys() -> impl Strategy<Value = String> {
    (1..300usize, 0..600usize, 1..40usize, any::<bool>()).prop_map(|(n, prefix, spread, nest)| {
        let prefix = "p".repeat(prefix);
        let members: Vec<String> = (0..n)
            .map(|i| format!("\"{prefix}{}\":{i}", "q".repeat(i % spread)))
            .collect();
        let object = format!("{{{}}}", members.join(","));
        if nest {
            format!("{{\"o\":{object},\"p\":{object}}}")
        } else {
            object
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn work_is_linear_in_the_length(body in prop_oneof![
        json_text().prop_map(String::into_bytes),
        damaged(),
        many_keys().prop_map(String::into_bytes),
    ]) {
        let (_, steps) = work_of(&body, false);
        prop_assert!(within_bound(steps, body.len()), "{} steps for {} bytes", steps, body.len());
    }

    /// What this reader accepts serde_json accepts with the same fields;
    /// what it refuses is refused by serde_json too, or repeats a key,
    /// crosses a cap, or holds a lone surrogate.
    #[test]
    fn agrees_with_serde_json(body in prop_oneof![json_text().prop_map(String::into_bytes), damaged()]) {
        let theirs = serde_json::from_slice::<BTreeMap<String, Box<RawValue>>>(&body);
        match (Object::parse(&body), theirs) {
            (Ok(ours), Ok(theirs)) => {
                prop_assert_eq!(ours.fields.len(), theirs.len());
                for (key, raw) in &theirs {
                    prop_assert_eq!(ours.raw(key), Some(raw.get()));
                }
            }
            (Ok(_), Err(e)) => prop_assert!(false, "accepted what serde_json refuses: {}", e),
            (Err(_), Err(_)) => {}
            (Err(e), Ok(_)) => prop_assert!(
                matches!(e, Error::DuplicateKey { .. } | Error::JsonLimit { .. })
                    || e.to_string().contains("surrogate"),
                "refused what serde_json accepts: {}", e
            ),
        }
    }
}
