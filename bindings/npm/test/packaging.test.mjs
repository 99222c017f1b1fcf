// The tarball `npm pack` made (scripts/build-npm.sh), installed into fresh
// throwaway projects the way users install it, and run: Node CommonJS,
// Node ES modules, a Vite production build in headless Chromium, and a
// plain <script type="module"> page in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { credentials, decrypt, hmacHex, ipnBody, pkgDir, publicKey2048, rawSignature, repo } from './oracle.mjs';

const { version } = JSON.parse(readFileSync(`${pkgDir}package.json`, 'utf8'));
const tarball = `${repo}target/npm/momo-pos-${version}.tgz`;
const SCANNED = ']Q1MM561918531775222861\r\n';
const CODE = 'MM561918531775222861';
const ORDER = { orderId: 'SMOKE-1', requestId: 'SMOKE-1-r1', amount: 59000, orderInfo: 'Cà phê' };
const IPN = ipnBody();
const REFUND = { orderId: 'SMOKE-1-R1', requestId: 'SMOKE-1-R1', amount: 20000, description: 'Hoàn tiền' };
const REFUND_TRANS_ID = '9007199254740993'; // beyond 2^53: given as a BigInt

let workdir;
let browser;

before(async () => {
  assert.ok(existsSync(tarball), `${tarball} missing: run scripts/build-npm.sh`);
  workdir = mkdtempSync(join(tmpdir(), 'momo-pos-pack-'));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

/** A new project with the tarball installed, as `npm install momo-pos` would. */
function project(name, files) {
  const dir = join(workdir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `smoke-${name}`, private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], {
    cwd: dir,
    stdio: 'pipe',
  });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/**
 * The same smoke run everywhere: encrypt with the browser entry, sign and
 * verify with the full entry (when given), report what the test checks.
 * `browser` and `full` are module namespaces, loaded by the caller's way.
 */
const SMOKE = `
async function smoke(browser, full) {
  await browser.init();
  const key = new browser.MomoPublicKey(${JSON.stringify(publicKey2048)});
  const encrypted = key.encryptPaymentCode(${JSON.stringify(SCANNED)});
  let error;
  try { browser.normalizePaymentCode('MM1'); } catch (e) {
    error = { code: e.code, field: e.field, guard: browser.isMomoError(e), instance: e instanceof browser.MomoError };
  }
  const out = {
    encrypted, error, canSign: 'MomoClient' in browser, info: browser.explainResultCode(9000).nextStep,
    browserRefunds: Object.keys(browser).filter((name) => /refund/i.test(name)),
  };
  if (full) {
    await full.init();
    const client = new full.MomoClient(${JSON.stringify(credentials)});
    const request = client.posRequest({ ...${JSON.stringify(ORDER)}, encryptedPaymentCode: encrypted });
    out.body = request.body;
    out.transId = client.verifyIpn(${JSON.stringify(IPN)}).transId;
    out.refund = client.refundRequest({ ...${JSON.stringify(REFUND)}, transId: ${REFUND_TRANS_ID}n }).body;
    out.canRefund = typeof full.RefundDriver;
  }
  return out;
}
`;

/** What every smoke run must have produced, against the independent oracle. */
function check(out, { signed }) {
  assert.equal(decrypt(out.encrypted), CODE);
  assert.deepEqual(out.error, { code: 'invalidPaymentCode', field: 'paymentCode', guard: true, instance: true });
  assert.equal(out.canSign, false);
  assert.equal(out.info, 'captureOrCancel');
  assert.deepEqual(out.browserRefunds, [], 'the browser entry has no refund export');
  if (!signed) return;
  const body = JSON.parse(out.body);
  const fields = { ...ORDER, paymentCode: out.encrypted, partnerCode: 'MOMO', extraData: '' };
  assert.equal(body.paymentCode, out.encrypted);
  assert.equal(body.signature, hmacHex(rawSignature('pos', fields)));
  assert.equal(out.transId, '9007199254740993');
  assert.ok(out.refund.includes(`"transId":${REFUND_TRANS_ID},`), out.refund);
  const refund = { ...REFUND, transId: REFUND_TRANS_ID, partnerCode: 'MOMO' };
  assert.equal(JSON.parse(out.refund).signature, hmacHex(rawSignature('refund', refund)));
  assert.equal(out.canRefund, 'function');
}

function runNode(dir, file, flags = []) {
  return JSON.parse(execFileSync(process.execPath, [...flags, file], { cwd: dir }).toString());
}

test('Node CommonJS: require("momo-pos")', () => {
  const dir = project('cjs', {
    'index.cjs': `${SMOKE}
smoke(require('momo-pos/browser'), require('momo-pos')).then((out) => console.log(JSON.stringify(out)));`,
  });
  // The wasm's randomness comes from Node's global Web Crypto (Node 20 and
  // later); api.test.mjs checks that the package assigns no global itself.
  check(runNode(dir, 'index.cjs'), { signed: true });
  // The web modules by name, for Workers and bundlers that import the
  // .wasm itself (init(module)): each the file its entry fetches.
  for (const [specifier, file] of [
    ['momo-pos/momo_pos_bg.wasm', 'dist/web/full/momo_pos_bg.wasm'],
    ['momo-pos/browser/momo_pos_bg.wasm', 'dist/web/browser/momo_pos_bg.wasm'],
  ]) {
    const resolved = execFileSync(process.execPath, ['-p', `require.resolve(${JSON.stringify(specifier)})`], { cwd: dir });
    assert.equal(resolved.toString().trim(), join(dir, 'node_modules/momo-pos', file), specifier);
  }
});

test('Node ES modules: import from "momo-pos"', () => {
  const dir = project('esm', {
    'index.mjs': `${SMOKE}
import * as browser from 'momo-pos/browser';
import * as full from 'momo-pos';
console.log(JSON.stringify(await smoke(browser, full)));`,
  });
  check(runNode(dir, 'index.mjs'), { signed: true });
});

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Serves `root` on 127.0.0.1; the URL of the server. */
async function serve(root) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  return `http://127.0.0.1:${server.address().port}/`;
}

/** Loads the page in Chromium and returns window.smokeResult. */
async function inChromium(url) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.smokeResult !== undefined || window.smokeError !== undefined, null, {
      timeout: 30_000,
    });
    const error = await page.evaluate(() => window.smokeError);
    assert.equal(error, undefined, `page failed: ${error} ${problems.join('; ')}`);
    assert.deepEqual(problems, []);
    return await page.evaluate(() => window.smokeResult);
  } finally {
    await page.close();
  }
}

