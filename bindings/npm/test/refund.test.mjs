// Refunds through the package's JS API (full entry only): signed refund
// requests against the Python oracle (tests/vectors/signatures.json,
// "refund") and node:crypto, refund answers and the typed refundTrans, and
// RefundDriver against scripted MoMo answers written here from the
// protocol (the refund answer, or the payment's status query listing the
// refund in refundTrans).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import init, * as momo from 'momo-pos';
import * as browser from 'momo-pos/browser';
import { throwsMomo } from './throws-momo.mjs';
import { credentials, hmacHex, pkgDir, rawSignature, repo } from './oracle.mjs';

await init();
const client = new momo.MomoClient(credentials);
const T0 = 1_700_000_000_000;
const LATENCY_MS = 300;

/** The payment refunded, as the host's records have it. */
const PAID = { orderId: 'ORDER-1001', transId: '4088878653', amount: 59000 };
const R = 'ORDER-1001-R1';
const REFUND = { orderId: R, requestId: R, amount: 20000, transId: PAID.transId, description: 'Khách trả 1 ly' };
/** MoMo's transId of the refund itself: beyond 2^53, it must reach the outcome digit for digit. */
const REFUND_TRANS_ID = '9007199254740995';

/** The exact digits of a body's transId (JSON.parse would round them beyond 2^53). */
const transIdOf = (body) => body.match(/"transId":(\d+)/)[1];

/** The raw signature of a refund or query request body, from its text. */
function expectedSignature(endpoint, body) {
  const fields = { ...JSON.parse(body) };
  if (endpoint === 'refund') fields.transId = transIdOf(body);
  return hmacHex(rawSignature(endpoint, fields));
}

// ---- refundRequest against the oracle ----

const VECTORS = JSON.parse(readFileSync(`${repo}tests/vectors/signatures.json`, 'utf8'));

test('refund requests match the Python oracle, transId as digits, BigInt or safe number', () => {
  const cases = VECTORS.refund;
  assert.ok(cases.length >= 4);
  const names = new Set();
  for (const c of cases) {
    names.add(c.name);
    const f = c.fields;
    // The oracle's JSON holds transId as a number: its exact digits are in its raw signature.
    const digits = c.rawSignature.match(/&transId=(\d+)$/)[1];
    const ways = [digits, BigInt(digits)];
    if (BigInt(digits) <= BigInt(Number.MAX_SAFE_INTEGER)) ways.push(Number(digits));
    for (const transId of ways) {
      const input = { orderId: f.orderId, requestId: f.requestId, amount: f.amount, transId, description: f.description };
      const request = client.refundRequest(input);
      const what = `${c.name} (transId as ${typeof transId})`;
      assert.equal(request.rawSignature, c.rawSignature, what);
      assert.equal(request.signature, c.signature, what);
      assert.equal(request.url, 'https://test-payment.momo.vn/v2/gateway/api/refund', what);
      assert.equal(request.path, '/v2/gateway/api/refund');
      assert.equal(request.headers['Content-Type'], 'application/json; charset=UTF-8');
      assert.equal(request.timeoutMs, 30000);
      assert.equal(request.orderId, f.orderId);
      assert.equal(request.requestId, f.requestId);
      assert.equal(request.partnerCode, 'MOMO');
      // transId goes to MoMo as a JSON number with every digit.
      assert.ok(request.body.includes(`"transId":${digits},`), request.body);
      const body = JSON.parse(request.body);
      assert.equal(body.signature, c.signature);
      assert.equal(body.description, f.description);
      assert.equal(body.lang, 'vi');
      assert.equal(body.amount, f.amount);
    }
  }
  // The cases the brief of the oracle names.
  for (const name of ['full_vietnamese_description', 'partial_empty_description', 'trans_id_above_2_pow_53', 'amount_max_50000000']) {
    assert.ok(names.has(name), name);
  }
});

test('refund signatures are node:crypto HMACs of the raw text; description may be left out', () => {
  const request = client.refundRequest(REFUND);
  const fields = { ...REFUND, partnerCode: 'MOMO' };
  assert.equal(request.rawSignature, rawSignature('refund', fields));
  assert.equal(request.signature, hmacHex(rawSignature('refund', fields)));
  assert.equal(expectedSignature('refund', request.body), request.signature);
  // No description: signed as "description=" and sent as "".
  const bare = client.refundRequest({ orderId: 'O-2-R1', requestId: 'O-2-R1', amount: 1000, transId: 18446744073709551615n >> 1n, lang: 'en' });
  assert.ok(bare.rawSignature.includes('&description=&'), bare.rawSignature);
  assert.equal(bare.signature, hmacHex(bare.rawSignature));
  assert.equal(transIdOf(bare.body), '9223372036854775807');
  assert.equal(JSON.parse(bare.body).lang, 'en');
  assert.equal(JSON.parse(bare.body).description, '');
  const sub = client.refundRequest({ ...REFUND, subPartnerCode: 'SUB-1' });
  assert.equal(JSON.parse(sub.body).subPartnerCode, 'SUB-1');
  assert.equal(sub.signature, request.signature, 'subPartnerCode is not signed');
});

