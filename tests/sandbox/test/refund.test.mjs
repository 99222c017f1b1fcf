// /refund: the signature (transId's exact digits), the checks and the
// refund rules (1088, 41, 1081), the refund scenarios (1088, 1080, 0505,
// 0445), idempotency, refundTrans on the payment's query, and the ledger.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { refundInvariantViolations, startSandbox } from '../sandbox.mjs';
import {
  ACCESS, FAST, PARTNER, assertAnswer, code, confirmBody, eventually, hmac, ipnReceiver, orderId, post, posBody,
  queryBody, refundBody, sleep,
} from '../test-helpers.mjs';

let sb;
let rx;
before(async () => {
  // A pos cap above the refund cap, so a refund of 50,000,001 has a payment
  // to refund; pending payments stay pending for the whole test.
  sb = await startSandbox({ port: 0, ...FAST, pendingMs: 60000, maxAmount: 60000000 });
  rx = await ipnReceiver();
});
after(async () => { await sb.close(); await rx.close(); });
beforeEach(() => sb.reset());

const entry = (id) => sb.ledger().orders[id];
const violations = () => sb.ledger().violations;

/** A paid payment (code ending in `last4`); returns its orderId and transId digits. */
async function paid(last4 = '0000', { amount = 59000, ipnUrl } = {}) {
  const id = orderId(`p${last4}`);
  const a = await post(sb, 'pos', posBody({ id, plain: code(last4), amount, ...(ipnUrl ? { ipnUrl } : {}) }));
  assert.equal(a.json.resultCode, 0, a.text);
  return { id, transId: a.transId, amount };
}

/** Refunds `amount` of the payment `transId` under a fresh refund orderId (or `id`). */
async function refund(transId, amount, opts = {}) {
  const id = opts.id ?? orderId('rf');
  const body = refundBody({ id, transId, amount, ...opts });
  const a = await post(sb, 'refund', body);
  return { id, a, body, requestId: JSON.parse(body).requestId };
}

/** The payment's query answer and its refundTrans, transIds as the digits in the text. */
async function refundTrans(id) {
  const q = await post(sb, 'query', queryBody({ id }));
  assert.equal(q.json.resultCode, 0, q.text);
  const listText = /"refundTrans":(\[[^\]]*\])/.exec(q.text)[1];
  const digits = [...listText.matchAll(/"transId":([0-9]+)[,}]/g)].map((m) => m[1]);
  return { q, list: q.json.refundTrans, digits };
}

