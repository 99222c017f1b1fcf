// The package README against the package: every ```js block marked
// `<!-- run -->` runs in Node against the built package, as a user's module
// that resolves `momo-pos` through node_modules, after readme-preamble.mjs
// (credentials, a client, a MoMo that answers); a line `expression; // =>
// value` asserts the value. Every other ```js block must say why it does not
// run (`<!-- fragment: reason -->`). And the API reference covers every
// export of both entries, every member of their classes and every type
// name of their declarations, so a new call cannot ship undocumented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { credentials, pkgDir, publicKey2048, repo } from './oracle.mjs';
import { readShipped } from './declarations.mjs';

const require = createRequire(import.meta.url);
const README = readFileSync(`${pkgDir}README.md`, 'utf8');
const LINES = README.split('\n');

/** Every ```js block: { line (1-based, of its first code line), code, marker }. */
function jsBlocks(lines) {
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(js|javascript|mjs)\s*$/.test(lines[i])) continue;
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `README.md line ${i + 1}: unclosed block`);
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before -= 1;
    blocks.push({ line: i + 2, code: lines.slice(i + 1, end), marker: lines[before]?.trim() ?? '' });
    i = end;
  }
  return blocks;
}

const EXPECT = /^(\s*)(.+?);\s*\/\/ => (.+)$/;

/** A block as a module: the preamble first, `// =>` lines as checks naming their README line. */
function moduleOf(block, preamble) {
  const body = block.code.map((text, k) => {
    const m = EXPECT.exec(text);
    return m ? `${m[1]}__expect((${m[2]}), (${m[3]}), ${block.line + k});` : text;
  });
  return [`import ${JSON.stringify(preamble)};`, ...body, ''].join('\n');
}

