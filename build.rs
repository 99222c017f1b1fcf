//! Build script: generates the C header of the C ABI (src/) with cbindgen.
//!
//! The header is written to `$OUT_DIR/momo_pos.h`; `tests/c_header.rs` fails
//! when the committed `include/momo_pos.h` differs from it. With
//! `MOMO_POS_REGEN_HEADER=1` the committed copy is rewritten as well.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-env-changed=MOMO_POS_REGEN_HEADER");

    // The wasm binding has no C ABI (this crate is not built there).
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        return;
    }
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
    let config = match cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")) {
        Ok(config) => config,
        Err(e) => {
            println!("cargo:warning=cbindgen.toml: {e}");
            std::process::exit(1);
        }
    };
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let part = |name: &str| env::var(name).unwrap_or_default();
    let defines = format!(
        "\n#define MOMO_POS_VERSION \"{version}\"\n\
         #define MOMO_POS_VERSION_MAJOR {}\n\
         #define MOMO_POS_VERSION_MINOR {}\n\
         #define MOMO_POS_VERSION_PATCH {}\n",
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH"),
    );
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .with_after_include(defines)
        .generate();
    let bindings = match bindings {
        Ok(bindings) => bindings,
        Err(e) => {
            println!("cargo:warning=cbindgen: {e}");
            std::process::exit(1);
        }
    };
    bindings.write_to_file(out_dir.join("momo_pos.h"));
    if env::var("MOMO_POS_REGEN_HEADER").as_deref() == Ok("1") {
        bindings.write_to_file(crate_dir.join("include/momo_pos.h"));
    }
}
