#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! RSA key parsing and payment-code encryption.
//!
//! RSA PKCS#1 v1.5 output is random, so there are no ciphertext vectors:
//! every ciphertext is decrypted with the test private keys in `tests/keys/`,
//! by the `rsa` crate and by the independent OpenSSL command line.

use std::io::Write as _;
use std::process::{Command, Stdio};

use base64::Engine as _;
use momo_pos::{
    EncryptedPaymentCode, Error, ErrorKind, KeyProblem, MomoPublicKey, PaymentCode, RandomSource,
    RandomnessUnavailable,
};
use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};

const RSA2048_B64: &str = include_str!("../../../tests/keys/test_rsa2048_public_spki.b64");
const RSA2048_SPKI_PEM: &str = include_str!("../../../tests/keys/test_rsa2048_public_spki.pem");
const RSA2048_PKCS1_PEM: &str = include_str!("../../../tests/keys/test_rsa2048_public_pkcs1.pem");
const RSA2048_PRIVATE: &str = include_str!("../../../tests/keys/test_rsa2048_private.pem");
const RSA4096_B64: &str = include_str!("../../../tests/keys/test_rsa4096_public_spki.b64");
const RSA4096_SPKI_PEM: &str = include_str!("../../../tests/keys/test_rsa4096_public_spki.pem");
const RSA4096_PKCS1_PEM: &str = include_str!("../../../tests/keys/test_rsa4096_public_pkcs1.pem");
const RSA4096_PRIVATE: &str = include_str!("../../../tests/keys/test_rsa4096_private.pem");
const RSA1024_B64: &str = include_str!("../../../tests/keys/test_rsa1024_public_spki.b64");
const RSA1024_SPKI_PEM: &str = include_str!("../../../tests/keys/test_rsa1024_public_spki.pem");
const RSA1024_PKCS1_PEM: &str = include_str!("../../../tests/keys/test_rsa1024_public_pkcs1.pem");
const RSA1024_PRIVATE: &str = include_str!("../../../tests/keys/test_rsa1024_private.pem");
const EC_P256_PEM: &str = include_str!("../../../tests/keys/test_ec_p256_public_spki.pem");

const SCANNED: &str = "]Q1MM561918531775222861\r\n";
const NORMALIZED: &str = "MM561918531775222861";

fn key_path(file: &str) -> String {
    format!("{}/../../tests/keys/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn b64_decode(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn key_problem(text: &str) -> KeyProblem {
    match MomoPublicKey::parse(text) {
        Err(Error::InvalidPublicKey { problem }) => problem,
        Err(other) => panic!("expected InvalidPublicKey, got {other:?}"),
        Ok(key) => panic!("expected InvalidPublicKey, got {key:?}"),
    }
}

/// Decrypts with the `rsa` crate.
// The test decrypts to prove the ciphertext is right; clippy.toml forbids
// private-key operations everywhere else (RUSTSEC-2023-0071).
#[allow(clippy::disallowed_methods)]
fn rsa_decrypt(private_pem: &str, ciphertext: &[u8]) -> Vec<u8> {
    let private = RsaPrivateKey::from_pkcs8_pem(private_pem).unwrap();
    private.decrypt(Pkcs1v15Encrypt, ciphertext).unwrap()
}

/// Decrypts with the OpenSSL command line, or `None` (with a note) when
/// `openssl` is not on PATH. Under CI (`CI` set) a missing openssl fails:
/// the test scripts install it, so its absence means the check was lost.
fn openssl_decrypt(private_file: &str, ciphertext: &[u8]) -> Option<Vec<u8>> {
    let spawned = Command::new("openssl")
        .args(["pkeyutl", "-decrypt", "-inkey"])
        .arg(key_path(private_file))
        .args(["-pkeyopt", "rsa_padding_mode:pkcs1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var_os("CI").is_none(),
                "openssl is not on PATH under CI: scripts/setup.sh should have installed it"
            );
            println!("NOTE: openssl is not on PATH; skipping the OpenSSL cross-check");
            return None;
        }
        Err(e) => panic!("cannot run openssl: {e}"),
    };
    child.stdin.take().unwrap().write_all(ciphertext).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl pkeyutl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out.stdout)
}

