#!/usr/bin/env bash
# Builds the npm package: two wasm binaries (browser: public-key only; full:
# with the signing client), each bound for Node (CommonJS, loads
# synchronously) and for the web (ES module, explicit init()), shrunk with
# wasm-opt, type-checked with tsc, then packed by `npm pack` into
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
  say "wasm: $entry${features:+ (--features $features)}"
  cargo rustc -p momo-pos-wasm --lib --crate-type cdylib --target wasm32-unknown-unknown \
    --profile wasm-release --locked --quiet ${features:+--features "$features"}
  local wasm=target/wasm32-unknown-unknown/wasm-release/momo_pos_wasm.wasm
  local kind out
  for kind in nodejs web; do
    out=$dist/$([ "$kind" = nodejs ] && echo node || echo web)/$entry
    wasm-bindgen --target "$kind" --out-dir "$out" --out-name momo_pos \
      --remove-name-section --remove-producers-section "$wasm"
    # Our entry .d.ts files describe the API; these describe the raw exports.
    rm -f "$out/momo_pos_bg.wasm.d.ts"
    if [ "$kind" = web ]; then
      rm -f "$out/momo_pos.d.ts"
    else
      # wasm-bindgen declares [Symbol.dispose](), which TypeScript's default
      # lib lacks (TS2550 under skipLibCheck: false): the declarations bring
      # the lib they need, so a plain tsconfig checks them.
      sed -i '1i /// <reference lib="esnext.disposable" />' "$out/momo_pos.d.ts"
    fi
  done
  # The two bindings embed the same module: optimize once, ship it twice.
  if cmp -s "$dist/node/$entry/momo_pos_bg.wasm" "$dist/web/$entry/momo_pos_bg.wasm"; then
    wasm-opt -Oz "$dist/node/$entry/momo_pos_bg.wasm" -o "$dist/node/$entry/momo_pos_bg.wasm"
    cp "$dist/node/$entry/momo_pos_bg.wasm" "$dist/web/$entry/momo_pos_bg.wasm"
  else
    for kind in node web; do
      wasm-opt -Oz "$dist/$kind/$entry/momo_pos_bg.wasm" -o "$dist/$kind/$entry/momo_pos_bg.wasm"
    done
  fi
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
