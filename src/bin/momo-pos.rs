//! The momo-pos command line (placeholder until the CLI lands).
fn main() {}