/// The ciphertext has the key's size and decrypts to exactly `expected`
/// with both independent implementations.
fn assert_decrypts(
    key: &MomoPublicKey,
    private_pem: &str,
    private_file: &str,
    encrypted: &EncryptedPaymentCode,
    expected: &str,
) {
    let ciphertext = b64_decode(encrypted.as_str());
    assert_eq!(ciphertext.len(), key.ciphertext_len());
    assert_eq!(rsa_decrypt(private_pem, &ciphertext), expected.as_bytes());
    if let Some(plain) = openssl_decrypt(private_file, &ciphertext) {
        assert_eq!(plain, expected.as_bytes(), "openssl");
    }
}

// ---------------------------------------------------------------------------
// Test random sources
// ---------------------------------------------------------------------------

/// Deterministic counter-based RNG (SplitMix64 of a counter): test only.
struct CounterRng {
    state: u64,
}

impl CounterRng {
    fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl RandomSource for CounterRng {
    fn fill(&mut self, dst: &mut [u8]) -> Result<(), RandomnessUnavailable> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// Fails every call (an OS without randomness).
struct FailingRng;

impl RandomSource for FailingRng {
    fn fill(&mut self, _dst: &mut [u8]) -> Result<(), RandomnessUnavailable> {
        Err(RandomnessUnavailable::default())
    }
}

/// Fills zeros once (forcing the padding's "replace zero bytes" path), then fails.
struct ZerosThenFailRng {
    calls: usize,
}

impl RandomSource for ZerosThenFailRng {
    fn fill(&mut self, dst: &mut [u8]) -> Result<(), RandomnessUnavailable> {
        self.calls += 1;
        if self.calls == 1 {
            dst.fill(0);
            Ok(())
        } else {
            Err(RandomnessUnavailable::default())
        }
    }
}

// ---------------------------------------------------------------------------
// Key parsing
// ---------------------------------------------------------------------------

#[test]
fn accepts_the_three_forms_of_the_2048_bit_key() {
    let b64 = MomoPublicKey::parse(RSA2048_B64).unwrap();
    let spki = MomoPublicKey::parse(RSA2048_SPKI_PEM).unwrap();
    let pkcs1 = MomoPublicKey::parse(RSA2048_PKCS1_PEM).unwrap();
    assert_eq!(b64, spki);
    assert_eq!(b64, pkcs1);
    assert_eq!(b64.bits(), 2048);
    assert_eq!(b64.ciphertext_len(), 256);
    assert_eq!(format!("{b64:?}"), "MomoPublicKey(RSA-2048)");
    // The same key from the private key's public half.
    let private = RsaPrivateKey::from_pkcs8_pem(RSA2048_PRIVATE).unwrap();
    let public_der = private.to_public_key().to_public_key_der().unwrap();
    assert_eq!(b64.to_spki_der(), public_der.as_bytes());
    assert_eq!(MomoPublicKey::from_der(public_der.as_bytes()).unwrap(), b64);
}

#[test]
fn accepts_the_three_forms_of_the_4096_bit_key() {
    let b64 = MomoPublicKey::parse(RSA4096_B64).unwrap();
    let spki = MomoPublicKey::parse(RSA4096_SPKI_PEM).unwrap();
    let pkcs1 = MomoPublicKey::parse(RSA4096_PKCS1_PEM).unwrap();
    assert_eq!(b64, spki);
    assert_eq!(b64, pkcs1);
    assert_eq!(b64.bits(), 4096);
    assert_eq!(b64.ciphertext_len(), 512);
    let k2048 = MomoPublicKey::parse(RSA2048_B64).unwrap();
    assert_ne!(b64, k2048);
}

#[test]
fn accepts_copy_paste_noise_and_der() {
    let key = MomoPublicKey::parse(RSA2048_B64).unwrap();
    // Wrapped at 64 columns, with CRLF and surrounding whitespace.
    let wrapped: String = RSA2048_B64
        .as_bytes()
        .chunks(64)
        .map(|c| format!("{}\r\n", std::str::from_utf8(c).unwrap()))
        .collect();
    assert_eq!(
        MomoPublicKey::parse(&format!("  {wrapped}  ")).unwrap(),
        key
    );
    let crlf_pem = RSA2048_SPKI_PEM.replace('\n', "\r\n");
    assert_eq!(MomoPublicKey::parse(&crlf_pem).unwrap(), key);
    assert_eq!(RSA2048_B64.parse::<MomoPublicKey>().unwrap(), key);
    // DER: SPKI, and PKCS#1 (the body of the RSA PUBLIC KEY block).
    let spki_der = b64_decode(RSA2048_B64.trim());
    assert_eq!(MomoPublicKey::from_der(&spki_der).unwrap(), key);
    assert_eq!(MomoPublicKey::from_spki_der(&spki_der).unwrap(), key);
    let pkcs1_body: String = RSA2048_PKCS1_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let pkcs1_der = b64_decode(&pkcs1_body);
    assert_eq!(MomoPublicKey::from_der(&pkcs1_der).unwrap(), key);
    assert!(MomoPublicKey::from_spki_der(&pkcs1_der).is_err());
}

#[test]
fn refuses_the_1024_bit_key_in_every_form() {
    for text in [RSA1024_B64, RSA1024_SPKI_PEM, RSA1024_PKCS1_PEM] {
        assert_eq!(
            key_problem(text),
            KeyProblem::UnsupportedSize { bits: 1024 },
            "{text}"
        );
    }
}

#[test]
fn refuses_an_ec_key() {
    assert_eq!(key_problem(EC_P256_PEM), KeyProblem::NotRsa);
    // The same key as bare base64 DER, the portal form.
    let body: String = EC_P256_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert_eq!(key_problem(&body), KeyProblem::NotRsa);
}

#[test]
fn refuses_private_keys() {
    for text in [RSA2048_PRIVATE, RSA4096_PRIVATE, RSA1024_PRIVATE] {
        assert_eq!(key_problem(text), KeyProblem::PrivateKey);
    }
    let pkcs1_label = RSA2048_PRIVATE.replace("PRIVATE KEY", "RSA PRIVATE KEY");
    assert_eq!(key_problem(&pkcs1_label), KeyProblem::PrivateKey);
    // A private key as bare base64 DER is still refused (with some reason).
    let body: String = RSA2048_PRIVATE
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let err = MomoPublicKey::parse(&body).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidPublicKey);
    assert!(!err.to_string().contains(&body[..40]), "{err}");
}

#[test]
fn every_truncation_of_the_base64_key_is_refused_without_panic() {
    for full in [RSA2048_B64.trim(), RSA4096_B64.trim()] {
        for len in 0..full.len() {
            let prefix = &full[..len];
            let err = MomoPublicKey::parse(prefix)
                .map(|k| format!("{k:?}"))
                .expect_err(prefix);
            assert_eq!(err.kind(), ErrorKind::InvalidPublicKey, "len {len}");
        }
        assert!(MomoPublicKey::parse(full).is_ok());
    }
}

#[test]
fn every_truncation_of_the_pem_key_is_handled() {
    let key = MomoPublicKey::parse(RSA2048_SPKI_PEM).unwrap();
    for text in [RSA2048_SPKI_PEM, RSA2048_PKCS1_PEM] {
        for len in 0..text.len() {
            // No panic; anything accepted must be the real key (a cut inside
            // the END line still holds the whole base64 body).
            match MomoPublicKey::parse(&text[..len]) {
                Ok(parsed) => assert_eq!(parsed, key, "len {len}"),
                Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidPublicKey, "len {len}"),
            }
        }
    }
}

