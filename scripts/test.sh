#!/usr/bin/env bash
# The test command: sets up a fresh machine, then runs every check.
# CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Only the tests need these (the demo does not): cargo-deny, nightly with
# Miri, cargo-fuzz.
bash scripts/setup-hardening.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "signature vectors are what the Python oracle computes"
python3 tests/oracle/make_vectors.py --check

step "the worst-case bodies in tests/hostile are what their script makes"
python3 tests/hostile/make_corpus.py --check

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc -D warnings (broken intra-doc links are errors, see [workspace.lints])"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "supply chain: cargo deny (licenses, bans, sources; advisories with MOMO_DENY_ADVISORIES=1)"
# --offline reads the whole lockfile: fetch the wasm-only crates too.
cargo fetch --locked
cargo deny --offline check licenses bans sources
# The advisory database needs the network, so CI runs it only when asked.
if [ "${MOMO_DENY_ADVISORIES:-0}" = 1 ]; then
  cargo deny check advisories
fi

step "cargo test (unit, integration, property, CLI and doc tests)"
cargo test --workspace --all-targets --locked
cargo test --workspace --doc --locked

step "packaging: what each publishable crate ships, a dependent's build"
bash scripts/test-package.sh

step "model check: the driver's money rules in every interleaving, against a model of MoMo"
# Optimised (profile "model"): a debug build would take half an hour.
# MOMO_MODEL_DEPTH deepens the search.
cargo test -p momo-pos-testkit --profile model --locked --test model_check -- --ignored --nocapture

step "model check: the refund driver's money rules, against a model of MoMo's refund ledger"
cargo test -p momo-pos-testkit --profile model --locked --test model_check_refund -- --ignored --nocapture

step "WebAssembly and the npm package"
bash scripts/test-wasm.sh

step "C ABI: C and C++ tests, sanitizers, valgrind, example, packaging"
bash scripts/test-c.sh

step "C library on Windows (64-, 32-bit, Wine) and aarch64 Linux (qemu): C suites, release archives, link tests"
bash scripts/test-c-cross.sh

step "End to end: MoMo sandbox, Node backend, C terminal, cashier page"
bash scripts/test-e2e.sh

step "Miri: the C ABI's unit tests (pointers, buffers, handle lifetimes) checked for UB"
# All of the C crate's unit tests (none does RSA work, which would take
# minutes per operation under Miri; the 64 KiB body test is skipped under
# Miri for the same reason); a few minutes cold, seconds once built.
cargo +nightly miri test -p momo-pos-ffi --lib

step "fuzzing: every target in fuzz/ (MOMO_FUZZ_SECONDS each, see scripts/test-fuzz.sh), regressions replayed"
bash scripts/test-fuzz.sh
