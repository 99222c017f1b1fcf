// A local MoMo "Quick Pay - POS Scanner" sandbox (pos, query, confirm, and
// refunds of its payments): a test double for POS hosts. Plain node:http +
// node:crypto, no dependencies, and nothing from the momo-pos package (an
// independent implementation of MoMo's side).
//
//   import { startSandbox } from './tests/sandbox/sandbox.mjs';
//   const sb = await startSandbox({ port: 0, slowMs: 500 });
//   ... sb.url, sb.ledger(), sb.reset(), await sb.close()
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { message } from './messages.mjs';
import {
  ORDER_ID, MAX_REQUEST_ID, PAYMENT_CODE, amountCode, decryptPaymentCode, langProblem,
  missingField, pkcs1Problem, posFieldProblem, rawSignature, sign, signatureValid, transIdDigits,
} from './rules.mjs';
import { scenarioOf } from './scenarios.mjs';
import { JSON_TYPE, RawJson, arrayText, memberTexts, objectText, postJson } from './wire.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The defaults; every one can be given to startSandbox (and to the CLI). */
export const DEFAULTS = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  privateKey: 'tests/keys/test_rsa2048_private.pem',
  partnerCode: 'MOMO',
  accessKey: 'F8BBA842ECF85',
  secretKey: 'K951B6PE1waDMi640xX08PD3vg6EkVlz',
  slowMs: 35000,
  lateMs: 5000,
  pendingMs: 3000,
  ipnDelayMs: 300,
  ipnRetryMs: 1000,
  ipnRetries: 2,
  ipnTimeoutMs: 15000,
  minAmount: 1000,
  maxAmount: 5000000,
  // Refunds have their own bounds on MoMo's refund page, not the pos ones.
  refundMinAmount: 1000,
  refundMaxAmount: 50000000,
});

/** transIds start above 2^53 so a client that parses them as doubles breaks visibly. */
const FIRST_TRANS_ID = 9007199254740993n;
const MAX_BODY = 1024 * 1024;
const ENDPOINTS = {
  '/v2/gateway/api/pos': 'pos',
  '/v2/gateway/api/query': 'query',
  '/v2/gateway/api/confirm': 'confirm',
  '/v2/gateway/api/refund': 'refund',
};

/**
 * The ledger's invariant, checked every time the ledger is read: no payment
 * refunded beyond what it took. The sandbox refuses such refunds (1081), so
 * this should never report; it is what tests assert on. Returns texts.
 * @param {Record<string, { amount: number|null, refunded: number, refunds: Array<{ amount: number }> }>} orders
 */
export function refundInvariantViolations(orders) {
  const out = [];
  for (const [id, ord] of Object.entries(orders)) {
    const sum = ord.refunds.reduce((n, r) => n + r.amount, 0);
    if (sum !== ord.refunded) out.push(`invariant: order ${id} lists refunds of ${sum} but a refunded total of ${ord.refunded}`);
    if (ord.refunded > (ord.amount ?? 0)) out.push(`invariant: order ${id} refunded ${ord.refunded}, more than its paid amount ${ord.amount}`);
  }
  return out;
}

/** Thrown when the sandbox cannot start (e.g. Node refuses PKCS#1 v1.5). */
export class SandboxStartError extends Error {
  constructor(msg, code) { super(msg); this.name = 'SandboxStartError'; this.code = code; }
}

/**
 * Starts a sandbox.
 * @param {Partial<typeof DEFAULTS> & { log?: (line: string) => void }} [options]
 * @returns {Promise<{ url: string, port: number, ledger: () => any, reset: () => void, close: () => Promise<void> }>}
 */
