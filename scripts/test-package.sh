#!/usr/bin/env bash
# The packaging stage of the test command (run by scripts/test.sh after the
# Rust tests):
#   1. what each publishable crate of the workspace would upload (cargo
#      package --list): no test keys, no fuzz corpus, no npm or web files, no
#      other face's fixtures; and the files a crate cannot do without;
#   2. the core (momo-pos) builds from its packaged files alone (cargo
#      publish --dry-run);
#   3. a dependent: a scratch crate outside the workspace that depends on the
#      core by path gets no C ABI, no cbindgen, no wasm-bindgen, no C symbols
#      and no staticlib/cdylib; the time of its cold build is printed.
# --allow-dirty lets it run in a work tree with uncommitted changes; in CI's
# clean clone it changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

SETUP_TAG=package
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
command -v python3 >/dev/null 2>&1 || apt_install python3
command -v nm >/dev/null 2>&1 || apt_install binutils

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { printf '\033[31mFAIL\033[0m %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok   %s\n' "$*"; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Paths no published crate may ship (extended regular expressions, matched
# against each path of `cargo package --list`), each with its reason after
# " -- ".
forbidden=(
  '(^|/)[^/]*private[^/]*\.(pem|key|der|p8|pk8|p12|pfx)$ -- test key: a private half'
  '(^|/)tests/keys/.*\.pem$ -- test key'
  '(^|/)fuzz/ -- fuzz targets and corpus'
  '(^|/)www/ -- the cashier page'
  '(^|/)node_modules/ -- npm dependencies'
  '(^|/)package(-lock)?\.json$ -- npm manifest or lock'
  '(^|/)bindings/(npm|wasm)/ -- the npm package or its WebAssembly crate'
  '(^|/)tests/(c|cpp|e2e|sandbox|load|hostile|oracle|vectors|snapshots|keys)/ -- fixtures of the tests and of the other faces'
  '(^|/)examples/(c-terminal|pos-backend)/ -- the C and Node examples'
  '(^|/)target/ -- build output'
)
# Paths every published crate must ship: extended regular expressions.
required=('^Cargo\.toml$' '^src/lib\.rs$' '^README\.md$' '^LICENSE-[A-Z0-9.-]+$')

step "packaging: the files each publishable crate ships (cargo package --list)"
mapfile -t crates < <(cargo metadata --no-deps --format-version 1 --locked | python3 -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    # publish: null is "any registry", [] is publish = false.
    if p["publish"] != []:
        print(p["name"])
')
[ ${#crates[@]} -gt 0 ] || fail "cargo metadata found no publishable crate"
echo "publishable crates: ${crates[*]}"
for name in "${crates[@]}"; do
  list="$scratch/$name.files"
  cargo package --list --locked --allow-dirty -p "$name" >"$list"
  bad=0
  for rule in "${forbidden[@]}"; do
    pattern=${rule% -- *}
    why=${rule##* -- }
    if hits=$(grep -E "$pattern" "$list"); then
      echo "$name ships $why:" >&2
      while IFS= read -r line; do echo "    $line" >&2; done <<<"$hits"
      bad=1
    fi
  done
  for pattern in "${required[@]}"; do
    grep -qE "$pattern" "$list" || { echo "$name does not ship $pattern" >&2; bad=1; }
  done
  [ "$bad" = 0 ] || fail "$name: package contents (full list: cargo package --list -p $name)"
  ok "$name: $(wc -l <"$list") files, none forbidden, Cargo.toml src/lib.rs README.md LICENSE-* present"
done

step "packaging: momo-pos builds from its packaged files alone (cargo publish --dry-run)"
cargo publish --dry-run --locked --allow-dirty -p momo-pos
# The licences are symlinks to the root's (crates/momo-pos/LICENSE-MIT ->
# ../../LICENSE-MIT): the .crate must hold their text, not a link. (cargo
# package writes the .crate to target/package/; publish --dry-run keeps its
# copy elsewhere.)
cargo package --no-verify --locked --allow-dirty -p momo-pos
crate_file=$(cargo metadata --no-deps --format-version 1 --locked | python3 -c '
import json, sys
m = json.load(sys.stdin)
v = next(p["version"] for p in m["packages"] if p["name"] == "momo-pos")
print(m["target_directory"] + "/package/momo-pos-" + v + ".crate")
')
[ -f "$crate_file" ] || fail "cargo package left no $crate_file"
for lic in LICENSE-MIT LICENSE-APACHE; do
  member=$(tar -tzf "$crate_file" | grep -E "^[^/]+/$lic$") || fail "$crate_file has no $lic"
  tar -xzOf "$crate_file" "$member" | cmp -s - "$lic" ||
    fail "$member in $crate_file is not the text of $lic (a symlink not followed?)"
done
ok "momo-pos: packaged crate builds; LICENSE-MIT and LICENSE-APACHE hold the root's text"

step "packaging: a dependent of momo-pos gets the core alone (scratch crate outside the workspace)"
dep="$scratch/dependent"
mkdir -p "$dep/src"
cat >"$dep/Cargo.toml" <<EOF
[package]
name = "momo-pos-dependent"
version = "0.0.0"
edition = "2021"
publish = false

# Its own workspace: it must not join the repository's.
[workspace]

[dependencies]
momo-pos = { path = "$repo/crates/momo-pos" }
EOF
cat >"$dep/src/main.rs" <<'EOF'
//! A Rust program that uses momo-pos the way a POS would.
fn main() -> Result<(), momo_pos::Error> {
    let code = momo_pos::PaymentCode::parse("MM561918531775222861")?;
    assert_eq!(code.as_str(), "MM561918531775222861");
    let scanned = momo_pos::PaymentCode::parse("]Q1MM561918531775222861\r\n")?;
    assert_eq!(scanned, code);
    assert!(momo_pos::PaymentCode::parse("not a code").is_err());

    let paid = momo_pos::explain(0);
    assert!(paid.is_success() && paid.is_final);
    println!("0: {}", paid.message(momo_pos::Lang::En));
    assert!(momo_pos::Environment::Test.base_url().starts_with("https://"));
    Ok(())
}
EOF
# The workspace's lock first, so the dependent gets the versions we test with;
# cargo prunes what the dependent does not use.
cp Cargo.lock "$dep/Cargo.lock"
export CARGO_TARGET_DIR="$dep/target"
manifest=(--manifest-path "$dep/Cargo.toml")
offline=(--offline)
if ! cargo fetch "${manifest[@]}" --offline >/dev/null 2>&1; then
  echo "offline resolution failed: fetching"
  cargo fetch "${manifest[@]}"
  offline=()
fi
# Every version the dependent resolved is the one in the workspace's lock.
python3 - "$dep/Cargo.lock" Cargo.lock <<'EOF' || fail "the dependent's lock differs from the workspace's"
import re, sys
def pkgs(path):
    with open(path) as f:
        return set(re.findall(r'^name = "([^"]+)"\nversion = "([^"]+)"$', f.read(), re.M))
dependent, workspace = pkgs(sys.argv[1]), pkgs(sys.argv[2])
extra = sorted(p for p in dependent - workspace if p[0] != "momo-pos-dependent")
if extra:
    print("not in the workspace's Cargo.lock:", ", ".join(f"{n} {v}" for n, v in extra))
    sys.exit(1)
print(f"{len(dependent) - 1} packages, every one at the workspace's version")
EOF

tree=$(cargo tree "${manifest[@]}" "${offline[@]}" -e normal,build --target all --prefix none)
for crate in momo-pos-ffi cbindgen wasm-bindgen js-sys; do
  if grep -qE "^$crate v" <<<"$tree"; then
    cargo tree "${manifest[@]}" "${offline[@]}" -e normal,build --target all -i "$crate" >&2 || true
    fail "a dependent of momo-pos gets $crate"
  fi
done
grep -qE '^momo-pos v' <<<"$tree" || fail "cargo tree of the dependent shows no momo-pos"
ok "cargo tree -e normal,build (all targets): momo-pos, no momo-pos-ffi, cbindgen, wasm-bindgen or js-sys"

start=$(date +%s.%N)
cargo build "${manifest[@]}" "${offline[@]}"
end=$(date +%s.%N)
cold=$(python3 -c "print(f'{$end - $start:.1f}')")
"$CARGO_TARGET_DIR/debug/momo-pos-dependent"

bin="$CARGO_TARGET_DIR/debug/momo-pos-dependent"
symbols=$(nm --defined-only "$bin" | awk '{print $NF}')
# The check sees Rust symbols at all: the core's are mangled (_ZN8momo_pos...).
grep -q 'momo_pos' <<<"$symbols" || fail "nm shows no momo_pos symbol in $bin: is it stripped?"
if c_symbols=$(grep -E '^momo_' <<<"$symbols"); then
  fail "the dependent's binary defines C ABI symbols: $(head -5 <<<"$c_symbols" | tr '\n' ' ')"
fi
ok "nm --defined-only: no momo_* (C ABI) symbol in the dependent's binary"

ls "$CARGO_TARGET_DIR"/debug/deps/libmomo_pos-*.rlib >/dev/null 2>&1 ||
  fail "no libmomo_pos rlib in $CARGO_TARGET_DIR/debug/deps"
if libs=$(find "$CARGO_TARGET_DIR" \( -name 'libmomo_pos*.a' -o -name 'libmomo_pos*.so' \) | grep .); then
  fail "a staticlib or cdylib was built for a dependent: $libs"
fi
ok "the core was built as an rlib only (no libmomo_pos.a or libmomo_pos.so)"
ok "cold build of the dependent (momo-pos and its dependencies, debug, ${offline[*]:-online}): ${cold}s"
