#!/usr/bin/env bash
# The C library where POS software runs (run by scripts/test.sh after the C
# stage): for x86_64-pc-windows-gnu and i686-pc-windows-gnu (mingw-w64,
# run under Wine, 64- and 32-bit) and aarch64-unknown-linux-gnu (the cross
# gcc, run under qemu-aarch64), the whole C test suite (oracle vectors, bad
# input, driver and refund driver tests), the RSA ciphertexts it writes
# decrypted with openssl, the thread test and the C++ wrapper test; then the
# release archives (scripts/package-c.sh, reusing these builds), a link test
# per archive (unpacked alone into an empty folder) and the archives built a
# second time in another target folder, byte for byte the same. No
# sanitizers or valgrind here (the C stage runs them on x86_64 Linux).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-c-cross.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

repo=$(pwd -P)
out=target/c-cross
rm -rf "$out"
mkdir -p "$out"
python3 tests/c/gen_vectors.py "$out/vectors.h"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
# Wine: quiet, no Mono/Gecko installers; ~/.wine is made once (about 20 s)
# and reused by every later run.
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
timings=()
now() { date +%s; }

# Per target: the cross compilers, how to run a program, size_t's width.
# shellcheck disable=SC2054 # -Wl,--kill-at is one linker flag
use_target() {
  target=$1
  exe="" shim_flags=()
  case $target in
    x86_64-pc-windows-gnu) pfx=x86_64-w64-mingw32 run=(wine) exe=.exe bits=64 ;;
    i686-pc-windows-gnu) pfx=i686-w64-mingw32 run=(wine) exe=.exe bits=32 shim_flags=(-Wl,--kill-at) ;;
    aarch64-unknown-linux-gnu) pfx=aarch64-linux-gnu run=(qemu-aarch64 -L /usr/aarch64-linux-gnu) bits=64 ;;
    x86_64-unknown-linux-gnu) pfx="" run=() bits=64 ;;
  esac
  cc=${pfx:+$pfx-}gcc cxx=${pfx:+$pfx-}g++
}

# The test-only Wine shim (tests/c/wine/bcryptprimitives_shim.c) into $1.
wine_shim() {
  "$cc" -shared -O2 "${shim_flags[@]}" tests/c/wine/bcryptprimitives_shim.c -ladvapi32 \
    -o "$1/bcryptprimitives.dll"
}

# The names a DLL exports, one a line.
dll_exports() {
  "$pfx-objdump" -p "$1" | awk '/\[Ordinal\/Name Pointer\] Table/ {t = 1; next}
    t && /^[ \t]*\[/ {print $NF; next} t && NF == 0 {t = 0}' | sort
}
header_functions() { grep -oE '\bmomo_[a-z0-9_]+\(' include/momo_pos.h | tr -d '(' | sort -u; }

if command -v wine >/dev/null && [ ! -d "${WINEPREFIX:-$HOME/.wine}" ]; then
  step "Wine: first start makes ${WINEPREFIX:-~/.wine} (reused afterwards)"
  t0=$(now)
  wineboot -i >/dev/null 2>&1 || true
  wineserver -w || true
  timings+=("wine prefix: $(($(now) - t0)) s")
fi

for target in x86_64-pc-windows-gnu i686-pc-windows-gnu aarch64-unknown-linux-gnu; do
  use_target "$target"
  dir=$out/$target
  mkdir -p "$dir/ct"
  step "$target: release build of the C library"
  t0=$(now)
  c_release_build "$target"
  t_build=$(($(now) - t0))
  t0=$(now)
  step "$target: C tests, thread test and C++ wrapper test ($cc, run with ${run[*]})"
  CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -O1 -Iinclude -I"$out" -DREPO_DIR="\"$repo\"")
  CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -pedantic -O1 -Iinclude -Ibindings/cpp -I"$out"
    -DREPO_DIR="\"$repo\"")
  if [ -n "$exe" ]; then
    # The DLL through its MinGW import library, as a vendor links it; the
    # programs carry their own C runtime (-static: no libgcc/libwinpthread DLL).
    diff <(dll_exports "$C_CDYLIB") <(header_functions) ||
      { echo "$target: momo_pos.dll does not export exactly the header's functions" >&2; exit 1; }
    link=("$C_IMPLIB" -static -D__USE_MINGW_ANSI_STDIO=1)
    cp "$C_CDYLIB" "$dir/"
    wine_shim "$dir"
  else
    # shellcheck disable=SC2206 # the list is words
    link=("$C_STATICLIB" $C_NATIVE)
  fi
  "$cc" "${CFLAGS[@]}" tests/c/main.c tests/c/test_*.c "${link[@]}" -o "$dir/c_tests$exe"
  "$cc" "${CFLAGS[@]}" tests/c/threads.c "${link[@]}" -pthread -o "$dir/threads$exe"
  "$cxx" "${CXXFLAGS[@]}" tests/c/wrapper_test.cpp "${link[@]}" -o "$dir/cpp$exe"
  MOMO_C_TEST_SIZE_T_BITS=$bits MOMO_C_TEST_OUT="$dir/ct" "${run[@]}" "$dir/c_tests$exe"
  for bits_rsa in 2048 4096; do
    plain=$(tr -d '\r' <"$dir/ct/ct_rsa$bits_rsa.b64" | base64 -d |
      openssl pkeyutl -decrypt -inkey "tests/keys/test_rsa${bits_rsa}_private.pem" \
        -pkeyopt rsa_padding_mode:pkcs1)
    [ "$plain" = "MM561918531775222861" ] ||
      { echo "$target rsa$bits_rsa: openssl decrypted '$plain'" >&2; exit 1; }
    echo "rsa$bits_rsa: decrypts to the normalized code"
  done
  "${run[@]}" "$dir/threads$exe"
  "${run[@]}" "$dir/cpp$exe"
  timings+=("$target: build $t_build s, tests $(($(now) - t0)) s")