#[test]
fn refuses_garbage() {
    let long = "A".repeat(20_000);
    let flipped: String = {
        let mut der = b64_decode(RSA2048_B64.trim());
        der[0] = 0x31;
        base64::engine::general_purpose::STANDARD.encode(der)
    };
    for text in [
        "",
        "   ",
        "hello world",
        "MIIBIjANBgkq",
        "====",
        "kh\u{f3}a c\u{f4}ng khai",
        "-----BEGIN PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n",
        &long,
        &flipped,
    ] {
        let err = MomoPublicKey::parse(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPublicKey, "{text:?}");
        assert_eq!(err.field(), None);
    }
    assert!(matches!(
        key_problem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
        KeyProblem::UnsupportedPem { .. }
    ));
    assert_eq!(key_problem("hello world"), KeyProblem::NotBase64);
    for der in [
        &[][..],
        &[0x30][..],
        &[0x30, 0x82, 0xff, 0xff][..],
        &[0u8; 300][..],
    ] {
        assert_eq!(
            MomoPublicKey::from_der(der).unwrap_err().kind(),
            ErrorKind::InvalidPublicKey
        );
    }
}

// ---------------------------------------------------------------------------
// Encryption
// ---------------------------------------------------------------------------

#[test]
fn encrypts_the_scanned_code_so_both_rsa_and_openssl_decrypt_it() {
    let key = MomoPublicKey::parse(RSA2048_B64).unwrap();
    let code = PaymentCode::parse(SCANNED).unwrap();
    assert_eq!(code.as_str(), NORMALIZED);
    let encrypted = key.encrypt(&code).unwrap();
    // 256 bytes of standard base64 with padding: 344 characters.
    assert_eq!(encrypted.as_str().len(), 344);
    assert!(encrypted.as_str().ends_with('='));
    assert_decrypts(
        &key,
        RSA2048_PRIVATE,
        "test_rsa2048_private.pem",
        &encrypted,
        NORMALIZED,
    );
    // Debug never shows the whole ciphertext.
    let shown = format!("{encrypted:?}");
    assert!(shown.len() < 60, "{shown}");
}

