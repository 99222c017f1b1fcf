// Test-only (kept out of test/ so node --test does not count it as a test file).
// The tests' own MoMo client and IPN receiver, written here with node:crypto
// (nothing from the sandbox's modules, nothing from the momo-pos package), so
// the sandbox is checked against a second reading of MoMo's documents.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PARTNER = 'MOMO';
export const ACCESS = 'F8BBA842ECF85';
export const SECRET = 'K951B6PE1waDMi640xX08PD3vg6EkVlz';

/** Fast timings for tests. */
export const FAST = { pendingMs: 150, slowMs: 400, lateMs: 300, ipnDelayMs: 20, ipnRetryMs: 60 };

const PUBLIC_KEY = crypto.createPublicKey({
  key: Buffer.from(fs.readFileSync(path.join(ROOT, 'tests/keys/test_rsa2048_public_spki.b64'), 'utf8').trim(), 'base64'),
  format: 'der',
  type: 'spki',
});

/** RSA PKCS#1 v1.5 with the merchant's public key, base64 (as MoMo wants). */
export function encrypt(code) {
  return crypto.publicEncrypt({ key: PUBLIC_KEY, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(code, 'utf8'))
    .toString('base64');
}

let seq = 0;
/** A fresh payment code `MM` + 14 unique digits + `last4`. */
export function code(last4, prefix = 'MM') {
  seq += 1;
  const head = `${process.pid % 1000}`.padStart(3, '0') + `${Date.now() % 1e7}`.padStart(7, '0') + `${seq}`.padStart(4, '0');
  return `${prefix}${head.slice(-14)}${last4}`;
}

let ids = 0;
/** A fresh orderId. */
export function orderId(tag = 'T') {
  ids += 1;
  return `${tag}-${Date.now().toString(36)}-${ids}`;
}

export function hmac(raw, secret = SECRET) {
  return crypto.createHmac('sha256', secret).update(raw, 'utf8').digest('hex');
}

const KEYS = {
  pos: ['amount', 'extraData', 'orderId', 'orderInfo', 'partnerCode', 'paymentCode', 'requestId'],
  query: ['orderId', 'partnerCode', 'requestId'],
  confirm: ['amount', 'description', 'orderId', 'partnerCode', 'requestId', 'requestType'],
  refund: ['amount', 'description', 'orderId', 'partnerCode', 'requestId', 'transId'],
};

/** Signs `fields` for `kind` and returns the JSON body text. */
export function signed(kind, fields, { secret = SECRET } = {}) {
  const raw = `accessKey=${ACCESS}&${KEYS[kind].map((k) => `${k}=${fields[k] ?? ''}`).join('&')}`;
  return JSON.stringify({ ...fields, signature: hmac(raw, secret) });
}

/** A pos request body (text). */
export function posBody({ id, requestId, amount = 59000, paymentCode, plain, autoCapture = true, ipnUrl, lang = 'vi', extra = {}, secret }) {
  return signed('pos', {
    partnerCode: PARTNER, orderId: id, requestId: requestId ?? `${id}-r1`, amount,
    paymentCode: paymentCode ?? encrypt(plain), orderInfo: 'Cà phê sữa đá x2', autoCapture,
    ...(ipnUrl ? { ipnUrl } : {}), extraData: '', lang, ...extra,
  }, { secret });
}

export function queryBody({ id, requestId, lang = 'vi', secret }) {
  return signed('query', { partnerCode: PARTNER, orderId: id, requestId: requestId ?? `${id}-q${++ids}`, lang }, { secret });
}

export function confirmBody({ id, requestId, requestType, amount = 59000, lang = 'vi' }) {
  return signed('confirm', {
    partnerCode: PARTNER, orderId: id, requestId: requestId ?? `${id}-c${++ids}`, requestType, amount, lang, description: '',
  });
}

/**
 * A refund request body (text). `transId` is the payment's, as digits; it is
 * written as a bare JSON number (as a Long is, and as the SDK sends it) unless
 * `transIdAs: 'string'`. `signTransId` signs other digits than those sent;
 * `description: null` leaves the field out (it is then signed as empty).
 */
export function refundBody({
  id, requestId, transId, amount = 59000, description = '', lang = 'vi', transIdAs = 'number', signTransId, secret, extra = {},
}) {
  const fields = {
    partnerCode: PARTNER, orderId: id, requestId: requestId ?? `${id}-f${++ids}`, amount, transId,
    lang, ...(description === null ? {} : { description }), ...extra,
  };
  const raw = `accessKey=${ACCESS}&${KEYS.refund.map((k) => `${k}=${k === 'transId' ? signTransId ?? transId : fields[k] ?? ''}`).join('&')}`;
  const text = JSON.stringify({ ...fields, signature: hmac(raw, secret) });
  // JSON.stringify cannot write a number above 2^53 exactly: splice the digits in.
  return transIdAs === 'number' ? text.replace(`"transId":"${transId}"`, `"transId":${transId}`) : text;
}

/**
 * POSTs a body to the sandbox; resolves `{ status, type, text, json, transId }`
 * (`transId` the exact digits from the text).
 */
export async function post(sb, endpoint, text, { signal } = {}) {
  const res = await fetch(`${sb.url}/v2/gateway/api/${endpoint}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json; charset=UTF-8' }, body: text, signal,
  });
  const body = await res.text();
  const m = /"transId":(-?[0-9]+)[,}]/.exec(body);
  return { status: res.status, type: res.headers.get('content-type'), text: body, json: JSON.parse(body), transId: m?.[1] };
}

const TWO_53 = 2n ** 53n;
/** Checks what the SDK's parser needs of an answer, and the echoed ids. */
export function assertAnswer(a, { kind, id, requestId, resultCode, amount }) {
  assert.equal(a.status, 200);
  assert.equal(a.type, 'application/json; charset=UTF-8');
  const j = a.json;
  assert.equal(j.partnerCode, PARTNER);
  assert.equal(j.orderId, id);
  assert.equal(j.requestId, requestId);
  assert.equal(typeof j.amount, 'number');
  if (amount !== undefined) assert.equal(j.amount, amount);
  assert.match(a.transId ?? '', /^[0-9]+$/, `transId digits in ${a.text}`);
  assert.ok(BigInt(a.transId) > TWO_53, `transId ${a.transId} above 2^53`);
  assert.equal(typeof j.resultCode, 'number');
  assert.equal(j.resultCode, resultCode, `resultCode in ${a.text}`);
  assert.equal(typeof j.message, 'string');
  assert.ok(j.message.length > 0);
  assert.ok(Number.isInteger(j.responseTime) && j.responseTime > 1.6e12);
  if (kind === 'confirm') assert.equal(typeof j.requestType, 'string');
  if (kind === 'refund') assert.deepEqual(Object.keys(j), ['partnerCode', 'orderId', 'requestId', 'amount', 'transId', 'resultCode', 'message', 'responseTime']);
  assert.equal('signature' in j, false, 'answers are documented unsigned');
}

/**
 * An IPN receiver: `{ url, ipns: [{ raw, json }], next(n), close() }`.
 * `status(i)` gives the HTTP status to answer the i-th delivery (default 204).
 */
export async function ipnReceiver({ status = () => 204 } = {}) {
  const ipns = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      ipns.push({ raw, json: JSON.parse(raw), type: req.headers['content-type'], path: req.url });
      res.writeHead(status(ipns.length - 1)).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/momo/ipn`,
    ipns,
    /** Resolves when at least `n` IPNs arrived (fails after `ms`). */
    async next(n, ms = 3000) {
      const until = Date.now() + ms;
      while (ipns.length < n) {
        if (Date.now() > until) throw new Error(`only ${ipns.length} IPNs of ${n} within ${ms} ms`);
        await new Promise((r) => { waiters.push(r); setTimeout(r, 50); });
      }
      return ipns;
    },
    close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }),
  };
}

const IPN_KEYS = ['amount', 'extraData', 'message', 'orderId', 'orderInfo', 'orderType', 'partnerCode',
  'payType', 'requestId', 'responseTime', 'resultCode', 'transId'];

/**
 * Verifies an IPN's signature over its raw text, the way a merchant must:
 * values as received (transId's digits from the text, not a double).
 */
export function ipnSignatureValid(raw) {
  const j = JSON.parse(raw);
  const digits = /"transId":([0-9]+)[,}]/.exec(raw)?.[1];
  const value = (k) => (k === 'transId' ? digits : String(j[k]));
  const expected = Buffer.from(hmac(`accessKey=${ACCESS}&${IPN_KEYS.map((k) => `${k}=${value(k)}`).join('&')}`));
  const given = Buffer.from(String(j.signature));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns truthy (fails after `ms`). */
export async function eventually(fn, ms = 3000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms: ${fn}`);
    await sleep(20);
  }
}