done

step "Release archives (scripts/package-c.sh; reuses the builds above)"
t0=$(now)
bash scripts/package-c.sh
timings+=("package-c.sh (x86_64 Linux build included): $(($(now) - t0)) s")
dist=target/dist

step "A link test per archive: unpacked alone, linked with only its contents"
t0=$(now)
for target in "${C_RELEASE_TARGETS[@]}"; do
  use_target "$target"
  name=momo-pos-$version-$target
  dir=$repo/$out/link/$target
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ -n "$exe" ]; then
    unzip -q "$dist/$name.zip" -d "$dir"
  else
    tar -xzf "$dist/$name.tar.gz" -C "$dir"
  fi
  [ "$(ls "$dir")" = "$name" ] || { echo "$name: not one top folder" >&2; exit 1; }
  top=$dir/$name
  native=$(cat "$top/lib/momo_pos.native-static-libs")
  cflags=(-std=c11 -Wall -Wextra -Werror -I"$top/include" -I"$out")
  built=()
  if [ -n "$exe" ]; then
    cp "$top/bin/momo_pos.dll" "$dir/"
    wine_shim "$dir"
    # MinGW: the import library, the .lib made for link.exe, the static one.
    "$cc" "${cflags[@]}" tests/c/archive_smoke.c "$top/lib/libmomo_pos.dll.a" -static -o "$dir/dll_a.exe"
    "$cc" "${cflags[@]}" tests/c/archive_smoke.c "$top/lib/momo_pos.lib" -static -o "$dir/lib.exe"
    # shellcheck disable=SC2086 # the list is words
    "$cc" "${cflags[@]}" tests/c/archive_smoke.c "$top/lib/libmomo_pos.a" $native -static -o "$dir/static.exe"
    if "$pfx-objdump" -p "$dir/static.exe" | grep -i 'DLL Name: momo_pos.dll' >/dev/null; then
      echo "$target: the static program imports momo_pos.dll" >&2
      exit 1
    fi
    built=(dll_a lib static)
  else
    # shellcheck disable=SC2086
    "$cc" "${cflags[@]}" tests/c/archive_smoke.c "$top/lib/libmomo_pos.a" $native -o "$dir/static"
    "$cc" "${cflags[@]}" tests/c/archive_smoke.c -L"$top/lib" -lmomo_pos -Wl,-rpath,"$top/lib" \
      -o "$dir/shared"
    # pkg-config from the archive alone (the .pc files are relocatable).
    # shellcheck disable=SC2046
    "$cc" "${cflags[@]}" tests/c/archive_smoke.c \
      $(PKG_CONFIG_LIBDIR="$top/lib/pkgconfig" pkg-config --cflags --libs momo_pos) \
      -Wl,-rpath,"$top/lib" -o "$dir/pc_shared"
    # shellcheck disable=SC2046
    "$cc" "${cflags[@]}" tests/c/archive_smoke.c \
      $(PKG_CONFIG_LIBDIR="$top/lib/pkgconfig" pkg-config --cflags --libs momo_pos-static) \
      -o "$dir/pc_static"
    for prog in static pc_static; do
      if "${pfx:+$pfx-}readelf" -d "$dir/$prog" | grep 'libmomo_pos' >/dev/null; then
        echo "$target: $prog needs a shared momo_pos" >&2
        exit 1
      fi
    done
    built=(static shared pc_shared pc_static)
  fi
  for prog in "${built[@]}"; do
    printf '%s %-9s ' "$target" "$prog:"
    "${run[@]}" "$dir/$prog$exe" | tail -n 1
  done
  # CMake's find_package from the archive (cross: a toolchain file).
  toolchain=()
  [ -z "$pfx" ] || toolchain=(-DCMAKE_TOOLCHAIN_FILE="$repo/tests/c/toolchains/$pfx.cmake")
  cmake -S tests/c/archive-consumer -B "$dir/cmake" "${toolchain[@]}" -DCMAKE_PREFIX_PATH="$top" \
    -DVECTORS_DIR="$repo/$out" >/dev/null
  cmake --build "$dir/cmake" >/dev/null
  [ -z "$exe" ] || cp "$top/bin/momo_pos.dll" "$dir/bcryptprimitives.dll" "$dir/cmake/"
  for prog in archive_shared archive_static; do
    printf '%s %-9s ' "$target" "cmake:"
    "${run[@]}" "$dir/cmake/$prog$exe" | tail -n 1
  done