#[test]
fn encrypts_every_code_form_as_normalized() {
    let key = MomoPublicKey::parse(RSA2048_SPKI_PEM).unwrap();
    for (scanned, normalized) in [
        ("mm561918531775222861\n", "mm561918531775222861"),
        ("561918531775222861", "561918531775222861"),
        ("]C0MM561918531775222861\t", "MM561918531775222861"),
    ] {
        let encrypted = key.encrypt(&PaymentCode::parse(scanned).unwrap()).unwrap();
        assert_decrypts(
            &key,
            RSA2048_PRIVATE,
            "test_rsa2048_private.pem",
            &encrypted,
            normalized,
        );
    }
}

#[test]
fn two_encryptions_differ() {
    let key = MomoPublicKey::parse(RSA2048_B64).unwrap();
    let code = PaymentCode::parse(SCANNED).unwrap();
    let a = key.encrypt(&code).unwrap();
    let b = key.encrypt(&code).unwrap();
    assert_ne!(a, b);
    assert_eq!(
        rsa_decrypt(RSA2048_PRIVATE, &b64_decode(a.as_str())),
        NORMALIZED.as_bytes()
    );
    assert_eq!(
        rsa_decrypt(RSA2048_PRIVATE, &b64_decode(b.as_str())),
        NORMALIZED.as_bytes()
    );
}

