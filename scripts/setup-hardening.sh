#!/usr/bin/env bash
# What the hardening stages need on top of scripts/setup.sh (issue 7):
# cargo-deny (supply-chain policy), the nightly toolchain with Miri, and
# cargo-fuzz. Idempotent: each tool is installed only when missing or at
# another version. Only rustup and cargo are used.
set -euo pipefail

SETUP_TAG=setup-hardening
# shellcheck source=scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# Pinned so a new release cannot change the policy checks under us.
CARGO_DENY_VERSION=0.20.2
CARGO_FUZZ_VERSION=0.13.2

# Prints the version a cargo subcommand reports, or nothing.
installed_version() {
  cargo "$1" --version 2>/dev/null | awk '{print $2}' || true
}

if [ "$(installed_version deny)" != "$CARGO_DENY_VERSION" ]; then
  say "cargo install cargo-deny ${CARGO_DENY_VERSION}"
  # --locked first (the versions cargo-deny was released with); the mirror
  # may lack one of them, then the registry's newest compatible ones.
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked -j 2 ||
    cargo install cargo-deny --version "$CARGO_DENY_VERSION" -j 2
fi

# cargo-fuzz and Miri need nightly; rustup's minimal profile is enough.
if ! rustup toolchain list | grep '^nightly' >/dev/null; then
  say "rustup toolchain install nightly --profile minimal"
  rustup toolchain install nightly --profile minimal
fi
# Miri runs the C ABI's unit tests (pointer handling, buffers, handles);
# it needs rust-src to build its own standard library.
for component in miri rust-src; do
  if ! rustup +nightly component list --installed 2>/dev/null | grep "^${component}" >/dev/null; then
    say "rustup +nightly component add ${component}"
    rustup +nightly component add "${component}"
  fi
done

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  say "cargo install cargo-fuzz ${CARGO_FUZZ_VERSION}"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked -j 2 ||
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" -j 2
fi