/** Runs a module file with Node: { code, stdout, stderr }. */
function run(file, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const BLOCKS = jsBlocks(LINES);
const RUNNABLE = BLOCKS.filter((b) => b.marker === '<!-- run -->');

test('every js block of the README runs, or says why not', () => {
  assert.ok(RUNNABLE.length >= 20, `only ${RUNNABLE.length} runnable blocks`);
  const unmarked = BLOCKS.filter((b) => b.marker !== '<!-- run -->' && !/^<!-- fragment: .+ -->$/.test(b.marker));
  assert.deepEqual(unmarked.map((b) => `README.md line ${b.line}`), [], 'mark the block <!-- run --> or <!-- fragment: why -->');
});

test('the runnable README blocks run against the built package and show true values', async () => {
  // A user's project: momo-pos found in node_modules, resolved through its "exports".
  const dir = mkdtempSync(`${tmpdir()}/momo-pos-readme-`);
  try {
    mkdirSync(`${dir}/node_modules`);
    symlinkSync(pkgDir, `${dir}/node_modules/momo-pos`, 'dir');
    const preamble = pathToFileURL(`${pkgDir}test/readme-preamble.mjs`).href;
    const jobs = RUNNABLE.map((block) => async () => {
      const file = `${dir}/block-${block.line}.mjs`;
      writeFileSync(file, moduleOf(block, preamble));
      const result = await run(file, dir);
      const checks = Number(/@@checks (\d+)/.exec(result.stdout)?.[1] ?? -1);
      const expected = block.code.filter((text) => EXPECT.test(text)).length;
      return { block, result, checks, expected };
    });
    // Two at a time: the machine has two cores.
    const results = [];
    for (let i = 0; i < jobs.length; i += 2) results.push(...(await Promise.all(jobs.slice(i, i + 2).map((job) => job()))));
    const failed = results
      .filter(({ result, checks, expected }) => result.code !== 0 || checks !== expected)
      .map(({ block, result, checks, expected }) =>
        `README.md line ${block.line}: exit ${result.code}, ${checks} of ${expected} checks\n${result.stderr.trim().split('\n').slice(0, 12).join('\n')}`);
    assert.deepEqual(failed, []);
    const total = results.reduce((n, r) => n + r.checks, 0);
    assert.ok(total >= 20, `only ${total} values checked`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the checks of the runner fail on a false value and on a failing block (control)', async () => {
  const dir = mkdtempSync(`${tmpdir()}/momo-pos-readme-`);
  try {
    mkdirSync(`${dir}/node_modules`);
    symlinkSync(pkgDir, `${dir}/node_modules/momo-pos`, 'dir');
    const preamble = pathToFileURL(`${pkgDir}test/readme-preamble.mjs`).href;
    const block = (code) => ({ line: 1, code: code.split('\n') });
    writeFileSync(`${dir}/wrong.mjs`, moduleOf(block("import { explainResultCode } from 'momo-pos';\nexplainResultCode(0).category; // => 'declined'"), preamble));
    const wrong = await run(`${dir}/wrong.mjs`, dir);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /README\.md line 2/);
    writeFileSync(`${dir}/unsigned.mjs`, moduleOf(block("await fetch(client.queryRequest({ orderId: 'O-1', requestId: 'O-1-q1' }).url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{\"orderId\":\"O-1\"}' });"), preamble));
    const unsigned = await run(`${dir}/unsigned.mjs`, dir);
    assert.notEqual(unsigned.code, 0);
    assert.match(unsigned.stderr, /not signed as MoMo checks it/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The API reference of README text: from its heading to the next `## `. */
function apiReference(readme) {
  const start = readme.indexOf('\n## API reference\n');
  if (start < 0) return '';
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? readme.length : end);
}

/** `name` as a whole word; `[Symbol.dispose]` follows the object it is looked up on. */
const word = (name) => new RegExp(`${name.startsWith('[') ? '' : '(^|[^\\w$])'}${name.replace(/[$[\]().]/g, '\\$&')}($|[^\\w$])`);
/** A name in a heading of `text`. */
const inHeading = (text, name) => text.split('\n').some((l) => /^#{2,4} /.test(l) && word(name).test(l));
/** A name in a code span (or a heading) of `text`. */
const inCode = (text, name) => inHeading(text, name) || [...text.matchAll(/`([^`\n]+)`/g)].some((m) => word(name).test(m[1]));

const DECLARED = readShipped();

/** What README text leaves undocumented: exports, class members, type names of both entries. */
function undocumented(readme) {
  const reference = apiReference(readme);
  const missing = [];
  // Tolerated while its placeholder stands: the section that documents it is being written.
  const pending = new Set([
    ...(readme.includes('<!-- verifyIpnRequest section -->') ? ['MomoClient.verifyIpnRequest'] : []),
    ...(readme.includes('<!-- checkRequest section -->') ? ['checkRequest'] : []),
  ]);
  // Exports, as the JS entries really have them (a JS-only addition counts too).
  for (const entry of ['momo-pos', 'momo-pos/browser']) {
    for (const name of Object.keys(require(entry))) {
      if (pending.has(name)) continue;
      if (name !== 'default' && !inHeading(reference, name)) missing.push(`${entry}: ${name} (a heading of the API reference)`);
    }
  }
  // Members of the classes the wasm declarations give: in the reference.
  const members = new Map();
  for (const { members: list } of Object.values(DECLARED)) {
    for (const m of list) {
      if (!m.owner || m.kind === 'constructor') continue;
      members.set(`${m.owner}.${m.name}`, m.name.startsWith('__@dispose') ? '[Symbol.dispose]' : m.name);
    }
  }
  assert.ok(members.size >= 50, `only ${members.size} members`);
  for (const [key, name] of members) if (!inCode(reference, name)) missing.push(`${key} (in a code span of the API reference)`);
  // Members the package's JS adds at runtime: documented in a section of their own, anywhere.
  for (const [owner, Class] of Object.entries(require('momo-pos'))) {
    if (typeof Class !== 'function' || !Class.prototype || owner === 'MomoError') continue;
    for (const name of Object.getOwnPropertyNames(Class.prototype)) {
      const key = `${owner}.${name}`;
      if (name === 'constructor' || name.startsWith('__') || members.has(key) || pending.has(key)) continue;
      if (!inCode(readme, name)) missing.push(`${key} (added at runtime; in a heading or code span)`);
    }
  }
  // Type names users import.
  const types = new Set(['MomoErrorCode', ...Object.values(DECLARED).flatMap((d) => [...d.types.keys()])]);
  for (const name of types) if (!inCode(reference, name)) missing.push(`type ${name}`);
  return missing;
}

test('the API reference documents every export, member and type of both entries', () => {
  assert.deepEqual(undocumented(README), []);
});

test('the coverage check finds what the README leaves out (control)', () => {
  // A heading, a member and a type taken out of the real README.
  const heading = /^### `encodeExtraData\(value\)`, `decodeExtraData\(text\)`$/m;
  assert.match(README, heading);
  const cut = README.replace(heading, '### Extra data').replaceAll('handleTimeout', 'onTimeout').replace(/\bRefundTrans\b/g, 'RefundEntry');
  assert.deepEqual(undocumented(cut).sort(), [
    'PaymentDriver.handleTimeout (in a code span of the API reference)',
    'RefundDriver.handleTimeout (in a code span of the API reference)',
    'momo-pos: decodeExtraData (a heading of the API reference)',
    'momo-pos: encodeExtraData (a heading of the API reference)',
    'type RefundTrans',
  ]);
  // A placeholder tolerates its call only while it stands.
  const placeholders = { 'MomoClient.verifyIpnRequest': '<!-- verifyIpnRequest section -->', checkRequest: '<!-- checkRequest section -->' };
  for (const [name, placeholder] of Object.entries(placeholders)) {
    if (!README.includes(placeholder)) continue;
    assert.ok(undocumented(README.replace(placeholder, '')).some((m) => m.includes(name)), name);
  }
  assert.equal(inHeading('## API reference\n### `posRequest(payment)`\n', 'posRequest'), true);
  assert.equal(inHeading('## API reference\nposRequest in prose\n', 'posRequest'), false);
  assert.equal(inCode('text `client.handleTimeout(id)` more', 'handleTimeout'), true);
  assert.equal(inCode('text `client.handleTimeoutMs` more', 'handleTimeout'), false);
  assert.equal(inCode('`driver[Symbol.dispose]()`', '[Symbol.dispose]'), true);
  const blocks = jsBlocks(['<!-- run -->', '```js', 'a; // => 1', '```', '', '```js', 'b', '```']);
  assert.deepEqual(blocks.map((b) => [b.line, b.marker]), [[3, '<!-- run -->'], [7, '```']]); // the second is unmarked
  assert.equal(moduleOf(blocks[0], 'p').split('\n')[1], '__expect((a), (1), 3);');
});

test('what "Memory: free() and [Symbol.dispose]" says holds for this build', () => {
  const momo = require('momo-pos');
  const classes = ['MomoClient', 'MomoPublicKey', 'PaymentDriver', 'RefundDriver'];
  // The glue registers each class with a FinalizationRegistry, in every binding shipped.
  for (const glue of ['node/full', 'web/full', 'node/browser', 'web/browser']) {
    const js = readFileSync(`${pkgDir}dist/${glue}/momo_pos.js`, 'utf8');
    for (const name of glue.endsWith('full') ? classes : ['MomoPublicKey']) {
      assert.match(js, new RegExp(`const ${name}Finalization = [^;]*new FinalizationRegistry`), `${glue}: ${name}`);
      assert.match(js, new RegExp(`${name}Finalization\\.register\\(`), `${glue}: ${name} instances registered`);
    }
  }
  assert.match(README, /wasm-bindgen 0\.2\.130/);
  assert.match(readFileSync(`${repo}Cargo.lock`, 'utf8'), /name = "wasm-bindgen"\nversion = "0\.2\.130"/, 'the README names the version');
  // [Symbol.dispose] is free; after it every call, free included, throws a plain Error.
  for (const name of classes) assert.equal(momo[name].prototype[Symbol.dispose], momo[name].prototype.free, name);
  const client = new momo.MomoClient(credentials);
  const key = new momo.MomoPublicKey(publicKey2048);
  const driver = momo.PaymentDriver.start(client, {
    orderId: 'O-1', requestId: 'O-1-r1', amount: 59000, encryptedPaymentCode: key.encryptPaymentCode('MM561918531775222861'),
  });
  client[Symbol.dispose]();
  for (const call of [() => client.partnerCode, () => client.free()]) {
    assert.throws(call, (e) => !momo.isMomoError(e) && /null pointer passed to rust/.test(e.message));
  }
  // The driver keeps the client it was started with.
  assert.equal(driver.nextAction().type, 'send');
  driver.free();
  key.free();
});