test('refund inputs: lossy transIds, amounts out of bounds and bad fields are refused by name', () => {
  const base = { orderId: 'O-1-R1', requestId: 'O-1-R1', amount: 20000 };
  // A JS number beyond 2^53 - 1 may already have lost digits.
  throwsMomo(() => client.refundRequest({ ...base, transId: 2 ** 53 }), 'invalidField', 'transId');
  // eslint-disable-next-line no-loss-of-precision
  throwsMomo(() => client.refundRequest({ ...base, transId: 9007199254740993 }), 'invalidField', 'transId');
  throwsMomo(() => client.refundRequest({ ...base, transId: 1e21 }), 'invalidField', 'transId');
  throwsMomo(() => client.refundRequest({ ...base, transId: 4088878653.5 }), 'invalidField', 'transId');
  throwsMomo(() => client.refundRequest({ ...base, transId: -1 }), 'invalidField', 'transId');
  throwsMomo(() => client.refundRequest({ ...base, transId: '40888x' }), 'invalidField', 'transId');
  throwsMomo(() => client.refundRequest({ ...base, transId: '' }), 'invalidField', 'transId');
  // Beyond MoMo's Java long, or 64 bits.
  throwsMomo(() => client.refundRequest({ ...base, transId: '9223372036854775808' }), 'invalidField', 'transId');
  throwsMomo(() => client.refundRequest({ ...base, transId: 2n ** 64n }), 'invalidField', 'transId');
  throwsMomo(() => client.refundRequest(base), 'missingField', 'transId');
  // 2^53 - 1 is still exact as a number.
  assert.equal(transIdOf(client.refundRequest({ ...base, transId: Number.MAX_SAFE_INTEGER }).body), '9007199254740991');

  // MoMo's refund bounds by default: 1,000 to 50,000,000 VND.
  const t = { ...base, transId: '4088878653' };
  assert.ok(client.refundRequest({ ...t, amount: 1000 }));
  assert.ok(client.refundRequest({ ...t, amount: 50_000_000 }));
  throwsMomo(() => client.refundRequest({ ...t, amount: 999 }), 'invalidField', 'amount');
  throwsMomo(() => client.refundRequest({ ...t, amount: 50_000_001 }), 'invalidField', 'amount');
  throwsMomo(() => client.refundRequest({ ...t, amount: 1500.5 }), 'invalidField', 'amount');
  throwsMomo(() => client.refundRequest({ ...t, amount: 2 ** 53 }), 'invalidField', 'amount');
  // A contract with other caps: refundLimits.
  const capped = new momo.MomoClient({ ...credentials, refundLimits: { min: 5000, max: 100_000 } });
  throwsMomo(() => capped.refundRequest({ ...t, amount: 4999 }), 'invalidField', 'amount');
  throwsMomo(() => capped.refundRequest({ ...t, amount: 100_001 }), 'invalidField', 'amount');
  assert.ok(capped.refundRequest({ ...t, amount: 100_000 }));
  throwsMomo(() => new momo.MomoClient({ ...credentials, refundLimits: { min: 0, max: 1 } }), 'invalidField', 'amount');

  throwsMomo(() => client.refundRequest({ ...t, transID: '1' }), 'invalidField', 'transID');
  throwsMomo(() => client.refundRequest({ ...t, description: 'x\uD800' }), 'invalidField', 'description');
  throwsMomo(() => client.refundRequest({ ...t, description: 'a&amount=1' }), 'invalidField', 'description');
  throwsMomo(() => client.refundRequest({ ...t, lang: 'fr' }), 'invalidField', 'lang');
  throwsMomo(() => client.refundRequest({ ...t, subPartnerCode: '' }), 'invalidField', 'subPartnerCode');
  throwsMomo(() => client.refundRequest('O-1'), 'invalidField', 'refund');
});

test('refund answers and the typed refundTrans of a status query', () => {
  const f = { partnerCode: 'MOMO', orderId: R, requestId: R, amount: '20000', transId: REFUND_TRANS_ID, resultCode: '0', message: 'Thành công.', responseTime: '1763886412345' };
  const numbers = new Set(['amount', 'transId', 'resultCode', 'responseTime']);
  const json = (extra = '') => `{${Object.entries(f).map(([k, v]) => `"${k}":${numbers.has(k) ? v : JSON.stringify(v)}`).join(',')}${extra}}`;
  const unsigned = client.parseRefundResponse(json());
  assert.equal(unsigned.authenticity, 'unsigned');
  assert.deepEqual(unsigned.body, {
    partnerCode: 'MOMO', orderId: R, requestId: R, amount: 20000, transId: REFUND_TRANS_ID,
    responseTime: 1763886412345, resultCode: 0, message: 'Thành công.',
  });
  assert.equal(unsigned.result.category, 'paid');
  // Signed over the answer's fields (MoMo's notification rule), as the other answers.
  const signed = ['amount', 'message', 'orderId', 'partnerCode', 'requestId', 'responseTime', 'resultCode', 'transId'];
  const raw = [`accessKey=${credentials.accessKey}`, ...signed.map((k) => `${k}=${f[k]}`)].join('&');
  assert.equal(client.parseRefundResponse(Buffer.from(json(`,"signature":"${hmacHex(raw)}"`))).authenticity, 'verified');
  throwsMomo(() => client.parseRefundResponse(json(`,"signature":"${hmacHex(raw, 'x')}"`)), 'signatureMismatch');
  throwsMomo(() => client.parseRefundResponse(JSON.parse(json())), 'invalidField', 'body');
  const refused = client.parseRefundResponse(json().replace('"resultCode":0', '"resultCode":1081'));
  assert.equal(refused.body.resultCode, 1081);
  assert.equal(refused.result.code, 1081);

  // The oracle's query answer with refundTrans: typed, transIds exact; the raw text as sent.
  const responses = JSON.parse(readFileSync(`${repo}tests/vectors/responses.json`, 'utf8')).responses;
  const withLists = responses.find((c) => c.name === 'query_signed_with_lists');
  const q = client.parseQueryResponse(withLists.body);
  assert.equal(q.authenticity, 'verified');
  assert.equal(q.body.refundTrans, withLists.refundTrans ?? withLists.body.match(/"refundTrans":(\[.*?\])/)[1]);
  assert.deepEqual(q.body.refunds, [
    { orderId: 'MM1540456472575-r1', amount: 10000, resultCode: 0, transId: '9007199254740993', createdTime: 1763886500000 },
    { orderId: 'MM1540456472575-r2', amount: 5000, resultCode: 1080, transId: '4088878999', createdTime: 1763886600000 },
  ]);
  // No refundTrans: an empty list; one that is not a list of refunds: null, the rest still read.
  const plain = client.parseQueryResponse(JSON.stringify({ orderId: 'O', requestId: 'q', resultCode: 0, message: 'm' }));
  assert.equal(plain.body.refundTrans, null);
  assert.deepEqual(plain.body.refunds, []);
  const odd = client.parseQueryResponse('{"orderId":"O","requestId":"q","resultCode":0,"message":"m","refundTrans":[{"orderId":"R"}]}');
  assert.equal(odd.body.refundTrans, '[{"orderId":"R"}]');
  assert.equal(odd.body.refunds, null);
  assert.equal(odd.body.orderId, 'O');
});

