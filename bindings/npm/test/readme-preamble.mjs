// What the README's runnable examples take as given: readme.test.mjs runs
// each block as a module that imports this first. MoMo's sandbox
// credentials and a client made from them, MoMo's public key (the
// repository's test key) and a code encrypted with it, a signed IPN, a
// store, a cashier who never answers, and a `fetch` that answers as MoMo
// would: signed over the field lists of tests/vectors/responses.json, with
// the signing rule checked against those vectors first, and refusing a
// request whose own signature is wrong (an example that signs badly fails).
// A virtual clock lets a driver's waits pass at once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MomoClient, MomoPublicKey } from 'momo-pos';
import { credentials, hmacHex, ipnBody, publicKey2048, rawSignature, repo } from './oracle.mjs';

const VECTORS = JSON.parse(readFileSync(`${repo}tests/vectors/responses.json`, 'utf8'));
const TRANS_ID = '4088878653';
/** A refund's own transId: beyond 2^53, so an example that rounds it shows. */
const REFUND_TRANS_ID = '9007199254740995';

/** MoMo's answer signature: `accessKey=…&` then the kind's signed fields, a to z. */
function answerSignature(kind, fields) {
  const raw = [`accessKey=${credentials.accessKey}`, ...VECTORS.signedFields[kind].map((k) => `${k}=${fields[k] ?? ''}`)].join('&');
  return hmacHex(raw);
}
// The rule reproduces the oracle's signed answers, or every answer below would be wrong.
for (const kind of ['pos', 'query', 'confirm', 'refund']) {
  const vector = VECTORS[kind === 'refund' ? 'refundResponses' : 'responses'].find((v) => v.name === `${kind}_signed_valid`);
  // transId's digits from the text: this one passes 2^53.
  const body = { ...JSON.parse(vector.body), transId: vector.body.match(/"transId":(\d+)/)[1] };
  assert.equal(answerSignature(kind, body), body.signature, `${kind}_signed_valid`);
}

/** JSON text with the listed members written as raw digits (transIds may pass 2^53). */
function json(fields, digits) {
  return `{${Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${digits.has(k) ? v : JSON.stringify(v)}`).join(',')}}`;
}

/** What each order became, for status queries: its result code and amount. */
const orders = new Map();

function answer(kind, body, text) {
  // A request's transId may pass 2^53: its digits from the text, not JSON.parse.
  const transId = text.match(/"transId":(\d+)/)?.[1];
  const expected = rawSignature(kind, { ...body, ...(transId ? { transId } : {}) });
  assert.equal(body.signature, hmacHex(expected), `the example's ${kind} request is not signed as MoMo checks it`);
  const order = orders.get(body.orderId) ?? { resultCode: 0, amount: body.amount ?? 59000 };
  let resultCode = 0;
  let extra = {};
  if (kind === 'pos') {
    resultCode = body.autoCapture === false ? 9000 : 0;
    orders.set(body.orderId, { resultCode, amount: body.amount });
  } else if (kind === 'confirm') {
    orders.set(body.orderId, { ...order, resultCode: body.requestType === 'capture' ? 0 : 1003 });
    extra = { requestType: body.requestType };
  } else if (kind === 'query') {
    resultCode = order.resultCode;
    extra = { extraData: '', payType: 'pos' };
  }
  const fields = {
    partnerCode: body.partnerCode, orderId: body.orderId, requestId: body.requestId,
    amount: kind === 'query' ? order.amount : body.amount,
    transId: kind === 'refund' ? REFUND_TRANS_ID : TRANS_ID,
    resultCode, message: resultCode === 0 ? 'Thành công.' : 'Giao dịch được xác nhận thành công.', responseTime: Date.now(),
    ...extra,
  };
  const signed = { ...fields, signature: answerSignature(kind, fields) };
  const lists = kind === 'query' ? ',"refundTrans":[]' : '';
  return json(signed, new Set(['amount', 'transId', 'resultCode', 'responseTime'])).replace(/}$/, `${lists}}`);
}

const realNow = Date.now;
let offset = 0;
let wakeUp = null;
let checks = 0;

Object.assign(globalThis, {
  ...credentials,
  MOMO_PUBLIC_KEY: publicKey2048,
  scannerText: ']Q1MM561918531775222861\r\n',
  encryptedPaymentCode: new MomoPublicKey(publicKey2048).encryptPaymentCode('MM561918531775222861'),
  client: new MomoClient(credentials),
  orderId: 'ORDER-1001',
  rawBody: ipnBody(),
  db: (() => {
    const saved = new Map();
    return { save: async (key, value) => void saved.set(key, value), load: async (key) => saved.get(key) };
  })(),
  showRescan: () => {},
  askCashier: () => {}, // the cashier never answers: the decision's default applies
  /** MoMo's gateway (any base URL), and 204 for the page's calls to its own backend. */
  fetch: async (url, init = {}) => {
    const endpoint = /\/v2\/gateway\/api\/(pos|query|confirm|refund)$/.exec(String(url))?.[1];
    if (!endpoint) return new Response(null, { status: 204 });
    assert.equal(init.method, 'POST');
    assert.match(init.headers['Content-Type'], /^application\/json/);
    return new Response(answer(endpoint, JSON.parse(init.body), init.body), { status: 200 });
  },
  /** Resolves 'woken' on wake(), else 'timer' once the virtual clock is moved to `until`. */
  sleepUntil: (until) => new Promise((resolve) => {
    // Long enough for a stubbed fetch's promise chain to settle and wake it first.
    const timer = setTimeout(() => {
      wakeUp = null;
      offset += Math.max(0, until - Date.now());
      resolve('timer');
    }, 20);
    wakeUp = () => {
      clearTimeout(timer);
      resolve('woken');
    };
  }),
  wake: () => {
    const waiting = wakeUp;
    wakeUp = null;
    waiting?.();
  },
  /** `expression; // => value` lines of the README become calls of this. */
  __expect: (actual, expected, line) => {
    assert.deepStrictEqual(actual, expected, `README.md line ${line}`);
    checks += 1;
  },
});
Date.now = () => realNow() + offset;
process.on('exit', () => process.stdout.write(`\n@@checks ${checks}\n`));