describe('the refund answer and its signature', () => {
  test('a refund of a paid payment: 0, its own new transId, the documented fields only', async () => {
    const pay = await paid();
    const { id, a, requestId } = await refund(pay.transId, 59000);
    assertAnswer(a, { kind: 'refund', id, requestId, resultCode: 0, amount: 59000 });
    assert.equal(a.json.message, 'Thành công.');
    assert.notEqual(a.transId, pay.transId, "the refund's transId, not the payment's");
    assert.ok(BigInt(a.transId) > BigInt(pay.transId));
    const e = entry(pay.id);
    assert.equal(e.refunded, 59000);
    assert.deepEqual(e.refunds.map((r) => [r.orderId, r.requestId, r.amount, r.transId, r.resultCode]),
      [[id, requestId, 59000, a.transId, 0]]);
    assert.equal(e.state, 0, 'a refunded payment still reports 0');
    assert.equal(e.charges, 1);
    assert.equal(sb.ledger().orders[id], undefined, 'a refund is not an order of its own');
    assert.deepEqual(violations(), []);
  });

  test('signatures: a Vietnamese description, an empty one, none at all', async () => {
    const pay = await paid();
    const vi = await refund(pay.transId, 20000, { description: 'Hoàn tiền: khách trả lại ly cà phê sữa đá', lang: 'en' });
    assert.equal(vi.a.json.resultCode, 0, vi.a.text);
    assert.equal(vi.a.json.message, 'Successful.');
    const empty = await refund(pay.transId, 20000, { description: '' });
    assert.equal(empty.a.json.resultCode, 0);
    const none = await refund(pay.transId, 19000, { description: null });
    assert.equal('description' in JSON.parse(none.body), false);
    assert.equal(none.a.json.resultCode, 0, 'description defaults to "" (signed as description=)');
    assert.equal(entry(pay.id).refunded, 59000);
    assert.deepEqual(violations(), []);
  });

  test('the raw signature, spelled out once: transId as its digits', async () => {
    const pay = await paid();
    const id = orderId('rf');
    const requestId = `${id}-1`;
    const description = 'Trả hàng';
    const raw = `accessKey=${ACCESS}&amount=5000&description=${description}&orderId=${id}`
      + `&partnerCode=${PARTNER}&requestId=${requestId}&transId=${pay.transId}`;
    const text = `{"partnerCode":"${PARTNER}","orderId":"${id}","requestId":"${requestId}","amount":5000,`
      + `"transId":${pay.transId},"lang":"vi","description":"${description}","signature":"${hmac(raw)}"}`;
    const a = await post(sb, 'refund', text);
    assertAnswer(a, { kind: 'refund', id, requestId, resultCode: 0, amount: 5000 });
  });

  test('a bad signature or a tampered field: 20, not remembered, nothing refunded', async () => {
    const pay = await paid();
    const id = orderId('rf');
    const requestId = `${id}-1`;
    const bad = await refund(pay.transId, 5000, { id, requestId, secret: 'not-the-secret' });
    assertAnswer(bad.a, { kind: 'refund', id, requestId, resultCode: 20 });
    const tampered = JSON.parse(refundBody({ id, requestId: `${id}-2`, transId: pay.transId, amount: 5000, transIdAs: 'string' }));
    tampered.amount = 50000;
    assert.equal((await post(sb, 'refund', JSON.stringify(tampered))).json.resultCode, 20);
    const e = entry(pay.id);
    assert.equal(e.refunded, 0);
    assert.deepEqual(e.refundRequests.map((r) => [r.requestId, r.signatureValid, r.resultCode]),
      [[requestId, false, 20], [`${id}-2`, false, 20]]);
    assert.equal(violations().filter((v) => /signature mismatch/.test(v)).length, 2);
    // Not the merchant's request: the corrected one may reuse the requestId.
    assert.equal((await refund(pay.transId, 5000, { id, requestId })).a.json.resultCode, 0);
  });

  test('a transId above 2^53 is read as its exact digits, never through a double', async () => {
    // Neighbouring transIds: an odd one above 2^53 is not a double, and
    // rounding it names the next payment (or none).
    const pays = [];
    for (let i = 0; i < 3; i++) pays.push(await paid());
    const odd = pays.find((p) => BigInt(p.transId) % 2n === 1n);
    const rounded = String(Number(odd.transId));
    assert.notEqual(rounded, odd.transId, 'the test needs a transId a double cannot hold');
    const r = await refund(odd.transId, 10000);
    assert.equal(r.a.json.resultCode, 0);
    for (const p of pays) assert.equal(entry(p.id).refunded, p === odd ? 10000 : 0, p.id);
    // The same as a digit string.
    assert.equal((await refund(odd.transId, 10000, { transIdAs: 'string' })).a.json.resultCode, 0);
    assert.equal(entry(odd.id).refunded, 20000);
    // Signed over the exact digits but sent rounded (what a double-parsing client does): 20.
    const sent = await refund(rounded, 10000, { signTransId: odd.transId });
    assert.equal(sent.a.json.resultCode, 20);
    // Rounded and signed rounded: names no payment of ours (or another one), never this one.
    const other = pays.find((p) => p.transId === rounded);
    const both = await refund(rounded, 10000);
    assert.equal(both.a.json.resultCode, other ? 0 : 1088);
    assert.equal(entry(odd.id).refunded, 20000);
  });

  test('transId must be a Long: a JSON integer or a string of digits (else 20)', async () => {
    const pay = await paid();
    const cases = ['1.5', '1e21', '-5', 'true', '"12a"', '"007"', '" 1"', '{}', '99999999999999999999'];
    for (const t of cases) {
      const body = refundBody({ id: orderId('rf'), transId: '1', amount: 5000 }).replace('"transId":1', `"transId":${t}`);
      const a = await post(sb, 'refund', body);
      assert.equal(a.json.resultCode, 20, t);
    }
    const missing = JSON.parse(refundBody({ id: orderId('rf'), transId: pay.transId, amount: 5000, transIdAs: 'string' }));
    delete missing.transId;
    assert.equal((await post(sb, 'refund', JSON.stringify(missing))).json.resultCode, 20);
    assert.ok(violations().some((v) => /transId is missing/.test(v)));
    assert.equal(violations().filter((v) => /transId must be an integer Long/.test(v)).length, cases.length);
    // A transId key elsewhere (in a nested object before it, or a string's text) is not the one read.
    const decoy = refundBody({ id: orderId('rf'), transId: pay.transId, amount: 5000 }).replace('{', '{"userInfo":{"transId":1},');
    assert.equal((await post(sb, 'refund', decoy)).json.resultCode, 0);
    const inText = refundBody({ id: orderId('rf'), transId: pay.transId, amount: 5000, description: '"transId":1,' });
    assert.equal((await post(sb, 'refund', inText)).json.resultCode, 0);
  });

  test('the early checks: 13 partnerCode, 42 orderId, 20 requestId/lang/types/not JSON', async () => {
    const pay = await paid();
    const cases = [
      [refundBody({ id: orderId('rf'), transId: pay.transId, amount: 5000, extra: { partnerCode: 'OTHER' } }), 13],
      [refundBody({ id: 'REFUND 1', transId: pay.transId, amount: 5000 }), 42],
      [refundBody({ id: orderId('rf'), requestId: 'r'.repeat(51), transId: pay.transId, amount: 5000 }), 20],
      [refundBody({ id: orderId('rf'), requestId: 'r'.repeat(50), transId: pay.transId, amount: 5000 }), 0],
      [refundBody({ id: orderId('rf'), transId: pay.transId, amount: 5000, lang: 'fr' }), 20],
      [refundBody({ id: orderId('rf'), transId: pay.transId, amount: 5000, extra: { subPartnerCode: 7 } }), 20],
      [refundBody({ id: orderId('rf'), transId: pay.transId, amount: 5000, extra: { subPartnerCode: 'SHOP1' } }), 0],
      ['{"partnerCode":', 20],
      ['[1,2]', 20],
    ];
    for (const [body, expected] of cases) {
      const a = await post(sb, 'refund', body);
      assert.equal(a.status, 200);
      assert.equal(a.json.resultCode, expected, body.slice(0, 120));
    }
    assert.equal(entry(pay.id).refunded, 10000);
    assert.equal(violations().length, 7);
    // A not-JSON body names no payment: recorded as unknown.
    assert.ok(sb.ledger().unknown.some((u) => u.endpoint === 'refund' && u.resultCode === 20 && u.transId === null));
  });
});