const REPORT = `.then((out) => { window.smokeResult = out; }, (e) => { window.smokeError = String(e && e.stack || e); });`;

test('the shipped types check under a plain tsconfig (strict, default lib, skipLibCheck off, no Node types)', () => {
  const dir = project('tsplain', {
    'package.json': JSON.stringify({ name: 'smoke-tsplain', private: true, type: 'module' }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false, types: [] },
    }),
    'index.ts': `import { MomoPublicKey } from 'momo-pos/browser';
import { MomoClient, RefundDriver } from 'momo-pos';
export const key: MomoPublicKey = new MomoPublicKey('');
export const make = (c: ConstructorParameters<typeof MomoClient>[0]) => new MomoClient(c);
export const driver: typeof RefundDriver = RefundDriver;
`,
  });
  // The repository's own TypeScript, run over the installed package only.
  execFileSync(`${pkgDir}node_modules/.bin/tsc`, ['-p', dir], { stdio: 'pipe' });
});

test('Vite production build in headless Chromium (browser entry only)', async () => {
  const dir = project('vite', {
    'index.html': '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/main.js"></script>',
    'main.js': `${SMOKE}
import * as browser from 'momo-pos/browser';
smoke(browser)${REPORT}`,
  });
  execFileSync(process.execPath, [`${pkgDir}node_modules/vite/bin/vite.js`, 'build', '--logLevel', 'error'], {
    cwd: dir,
    stdio: 'pipe',
  });
  // The frontend ships the browser binary only: no signing code reaches it.
  const assets = readdirSync(join(dir, 'dist', 'assets'));
  const wasm = assets.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, assets.join());
  const shipped = readFileSync(join(dir, 'dist', 'assets', wasm[0]));
  assert.ok(shipped.equals(readFileSync(join(dir, 'node_modules/momo-pos/dist/web/browser/momo_pos_bg.wasm'))));
  check(await inChromium(await serve(join(dir, 'dist'))), { signed: false });
});

test('plain <script type="module"> page with an import map, in headless Chromium', async () => {
  const dir = project('plain', {
    'index.html': `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">
{ "imports": {
    "momo-pos": "./node_modules/momo-pos/dist/web/full.js",
    "momo-pos/browser": "./node_modules/momo-pos/dist/web/browser.js" } }
</script>
<script type="module">
${SMOKE}
import * as browser from 'momo-pos/browser';
import * as full from 'momo-pos';
smoke(browser, full)${REPORT}
</script>`,
  });
  check(await inChromium(await serve(dir)), { signed: true });
});
