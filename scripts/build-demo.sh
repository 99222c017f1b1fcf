#!/usr/bin/env bash
# Builds what the demo runs that the test stages do not already build: the
# C library in release and the C terminal (target/demo/pos_terminal), and
# the npm packages of the backend and the end-to-end tests. The npm package
# itself comes from scripts/build-npm.sh. Needs scripts/setup.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/.."

SETUP_TAG=build-demo
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

say "C library (release) and the C terminal"
cargo build --release --lib --locked --quiet
mkdir -p target/demo
cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude examples/c-terminal/pos_terminal.c \
  target/release/libmomo_pos.a -lcurl "${RUST_STD_SYSLIBS[@]}" -o target/demo/pos_terminal

for dir in examples/pos-backend tests/e2e; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