done
timings+=("link tests, all archives: $(($(now) - t0)) s")

step "The archives are reproducible: rebuilt in another target folder (the library and getrandom), packaged again, byte for byte the same"
t0=$(now)
# A second build where every path and rustc's temporary folders differ: a
# copy of this build's folders in which cargo must compile the library
# crate and getrandom (whose raw-dylib import library rustc names after a
# random folder on Windows) and everything between them again, their
# fingerprints removed; the other dependencies are reused.
here=${CARGO_TARGET_DIR:-target}
again=$out/target-again
rm -rf "$again"
mkdir -p "$again"
cp -a "$here/release" "$again/"
for target in "${C_RELEASE_TARGETS[@]}"; do
  mkdir -p "$again/$target"
  cp -a "$here/$target/release" "$again/$target/"
done
find "$again" \( -path '*/.fingerprint/momo-pos-ffi-*' -o -path '*/.fingerprint/getrandom-*' \) \
  -prune -exec rm -rf {} +
CARGO_TARGET_DIR=$again MOMO_DIST_DIR="$out/dist-again" bash scripts/package-c.sh >/dev/null
(cd "$dist" && ls) >"$out/dist.list"
(cd "$out/dist-again" && ls) >"$out/dist-again.list"
diff "$out/dist.list" "$out/dist-again.list"
while read -r f; do
  cmp "$dist/$f" "$out/dist-again/$f"
done <"$out/dist.list"
echo "$(wc -l <"$out/dist.list") files identical"
rm -rf "$again"
# Nothing in the binaries names where this checkout or ~/.cargo is.
for target in "${C_RELEASE_TARGETS[@]}"; do
  c_release_build "$target"
  for f in "$C_STATICLIB" "$C_CDYLIB"; do
    if grep -qF -e "$repo" -e "$(cd "${CARGO_HOME:-$HOME/.cargo}" && pwd -P)" "$f"; then
      echo "$f names a build path" >&2
      exit 1
    fi
  done
done
timings+=("reproducibility check: $(($(now) - t0)) s")

printf '\nCross stage: all passed\n'
printf '  %s\n' "${timings[@]}"
