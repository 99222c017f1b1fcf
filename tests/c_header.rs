#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! The committed C header is what cbindgen makes from src/ now, and its
//! version defines are Cargo.toml's version.

#![cfg(not(target_arch = "wasm32"))]

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/momo_pos.h"));
const COMMITTED: &str = include_str!("../include/momo_pos.h");

#[test]
fn committed_header_is_up_to_date() {
    assert!(
        GENERATED == COMMITTED,
        "include/momo_pos.h is stale: regenerate it with\n\n    \
         MOMO_POS_REGEN_HEADER=1 cargo build\n\nand commit it"
    );
}

fn define(name: &str) -> &'static str {
    let prefix = format!("#define {name} ");
    COMMITTED
        .lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("{name} is not defined in include/momo_pos.h"))
        .trim()
}

#[test]
fn version_defines_match_cargo_toml() {
    // Read Cargo.toml itself rather than CARGO_PKG_VERSION, which build.rs
    // also used: the test must not share the generator's source.
    let manifest = include_str!("../Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = "))
        .unwrap()
        .trim_matches('"');
    let mut parts = version.split('.');
    assert_eq!(define("MOMO_POS_VERSION"), format!("\"{version}\""));
    assert_eq!(define("MOMO_POS_VERSION_MAJOR"), parts.next().unwrap());
    assert_eq!(define("MOMO_POS_VERSION_MINOR"), parts.next().unwrap());
    assert_eq!(define("MOMO_POS_VERSION_PATCH"), parts.next().unwrap());
}

#[test]
fn every_exported_function_is_prefixed() {
    for line in COMMITTED.lines() {
        if let Some(open) = line.find('(') {
            let head = &line[..open];
            if line.starts_with(' ') || line.starts_with('#') || line.starts_with('/') {
                continue;
            }
            let name = head.rsplit([' ', '*']).next().unwrap();
            assert!(
                name.starts_with("momo_"),
                "unprefixed symbol {name}: {line}"
            );
        }
    }
}
