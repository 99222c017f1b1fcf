// Writes the package's entry files into dist/ from the templates here
// (node.cjs, node.mjs, web.js, error.cjs, ipn-request.cjs, packed.cjs). The
// exported names come from the wasm-bindgen output itself, so the entries
// always list exactly what the Rust layer exports; the ES module copies of
// the .cjs files are derived from them, so each exists in one source.
// Template lines marked /*@full*/ are for the full entry only.
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
  const fill = (text) =>
    text
      .split('\n')
      .filter((line) => entry === 'full' || !line.startsWith('/*@full*/'))
      .map((line) => line.replace(/^\/\*@full\*\/ /, ''))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .replaceAll('@ENTRY@', entry)
      .replaceAll('@NAMES@', names);
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

// Each rewrite must have matched, or the ES module copy would silently keep
// CommonJS syntax and fail only when a web page or Worker loads it.
function toModule(text, rewrites) {
  return rewrites.reduce((out, [from, to]) => {
    if (!out.includes(from)) throw new Error(`make-entries: ${JSON.stringify(from)} not found`);
    return out.replace(from, to);
  }, text);
}

const ipnCjs = template('ipn-request.cjs');
writeFileSync(`${dist}/ipn-request.cjs`, ipnCjs);
writeFileSync(
  `${dist}/ipn-request.mjs`,
  toModule(ipnCjs, [
    ["'use strict';\n", ''],
    ['\nfunction installVerifyIpnRequest', '\nexport function installVerifyIpnRequest'],
    ['\nmodule.exports = { installVerifyIpnRequest };\n', ''],
  ]),
);

const packedCjs = template('packed.cjs');
writeFileSync(`${dist}/packed.cjs`, packedCjs);
writeFileSync(
  `${dist}/packed.mjs`,
  toModule(packedCjs, [
    ["'use strict';\n", ''],
    ['\nconst objectBuilders', '\nexport const objectBuilders'],
    ['\nmodule.exports = { objectBuilders };\n', ''],
  ]),
);
