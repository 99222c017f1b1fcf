#!/usr/bin/env bash
# Installs what the project needs on a fresh machine and is a no-op when it
# is already there. Sourced by demo.sh and test.sh; safe to run alone.
# Only rustup, cargo and apt are used: nothing is downloaded from elsewhere.
set -euo pipefail

SETUP_TAG=setup
# shellcheck source=scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: install Rust with rustup (https://rustup.rs) first" >&2
  exit 2
fi

# rustfmt and clippy are part of the test command.
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep "^${component}" >/dev/null; then
    say "rustup component add ${component}"
    rustup component add "${component}"
  fi
done

# openssl: an independent decryptor for the RSA tests; python3: the
# signature oracle's freshness check. Both are Debian packages.
command -v openssl >/dev/null 2>&1 || apt_install openssl
command -v python3 >/dev/null 2>&1 || apt_install python3

# WebAssembly target, wasm-bindgen CLI, Chromium and the npm tools.
bash "$(dirname "$0")/setup-wasm.sh"

# The C ABI: compilers, valgrind, CMake, pkg-config, libcurl.
bash "$(dirname "$0")/setup-c.sh"