test("refund answers verify or fail as the oracle's vectors say (responses.json refundResponses)", () => {
  const vectors = JSON.parse(readFileSync(`${repo}tests/vectors/responses.json`, 'utf8')).refundResponses;
  assert.ok(vectors.length >= 15);
  const camel = (snake) => snake.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  for (const { name, body, expect } of vectors) {
    for (const raw of [body, Buffer.from(body)]) {
      if (expect === 'verified' || expect === 'unsigned') {
        const r = client.parseRefundResponse(raw);
        assert.equal(r.authenticity, expect, name);
        const digits = body.match(/"transId"\s*:\s*(\d+)/)?.[1] ?? null;
        assert.equal(r.body.transId, digits, `${name}: transId exact`);
      } else {
        throwsMomo(() => client.parseRefundResponse(raw), camel(expect));
      }
    }
  }
});

// ---- RefundDriver against scripted answers ----

/** MoMo's unsigned answer to the refund request of a send action. */
function refundAnswer(action, resultCode, amount = JSON.parse(action.body).amount) {
  const { partnerCode, orderId, requestId } = JSON.parse(action.body);
  return `{"partnerCode":"${partnerCode}","orderId":"${orderId}","requestId":"${requestId}","amount":${amount},` +
    `"transId":${REFUND_TRANS_ID},"resultCode":${resultCode},"message":"from the scripted MoMo","responseTime":${T0}}`;
}

/** MoMo's unsigned answer to a status query of the paid payment, listing `refunds` ({ orderId, amount, resultCode }). */
function queryAnswer(action, refunds, status = 0) {
  const { partnerCode, orderId, requestId } = JSON.parse(action.body);
  const list = refunds.map((r) =>
    `{"orderId":"${r.orderId}","amount":${r.amount},"resultCode":${r.resultCode},"transId":${REFUND_TRANS_ID},"createdTime":${T0 + 1}}`);
  return `{"partnerCode":"${partnerCode}","orderId":"${orderId}","requestId":"${requestId}","extraData":"","amount":${PAID.amount},` +
    `"transId":${PAID.transId},"payType":"pos","resultCode":${status},"message":"m","responseTime":${T0},"refundTrans":[${list.join(',')}]}`;
}

/** Every request the refund driver hands out is signed as MoMo checks it. */
function checkSend(action) {
  assert.ok(['refund', 'query'].includes(action.endpoint), action.endpoint);
  assert.equal(JSON.parse(action.body).signature, expectedSignature(action.endpoint, action.body), action.body);
  assert.equal(action.url, `https://test-payment.momo.vn/v2/gateway/api/${action.endpoint}`);
  assert.equal(action.headers['Content-Type'], 'application/json; charset=UTF-8');
  assert.equal(JSON.parse(action.body).requestId, action.requestId);
  assert.equal(action.timeoutMs, 30000);
  if (action.endpoint === 'query') assert.equal(JSON.parse(action.body).orderId, PAID.orderId, 'the payment is queried');
}

/**
 * Plays a script of what MoMo does, in order, against a RefundDriver:
 *   { answer: CODE, amount? }   MoMo answers the refund in flight
 *   { listed: CODE | null, amount? }   MoMo answers the status query in
 *                               flight: the payment is paid (0) and its
 *                               refundTrans lists this refund with CODE
 *                               (null: lists no such refund)
 *   { status: HTTP }            an unusable answer (an HTML error page)
 *   'timeout', 'network'        no answer in time; a failure below HTTP
 * When the script runs out MoMo is silent: every request times out.
 */
