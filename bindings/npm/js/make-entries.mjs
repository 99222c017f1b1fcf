// Writes the package's entry files into dist/ from the templates here
// (node.cjs, node.mjs, web.js, error.cjs). The exported names come from
// the wasm-bindgen output itself, so the entries always list exactly what
// the Rust layer exports; the ES module copy of error.cjs is derived from
// it, so the class exists in one source.
// Usage: node js/make-entries.mjs <dist>
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2]);
const here = new URL('./', import.meta.url);
const template = (name) => readFileSync(new URL(name, here), 'utf8');
const require = createRequire(import.meta.url);

for (const entry of ['full', 'browser']) {
  const exported = Object.keys(require(`${dist}/node/${entry}/momo_pos.js`)).filter((n) => !n.startsWith('__'));
  const names = exported.map((n) => `  ${n},`).join('\n');
  const fill = (text) => text.replaceAll('@ENTRY@', entry).replaceAll('@NAMES@', names);
  writeFileSync(`${dist}/node/${entry}.cjs`, fill(template('node.cjs')));
  writeFileSync(`${dist}/node/${entry}.mjs`, fill(template('node.mjs')));
  writeFileSync(`${dist}/web/${entry}.js`, fill(template('web.js')));
}

const errorCjs = template('error.cjs');
writeFileSync(`${dist}/error.cjs`, errorCjs);
writeFileSync(
  `${dist}/error.mjs`,
  errorCjs
    .replace("'use strict';\n", '')
    .replace('\nclass MomoError', '\nexport class MomoError')
    .replace('\nfunction isMomoError', '\nexport function isMomoError')
    .replace('\nmodule.exports = { MomoError, isMomoError };\n', ''),
);
