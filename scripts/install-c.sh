#!/usr/bin/env bash
# Builds the C library in release mode and installs it under PREFIX:
#   PREFIX/lib/libmomo_pos.{a,so}
#   PREFIX/include/momo_pos.h, momo_pos.hpp
#   PREFIX/lib/pkgconfig/momo_pos.pc
#   PREFIX/lib/cmake/momo_pos/momo_pos-config{,-version}.cmake
# Usage: bash scripts/install-c.sh PREFIX
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
mkdir -p "$1"
prefix=$(cd "$1" && pwd)

# The staticlib build also reports what Rust's std needs from the system.
native=$(cargo rustc --release --locked --quiet --lib --crate-type staticlib \
  -- --print native-static-libs 2>&1 | sed -n 's/^note: native-static-libs: //p' | tail -n 1)
[ -n "$native" ] || { echo "rustc printed no native-static-libs" >&2; exit 1; }
cp target/release/libmomo_pos.a target/release/libmomo_pos-static.a.tmp
cargo build --release --locked --quiet --lib
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}

install -d "$prefix/lib/pkgconfig" "$prefix/lib/cmake/momo_pos" "$prefix/include"
install -m 644 target/release/libmomo_pos-static.a.tmp "$prefix/lib/libmomo_pos.a"
rm -f target/release/libmomo_pos-static.a.tmp
install -m 755 target/release/libmomo_pos.so "$prefix/lib/libmomo_pos.so"
install -m 644 include/momo_pos.h bindings/cpp/momo_pos.hpp "$prefix/include/"
echo "$native" >"$prefix/lib/momo_pos.native-static-libs"
subst() {
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" \
    -e "s|@MINOR@|$minor|g" -e "s|@NATIVE_STATIC_LIBS@|$native|g" \
    -e "s|@NATIVE_STATIC_LIBS_CMAKE@|$(echo "$native" | sed 's/ /;/g')|g" "$1" >"$2"
}
subst packaging/momo_pos.pc.in "$prefix/lib/pkgconfig/momo_pos.pc"
subst packaging/momo_pos-config.cmake.in "$prefix/lib/cmake/momo_pos/momo_pos-config.cmake"
subst packaging/momo_pos-config-version.cmake.in \
  "$prefix/lib/cmake/momo_pos/momo_pos-config-version.cmake"
echo "installed momo_pos $version under $prefix (native-static-libs: $native)"
