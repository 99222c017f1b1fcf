// Side-by-side throughput of the package against hand-written node:crypto
// code and pure-JS libraries (crypto-js, node-forge), module cold start, and
// the .wasm sizes. Run after scripts/build-npm.sh:
//   node bindings/npm/bench/bench.mjs [seconds-per-case] [--json]
// --json prints one JSON object (every row below, the machine's load) for a
// script to compare runs. The tests run it only to check that it runs:
// timings depend on the machine and are only reported.
import { createHmac, publicEncrypt, timingSafeEqual, constants, createPublicKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants as zlib } from 'node:zlib';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { MomoClient, MomoPublicKey } from 'momo-pos';
import { credentials, ipnBody, pkgDir, publicKey2048, KEYS } from '../test/oracle.mjs';

const require = createRequire(import.meta.url);
const CryptoJS = require('crypto-js');
const forge = require('node-forge');

const json = process.argv.includes('--json');
const seconds = Number(process.argv.slice(2).find((a) => a !== '--json') ?? 1);
const loadBefore = loadavg();
const SCANNED = 'MM561918531775222861';

// The implementations of a case take turns in short slices (ROUNDS each),
// so that a change of machine speed during the run (a neighbour, the clock)
// falls on all of them alike and the ratios stay meaningful.
const ROUNDS = 10;

function warm(fn) {
  for (let i = 0; i < 200; i++) fn(); // warm up the JIT and the wasm
}

/** Runs `fn` for about `ns` nanoseconds; returns `[ops, elapsed ns]`. */
function slice(fn, ns) {
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < ns) {
    for (let i = 0; i < 50; i++) fn();
    ops += 50;
    elapsed = process.hrtime.bigint() - start;
  }
  return [ops, elapsed];
}

/** ops/s of each function, measured in alternating slices. */
function opsPerSecond(fns) {
  fns.forEach(warm);
  const ns = BigInt(Math.round((seconds * 1e9) / ROUNDS));
  const totals = fns.map(() => ({ ops: 0, ns: 0n }));
  for (let round = 0; round < ROUNDS; round++) {
    fns.forEach((fn, i) => {
      const [ops, elapsed] = slice(fn, ns);
      totals[i].ops += ops;
      totals[i].ns += elapsed;
    });
  }
  return totals.map(({ ops, ns: total }) => ops / (Number(total) / 1e9));
}

const client = new MomoClient(credentials);
const key = new MomoPublicKey(publicKey2048);
const encrypted = key.encryptPaymentCode(SCANNED);
const payment = {
  orderId: 'ORDER-1001', requestId: 'ORDER-1001-r1', amount: 59000,
  encryptedPaymentCode: encrypted, orderInfo: 'Cà phê sữa đá x2', extraData: '',
};
// transId below 2^53: beyond it the JSON.parse versions fail to verify.
const ipn = Buffer.from(ipnBody({ transId: '4088878653' }));

// --- hand-written equivalents (what an integrator would write) -------------
function signPosNode(p) {
  const raw = `accessKey=${credentials.accessKey}&amount=${p.amount}&extraData=${p.extraData}` +
    `&orderId=${p.orderId}&orderInfo=${p.orderInfo}&partnerCode=${credentials.partnerCode}` +
    `&paymentCode=${p.encryptedPaymentCode}&requestId=${p.requestId}`;
  const signature = createHmac('sha256', credentials.secretKey).update(raw).digest('hex');
  return JSON.stringify({
    partnerCode: credentials.partnerCode, orderId: p.orderId, amount: p.amount, requestId: p.requestId,
    paymentCode: p.encryptedPaymentCode, orderInfo: p.orderInfo, autoCapture: true, extraData: p.extraData,
    lang: 'vi', signature,
  });
}
function signPosCryptoJs(p) {
  const raw = `accessKey=${credentials.accessKey}&amount=${p.amount}&extraData=${p.extraData}` +
    `&orderId=${p.orderId}&orderInfo=${p.orderInfo}&partnerCode=${credentials.partnerCode}` +
    `&paymentCode=${p.encryptedPaymentCode}&requestId=${p.requestId}`;
  const signature = CryptoJS.HmacSHA256(raw, credentials.secretKey).toString(CryptoJS.enc.Hex);
  return JSON.stringify({ ...p, partnerCode: credentials.partnerCode, signature });
}
// JSON.parse rounds transId beyond 2^53: these are faster than correct.
function verifyIpnNode(body) {
  const o = JSON.parse(body);
  const raw = KEYS.ipn.map((k) => `${k}=${k === 'accessKey' ? credentials.accessKey : o[k]}`).join('&');
  const mac = createHmac('sha256', credentials.secretKey).update(raw).digest();
  const sent = Buffer.from(o.signature, 'hex');
  if (sent.length !== 32 || !timingSafeEqual(mac, sent)) throw new Error('bad signature');
  return o;
}
function verifyIpnCryptoJs(body) {
  const o = JSON.parse(body);
  const raw = KEYS.ipn.map((k) => `${k}=${k === 'accessKey' ? credentials.accessKey : o[k]}`).join('&');
  if (CryptoJS.HmacSHA256(raw, credentials.secretKey).toString(CryptoJS.enc.Hex) !== o.signature) throw new Error('bad');
  return o;
}
const nodeKey = createPublicKey({ key: Buffer.from(publicKey2048, 'base64'), format: 'der', type: 'spki' });
function encryptNode(code) {
  return publicEncrypt({ key: nodeKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(code)).toString('base64');
}
const forgeKey = forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(forge.util.decode64(publicKey2048)));
function encryptForge(code) {
  return forge.util.encode64(forgeKey.encrypt(code, 'RSAES-PKCS1-V1_5'));
}

