#!/usr/bin/env bash
# Benchmarks of the C ABI (not part of the tests; timings are never asserted):
# 1. tests/c/bench.c, a C program timing the C path through the installed
#    release library;
# 2. `cargo bench --bench ffi`: the same work through the Rust API and
#    through the C functions, timed in alternating rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=target/c-bench
mkdir -p "$out"
bash scripts/install-c.sh "$out/install" >/dev/null
python3 tests/c/gen_vectors.py "$out/vectors.h"
# shellcheck disable=SC2046 # the list is words
cc -std=c11 -O2 -I"$out/install/include" -I"$out" tests/c/bench.c "$out/install/lib/libmomo_pos.a" \
  $(cat "$out/install/lib/momo_pos.native-static-libs") -o "$out/bench"
echo "== C program (tests/c/bench.c), release library"
"$out/bench"
echo "== Rust API vs C ABI, alternating rounds (benches/ffi.rs)"
cargo bench --locked --bench ffi 2>&1 | grep -E "^(encrypt|verify)"
