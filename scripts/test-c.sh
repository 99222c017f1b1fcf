#!/usr/bin/env bash
# The C ABI's test stage (run by scripts/test.sh after the Rust tests):
# C tests plain, under AddressSanitizer+UBSan and under valgrind; the thread
# test; the C++ wrapper test; the POS terminal example against a local stub;
# packaging (install, static link, pkg-config, CMake find_package).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-c.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

repo=$PWD
out=target/c-tests
rm -rf "$out"
mkdir -p "$out/ct"
CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -Iinclude -I"$out" -DREPO_DIR="\"$repo\"")
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

step "C ABI: build the library (debug) and check the header covers the tests"
cargo build --lib --locked --quiet
lib=target/debug/libmomo_pos.a
missing=0
for fn in $(grep -oE '\bmomo_[a-z0-9_]+\(' include/momo_pos.h | tr -d '(' | sort -u); do
  if ! grep -qw "$fn" tests/c/*.c tests/c/*.h; then
    echo "no C test calls $fn" >&2
    missing=1
  fi
done
[ "$missing" -eq 0 ] || exit 1
python3 tests/c/gen_vectors.py "$out/vectors.h"

step "C tests"
cc "${CFLAGS[@]}" tests/c/main.c tests/c/test_*.c "$lib" "${RUST_STD_SYSLIBS[@]}" -o "$out/c_tests"
MOMO_C_TEST_OUT="$out/ct" "$out/c_tests"

step "RSA ciphertexts from C decrypt with openssl and the test private keys"
for bits in 2048 4096; do
  plain=$(base64 -d "$out/ct/ct_rsa$bits.b64" \
    | openssl pkeyutl -decrypt -inkey "tests/keys/test_rsa${bits}_private.pem" \
        -pkeyopt rsa_padding_mode:pkcs1)
  if [ "$plain" != "MM561918531775222861" ]; then
    echo "rsa$bits: openssl decrypted '$plain'" >&2
    exit 1
  fi
  echo "rsa$bits: decrypts to the normalized code"
done

step "C tests under AddressSanitizer + UBSan"
cc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
  tests/c/main.c tests/c/test_*.c "$lib" "${RUST_STD_SYSLIBS[@]}" -o "$out/c_tests_asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/c_tests_asan"

step "C tests under valgrind (no error, no definite or indirect leak)"
VALGRIND=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect
  --show-leak-kinds=definite,indirect)
"${VALGRIND[@]}" "$out/c_tests"

step "Thread test: one client, several threads (plain, ASan, valgrind)"
cc "${CFLAGS[@]}" tests/c/threads.c "$lib" "${RUST_STD_SYSLIBS[@]}" -o "$out/threads"
"$out/threads"
cc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all \
  tests/c/threads.c "$lib" "${RUST_STD_SYSLIBS[@]}" -o "$out/threads_asan"
ASAN_OPTIONS=detect_leaks=1 "$out/threads_asan"
"${VALGRIND[@]}" "$out/threads"

step "C++17 wrapper test (plain, ASan+UBSan, valgrind)"
CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -pedantic -g -Iinclude -Ibindings/cpp -I"$out"
  -DREPO_DIR="\"$repo\"")
g++ "${CXXFLAGS[@]}" tests/c/wrapper_test.cpp "$lib" "${RUST_STD_SYSLIBS[@]}" -o "$out/cpp"
"$out/cpp"
g++ "${CXXFLAGS[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all \
  tests/c/wrapper_test.cpp "$lib" "${RUST_STD_SYSLIBS[@]}" -o "$out/cpp_asan"
ASAN_OPTIONS=detect_leaks=1 "$out/cpp_asan"
"${VALGRIND[@]}" "$out/cpp"

step "POS terminal example (libcurl) against a local stub of MoMo's gateway"
cc -std=c11 -Wall -Wextra -Werror -g -Iinclude examples/c-terminal/pos_terminal.c "$lib" \
  -lcurl "${RUST_STD_SYSLIBS[@]}" -o "$out/pos_terminal"
# scenario, expected exit status (0 paid, 1 not paid, 3 refresh the code),
# MOMO_AUTO_CAPTURE; ARGS adds options. The driver polls every 100 ms here.
start_stub() {
  local scenario=$1 port_file="$out/stub_port_$1"
  rm -f "$port_file"
  python3 tests/c/stub_momo.py "$scenario" "$port_file" 2>"$out/stub_$scenario.log" &
  stub=$!
  for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
  stub_url="http://127.0.0.1:$(cat "$port_file")"
}
scan=$']Q1MM561918531775222861\r'
terminal_env=(MOMO_PARTNER_CODE=MOMO MOMO_ACCESS_KEY=F8BBA842ECF85
  MOMO_SECRET_KEY=K951B6PE1waDMi640xX08PD3vg6EkVlz
  MOMO_PUBLIC_KEY_FILE=tests/keys/test_rsa2048_public_spki.b64)
terminal() {
  local config=${CONFIG:-'{"pollDelaysMs":[100]}'}
  # shellcheck disable=SC2086 # WRAP and ARGS are words
  env "${terminal_env[@]}" MOMO_AUTO_CAPTURE="${AUTO:-1}" MOMO_DRIVER_CONFIG="$config" \
    ${WRAP:-} "$out/pos_terminal" ${ARGS:-} "$stub_url" ORDER-42 59000 <<<"$scan"
}
terminal_case() {
  local scenario=$1 expected=$2 status=0
  start_stub "$scenario"
  AUTO="${3:-1}" terminal >"$out/terminal_$scenario.log" 2>&1 || status=$?
  kill "$stub" 2>/dev/null || true
  wait "$stub" 2>/dev/null || true
  if [ "$status" -ne "$expected" ]; then
    cat "$out/terminal_$scenario.log" "$out/stub_$scenario.log" >&2
    echo "terminal, scenario $scenario: exit $status, expected $expected" >&2
    exit 1
  fi
  echo "scenario $scenario ${ARGS:-}: exit $status ($(tail -n 1 "$out/terminal_$scenario.log"))"
}
terminal_case paid 0
terminal_case authorized 0 0
ARGS="--decide cancel" terminal_case authorized 1 0
grep -q '"kind":"decided","action":"cancel","by":"merchant"' "$out/terminal_authorized.log" ||
  { echo "terminal: --decide cancel did not cancel" >&2; exit 1; }
terminal_case pending 0
terminal_case declined 1
terminal_case refresh 3
WRAP="${VALGRIND[*]}" terminal_case garbage 0

# The write-ahead rule: the terminal is killed while it waits after the pos
# went out; run again on its state file, it sends the very same pos bytes.
state="$out/terminal.state"
rm -f "$state"
start_stub crash
# `env` execs the terminal: $! is its own pid.
env "${terminal_env[@]}" MOMO_DRIVER_CONFIG='{"pollDelaysMs":[2000]}' "$out/pos_terminal" \
  --state "$state" "$stub_url" ORDER-42 59000 <<<"$scan" >"$out/terminal_crash1.log" 2>&1 &
first=$!
for _ in $(seq 100); do grep -q 'pos #1' "$out/stub_crash.log" && break; sleep 0.1; done
sleep 0.3
kill -9 "$first"
wait "$first" 2>/dev/null || true
status=0
ARGS="--state $state" terminal >"$out/terminal_crash2.log" 2>&1 || status=$?
kill "$stub" 2>/dev/null || true
wait "$stub" 2>/dev/null || true
pos_digests=$(grep -o 'pos #[0-9] [0-9a-f]*' "$out/stub_crash.log" | awk '{print $3}' | sort -u)
# pos, (killed) pos again, one query: the killed terminal sent nothing more.
if [ "$status" -ne 0 ] || [ "$(grep -c 'pos #' "$out/stub_crash.log")" -ne 2 ] ||
  [ "$(grep -c 'query #' "$out/stub_crash.log")" -ne 1 ] ||
  [ "$(echo "$pos_digests" | wc -l)" -ne 1 ] || ! grep -q '^resumed ORDER-42' "$out/terminal_crash2.log"; then
  cat "$out/terminal_crash2.log" "$out/stub_crash.log" >&2
  echo "terminal: resuming from $state failed (exit $status)" >&2
  exit 1
fi
echo "resumed from the state file: the same pos bytes went again ($pos_digests), then paid"
# A finished payment's state file answers without sending anything.
start_stub crash
ARGS="--state $state" terminal >"$out/terminal_crash3.log" 2>&1
kill "$stub" 2>/dev/null || true
wait "$stub" 2>/dev/null || true
if grep -q 'stub:' "$out/stub_crash.log" || ! grep -q '^PAID' "$out/terminal_crash3.log"; then
  cat "$out/terminal_crash3.log" "$out/stub_crash.log" >&2
  echo "terminal: a finished payment sent again" >&2
  exit 1
fi
echo "a finished payment's state file: PAID again, nothing sent"

step "Packaging: install, link the .a alone, the .so through pkg-config, CMake find_package"
prefix="$repo/$out/install"
# install-c.sh installs what cargo built for this very build, wherever
# CARGO_TARGET_DIR puts it (here a second name for target/, so nothing is
# rebuilt), not a path it guessed.
ln -sfn "$repo/target" "$out/other-target"
CARGO_TARGET_DIR="$repo/$out/other-target" bash scripts/install-c.sh "$prefix" | tee "$out/install.log"
grep -qF "$repo/$out/other-target/" "$out/install.log"
for f in libmomo_pos.a libmomo_pos.so; do
  cmp "$prefix/lib/$f" "$out/other-target/$(rustc -vV | sed -n 's/^host: //p')/release/$f"
done
# The shared library exports the header's functions and nothing else.
diff <(nm -D --defined-only "$prefix/lib/libmomo_pos.so" | awk '{print $3}' | sort) \
  <(grep -oE '\bmomo_[a-z0-9_]+\(' include/momo_pos.h | tr -d '(' | sort -u)
native=$(cat "$prefix/lib/momo_pos.native-static-libs")
# The README's static-link command carries this very list.
grep -qF -- "$native" README.md || { echo "README.md lacks the native-static-libs: $native" >&2; exit 1; }
# The scripts' own list (scripts/lib.sh) covers it.
for syslib in $native; do
  [[ " ${RUST_STD_SYSLIBS[*]} " == *" $syslib "* ]] ||
    { echo "scripts/lib.sh RUST_STD_SYSLIBS lacks $syslib" >&2; exit 1; }
done
# shellcheck disable=SC2086 # the list is words
cc -std=c11 -Wall -Werror -I"$prefix/include" -I"$out" tests/c/link_smoke.c \
  "$prefix/lib/libmomo_pos.a" $native -o "$out/link_static"
if ldd "$out/link_static" | grep momo_pos >/dev/null; then
  echo "link_static depends on a shared momo_pos" >&2
  exit 1
fi
"$out/link_static"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion momo_pos)" = "$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)" ]
# shellcheck disable=SC2046 # pkg-config prints words
cc -std=c11 -Wall -Werror -I"$out" tests/c/link_smoke.c $(pkg-config --cflags --libs momo_pos) \
  -Wl,-rpath,"$prefix/lib" -o "$out/link_shared"
ldd "$out/link_shared" | grep "$prefix/lib/libmomo_pos.so" >/dev/null
"$out/link_shared"
# The static link through pkg-config: momo_pos-static.pc names the .a by
# path, so the .so beside it is not picked (`--static --libs momo_pos` would).
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror -I"$out" tests/c/link_smoke.c $(pkg-config --cflags --libs momo_pos-static) \
  -o "$out/link_pc_static"
if ldd "$out/link_pc_static" | grep momo_pos >/dev/null; then
  echo "link_pc_static depends on a shared momo_pos" >&2
  exit 1
fi
"$out/link_pc_static"
cmake -S tests/c/cmake-consumer -B "$out/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
  -DVECTORS_DIR="$repo/$out" >/dev/null
cmake --build "$out/cmake" >/dev/null
"$out/cmake/link_cmake_shared"
"$out/cmake/link_cmake_static"
# The README's C++17 example, compiled and run from the README's own text.
python3 - README.md "$out/readme_example.cpp" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<!-- cpp-example:[^>]*-->\n```cpp\n(.*?)\n```", text, re.S)
if not m:
    sys.exit("README.md: no cpp-example block")
open(sys.argv[2], "w", encoding="utf-8").write(m.group(1) + "\n")
PY
# shellcheck disable=SC2086 # the list is words
g++ -std=c++17 -Wall -Wextra -Werror -pedantic -I"$prefix/include" "$out/readme_example.cpp" \
  "$prefix/lib/libmomo_pos.a" $native -o "$out/readme_example"
python3 -c 'import json, sys
for v in json.load(open("tests/vectors/signatures.json"))["ipn"]:
    if v["name"] == "valid_basic": sys.stdout.write(v["body"])' >"$out/readme_ipn.json"
"$out/readme_example" tests/keys/test_rsa2048_public_spki.b64 <"$out/readme_ipn.json" \
  | tee "$out/readme_example.log"
grep -q '"partnerCode":"MOMO"' "$out/readme_example.log"
grep -q '^IPN MM1540456472575 paid, transId ' "$out/readme_example.log"
# The benchmark program only compiles here (scripts/bench-c.sh runs it).
# shellcheck disable=SC2086
cc -std=c11 -O2 -Wall -Wextra -Werror -I"$prefix/include" -I"$out" tests/c/bench.c \
  "$prefix/lib/libmomo_pos.a" $native -o "$out/bench"

printf '\nC ABI stage: all passed\n'