function play(driver, script, { restoreEveryStep = false, crashBeforeEverySend = false } = {}) {
  const beats = [...script];
  const steps = [];
  const sends = [];
  const resends = [];
  const sent = new Set();
  let now = T0;
  const restore = () => {
    driver = momo.RefundDriver.restore(client, driver.snapshot(), now);
  };
  for (let step = 0; step < 100; step++) {
    if (restoreEveryStep) restore();
    let action = driver.nextAction();
    if (action.type === 'done') {
      steps.push(`done ${action.outcome.outcome}`);
      return { steps, sends, resends, driver, outcome: action.outcome, now };
    }
    if (action.type === 'wait') {
      steps.push(`wait ${action.untilMs - now}`);
      now = action.untilMs;
      driver.tick(now);
      continue;
    }
    const key = `${action.requestId}#${action.attempt}`;
    if (!sent.has(key)) {
      sent.add(key);
      if (crashBeforeEverySend) {
        restore();
        const again = driver.nextAction();
        resends.push([action, again]);
        action = again;
      }
      checkSend(action);
      sends.push(action);
      steps.push(`send ${action.endpoint} ${action.requestId}${action.attempt > 1 ? ` (attempt ${action.attempt})` : ''}`);
    }
    const beat = beats.shift();
    if (beat === undefined || beat === 'timeout') {
      now = action.deadlineMs;
      driver.handleTimeout(action.id, now);
      steps.push('timeout');
    } else if (beat === 'network') {
      now += LATENCY_MS;
      driver.handleNetworkError(action.id, now);
      steps.push('network error');
    } else if (beat.status !== undefined) {
      now += LATENCY_MS;
      driver.handleResponse(action.id, beat.status, '<html>Bad gateway</html>', now);
      steps.push(`bad answer ${beat.status}`);
    } else if (beat.answer !== undefined) {
      assert.equal(action.endpoint, 'refund', `script: ${JSON.stringify(beat)} while a ${action.endpoint} is out`);
      now += LATENCY_MS;
      driver.handleResponse(action.id, 200, refundAnswer(action, beat.answer, beat.amount), now);
      steps.push(`answer ${beat.answer}`);
    } else if ('listed' in beat) {
      assert.equal(action.endpoint, 'query', `script: ${JSON.stringify(beat)} while a ${action.endpoint} is out`);
      const listed = beat.listed === null ? [] : [{ orderId: R, amount: beat.amount ?? REFUND.amount, resultCode: beat.listed }];
      // Another refund of the same payment is listed too: only this one's entry counts.
      listed.unshift({ orderId: `${PAID.orderId}-R0`, amount: 1000, resultCode: 0 });
      now += LATENCY_MS;
      driver.handleResponse(action.id, 200, queryAnswer(action, listed), now);
      steps.push(beat.listed === null ? 'listed none' : `listed ${beat.listed}`);
    } else {
      throw new Error(`script: ${JSON.stringify(beat)}`);
    }
  }
  throw new Error(`no end after 100 steps: ${steps.join(', ')}`);
}

const refunded = (transId = REFUND_TRANS_ID) => ({ outcome: 'refunded', transId });

const SCENARIOS = {
  refunded: {
    script: [{ answer: 0 }],
    steps: [`send refund ${R}`, 'answer 0', 'done refunded'],
    outcome: refunded(),
  },
  'timeout-then-listed': {
    // The answer is lost: the payment's status query lists the refund with 0.
    script: ['timeout', { listed: 0 }],
    steps: [`send refund ${R}`, 'timeout', 'wait 2000', `send query ${R}-q1`, 'listed 0', 'done refunded'],
    outcome: refunded(),
  },
  'refused-1081': {
    script: [{ answer: 1081 }],
    steps: [`send refund ${R}`, 'answer 1081', 'done refused'],
    outcome: { outcome: 'refused', resultCode: 1081 },
  },
  'unlisted-resent': {
    // MoMo lists no such refund: the same bytes again, the same requestId.
    script: ['network', { listed: null }, { answer: 0 }],
    steps: [
      `send refund ${R}`, 'network error', 'wait 2000', `send query ${R}-q1`, 'listed none',
      `send refund ${R} (attempt 2)`, 'answer 0', 'done refunded',
    ],
    outcome: refunded(),
  },
  'in-progress-polled': {
    script: [{ answer: 7000 }, { listed: 7000 }, { listed: 0 }],
    steps: [
      `send refund ${R}`, 'answer 7000', 'wait 2000', `send query ${R}-q1`, 'listed 7000',
      'wait 3000', `send query ${R}-q2`, 'listed 0', 'done refunded',
    ],
    outcome: refunded(),
  },
  'bad-answer-then-listed-refused': {
    script: [{ status: 502 }, { listed: 1088 }],
    steps: [`send refund ${R}`, 'bad answer 502', 'wait 2000', `send query ${R}-q1`, 'listed 1088', 'done refused'],
    outcome: { outcome: 'refused', resultCode: 1088 },
  },
  'listed-for-another-amount': {
    // refundTrans contradicts this refund: no outcome MoMo's ledger could deny.
    script: [{ answer: 99 }, { listed: 0, amount: 10000 }],
    steps: [`send refund ${R}`, 'answer 99', 'wait 2000', `send query ${R}-q1`, 'listed 0', 'done unknown'],
    outcome: { outcome: 'unknown', lastResultCode: 0 },
  },
  'silent-unknown': {
    config: { refundWindowMs: 60000, pollDelaysMs: [5000] },
    script: [],
    steps: [`send refund ${R}`, 'timeout', 'wait 5000', `send query ${R}-q1`, 'timeout', 'done unknown'],
    outcome: { outcome: 'unknown', lastResultCode: null },
  },
};

