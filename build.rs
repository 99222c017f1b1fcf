//! Build script. The core crate needs nothing generated; the C ABI (which
//! will run cbindgen from here to refresh `include/momo_pos.h`) hooks in
//! later. Re-run only when this file changes, so ordinary builds stay fast.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}
