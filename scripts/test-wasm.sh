#!/usr/bin/env bash
# The WebAssembly and npm stage of the test command: clippy for wasm32, the
# wasm-bindgen-test suites in Node and in headless Chromium, the npm build
# (wasm-opt, tsc, npm pack) and the JS tests, packaging tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-wasm.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$SECONDS
wasm=(-p momo-pos-wasm --target wasm32-unknown-unknown --locked)

step "cargo clippy --target wasm32-unknown-unknown (browser and full builds)"
cargo clippy "${wasm[@]}" --lib --test wasm -- -D warnings
cargo clippy "${wasm[@]}" --lib --test wasm --features signing -- -D warnings

suite() {
  # $1: label; rest: command. wasm-bindgen-test skips tests not meant for
  # the engine at hand and still passes, so a run that tested nothing fails.
  local label=$1 log passed
  shift
  step "$label"
  log=$(mktemp)
  "$@" 2>&1 | tee "$log"
  passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log" | awk '{n += $4} END {print n + 0}')
  rm -f "$log"
  if [ "$passed" -eq 0 ]; then
    echo "$label: no test ran" >&2
    exit 1
  fi
}

suite "wasm-bindgen-test in Node (full build)" \
  cargo test "${wasm[@]}" --test wasm --features signing
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
suite "wasm-bindgen-test in headless Chromium (browser build)" \
  env WASM_BINDGEN_USE_BROWSER=1 cargo test "${wasm[@]}" --test wasm
suite "wasm-bindgen-test in headless Chromium (full build)" \
  env WASM_BINDGEN_USE_BROWSER=1 cargo test "${wasm[@]}" --test wasm --features signing

step "build the npm package (scripts/build-npm.sh)"
bash scripts/build-npm.sh

step "JS tests: API against node:crypto and openssl, the IPN example, packaging (Node, Vite, plain page)"
(cd bindings/npm && node --test test/*.test.mjs)

printf '\nwasm stage: %ss\n' "$((SECONDS - started))"