function run(name, options) {
  const s = SCENARIOS[name];
  const driver = momo.RefundDriver.start(client, REFUND, PAID, T0, s.config);
  return play(driver, s.script, options);
}

for (const [name, s] of Object.entries(SCENARIOS)) {
  test(`refund scenario ${name}: steps and outcome`, () => {
    const r = run(name);
    assert.deepEqual(r.steps, s.steps);
    assert.deepEqual(r.outcome, s.outcome);
    assert.deepEqual(r.driver.outcome, s.outcome);
    const refunds = r.sends.filter((a) => a.endpoint === 'refund');
    assert.equal(new Set(refunds.map((a) => a.body)).size, 1, 'every refund send is the same bytes');
    assert.ok(refunds.every((a) => a.requestId === R), 'and the same requestId');
    const ids = r.sends.map((a) => a.id);
    assert.ok(ids.every(Number.isSafeInteger));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(r.driver.log.filter((e) => e.kind === 'send').map((e) => e.id), ids);
    assert.equal(r.driver.log[0].kind, 'refundStarted');
    assert.deepEqual(r.driver.log.at(-1), { ...r.driver.log.at(-1), kind: 'refundSettled', outcome: s.outcome });
  });

  test(`refund scenario ${name}: a snapshot round trip before every step changes nothing`, () => {
    const plain = run(name);
    const restored = run(name, { restoreEveryStep: true });
    assert.deepEqual(restored.steps, plain.steps);
    assert.deepEqual(restored.outcome, plain.outcome);
    assert.deepEqual(restored.sends.map((a) => a.body), plain.sends.map((a) => a.body));
  });

  test(`refund scenario ${name}: power loss before every send asks for the same bytes`, () => {
    const plain = run(name);
    const crashed = run(name, { crashBeforeEverySend: true });
    assert.deepEqual(crashed.steps, plain.steps);
    assert.deepEqual(crashed.outcome, plain.outcome);
    assert.equal(crashed.resends.length, plain.sends.length);
    for (const [before, after] of crashed.resends) {
      assert.equal(after.type, 'send');
      assert.equal(after.body, before.body);
      assert.equal(after.requestId, before.requestId);
      assert.notEqual(after.id, before.id, 'a restored send is a new hand-out');
    }
  });
}

