#!/usr/bin/env bash
# What the C library's cross stage (scripts/test-c-cross.sh) and the release
# archives (scripts/package-c.sh) need on top of scripts/setup-c.sh: the
# Rust targets, mingw-w64 and Wine for both Windows widths, the aarch64 cross
# gcc and qemu-user, zip tools. Idempotent: rustup and apt run only when
# something is missing; the i386 architecture (for wine32) is added, and apt
# updated, only once.
set -euo pipefail

SETUP_TAG=setup-c-cross
# shellcheck source=scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

targets=(x86_64-pc-windows-gnu i686-pc-windows-gnu aarch64-unknown-linux-gnu)
installed=$(rustup target list --installed)
for t in "${targets[@]}"; do
  if ! grep -qx "$t" <<<"$installed"; then
    say "rustup target add $t"
    rustup target add "$t"
  fi
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! dpkg --print-foreign-architectures | grep -x i386 >/dev/null; then
  say "dpkg --add-architecture i386 (for wine32)"
  $sudo dpkg --add-architecture i386
  # A new architecture needs a fresh package index even when apt_install
  # finds nothing else missing.
  dpkg -s wine32:i386 >/dev/null 2>&1 || $sudo apt-get update -qq
fi

apt_install gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 g++-mingw-w64-x86-64 g++-mingw-w64-i686 \
  binutils-mingw-w64-x86-64 binutils-mingw-w64-i686 \
  wine wine64 wine32:i386 \
  gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user \
  zip unzip
