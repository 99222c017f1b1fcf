#!/usr/bin/env bash
# Builds the npm package: two wasm modules (browser: public-key only; full:
# with the signing client), each built fast for Node (CommonJS, loads
# synchronously) and small for the web (ES module, explicit init()),
# optimized by wasm-opt, type-checked with tsc, then packed by `npm pack` into
# target/npm/momo-pos-<version>.tgz: the file users would install.
# Needs scripts/setup-wasm.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
pkg=bindings/npm
dist=$pkg/dist
# binaryen's wasm-opt from npm, ahead of Debian's older one (TOOLCHAIN.md).
export PATH="$root/$pkg/node_modules/.bin:$PATH"

say() { printf '\033[1m[build-npm]\033[0m %s\n' "$*"; }

rm -rf "$dist"
mkdir -p "$dist/node" "$dist/web" target/npm

bind() {
  # $1: entry name (browser|full); $2: cargo features ("" for none)
  local entry=$1 features=$2
  local kind profile out wasm dir
  local -a node_only
  for kind in nodejs web; do
    # Node loads the module from disk: built for speed (Cargo.toml's
    # wasm-node profile) and with wasm SIMD, which every Node from 20 on
    # runs (memchr and the UTF-8 checks use it: a verified IPN is about 10%
    # faster). Web pages download theirs: built small, baseline instructions.
    # The SIMD build has a target folder of its own, or every switch of
    # flags would rebuild every crate.
    if [ "$kind" = nodejs ]; then
      profile=wasm-node dir=target/wasm-simd
      node_only=(--target-dir "$dir" --config 'target.wasm32-unknown-unknown.rustflags=["-C", "target-feature=+simd128"]')
    else
      profile=wasm-release dir=target node_only=()
    fi
    say "wasm: $entry for $kind, profile $profile${features:+ (--features $features)}"
    cargo rustc -p momo-pos-wasm --lib --crate-type cdylib --target wasm32-unknown-unknown \
      --profile "$profile" --locked --quiet ${features:+--features "$features"} "${node_only[@]}"
    wasm=$dir/wasm32-unknown-unknown/$profile/momo_pos_wasm.wasm
    out=$dist/$([ "$kind" = nodejs ] && echo node || echo web)/$entry
    wasm-bindgen --target "$kind" --out-dir "$out" --out-name momo_pos \
      --remove-name-section --remove-producers-section "$wasm"
    # Our entry .d.ts files describe the API; these describe the raw exports.
    rm -f "$out/momo_pos_bg.wasm.d.ts"
    if [ "$kind" = web ]; then
      rm -f "$out/momo_pos.d.ts"
      wasm-opt -Oz "$out/momo_pos_bg.wasm" -o "$out/momo_pos_bg.wasm"
    else
      # wasm-bindgen declares [Symbol.dispose](), which TypeScript's default
      # lib lacks (TS2550 under skipLibCheck: false): the declarations bring
      # the lib they need, so a plain tsconfig checks them.
      sed -i '1i /// <reference lib="esnext.disposable" />' "$out/momo_pos.d.ts"
      wasm-opt -O3 "$out/momo_pos_bg.wasm" -o "$out/momo_pos_bg.wasm"
    fi
  done
}

bind browser ""
bind full signing

say "entry files"
node $pkg/js/make-entries.mjs "$dist"
cp $pkg/js/error.d.ts "$dist/"
for entry in full browser; do
  # One declaration file, seen as CommonJS types (.d.ts) by require and as
  # ES module types (.d.mts) by import, where the default export differs.
  cp "$pkg/js/$entry.d.ts" "$dist/$entry.d.ts"
  cp "$pkg/js/$entry.d.ts" "$dist/$entry.d.mts"
done
# The web glue is ES module syntax in .js files.
echo '{ "type": "module" }' > "$dist/web/package.json"

say "tsc --noEmit on the shipped .d.ts"
(cd $pkg && tsc -p tsconfig.json)

say "npm pack"
(cd $pkg && npm pack --silent --pack-destination "$root/target/npm" >/dev/null)
ls -l target/npm/*.tgz
