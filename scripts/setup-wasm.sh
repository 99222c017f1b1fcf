#!/usr/bin/env bash
# What the WebAssembly build and the npm package need, installed only with
# rustup, cargo, apt and npm; a no-op when everything is already there.
# Run by scripts/setup.sh; safe to run alone.
set -euo pipefail
SETUP_TAG=setup-wasm
# shellcheck source=scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$(dirname "$0")/.."


if ! rustup target list --installed 2>/dev/null | grep -x wasm32-unknown-unknown >/dev/null; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must be the exact version of the wasm-bindgen crate in Cargo.lock,
# or it refuses the module ("schema version mismatch"). Without --locked:
# the CLI's own lockfile pins a crate the registry mirror lacks.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "cargo install wasm-bindgen-cli --version $want (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$want" --quiet
fi

# The browser test suites: Debian's Chromium and its matching driver.
apt_install chromium chromium-driver

command -v node >/dev/null 2>&1 || apt_install nodejs npm
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node $node_major is too old: the npm package needs Node 20 or later" >&2
  exit 2
fi

# Build and test tools (binaryen's wasm-opt, typescript, vite, playwright-core)
# come from the committed lockfile; Debian's wasm-opt is too old and breaks
# wasm-bindgen output.
if [ ! -d bindings/npm/node_modules ] || [ bindings/npm/package-lock.json -nt bindings/npm/node_modules/.package-lock.json ]; then
  say "npm ci in bindings/npm"
  (cd bindings/npm && npm ci --no-audit --no-fund --loglevel=error)
fi