test('the refund driver: getters, journal texts, lastResult explains the refusal', () => {
  const r = run('refused-1081');
  const d = r.driver;
  assert.equal(d.orderId, R);
  assert.equal(d.requestId, R);
  assert.equal(d.amount, 20000);
  assert.equal(d.paymentOrderId, PAID.orderId);
  assert.equal(d.paymentTransId, PAID.transId);
  assert.equal(d.deadlineMs, T0 + 300_000);
  assert.equal(d.lastResult.code, 1081);
  assert.equal(d.lastResult.isFinal, true);
  assert.deepEqual(d.lastResult, momo.explainResultCode(1081));
  assert.ok(d.log.every((e) => typeof e.text === 'string' && e.text.length > 0 && Number.isSafeInteger(e.atMs)));
  assert.deepEqual(d.log[0], { kind: 'refundStarted', requestId: R, amount: 20000, transId: PAID.transId, atMs: T0, text: d.log[0].text });
  assert.match(d.log.at(-1).text, /refused \(1081/);
  assert.deepEqual(d.anomalies, []);
  const conflict = run('listed-for-another-amount').driver;
  assert.deepEqual(conflict.anomalies.map((e) => e.kind), ['conflict']);
  assert.equal(run('refunded').driver.lastResult.code, 0);
  assert.equal(run('silent-unknown').driver.lastResult, null);
});

test('the refund driver guards what was paid before anything is signed', () => {
  throwsMomo(() => momo.RefundDriver.start(client, { ...REFUND, amount: 59001 }, PAID, T0), 'invalidField', 'amount');
  throwsMomo(() => momo.RefundDriver.start(client, REFUND, { ...PAID, refunded: 40000 }, T0), 'invalidField', 'amount');
  throwsMomo(() => momo.RefundDriver.start(client, REFUND, { ...PAID, refunded: 60000 }, T0), 'invalidField', 'refunded');
  throwsMomo(() => momo.RefundDriver.start(client, { ...REFUND, transId: '4088878654' }, PAID, T0), 'invalidField', 'transId');
  throwsMomo(() => momo.RefundDriver.start(client, REFUND, { ...PAID, transId: '1' }, T0), 'invalidField', 'transId');
  throwsMomo(() => momo.RefundDriver.start(client, REFUND, { ...PAID, transId: 2 ** 53 }, T0), 'invalidField', 'transId');
  throwsMomo(() => momo.RefundDriver.start(client, REFUND, { ...PAID, transId: 'x' }, T0), 'invalidField', 'transId');
  throwsMomo(() => momo.RefundDriver.start(client, { ...REFUND, orderId: PAID.orderId }, PAID, T0), 'invalidField', 'orderId');
  throwsMomo(() => momo.RefundDriver.start(client, REFUND, { orderId: PAID.orderId, amount: 59000 }, T0), 'missingField', 'transId');
  throwsMomo(() => momo.RefundDriver.start(client, REFUND, { ...PAID, paid: true }, T0), 'invalidField', 'paid');
  throwsMomo(() => momo.RefundDriver.start(client, REFUND, PAID, T0, { maxRefundSends: 0 }), 'invalidField', 'maxRefundSends');
  throwsMomo(() => momo.RefundDriver.start(client, REFUND, PAID, T0, { refundWindow: 1 }), 'invalidField', 'refundWindow');
  throwsMomo(() => momo.RefundDriver.start(client, REFUND, PAID, -1), 'invalidField', 'nowMs');
  throwsMomo(() => momo.RefundDriver.start(client, { ...REFUND, amount: 999 }, PAID, T0), 'invalidField', 'amount');
  assert.throws(() => momo.RefundDriver.start({ partnerCode: 'MOMO' }, REFUND, PAID, T0), /MomoClient/);
  // What is left may be refunded to the last dong; the transId may be a BigInt or a safe number on either side.
  for (const transId of [4088878653, 4088878653n, '4088878653']) {
    const d = momo.RefundDriver.start(client, { ...REFUND, amount: 39000, transId }, { ...PAID, refunded: 20000, transId }, T0);
    assert.equal(d.paymentTransId, '4088878653');
    assert.equal(transIdOf(d.nextAction().body), '4088878653');
  }
  // Beyond 2^53, exact as text or BigInt.
  const big = { ...PAID, transId: 9223372036854775807n };
  const d = momo.RefundDriver.start(client, { ...REFUND, transId: '9223372036854775807' }, big, T0);
  assert.equal(d.paymentTransId, '9223372036854775807');
  assert.equal(transIdOf(d.nextAction().body), '9223372036854775807');
});

test('restore: the refund in flight goes again under a new id; wrong snapshots and clients are refused', () => {
  const driver = momo.RefundDriver.start(client, REFUND, PAID, T0);
  const first = driver.nextAction();
  assert.equal(first.type, 'send');
  assert.equal(first.endpoint, 'refund');
  assert.equal(first.attempt, 1);
  assert.equal(first.deadlineMs, T0 + 30_000);
  const snapshot = driver.snapshot(); // persisted before the send
  assert.equal(JSON.parse(snapshot).kind, 'refund');
  assert.ok(!snapshot.includes(credentials.secretKey), 'no secret in a snapshot');
  const later = T0 + 12_345;
  const restored = momo.RefundDriver.restore(client, snapshot, later);
  const again = restored.nextAction();
  assert.equal(again.body, first.body);
  assert.equal(again.requestId, R);
  assert.equal(again.deadlineMs, later + 30_000);
  assert.notEqual(again.id, first.id);
  assert.equal(restored.log.at(-1).kind, 'restored');
  assert.equal(restored.log.at(-1).resend, 'refund');
  // The answer to the send made before the crash is stale for the restored driver.
  restored.handleResponse(first.id, 200, refundAnswer(first, 0), later + 100);
  assert.equal(restored.log.at(-1).kind, 'stale');
  assert.equal(restored.outcome, null);
  restored.handleResponse(again.id, 200, refundAnswer(again, 0), later + 200);
  assert.deepEqual(restored.outcome, refunded());
  assert.deepEqual(restored.nextAction(), { type: 'done', outcome: refunded() });

  const other = new momo.MomoClient({ ...credentials, partnerCode: 'OTHER' });
  const e = throwsMomo(() => momo.RefundDriver.restore(other, snapshot, later), 'invalidState', null);
  assert.match(e.message, /refund belongs to partnerCode "MOMO"/);
  throwsMomo(() => momo.RefundDriver.restore(client, 'not a snapshot', later), 'invalidJson', null);
  throwsMomo(() => momo.RefundDriver.restore(client, snapshot.replace('"kind":"refund"', '"kind":"payment"'), later), 'invalidState', null);
  throwsMomo(() => momo.RefundDriver.restore(client, 7, later), 'invalidField', 'snapshot');
  // A refund and a payment snapshot are never mistaken for each other.
  const kind = throwsMomo(() => momo.PaymentDriver.restore(client, snapshot, later), 'invalidState', null);
  assert.match(kind.message, /a refund snapshot, not a payment snapshot/);
  throwsMomo(() => momo.describeDriverSnapshot(snapshot), 'invalidState', null);
  const payment = momo.PaymentDriver.start(client, {
    orderId: PAID.orderId, requestId: `${PAID.orderId}-r1`, amount: PAID.amount, encryptedPaymentCode: 'A'.repeat(344),
  }, T0);
  throwsMomo(() => momo.RefundDriver.restore(client, payment.snapshot(), later), 'invalidState', null);
  // The client is kept: freeing the MomoClient does not break the driver.
  const own = new momo.MomoClient(credentials);
  const kept = momo.RefundDriver.start(own, REFUND, PAID, T0);
  own.free();
  const send = kept.nextAction();
  kept.handleTimeout(send.id, send.deadlineMs);
  kept.tick(kept.nextAction().untilMs);
  assert.equal(kept.nextAction().endpoint, 'query', 'the freed client still signs the query');
  kept.free();
});

test('refund snapshots of the first release with refunds (format 1) resume through the JS API', () => {
  const { cases } = JSON.parse(readFileSync(`${repo}tests/snapshots/refund-format-1.json`, 'utf8'));
  assert.ok(cases.length >= 6);
  for (const c of cases) {
    const driver = momo.RefundDriver.restore(client, c.snapshot, c.nowMs);
    assert.equal(driver.orderId, R, c.name);
    assert.equal(driver.paymentTransId, PAID.transId, c.name);
    let action = driver.nextAction();
    if (c.inFlight) {
      assert.equal(action.type, 'send', c.name);
      assert.equal(action.endpoint, c.inFlight.endpoint, c.name);
      assert.equal(action.body, c.inFlight.body, `${c.name}: the request in flight goes again, same bytes`);
    } else {
      assert.notEqual(action.type, 'send', c.name);
    }
    if (c.then?.kind === 'tick') {
      driver.tick(action.untilMs);
    } else if (c.then?.kind === 'refund') {
      driver.handleResponse(action.id, 200, refundAnswer(action, c.then.code), c.nowMs + 100);
    } else if (c.then?.kind === 'query') {
      const listed = c.then.listed === undefined ? [] : [{ orderId: R, amount: REFUND.amount, resultCode: c.then.listed }];
      driver.handleResponse(action.id, 200, queryAnswer(action, listed), c.nowMs + 100);
    }
    action = driver.nextAction();
    const got = action.type === 'done' ? action.outcome.outcome : action.type === 'send' ? `send ${action.endpoint}` : action.type;
    assert.equal(got, c.outcome, c.name);
    assert.equal(JSON.parse(driver.snapshot()).version, 1, c.name);
  }
});

test('stale reports and bad arguments; every clock argument is optional', () => {
  const driver = momo.RefundDriver.start(client, REFUND, PAID, T0);
  const send = driver.nextAction();
  driver.handleTimeout(send.id, send.deadlineMs);
  driver.tick(driver.nextAction().untilMs);
  const query = driver.nextAction();
  const before = driver.snapshot();
  driver.handleResponse(send.id, 200, refundAnswer(send, 0), query.deadlineMs - 1000);
  driver.handleNetworkError(424242, query.deadlineMs - 900);
  assert.deepEqual(driver.log.slice(-2).map((e) => [e.kind, e.id]), [['stale', send.id], ['stale', 424242]]);
  assert.deepEqual(driver.nextAction(), query, 'the query is still the send in flight');
  assert.notEqual(driver.snapshot(), before);
  throwsMomo(() => driver.handleResponse(query.id, 42, '{}'), 'invalidField', 'status');
  throwsMomo(() => driver.handleResponse(String(query.id), 200, '{}'), 'invalidField', 'sendId');
  throwsMomo(() => driver.handleTimeout(undefined), 'invalidField', 'sendId');
  throwsMomo(() => driver.handleResponse(query.id, 200, JSON.parse(queryAnswer(query, []))), 'invalidField', 'body');
  throwsMomo(() => driver.tick('1700000000000'), 'invalidField', 'nowMs');
  // The clock went back: journaled as ignored, not followed.
  driver.tick(T0);
  assert.equal(driver.log.at(-1).kind, 'ignored');

  const started = Date.now();
  const fresh = momo.RefundDriver.start(client, REFUND, PAID);
  const atMs = fresh.log[0].atMs;
  assert.ok(started <= atMs && atMs <= Date.now());
  const s = fresh.nextAction();
  fresh.handleResponse(s.id, 200, refundAnswer(s, 0));
  assert.deepEqual(fresh.outcome, refunded());
  assert.ok(momo.RefundDriver.restore(client, fresh.snapshot()).log.at(-1).atMs >= atMs);
});

test('the browser entry has no refunds: no export, no wasm export, no declaration', async () => {
  assert.equal(browser.RefundDriver, undefined);
  assert.deepEqual(Object.keys(browser).filter((k) => /refund/i.test(k)), []);
  assert.equal(typeof momo.RefundDriver, 'function');
  assert.equal(typeof client.refundRequest, 'function');
  assert.equal(typeof browser.MomoClient, 'undefined');
  for (const kind of ['node', 'web']) {
    for (const [entry, has] of [['browser', false], ['full', true]]) {
      const bytes = readFileSync(`${pkgDir}dist/${kind}/${entry}/momo_pos_bg.wasm`);
      const exports = WebAssembly.Module.exports(await WebAssembly.compile(bytes)).map((e) => e.name);
      assert.equal(exports.some((n) => /refund/i.test(n)), has, `${kind}/${entry}`);
    }
  }
  const browserTypes = [`${pkgDir}dist/browser.d.ts`, `${pkgDir}dist/browser.d.mts`, `${pkgDir}dist/node/browser/momo_pos.d.ts`];
  for (const dir of [`${pkgDir}dist/web/browser`]) {
    for (const f of readdirSync(dir)) if (/\.d\.m?ts$/.test(f)) browserTypes.push(`${dir}/${f}`);
  }
  for (const file of browserTypes) assert.doesNotMatch(readFileSync(file, 'utf8'), /refund/i, file);
  // The control: the full entry's declarations do describe them.
  assert.match(readFileSync(`${pkgDir}dist/node/full/momo_pos.d.ts`, 'utf8'), /export class RefundDriver/);
});

test('the TypeScript types match what the refund driver returns (tsc on the observed values)', () => {
  const runs = Object.keys(SCENARIOS).map((name) => run(name));
  const outcomes = runs.map((r) => r.outcome);
  const actions = runs.flatMap((r) => [...r.sends, r.driver.nextAction()]);
  // A wait, a restore with a request in flight, a clock that went back.
  const odd = momo.RefundDriver.start(client, REFUND, PAID, T0);
  const first = odd.nextAction();
  odd.handleTimeout(first.id, first.deadlineMs);
  actions.push(odd.nextAction());
  odd.tick(T0);
  odd.tick(odd.nextAction().untilMs);
  const query = odd.nextAction();
  const restored = momo.RefundDriver.restore(client, odd.snapshot(), first.deadlineMs + 5000);
  restored.handleNetworkError(query.id, first.deadlineMs + 5100); // the id before the restore: stale
  const logs = [...runs.map((r) => r.driver), restored].flatMap((d) => d.log);
  const anomalies = runs.flatMap((r) => r.driver.anomalies);
  const answers = [client.parseRefundResponse(refundAnswer(first, 0))];
  const queries = [client.parseQueryResponse(queryAnswer(actions.find((a) => a.endpoint === 'query'), [{ orderId: R, amount: 1000, resultCode: 0 }]))];

  const dts = readFileSync(`${pkgDir}dist/node/full/momo_pos.d.ts`, 'utf8');
  const union = (name, tag) => {
    const body = dts.slice(dts.indexOf(`export type ${name} =`));
    return new Set([...body.slice(0, body.indexOf(';\n')).matchAll(new RegExp(`${tag}: "(\\w+)"`, 'g'))].map((m) => m[1]));
  };
  assert.deepEqual(new Set(outcomes.map((o) => o.outcome)), union('RefundOutcome', 'outcome'));
  assert.deepEqual(new Set(actions.map((a) => a.type)), new Set(['send', 'wait', 'done']));
  assert.deepEqual(new Set(actions.filter((a) => a.endpoint).map((a) => a.endpoint)), new Set(['refund', 'query']));
  assert.deepEqual(new Set(logs.map((e) => e.kind)), union('RefundLogEvent', 'kind'), 'every kind of journal entry was observed');

  const dir = mkdtempSync(`${pkgDir}.observed-refund-`);
  const tsc = () => execFileSync(`${pkgDir}node_modules/.bin/tsc`, ['-p', `${dir}/tsconfig.json`], { stdio: 'pipe' });
  try {
    const lit = (v) => JSON.stringify(v, null, 1);
    writeFileSync(`${dir}/observed.mts`, [
      'import type { RefundOutcome, RefundAction, RefundLogEntry, MomoResponse, RefundAnswer, QueryAnswer } from "momo-pos";',
      `export const outcomes: RefundOutcome[] = ${lit(outcomes)};`,
      `export const actions: RefundAction[] = ${lit(actions)};`,
      `export const logs: RefundLogEntry[] = ${lit([...logs, ...anomalies])};`,
      `export const answers: MomoResponse<RefundAnswer>[] = ${lit(answers)};`,
      `export const queries: MomoResponse<QueryAnswer>[] = ${lit(queries)};`,
      '',
    ].join('\n'));
    writeFileSync(`${dir}/tsconfig.json`, JSON.stringify({ extends: '../tsconfig.json', files: ['observed.mts'] }));
    try {
      tsc();
    } catch (e) {
      assert.fail(`tsc refused the observed values:\n${e.stdout}`);
    }
    // The control: a wrong literal must fail, or the check above proves nothing.
    writeFileSync(`${dir}/observed.mts`, `import type { RefundOutcome } from "momo-pos";\nexport const o: RefundOutcome = ${lit({ outcome: 'refunded', transId: 5 })};\n`);
    assert.throws(tsc);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the README's refund example runs as written (fetch answered by the scripted MoMo)", () => {
  const readme = readFileSync(`${pkgDir}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('\n## Refunds'));
  const example = section.match(/```js\n([\s\S]*?)```/)[1];
  assert.match(example, /RefundDriver\.start/);
  // What the example leaves to the host: credentials, a store, and the network.
  const prelude = `
const { partnerCode, accessKey, secretKey } = ${JSON.stringify(credentials)};
const saved = [];
const db = { save: async (key, snapshot) => { saved.push([key, JSON.parse(snapshot).kind]); } };
let calls = 0;
globalThis.fetch = async (url, init) => {
  calls += 1;
  const body = JSON.parse(init.body);
  if (calls === 1) throw Object.assign(new Error('lost'), { name: 'TimeoutError' }); // the first answer is lost
  const refundTrans = '[{"orderId":"' + body.requestId.replace(/-q\\d+$/, '') + '","amount":20000,"resultCode":0,"transId":${REFUND_TRANS_ID}}]';
  const text = '{"partnerCode":"MOMO","orderId":"' + body.orderId + '","requestId":"' + body.requestId +
    '","amount":59000,"transId":${PAID.transId},"resultCode":0,"message":"ok","refundTrans":' + refundTrans + '}';
  return new Response(text, { status: 200 });
};
`;
  const dir = mkdtempSync(`${pkgDir}.readme-refund-`);
  try {
    writeFileSync(`${dir}/example.mjs`, `${prelude}\n${example}\nconsole.log(JSON.stringify({ outcome: driver.outcome, saved, calls }));\n`);
    const out = JSON.parse(execFileSync(process.execPath, [`${dir}/example.mjs`], { cwd: dir }).toString().trim().split('\n').at(-1));
    assert.deepEqual(out.outcome, refunded());
    assert.equal(out.calls, 2, 'the lost refund answer, then a status query that lists it');
    assert.ok(out.saved.length >= 2 && out.saved.every(([, kind]) => kind === 'refund'), JSON.stringify(out.saved));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