#[test]
fn a_deterministic_rng_gives_identical_ciphertexts() {
    let key = MomoPublicKey::parse(RSA2048_B64).unwrap();
    let code = PaymentCode::parse(SCANNED).unwrap();
    let a = key.encrypt_with(&code, &mut CounterRng::new(42)).unwrap();
    let b = key.encrypt_with(&code, &mut CounterRng::new(42)).unwrap();
    let c = key.encrypt_with(&code, &mut CounterRng::new(43)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    for encrypted in [&a, &c] {
        assert_decrypts(
            &key,
            RSA2048_PRIVATE,
            "test_rsa2048_private.pem",
            encrypted,
            NORMALIZED,
        );
    }
    // Also through a trait object / reborrow.
    let mut rng = CounterRng::new(42);
    let via_ref = key.encrypt_with(&code, &mut &mut rng).unwrap();
    assert_eq!(via_ref, a);
}

#[test]
fn a_failing_rng_is_a_randomness_error_not_a_panic() {
    let key = MomoPublicKey::parse(RSA2048_B64).unwrap();
    let code = PaymentCode::parse(SCANNED).unwrap();
    let err = key.encrypt_with(&code, &mut FailingRng).unwrap_err();
    assert_eq!(err, Error::Randomness);
    assert_eq!(err.kind(), ErrorKind::Randomness);
    assert_eq!(err.kind().as_str(), "randomness");
    let err = key
        .encrypt_with(&code, &mut ZerosThenFailRng { calls: 0 })
        .unwrap_err();
    assert_eq!(err, Error::Randomness);
}

#[test]
fn a_4096_bit_key_gives_512_byte_ciphertexts_that_decrypt() {
    let key = MomoPublicKey::parse(RSA4096_PKCS1_PEM).unwrap();
    let code = PaymentCode::parse(SCANNED).unwrap();
    let encrypted = key.encrypt(&code).unwrap();
    assert_eq!(b64_decode(encrypted.as_str()).len(), 512);
    assert_eq!(encrypted.as_str().len(), 684);
    assert_decrypts(
        &key,
        RSA4096_PRIVATE,
        "test_rsa4096_private.pem",
        &encrypted,
        NORMALIZED,
    );
    let seeded = key.encrypt_with(&code, &mut CounterRng::new(7)).unwrap();
    assert_decrypts(
        &key,
        RSA4096_PRIVATE,
        "test_rsa4096_private.pem",
        &seeded,
        NORMALIZED,
    );
    EncryptedPaymentCode::from_base64(encrypted.as_str()).unwrap();
}

#[test]
fn encrypted_code_round_trips_through_from_base64() {
    let key = MomoPublicKey::parse(RSA2048_B64).unwrap();
    let encrypted = key.encrypt(&PaymentCode::parse(SCANNED).unwrap()).unwrap();
    let back = EncryptedPaymentCode::from_base64(encrypted.as_str()).unwrap();
    assert_eq!(back, encrypted);
    assert_eq!(back.to_string(), encrypted.as_str());
    assert_eq!(back.clone().into_string(), encrypted.as_str());
}

#[test]
fn from_base64_refuses_what_is_not_a_ciphertext() {
    let std = base64::engine::general_purpose::STANDARD;
    for text in [
        NORMALIZED.to_owned(),
        "561918531775222861".to_owned(),
        String::new(),
        "not base64!".to_owned(),
        std.encode([1u8; 255]),
        std.encode([1u8; 513]),
        std.encode([1u8; 256]).trim_end_matches('=').to_owned() + "A",
        base64::engine::general_purpose::URL_SAFE.encode([0xfbu8; 256]),
    ] {
        let err = EncryptedPaymentCode::from_base64(&text).unwrap_err();
        assert_eq!(err.field(), Some("paymentCode"), "{text:?}");
    }
    for n in [256, 384, 512] {
        EncryptedPaymentCode::from_base64(&std.encode(vec![0xfbu8; n])).unwrap();
    }
}

// ---------------------------------------------------------------------------
// Keys as they arrive from config files, environment variables and Notepad
// ---------------------------------------------------------------------------

#[test]
fn indented_pkcs1_pem_is_accepted_like_indented_spki_pem() {
    let key = MomoPublicKey::parse(RSA2048_B64).unwrap();
    let spki = RSA2048_SPKI_PEM.replace('\n', "\n    ");
    assert_eq!(MomoPublicKey::parse(&spki).unwrap(), key);
    let pkcs1 = RSA2048_PKCS1_PEM.replace('\n', "\n    ");
    assert_eq!(MomoPublicKey::parse(&pkcs1).unwrap(), key);
}

#[test]
fn one_line_pem_is_accepted() {
    let key = MomoPublicKey::parse(RSA2048_B64).unwrap();
    for pem in [RSA2048_SPKI_PEM, RSA2048_PKCS1_PEM] {
        let one_line = pem.trim().replace('\n', " ");
        assert_eq!(MomoPublicKey::parse(&one_line).unwrap(), key, "{one_line}");
    }
}

#[test]
fn byte_order_mark_is_ignored() {
    let key = MomoPublicKey::parse(RSA2048_B64).unwrap();
    for text in [RSA2048_B64, RSA2048_SPKI_PEM, RSA2048_PKCS1_PEM] {
        let with_bom = format!("\u{feff}{text}");
        assert_eq!(MomoPublicKey::parse(&with_bom).unwrap(), key);
    }
}