// Sanity: the hand-written versions agree with the package.
if (signPosNode(payment) === undefined || verifyIpnNode(ipn).orderId !== client.verifyIpn(ipn).orderId) {
  throw new Error('hand-written versions disagree');
}

const rows = [];
const cases = [];
function compare(name, impls) {
  const measured = opsPerSecond(Object.values(impls));
  const results = Object.keys(impls).map((impl, i) => [impl, measured[i]]);
  const wasm = results[0][1];
  for (const [impl, ops] of results) rows.push({ case: name, impl, 'ops/s': Math.round(ops), 'wasm ÷ this': (wasm / ops).toFixed(2) });
  cases.push({
    case: name,
    opsPerSecond: Object.fromEntries(results.map(([impl, ops]) => [impl, Math.round(ops)])),
    ratios: Object.fromEntries(results.slice(1).map(([impl, ops]) => [impl, Number((wasm / ops).toFixed(3))])),
  });
}

compare('pos request: build + sign', {
  'momo-pos (wasm)': () => client.posRequest(payment),
  'node:crypto by hand': () => signPosNode(payment),
  'crypto-js by hand': () => signPosCryptoJs(payment),
});
compare('IPN verify from raw body', {
  'momo-pos (wasm)': () => client.verifyIpn(ipn),
  'node:crypto by hand': () => verifyIpnNode(ipn),
  'crypto-js by hand': () => verifyIpnCryptoJs(ipn),
});
compare('RSA-2048 encrypt a code', {
  'momo-pos (wasm)': () => key.encryptPaymentCode(SCANNED),
  'node:crypto publicEncrypt': () => encryptNode(SCANNED),
  'node-forge': () => encryptForge(SCANNED),
});
if (!json) console.table(rows);

/** Median of 7 fresh processes: ms from before require to after `then` (JS run after loading). */
function coldStartMs(specifier, then = '') {
  const times = [];
  for (let i = 0; i < 7; i++) {
    const script = `const t = performance.now(); const m = require(${JSON.stringify(specifier)}); ${then}; process.stdout.write(String(performance.now() - t));`;
    times.push(Number(execFileSync(process.execPath, ['-e', script], { cwd: pkgDir })));
  }
  return Number(times.sort((a, b) => a - b)[3].toFixed(1));
}
const firstVerify = `new m.MomoClient(${JSON.stringify(credentials)}).verifyIpn(Buffer.from(${JSON.stringify(ipn.toString())}))`;
const coldStart = {
  full: coldStartMs('momo-pos'),
  fullThroughFirstVerify: coldStartMs('momo-pos', firstVerify),
  browser: coldStartMs('momo-pos/browser'),
};
if (!json) {
  console.table([
    { entry: 'momo-pos (require, ms, median of 7)', 'cold start': coldStart.full },
    { entry: 'momo-pos, through the first IPN verify', 'cold start': coldStart.fullThroughFirstVerify },
    { entry: 'momo-pos/browser', 'cold start': coldStart.browser },
  ]);
}

const sizes = ['full', 'browser'].map((entry) => {
  const bytes = readFileSync(`${pkgDir}dist/web/${entry}/momo_pos_bg.wasm`);
  return {
    wasm: entry,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
});
if (json) {
  const machine = { cpus: availableParallelism(), loadavgBefore: loadBefore, loadavgAfter: loadavg(), node: process.version };
  console.log(JSON.stringify({ secondsPerCase: seconds, machine, cases, coldStartMs: coldStart, wasmBytes: sizes }));
} else {
  console.table(sizes);
}