export async function startSandbox(options = {}) {
  const o = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) o[k] = v;
  const log = typeof options.log === 'function' ? options.log : () => {};
  // The default is resolved from the repository root, a given path from the cwd.
  const keyFile = options.privateKey ? path.resolve(options.privateKey) : path.resolve(REPO_ROOT, DEFAULTS.privateKey);
  let privateKey;
  try {
    privateKey = crypto.createPrivateKey(fs.readFileSync(keyFile));
  } catch (e) {
    throw new SandboxStartError(`cannot read the RSA private key ${keyFile}: ${e.message}`, 'key');
  }
  const problem = pkcs1Problem(privateKey);
  if (problem) throw new SandboxStartError(problem, 'pkcs1');

  let nextTransId = FIRST_TRANS_ID;
  let st = freshState();
  function freshState() {
    return {
      orders: new Map(),       // orderId -> Order
      requests: new Map(),     // requestId -> { path, sha256, outcome: Promise<Outcome> }
      chargedCodes: new Map(), // paymentCode digits -> orderId
      payments: new Map(),     // payment transId digits -> orderId
      refunds: new Map(),      // refund orderId -> { paymentOrderId, refund } (applied refunds only)
      refundTransIds: new Map(), // refund transId digits -> refund orderId
      unknown: [],
      violations: [],
      timers: new Set(),
      held: new Set(),         // sockets of held (slow) answers
      ipnAborts: new Set(),
    };
  }

  function later(ms, fn) {
    const s = st;
    const t = setTimeout(() => { s.timers.delete(t); fn(); }, ms);
    s.timers.add(t);
    return t;
  }

  function violation(text) {
    st.violations.push(text);
    log(`VIOLATION ${text}`);
  }

  function order(orderId) {
    let ord = st.orders.get(orderId);
    if (!ord) {
      ord = {
        scenario: null, amount: null, state: null, charges: 0, paymentCode: null,
        pos: [], queries: [], confirms: [], ipns: [],
        refunds: [], refunded: 0, refundRequests: [],
        payment: null, firstAtMs: Date.now(),
      };
      st.orders.set(orderId, ord);
    }
    return ord;
  }

  function charge(orderId, ord) {
    ord.charges += 1;
    if (ord.charges > 1) violation(`second charge on order ${orderId}`);
    const digits = ord.paymentCode.slice(-18);
    const before = st.chargedCodes.get(digits);
    if (before !== undefined && before !== orderId) {
      violation(`second charge with payment code ${ord.paymentCode}: already charged on order ${before}, charged again on order ${orderId}`);
    } else {
      st.chargedCodes.set(digits, orderId);
    }
  }

  // ---- answers -------------------------------------------------------

  /**
   * The answer text for a request: partnerCode, orderId and requestId echoed
   * from `body` as sent; `amount` and `transId` the payment's when given
   * (else the request's amount and a fresh transId); `extra` more pairs.
   */
  function answerText(kind, body, code, { amount, transId, extra = [] } = {}) {
    const str = (k) => (typeof body[k] === 'string' ? body[k] : undefined);
    const amt = amount ?? (Number.isSafeInteger(body.amount) && body.amount >= 0 ? body.amount : 0);
    const tid = transId ?? nextTransId++;
    const lang = body.lang === 'en' ? 'en' : 'vi';
    return objectText([
      ['partnerCode', str('partnerCode')],
      ['orderId', str('orderId')],
      ['requestId', str('requestId')],
      ['amount', amt],
      ['transId', new RawJson(tid.toString())],
      ['resultCode', code],
      ['message', message(code, lang)],
      ['responseTime', Date.now()],
      ...(kind === 'confirm' ? [['requestType', typeof body.requestType === 'string' ? body.requestType : '']] : []),
      ...extra,
    ]);
  }

  // ---- IPN -----------------------------------------------------------

  function scheduleIpn(orderId, ord, code) {
    const pay = ord.payment;
    if (!pay.ipnUrl) return;
    later(o.ipnDelayMs, () => sendIpn(orderId, ord, code, 0));
  }

  async function sendIpn(orderId, ord, code, attempt) {
    const pay = ord.payment;
    const s = st;
    const f = {
      partnerCode: o.partnerCode,
      orderId,
      requestId: pay.requestId,
      amount: pay.amount,
      orderInfo: pay.orderInfo,
      orderType: 'momo_wallet',
      transId: pay.transId.toString(),
      resultCode: code,
      message: message(code, pay.lang),
      payType: 'pos',
      responseTime: Date.now(),
      extraData: pay.extraData,
    };
    const signature = sign(rawSignature('ipn', f, o.accessKey), o.secretKey);
    const text = objectText([
      ['partnerCode', f.partnerCode], ['orderId', f.orderId], ['requestId', f.requestId],
      ['amount', f.amount], ['orderInfo', f.orderInfo], ['orderType', f.orderType],
      ['transId', new RawJson(f.transId)], ['resultCode', f.resultCode], ['message', f.message],
      ['payType', f.payType], ['responseTime', f.responseTime], ['extraData', f.extraData],
      ['signature', signature],
    ]);
    const ac = new AbortController();
    s.ipnAborts.add(ac);
    const r = await postJson(pay.ipnUrl, text, { timeoutMs: o.ipnTimeoutMs, signal: ac.signal });
    s.ipnAborts.delete(ac);
    if (s !== st) return; // reset meanwhile
    ord.ipns.push({ resultCode: code, httpStatus: r.status });
    log(`IPN ${orderId} ${code} -> ${r.status ?? r.error}`);
    if (r.status !== 204 && attempt < o.ipnRetries) {
      later(o.ipnRetryMs, () => sendIpn(orderId, ord, code, attempt + 1));
    }
  }

  // ---- endpoints -----------------------------------------------------

  /**
   * Handles one parsed, authenticated, not-yet-seen pos request.
   * Returns the outcome: `{ text, code, holdMs?, drop? }`.
   */
  function pos(body, sha) {
    const { orderId, requestId } = body;
    const ord = order(orderId);
    const reject = (code, why) => {
      if (!ord.payment) ord.state = code;
      if (why) violation(`pos ${orderId} (requestId ${requestId}): ${why}`);
      return { code, text: answerText('pos', body, code) };
    };
    if (ord.payment) {
      return reject(41, `new requestId for orderId ${orderId}, which already has a pos payment (requestId ${ord.payment.requestId}): resend the same bytes or query instead`);
    }
    // One orderId namespace per merchant: a refund's orderId is taken too.
    const refunded = st.refunds.get(orderId);
    if (refunded) return reject(41, `orderId ${orderId} is already the orderId of a refund of order ${refunded.paymentOrderId}`);
    if (Number.isSafeInteger(body.amount)) ord.amount = body.amount;
    const ac = amountCode(body.amount, o.minAmount, o.maxAmount);
    if (ac) return reject(ac, ac === 21 ? 'amount is not an integer' : `amount ${body.amount} out of range ${o.minAmount}..${o.maxAmount}`);
    const lp = langProblem(body);
    if (lp) return reject(20, lp);
    const fp = posFieldProblem(body);
    if (fp) return reject(fp.code, fp.reason);
    const plain = decryptPaymentCode(privateKey, body.paymentCode);
    if (plain === null) return reject(44, 'paymentCode does not decrypt (RSA PKCS#1 v1.5 with our public key, base64)');
    if (!PAYMENT_CODE.test(plain)) {
      return reject(44, `paymentCode decrypts to ${JSON.stringify(plain.slice(0, 40))}, not MM/mm + 18 digits or 18 digits`);
    }
    ord.paymentCode = plain;
    ord.scenario = scenarioOf(plain.slice(-18));
    if (ord.scenario === 'invalid_code') return reject(44, null);

    const autoCapture = body.autoCapture !== false;
    const pay = {
      requestId, amount: body.amount, transId: nextTransId++, autoCapture,
      ipnUrl: typeof body.ipnUrl === 'string' && body.ipnUrl ? body.ipnUrl : null,
      lang: body.lang === 'en' ? 'en' : 'vi',
      orderInfo: body.orderInfo, extraData: typeof body.extraData === 'string' ? body.extraData : '',
      sha256: sha,
    };
    ord.payment = pay;
    ord.amount = pay.amount;
    st.payments.set(pay.transId.toString(), orderId);
    const answer = (code) => answerText('pos', body, code, { amount: pay.amount, transId: pay.transId });
    const settle = (code) => {
      ord.state = code;
      if (code === 0) charge(orderId, ord);
      if (code !== 4005) scheduleIpn(orderId, ord, code);
    };
    switch (ord.scenario) {
      case 'authorized':
      case 'confirm_answered_99':
        if (!autoCapture) { ord.state = 9000; return { code: 9000, text: answer(9000) }; }
        settle(0);
        return { code: 0, text: answer(0) };
      case 'late_query': {
        // The IPN waits for the first query (see query()).
        const code = autoCapture ? 0 : 9000;
        ord.state = code;
        if (code === 0) charge(orderId, ord);
        return { code, text: answer(code), drop: true };
      }
      case 'pending':
      case 'user_denied': {
        ord.state = 1000;
        const final = ord.scenario === 'pending' ? 0 : 1006;
        later(o.pendingMs, () => settle(final));
        return { code: 1000, text: answer(1000) };
      }
      case 'slow':
        settle(0);
        return { code: 0, text: answer(0), holdMs: o.slowMs };
      case 'dropped':
        settle(0);
        return { code: 0, text: answer(0), drop: true };
      case 'insufficient_funds':
        settle(1001);
        return { code: 1001, text: answer(1001) };
      case 'code_expired':
        settle(4005);
        return { code: 4005, text: answer(4005) };
      default:
        settle(0);
        return { code: 0, text: answer(0) };
    }
  }

  function query(body) {
    const ord = st.orders.get(body.orderId);
    const pay = ord?.payment;
    if (!pay) return { code: 42, text: answerText('query', body, 42, { amount: 0 }) };
    const code = ord.state;
    const answer = {
      code,
      text: answerText('query', body, code, {
        amount: pay.amount,
        transId: pay.transId,
        extra: [['extraData', pay.extraData], ['payType', 'pos'], ['paymentOption', 'momo'],
          ['refundTrans', refundTrans(ord)], ['promotionInfo', null]],
      }),
    };
    if (ord.scenario === 'late_query' && !pay.queried) {
      // The state as it is now, answered late; the IPN overtakes it.
      pay.queried = true;
      scheduleIpn(body.orderId, ord, code);
      answer.holdMs = o.lateMs;
    }
    return answer;
  }

  /**
   * A query answer's `refundTrans`: the payment's applied refunds, oldest
   * first (refusals such as 1080/1081/1088 took no money and are not listed).
   */
  function refundTrans(ord) {
    return arrayText(ord.refunds.map((r) => [
      ['orderId', r.orderId], ['amount', r.amount], ['resultCode', r.resultCode],
      ['transId', new RawJson(r.transId)], ['createdTime', r.createdTime],
    ]));
  }

  function confirm(body) {
    const { orderId, requestId, requestType } = body;
    const ord = st.orders.get(orderId);
    const pay = ord?.payment;
    const opts = pay ? { amount: pay.amount, transId: pay.transId } : {};
    const reject = (code, why) => {
      violation(`confirm ${requestType} of ${orderId} (requestId ${requestId}): ${why}`);
      return { code, text: answerText('confirm', body, code, opts) };
    };
    if (requestType !== 'capture' && requestType !== 'cancel') return reject(20, 'requestType must be capture or cancel');
    const ac = amountCode(body.amount, o.minAmount, o.maxAmount);
    if (ac) return reject(ac, `amount ${JSON.stringify(body.amount)} is not valid`);
    const lp = langProblem(body);
    if (lp) return reject(20, lp);
    if (!pay) return reject(42, 'no payment with this orderId');
    if (body.amount !== pay.amount) return reject(21, `amount ${body.amount} differs from the authorized ${pay.amount}`);
    if (ord.state === 9000) {
      if (requestType === 'capture') {
        ord.state = 0;
        ord.captured = true;
        charge(orderId, ord);
        scheduleIpn(orderId, ord, 0);
      } else {
        ord.state = 1003;
        ord.cancelled = true;
        scheduleIpn(orderId, ord, 1003);
      }
      // Done, but the answer says otherwise: only a query tells.
      const code = ord.scenario === 'confirm_answered_99' ? 99 : 0;
      return { code, text: answerText('confirm', body, code, opts) };
    }
    if (ord.cancelled) return reject(47, requestType === 'capture' ? 'a capture after a cancel' : 'a second cancel (with a new requestId)');
    if (ord.captured) return reject(47, requestType === 'cancel' ? 'a cancel after a capture' : 'a second capture (with a new requestId)');
    return reject(47, `a confirm of a payment that is not authorized (state ${ord.state})`);
  }

  /**
   * Handles one parsed, authenticated, not-yet-seen refund request;
   * `body.transId` is the payment's transId as digits (see handleApi).
   * The rules in order: amount, lang; the payment exists, is paid and may be
   * refunded (1088); the refund orderId is new (41); the amount is still
   * refundable (1081); then the scenario's retry-later (1080), else applied.
   */
  function refund(body) {
    const { orderId, requestId, transId } = body;
    const paymentOrderId = st.payments.get(transId);
    const ord = paymentOrderId === undefined ? undefined : st.orders.get(paymentOrderId);
    const pay = ord?.payment;
    const reject = (code, why) => {
      if (why) violation(`refund ${orderId} of transId ${transId} (requestId ${requestId}): ${why}`);
      return { code, text: answerText('refund', body, code) };
    };
    const ac = amountCode(body.amount, o.refundMinAmount, o.refundMaxAmount);
    if (ac) return reject(ac, ac === 21 ? 'amount is not an integer' : `amount ${body.amount} out of the refund range ${o.refundMinAmount}..${o.refundMaxAmount}`);
    const lp = langProblem(body);
    if (lp) return reject(20, lp);
    // MoMo does not document the answer to a transId it never issued; 1088
    // ("not eligible to be refunded") is our choice.
    if (!pay) {
      const ofRefund = st.refundTransIds.get(transId);
      return reject(1088, ofRefund === undefined ? 'no payment with this transId'
        : `transId ${transId} is the refund ${ofRefund}'s, not a payment's`);
    }
    if (ord.state !== 0) return reject(1088, `payment ${paymentOrderId} is not successful (state ${ord.state}): only a paid payment can be refunded`);
    if (ord.scenario === 'not_refundable') return reject(1088, null);
    if (st.orders.get(orderId)?.payment) {
      return reject(41, orderId === paymentOrderId
        ? `the refund orderId is the payment's own orderId ${orderId}: a refund needs a new orderId`
        : `refund orderId ${orderId} is the orderId of another payment`);
    }
    const prior = st.refunds.get(orderId);
    if (prior) {
      return reject(41, `duplicate refund: refund orderId ${orderId} was already refunded (requestId ${prior.refund.requestId}, payment ${prior.paymentOrderId}); resend the same bytes or query the payment instead`);
    }
    // Paid minus refunded; refunds "in progress" would count too, but here
    // every accepted refund is applied when received, so there are none.
    const refundable = pay.amount - ord.refunded;
    // MoMo's own refusal, not a client's fault: another till may have
    // refunded first, so it is no violation (an applied refund beyond the
    // paid amount would be: the invariant below).
    if (body.amount > refundable) return reject(1081, null);
    if (ord.scenario === 'refund_retry_later') {
      // Once per refund orderId: 1080 is final for that request, so the
      // retry comes with a new requestId (same orderId, since nothing moved).
      pay.retriedLater ??= new Set();
      if (!pay.retriedLater.has(orderId)) {
        pay.retriedLater.add(orderId);
        return reject(1080, null);
      }
    }
    const r = {
      orderId, requestId, amount: body.amount, transId: (nextTransId++).toString(), resultCode: 0, createdTime: Date.now(),
    };
    ord.refunds.push(r);
    ord.refunded += r.amount;
    st.refunds.set(orderId, { paymentOrderId, refund: r });
    st.refundTransIds.set(r.transId, orderId);
    const outcome = { code: 0, text: answerText('refund', body, 0, { transId: r.transId }) };
    if (ord.scenario === 'refund_slow') outcome.holdMs = o.slowMs;
    if (ord.scenario === 'refund_dropped') outcome.drop = true;
    return outcome;
  }

  // ---- HTTP ----------------------------------------------------------

  async function handleApi(kind, urlPath, req, res, raw) {
    const sha = crypto.createHash('sha256').update(raw).digest('hex');
    const text = raw.toString('utf8');
    let body;
    try { body = JSON.parse(text); } catch { body = undefined; }
    const lists = { pos: 'pos', query: 'queries', confirm: 'confirms', refund: 'refundRequests' };
    // A refund names its payment by transId, a Long: JSON.parse has rounded
    // it to a double, so take its digits from the text (null: not a Long).
    let transIdBad = false;
    if (kind === 'refund' && body && typeof body === 'object' && !Array.isArray(body) && 'transId' in body && body.transId !== null) {
      const digits = transIdDigits(memberTexts(text).get('transId'));
      if (digits === null) transIdBad = true;
      else body = { ...body, transId: digits };
    }

    /** Where this request is recorded: an order's list, or `unknown`. */
    const record = (entry) => {
      if (kind === 'refund') {
        // Under the payment it refunds, when the transId names one.
        const paymentOrderId = body && !transIdBad ? st.payments.get(body.transId) : undefined;
        if (paymentOrderId !== undefined) {
          st.orders.get(paymentOrderId).refundRequests.push(entry);
        } else {
          entry.endpoint = kind;
          entry.transId = body && typeof body.transId === 'string' ? body.transId : null;
          st.unknown.push(entry);
        }
        return entry;
      }
      const id = body && typeof body.orderId === 'string' ? body.orderId : null;
      const known = id !== null && (st.orders.has(id) || (kind === 'pos' && ORDER_ID.test(id)));
      if (known) {
        const ord = kind === 'pos' ? order(id) : st.orders.get(id);
        if (kind === 'pos') entry.atMs = Date.now() - ord.firstAtMs;
        ord[lists[kind]].push(entry);
      } else {
        entry.endpoint = kind;
        entry.orderId = id;
        st.unknown.push(entry);
      }
      return entry;
    };
    const mkEntry = (code, sigOk) => {
      const e = {};
      // A refund entry sits under the payment: it names its own orderId.
      if (kind === 'refund') e.orderId = body && typeof body.orderId === 'string' ? body.orderId : null;
      e.requestId = body && typeof body.requestId === 'string' ? body.requestId : null;
      if (kind === 'refund') e.amount = body ? body.amount ?? null : null;
      if (kind === 'confirm') e.requestType = body && typeof body.requestType === 'string' ? body.requestType : null;
      if (kind !== 'query') e.sha256 = sha;
      e.signatureValid = sigOk;
      e.resultCode = code;
      if (kind === 'pos' || kind === 'refund') e.answered = false;
      if (kind === 'pos') e.atMs = 0;
      return e;
    };
    const send = (entry, text) => {
      if (res.destroyed || req.socket.destroyed) return;
      res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      if ('answered' in entry) entry.answered = true;
    };

    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      const entry = record(mkEntry(20, false));
      violation(`${kind}: body is not a JSON object`);
      send(entry, objectText([['resultCode', 20], ['message', message(20, 'vi')], ['responseTime', Date.now()]]));
      return;
    }
    const sigOk = signatureValid(kind, body, o.accessKey, o.secretKey);
    const early = (code, why) => {
      const entry = record(mkEntry(code, sigOk));
      const ord = kind === 'pos' && st.orders.get(body.orderId);
      if (ord && !ord.payment) ord.state = code;
      violation(`${kind} ${body.orderId} (requestId ${body.requestId}): ${why}`);
      send(entry, answerText(kind, body, code));
    };
    const missing = missingField(kind, body);
    if (missing) return early(20, missing);
    if (transIdBad) return early(20, 'transId must be an integer Long (a JSON number, or a string of digits)');
    if (body.partnerCode !== o.partnerCode) return early(13, `unknown partnerCode ${body.partnerCode}`);
    if (!sigOk) return early(20, 'signature mismatch');
    if (body.requestId.length === 0 || body.requestId.length > MAX_REQUEST_ID) {
      return early(20, `requestId must have 1..${MAX_REQUEST_ID} characters`);
    }
    if (!ORDER_ID.test(body.orderId)) return early(42, 'orderId does not match ^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$');

    const seen = st.requests.get(body.requestId);
    if (seen) {
      if (seen.path !== urlPath || seen.sha256 !== sha) {
        const entry = record(mkEntry(40, true));
        const what = kind === 'refund' ? 'duplicate refund: ' : '';
        violation(`${what}${kind} ${body.orderId}: requestId ${body.requestId} reused with a different body (first on ${seen.path})`);
        send(entry, answerText(kind, body, 40));
        return;
      }
      // Same requestId, same bytes: the same answer (waits for a held one).
      const entry = record(mkEntry(null, true));
      const outcome = await seen.outcome;
      entry.resultCode = outcome.code;
      if (outcome.holdMs !== undefined && !seen.released) await holdFor(seen, res);
      send(entry, outcome.text);
      return;
    }

    const entry = record(mkEntry(null, true));
    const handlers = {
      pos: () => pos(body, sha), query: () => query(body), confirm: () => confirm(body), refund: () => refund(body),
    };
    const outcome = handlers[kind]();
    entry.resultCode = outcome.code;
    const memo = { path: urlPath, sha256: sha, outcome: Promise.resolve(outcome), released: false, wait: null };
    st.requests.set(body.requestId, memo);
    log(`${kind} ${body.orderId} ${body.requestId} -> ${outcome.code}${outcome.drop ? ' (dropped)' : ''}${outcome.holdMs !== undefined ? ` (held ${outcome.holdMs} ms)` : ''}`);
    if (outcome.drop) {
      req.socket.destroy();
      return;
    }
    if (outcome.holdMs !== undefined) {
      memo.wait = new Promise((resolve) => later(outcome.holdMs, () => { memo.released = true; resolve(); }));
      await holdFor(memo, res);
    }
    send(entry, outcome.text);
  }

  /** Waits until a held answer is released (the socket is dropped on reset). */
  async function holdFor(memo, res) {
    const sock = res.socket;
    st.held.add(sock);
    await memo.wait;
    st.held.delete(sock);
  }

  function ledger() {
    const orders = {};
    for (const [id, ord] of st.orders) {
      orders[id] = {
        scenario: ord.scenario, amount: ord.amount, state: ord.state, charges: ord.charges,
        paymentCode: ord.paymentCode, pos: ord.pos, queries: ord.queries, confirms: ord.confirms, ipns: ord.ipns,
        refunds: ord.refunds, refunded: ord.refunded, refundRequests: ord.refundRequests,
      };
    }
    const violations = [...st.violations, ...refundInvariantViolations(orders)];
    return structuredClone({ orders, violations, unknown: st.unknown });
  }

  function reset() {
    for (const t of st.timers) clearTimeout(t);
    for (const ac of st.ipnAborts) ac.abort();
    for (const sock of st.held) sock.destroy();
    st = freshState();
    log('reset');
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) { res.writeHead(413).end(); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return;
      const raw = Buffer.concat(chunks);
      const urlPath = new URL(req.url, 'http://x').pathname;
      const kind = ENDPOINTS[urlPath];
      const json = (status, value) => {
        const text = JSON.stringify(value, null, 2);
        res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) }).end(text);
      };
      if (kind && req.method === 'POST') {
        handleApi(kind, urlPath, req, res, raw).catch((e) => {
          log(`error: ${e.stack}`);
          if (!res.headersSent && !res.destroyed) json(500, { resultCode: 99, message: message(99, 'en') });
        });
      } else if (urlPath === '/_sandbox/ledger' && req.method === 'GET') {
        json(200, ledger());
      } else if (urlPath === '/_sandbox/reset' && req.method === 'POST') {
        reset();
        json(200, { reset: true });
      } else {
        json(404, { error: `no ${req.method} ${urlPath} here; endpoints: POST /v2/gateway/api/{pos,query,confirm,refund}, GET /_sandbox/ledger, POST /_sandbox/reset` });
      }
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => { server.off('error', reject); resolve(); });
  });
  const port = server.address().port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    port,
    ledger,
    reset,
    close() {
      reset();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
