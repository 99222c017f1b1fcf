#!/usr/bin/env bash
# Builds the C library in release mode and installs it under PREFIX:
#   PREFIX/lib/libmomo_pos.{a,so}, PREFIX/lib/momo_pos.native-static-libs
#   PREFIX/include/momo_pos.h, momo_pos.hpp
#   PREFIX/lib/pkgconfig/momo_pos.pc (shared), momo_pos-static.pc (static)
#   PREFIX/lib/cmake/momo_pos/momo_pos-config{,-version}.cmake
# The files installed are the ones cargo reports for this very build
# (c_release_build in scripts/lib.sh, which honours CARGO_TARGET_DIR), never
# whatever an older build left in target/.
# Usage: bash scripts/install-c.sh PREFIX
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
mkdir -p "$1"
prefix=$(cd "$1" && pwd)
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

target=$(rustc -vV | sed -n 's/^host: //p')
c_release_build "$target"
native=$C_NATIVE
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

install -d "$prefix/lib/pkgconfig" "$prefix/lib/cmake/momo_pos" "$prefix/include"
install -m 644 "$C_STATICLIB" "$prefix/lib/libmomo_pos.a"
install -m 755 "$C_CDYLIB" "$prefix/lib/libmomo_pos.so"
install -m 644 include/momo_pos.h bindings/cpp/momo_pos.hpp "$prefix/include/"
echo "$native" >"$prefix/lib/momo_pos.native-static-libs"
c_subst packaging/momo_pos.pc.in "$prefix/lib/pkgconfig/momo_pos.pc"
c_subst packaging/momo_pos-static.pc.in "$prefix/lib/pkgconfig/momo_pos-static.pc"
c_subst packaging/momo_pos-config.cmake.in "$prefix/lib/cmake/momo_pos/momo_pos-config.cmake"
c_subst packaging/momo_pos-config-version.cmake.in \
  "$prefix/lib/cmake/momo_pos/momo_pos-config-version.cmake"
echo "installed momo_pos $version ($C_CDYLIB) under $prefix (native-static-libs: $native)"