describe('amounts and the refund rules', () => {
  test('amount bounds: 999 and 50,000,001 are 22, 1,000 and 50,000,000 are refunded; 21 for non-integers', async () => {
    const pay = await paid('0000', { amount: 55000000 });
    const cases = [[999, 22], [50000001, 22], [1000, 0], [50000000, 0], [1500.5, 21], ['5000', 21]];
    for (const [amount, expected] of cases) {
      const { a } = await refund(pay.transId, amount);
      assert.equal(a.json.resultCode, expected, `amount ${JSON.stringify(amount)}`);
      assert.equal(typeof a.json.amount, 'number');
    }
    assert.equal(entry(pay.id).refunded, 50001000);
    const v = violations();
    assert.equal(v.length, 4);
    assert.match(v[0], /out of the refund range 1000\.\.50000000/);
  });

  test('the refund bounds are options of their own', async () => {
    const own = await startSandbox({ port: 0, ...FAST, refundMinAmount: 5000, refundMaxAmount: 10000 });
    try {
      const id = orderId('opt');
      const p = await post(own, 'pos', posBody({ id, plain: code('0000') }));
      const codes = [];
      for (const amount of [4999, 5000, 10000, 10001]) {
        codes.push((await post(own, 'refund', refundBody({ id: orderId('rf'), transId: p.transId, amount }))).json.resultCode);
      }
      assert.deepEqual(codes, [22, 0, 0, 22]);
    } finally {
      await own.close();
    }
  });

  test('a full refund, then anything more is 1081 and a violation', async () => {
    const pay = await paid();
    assert.equal((await refund(pay.transId, 59000)).a.json.resultCode, 0);
    const more = await refund(pay.transId, 1000, { lang: 'en' });
    assertAnswer(more.a, { kind: 'refund', id: more.id, requestId: more.requestId, resultCode: 1081, amount: 1000 });
    assert.equal(more.a.json.message, 'Refund rejected. The original transaction might have been refunded.');
    const e = entry(pay.id);
    assert.equal(e.refunded, 59000);
    assert.equal(e.refunds.length, 1);
    assert.deepEqual(e.refundRequests.map((r) => r.resultCode), [0, 1081]);
    // MoMo's refusal: no violation (another till may have refunded first).
    assert.deepEqual(violations(), []);
  });

  test('partial refunds up to the paid amount, then one more: 1081', async () => {
    const pay = await paid();
    const parts = [];
    for (const amount of [20000, 30000]) parts.push(await refund(pay.transId, amount));
    const over = await refund(pay.transId, 10000); // 9,000 left
    assert.equal(over.a.json.resultCode, 1081);
    parts.push(await refund(pay.transId, 9000));
    assert.deepEqual(parts.map((p) => p.a.json.resultCode), [0, 0, 0]);
    const last = await refund(pay.transId, 1000);
    assert.equal(last.a.json.resultCode, 1081);
    const e = entry(pay.id);
    assert.equal(e.refunded, 59000);
    assert.deepEqual(e.refunds.map((r) => [r.orderId, r.amount]), parts.map((p) => [p.id, JSON.parse(p.body).amount]));
    assert.deepEqual(violations(), []);
    // The refused refund orderIds took no money: they stay free.
    assert.equal((await refund(pay.transId, 1000, { id: over.id })).a.json.resultCode, 1081);
  });

  test("a refund orderId equal to the payment's, another payment's, or a refunded one: 41", async () => {
    const pay = await paid();
    const own = await refund(pay.transId, 5000, { id: pay.id });
    assertAnswer(own.a, { kind: 'refund', id: pay.id, requestId: own.requestId, resultCode: 41 });
    const other = await paid();
    assert.equal((await refund(pay.transId, 5000, { id: other.id })).a.json.resultCode, 41);
    const first = await refund(pay.transId, 5000);
    assert.equal(first.a.json.resultCode, 0);
    // Same refund orderId, new requestId: a second refund of the same thing.
    const again = await refund(pay.transId, 5000, { id: first.id });
    assert.equal(again.a.json.resultCode, 41);
    const onOther = await refund(other.transId, 5000, { id: first.id });
    assert.equal(onOther.a.json.resultCode, 41, 'refund orderIds are unique across payments');
    // And a pos may not take a refund's orderId either.
    const pos = await post(sb, 'pos', posBody({ id: first.id, plain: code('0000') }));
    assert.equal(pos.json.resultCode, 41);
    assert.equal(entry(pay.id).refunded, 5000);
    assert.equal(entry(other.id).refunded, 0);
    const v = violations();
    assert.equal(v.length, 5);
    assert.match(v[0], /the payment's own orderId/);
    assert.match(v[1], /orderId of another payment/);
    assert.match(v[2], /duplicate refund: refund orderId .* was already refunded/);
    assert.match(v[3], /duplicate refund/);
    assert.match(v[4], /already the orderId of a refund/);
  });

  test('a transId of no payment, of a refund, or of an unpaid payment: 1088 and a violation', async () => {
    const unknownTid = '9007199254740993123';
    const none = await refund(unknownTid, 5000);
    assertAnswer(none.a, { kind: 'refund', id: none.id, requestId: none.requestId, resultCode: 1088 });
    const u = sb.ledger().unknown;
    assert.deepEqual(u.map((x) => [x.endpoint, x.orderId, x.transId, x.resultCode]), [['refund', none.id, unknownTid, 1088]]);

    const pay = await paid();
    const r = await refund(pay.transId, 5000);
    assert.equal((await refund(r.a.transId, 1000)).a.json.resultCode, 1088, "a refund's transId is not a payment's");

    const auth = orderId('auth');
    const a = await post(sb, 'pos', posBody({ id: auth, plain: code('9000'), autoCapture: false }));
    assert.equal((await refund(a.transId, 5000)).a.json.resultCode, 1088, 'authorized, not captured');
    const pending = orderId('pend');
    const p = await post(sb, 'pos', posBody({ id: pending, plain: code('1000') }));
    assert.equal((await refund(p.transId, 5000)).a.json.resultCode, 1088, 'still pending');
    const declined = orderId('dec');
    const d = await post(sb, 'pos', posBody({ id: declined, plain: code('1001') }));
    assert.equal((await refund(d.transId, 5000)).a.json.resultCode, 1088, 'declined');
    // Captured is paid: refundable.
    assert.equal((await post(sb, 'confirm', confirmBody({ id: auth, requestType: 'capture' }))).json.resultCode, 0);
    assert.equal((await refund(a.transId, 5000)).a.json.resultCode, 0, 'captured');
    assert.equal(entry(auth).refunded, 5000);
    assert.deepEqual(entry(pending).refundRequests.map((x) => x.resultCode), [1088]);

    const v = violations();
    assert.equal(v.length, 5);
    assert.match(v[0], /no payment with this transId/);
    assert.match(v[1], /is the refund .*'s, not a payment's/);
    assert.match(v[2], /not successful \(state 9000\)/);
    assert.match(v[3], /not successful \(state 1000\)/);
    assert.match(v[4], /not successful \(state 1001\)/);
  });
});

describe('idempotency', () => {
  test('same requestId, same bytes: the same answer byte for byte, one refund', async () => {
    const pay = await paid();
    const first = await refund(pay.transId, 20000);
    const again = await post(sb, 'refund', first.body);
    assert.equal(again.text, first.a.text);
    const e = entry(pay.id);
    assert.equal(e.refunded, 20000);
    assert.equal(e.refunds.length, 1);
    assert.equal(e.refundRequests.length, 2);
    assert.equal(e.refundRequests[0].sha256, e.refundRequests[1].sha256);
    assert.deepEqual(violations(), []);
  });

  test('same requestId, different body: 40, a "duplicate refund" violation, no second refund', async () => {
    const pay = await paid();
    const first = await refund(pay.transId, 20000);
    const other = await refund(pay.transId, 25000, { id: first.id, requestId: first.requestId });
    assertAnswer(other.a, { kind: 'refund', id: first.id, requestId: first.requestId, resultCode: 40 });
    // A requestId first used by the pos is taken too.
    const posRid = await refund(pay.transId, 5000, { requestId: `${pay.id}-r1` });
    assert.equal(posRid.a.json.resultCode, 40);
    const e = entry(pay.id);
    assert.equal(e.refunded, 20000);
    assert.deepEqual(e.refundRequests.map((r) => r.resultCode), [0, 40, 40]);
    const v = violations();
    assert.equal(v.length, 2);
    assert.match(v[0], /duplicate refund: .*reused with a different body/);
  });
});

describe('refund scenarios (by the payment code\'s last four digits)', () => {
  test('each pays normally: pos 0, IPN 0', async () => {
    const names = { 1088: 'not_refundable', 1080: 'refund_retry_later', '0505': 'refund_slow', '0445': 'refund_dropped' };
    for (const [last4, scenario] of Object.entries(names)) {
      const pay = await paid(last4, { ipnUrl: rx.url });
      assert.equal(entry(pay.id).scenario, scenario);
      assert.equal(entry(pay.id).charges, 1);
      await eventually(() => rx.ipns.some((i) => i.json.orderId === pay.id));
      assert.equal(rx.ipns.find((i) => i.json.orderId === pay.id).json.resultCode, 0);
    }
    assert.deepEqual(violations(), []);
  });

  test('1088 not_refundable: every refund answers 1088; MoMo\'s refusal, not a violation', async () => {
    const pay = await paid('1088');
    const a = await refund(pay.transId, 59000, { lang: 'en' });
    assertAnswer(a.a, { kind: 'refund', id: a.id, requestId: a.requestId, resultCode: 1088, amount: 59000 });
    assert.equal(a.a.json.message, 'Refund rejected. The original payment transaction is ineligible to be refunded.');
    assert.equal((await refund(pay.transId, 1000)).a.json.resultCode, 1088);
    assert.equal((await refund(pay.transId, 1000, { id: a.id })).a.json.resultCode, 1088);
    assert.equal(entry(pay.id).refunded, 0);
    assert.deepEqual((await refundTrans(pay.id)).list, []);
    assert.deepEqual(violations(), []);
  });

  test('1080 refund_retry_later: the first request per refund orderId is 1080, a retry refunds', async () => {
    const pay = await paid('1080');
    const first = await refund(pay.transId, 20000);
    assertAnswer(first.a, { kind: 'refund', id: first.id, requestId: first.requestId, resultCode: 1080, amount: 20000 });
    assert.equal(entry(pay.id).refunded, 0);
    assert.deepEqual((await refundTrans(pay.id)).list, [], 'a 1080 is not listed');
    // 1080 is final for that request: the same bytes replay it.
    assert.equal((await post(sb, 'refund', first.body)).text, first.a.text);
    // A new requestId for the same refund orderId refunds.
    const retry = await refund(pay.transId, 20000, { id: first.id });
    assert.equal(retry.a.json.resultCode, 0);
    // Another refund orderId: its first request is 1080 too.
    const second = await refund(pay.transId, 10000);
    assert.equal(second.a.json.resultCode, 1080);
    assert.equal((await refund(pay.transId, 10000, { id: second.id })).a.json.resultCode, 0);
    const e = entry(pay.id);
    assert.equal(e.refunded, 30000);
    assert.deepEqual(e.refunds.map((r) => r.orderId), [first.id, second.id]);
    assert.deepEqual(e.refundRequests.map((r) => r.resultCode), [1080, 1080, 0, 1080, 0]);
    assert.deepEqual(violations(), []);
  });

  test('0505 refund_slow: applied on receipt (a query lists it), the answer held slowMs', async () => {
    const pay = await paid('0505');
    const id = orderId('rf');
    const body = refundBody({ id, transId: pay.transId, amount: 15000 });
    const t0 = Date.now();
    const held = post(sb, 'refund', body);
    await eventually(() => entry(pay.id).refunded === 15000);
    const { list } = await refundTrans(pay.id);
    assert.deepEqual(list.map((r) => [r.orderId, r.amount, r.resultCode]), [[id, 15000, 0]]);
    assert.equal(entry(pay.id).refundRequests[0].answered, false, 'listed while the answer is held');
    // A resend while held waits for the same answer (as for a held pos).
    const resent = post(sb, 'refund', body);
    const a = await held;
    assert.ok(Date.now() - t0 >= FAST.slowMs - 10, `held ${Date.now() - t0} ms`);
    assertAnswer(a, { kind: 'refund', id, requestId: JSON.parse(body).requestId, resultCode: 0, amount: 15000 });
    assert.equal((await resent).text, a.text);
    const e = entry(pay.id);
    assert.equal(e.refunds.length, 1);
    assert.equal(e.refunds[0].transId, a.transId);
    assert.deepEqual(e.refundRequests.map((r) => r.answered), [true, true]);
    // Refusals are not held.
    const t1 = Date.now();
    assert.equal((await refund(pay.transId, 50000)).a.json.resultCode, 1081);
    assert.ok(Date.now() - t1 < FAST.slowMs);
  });

  test('0445 refund_dropped: applied, no answer; a resend of the same bytes gets the lost 0', async () => {
    const pay = await paid('0445');
    const id = orderId('rf');
    const body = refundBody({ id, transId: pay.transId, amount: 59000 });
    await assert.rejects(post(sb, 'refund', body), 'no answer: the connection is destroyed');
    let e = entry(pay.id);
    assert.equal(e.refunded, 59000);
    assert.deepEqual(e.refundRequests.map((r) => [r.resultCode, r.answered]), [[0, false]]);
    const { digits } = await refundTrans(pay.id);
    assert.deepEqual(digits, [e.refunds[0].transId]);
    const again = await post(sb, 'refund', body);
    assertAnswer(again, { kind: 'refund', id, requestId: JSON.parse(body).requestId, resultCode: 0, amount: 59000 });
    assert.equal(again.transId, e.refunds[0].transId, 'the answer that was lost');
    e = entry(pay.id);
    assert.equal(e.refunds.length, 1, 'one refund');
    assert.equal(e.refunded, 59000);
    assert.deepEqual(e.refundRequests.map((r) => r.answered), [false, true]);
    assert.deepEqual(violations(), []);
  });
});

describe('refundTrans and the ledger', () => {
  test("the payment's query lists its refunds, oldest first, with exact transIds", async () => {
    const pay = await paid();
    const none = await refundTrans(pay.id);
    assert.match(none.q.text, /"refundTrans":\[\]/);
    const t0 = Date.now();
    const a = await refund(pay.transId, 20000);
    await sleep(5);
    const b = await refund(pay.transId, 9000);
    await refund(pay.transId, 40000); // 1081: not listed
    const { list, digits } = await refundTrans(pay.id);
    assert.equal(list.length, 2);
    for (const r of list) assert.deepEqual(Object.keys(r), ['orderId', 'amount', 'resultCode', 'transId', 'createdTime']);
    assert.deepEqual(list.map((r) => [r.orderId, r.amount, r.resultCode]), [[a.id, 20000, 0], [b.id, 9000, 0]]);
    assert.deepEqual(digits, [a.a.transId, b.a.transId], 'transIds as digits in the text');
    assert.ok(list[0].createdTime >= t0 && list[1].createdTime > list[0].createdTime);
    assert.ok(Number.isInteger(list[0].createdTime));
    // Querying by a refund's orderId: no payment of that orderId.
    assert.equal((await post(sb, 'query', queryBody({ id: a.id }))).json.resultCode, 42);
  });

  test('the ledger entry: refunds, refunded, refundRequests; the invariant holds', async () => {
    const pay = await paid();
    const a = await refund(pay.transId, 20000, { description: 'Đổi ý' });
    await refund(pay.transId, 40000);
    const l = sb.ledger();
    const e = l.orders[pay.id];
    assert.deepEqual(Object.keys(e), ['scenario', 'amount', 'state', 'charges', 'paymentCode', 'pos', 'queries', 'confirms',
      'ipns', 'refunds', 'refunded', 'refundRequests']);
    assert.deepEqual(Object.keys(e.refunds[0]), ['orderId', 'requestId', 'amount', 'transId', 'resultCode', 'createdTime']);
    assert.deepEqual(Object.keys(e.refundRequests[0]), ['orderId', 'requestId', 'amount', 'sha256', 'signatureValid', 'resultCode', 'answered']);
    assert.deepEqual(e.refundRequests.map((r) => [r.orderId, r.amount, r.resultCode, r.signatureValid]),
      [[a.id, 20000, 0, true], [e.refundRequests[1].orderId, 40000, 1081, true]]);
    assert.match(e.refundRequests[0].sha256, /^[0-9a-f]{64}$/);
    assert.equal(typeof e.refunds[0].transId, 'string', 'digits: JSON cannot hold them as a number');
    // The invariant, over every order.
    for (const [id, o] of Object.entries(l.orders)) {
      assert.ok(o.refunded <= (o.amount ?? 0), id);
      assert.equal(o.refunds.reduce((n, r) => n + r.amount, 0), o.refunded, id);
    }
    assert.equal(l.violations.filter((v) => /^invariant/.test(v)).length, 0);
    // Served over HTTP too.
    const served = await (await fetch(`${sb.url}/_sandbox/ledger`)).json();
    assert.deepEqual(served.orders[pay.id].refunds, e.refunds);
  });

  test('the invariant check reports a refunded total above the paid amount', () => {
    const broken = {
      A: { amount: 59000, refunded: 60000, refunds: [{ amount: 59000 }, { amount: 1000 }] },
      B: { amount: 59000, refunded: 1000, refunds: [] },
      C: { amount: 59000, refunded: 59000, refunds: [{ amount: 59000 }] },
    };
    const v = refundInvariantViolations(broken);
    assert.equal(v.length, 2);
    assert.match(v[0], /order A refunded 60000, more than its paid amount 59000/);
    assert.match(v[1], /order B lists refunds of 0 but a refunded total of 1000/);
  });

  test('reset forgets refunds and refund orderIds', async () => {
    const pay = await paid();
    const a = await refund(pay.transId, 20000);
    sb.reset();
    assert.deepEqual(sb.ledger(), { orders: {}, violations: [], unknown: [] });
    assert.equal((await post(sb, 'refund', a.body)).json.resultCode, 1088, 'the payment is forgotten too');
  });
});
