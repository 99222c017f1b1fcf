// Every row of the scenario table: the pos answer, the state queries report
// afterwards, the charges and the IPNs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox } from '../sandbox.mjs';
import {
  FAST, assertAnswer, code, confirmBody, eventually, ipnReceiver, ipnSignatureValid, orderId, post, posBody, queryBody, sleep,
} from '../test-helpers.mjs';

let sb;
let rx;
before(async () => {
  sb = await startSandbox({ port: 0, ...FAST });
  rx = await ipnReceiver();
});
after(async () => {
  await sb.close();
  await rx.close();
});

/** Pays with a code ending in `last4`; returns the answer and the ids. */
async function pay(last4, opts = {}) {
  const id = orderId(last4);
  const plain = code(last4, opts.prefix);
  const a = await post(sb, 'pos', posBody({ id, plain, ipnUrl: rx.url, ...opts }));
  return { id, plain, a, requestId: `${id}-r1` };
}

async function queryState(id, lang) {
  const requestId = `${id}-q${Date.now()}${Math.random().toString(36).slice(2, 6)}`;
  const q = await post(sb, 'query', queryBody({ id, requestId, lang }));
  assertAnswer(q, { kind: 'query', id, requestId, resultCode: q.json.resultCode });
  return q;
}

const ipnsOf = (id) => rx.ipns.filter((i) => i.json.orderId === id);
const entry = (id) => sb.ledger().orders[id];

describe('scenario table', () => {
  const immediate = [
    ['0000', 'paid', 0, 0, 1],
    ['1234', 'paid', 0, 0, 1],
    ['1001', 'insufficient_funds', 1001, 1001, 0],
    ['4005', 'code_expired', 4005, 4005, 0],
  ];
  for (const [last4, scenario, answer, state, charges] of immediate) {
    test(`${last4}: ${scenario} answers ${answer}`, async () => {
      const { id, plain, a, requestId } = await pay(last4);
      assertAnswer(a, { kind: 'pos', id, requestId, resultCode: answer, amount: 59000 });
      const q = await queryState(id);
      assert.equal(q.json.resultCode, state);
      assert.equal(q.transId, a.transId, 'query reports the payment transId');
      const e = entry(id);
      assert.equal(e.scenario, scenario);
      assert.equal(e.state, state);
      assert.equal(e.charges, charges);
      assert.equal(e.paymentCode, plain);
      assert.equal(e.amount, 59000);
      if (last4 === '4005') {
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(ipnsOf(id).length, 0, 'no IPN for an expired code');
      } else {
        await eventually(() => ipnsOf(id).length === 1);
        const ipn = ipnsOf(id)[0];
        assert.equal(ipn.json.resultCode, answer);
        assert.ok(ipnSignatureValid(ipn.raw));
      }
      assert.deepEqual(sb.ledger().violations, []);
    });
  }

  test('the 18-digit and mm forms are accepted too', async () => {
    const a = await pay('0000', { prefix: '' });
    assert.equal(a.a.json.resultCode, 0);
    assert.equal(entry(a.id).paymentCode.length, 18);
    const b = await pay('0000', { prefix: 'mm' });
    assert.equal(b.a.json.resultCode, 0);
  });

  test('9000: authorized when autoCapture=false, paid when true', async () => {
    const auth = await pay('9000', { autoCapture: false });
    assertAnswer(auth.a, { kind: 'pos', id: auth.id, requestId: auth.requestId, resultCode: 9000, amount: 59000 });
    assert.equal((await queryState(auth.id)).json.resultCode, 9000);
    assert.equal(entry(auth.id).charges, 0);
    const auto = await pay('9000', { autoCapture: true });
    assert.equal(auto.a.json.resultCode, 0);
    assert.equal(entry(auto.id).charges, 1);
    assert.equal(entry(auto.id).scenario, 'authorized');
  });

  test('1000: pending, then paid after pendingMs with IPN 0', async () => {
    const { id, a, requestId } = await pay('1000');
    assertAnswer(a, { kind: 'pos', id, requestId, resultCode: 1000 });
    assert.equal((await queryState(id)).json.resultCode, 1000);
    assert.equal(entry(id).charges, 0);
    await eventually(() => ipnsOf(id).length === 1);
    assert.equal(ipnsOf(id)[0].json.resultCode, 0);
    assert.equal((await queryState(id)).json.resultCode, 0);
    assert.equal(entry(id).charges, 1);
    assert.equal(entry(id).scenario, 'pending');
  });

  test('1006: pending, then denied by the user', async () => {
    const { id, a } = await pay('1006');
    assert.equal(a.json.resultCode, 1000);
    await eventually(() => ipnsOf(id).length === 1);
    assert.equal(ipnsOf(id)[0].json.resultCode, 1006);
    const q = await queryState(id, 'en');
    assert.equal(q.json.resultCode, 1006);
    assert.equal(q.json.message, 'Transaction failed because user has denied to confirm the payment.');
    assert.equal(entry(id).charges, 0);
    assert.equal(entry(id).scenario, 'user_denied');
  });

  test('0044: invalid code gives 44, no payment, and the orderId stays free', async () => {
    const { id, a, requestId } = await pay('0044');
    assertAnswer(a, { kind: 'pos', id, requestId, resultCode: 44 });
    assert.equal(entry(id).scenario, 'invalid_code');
    assert.equal(entry(id).charges, 0);
    assert.equal((await queryState(id)).json.resultCode, 42, 'no transaction to report');
    // The shopper refreshes the code; a new request for the same orderId is fine.
    const again = await post(sb, 'pos', posBody({ id, requestId: `${id}-r2`, plain: code('0000') }));
    assert.equal(again.json.resultCode, 0);
    assert.deepEqual(sb.ledger().violations, []);
  });

  test('0504: slow answer is held slowMs, but the money is taken at once', async () => {
    const id = orderId('slow');
    const requestId = `${id}-r1`;
    const t0 = Date.now();
    const pending = post(sb, 'pos', posBody({ id, plain: code('0504'), ipnUrl: rx.url }));
    await eventually(() => entry(id));
    const q = await queryState(id);
    assert.equal(q.json.resultCode, 0, 'queries say 0 while the answer is held');
    assert.equal(entry(id).pos[0].answered, false, 'query answered while the pos answer is held');
    await eventually(() => ipnsOf(id).length === 1);
    assert.equal(ipnsOf(id)[0].json.resultCode, 0);
    assert.equal(entry(id).pos[0].answered, false);
    const a = await pending;
    assert.ok(Date.now() - t0 >= FAST.slowMs - 10, `held ${Date.now() - t0} ms`);
    assertAnswer(a, { kind: 'pos', id, requestId, resultCode: 0 });
    assert.equal(entry(id).pos[0].answered, true);
    assert.equal(entry(id).charges, 1);
    assert.equal(entry(id).scenario, 'slow');
  });

  test('0444: dropped connection, but charged; queries say 0', async () => {
    const id = orderId('drop');
    const body = posBody({ id, plain: code('0444'), ipnUrl: rx.url });
    await assert.rejects(post(sb, 'pos', body), 'no answer: the connection is destroyed');
    assert.equal(entry(id).pos[0].answered, false);
    assert.equal(entry(id).pos[0].resultCode, 0);
    assert.equal((await queryState(id)).json.resultCode, 0);
    await eventually(() => ipnsOf(id).length === 1);
    assert.equal(entry(id).charges, 1);
    assert.equal(entry(id).scenario, 'dropped');
  });

  test('9099: a confirm is carried out but answered 99; only a query tells', async () => {
    const cap = await pay('9099', { autoCapture: false });
    assertAnswer(cap.a, { kind: 'pos', id: cap.id, requestId: cap.requestId, resultCode: 9000, amount: 59000 });
    assert.equal(entry(cap.id).scenario, 'confirm_answered_99');
    const requestId = `${cap.id}-c`;
    const body = confirmBody({ id: cap.id, requestId, requestType: 'capture' });
    const c = await post(sb, 'confirm', body);
    assertAnswer(c, { kind: 'confirm', id: cap.id, requestId, resultCode: 99, amount: 59000 });
    assert.equal(c.json.message, 'Lỗi không xác định.');
    assert.equal((await queryState(cap.id)).json.resultCode, 0, 'the capture took place');
    assert.equal(entry(cap.id).charges, 1);
    await eventually(() => ipnsOf(cap.id).length === 1);
    assert.equal(ipnsOf(cap.id)[0].json.resultCode, 0);
    // The same bytes again: the same 99, nothing more taken.
    const again = await post(sb, 'confirm', body);
    assert.equal(again.text, c.text);
    assert.equal(entry(cap.id).charges, 1);
    assert.deepEqual(entry(cap.id).confirms.map((x) => x.resultCode), [99, 99]);

    const can = await pay('9099', { autoCapture: false });
    const cancel = await post(sb, 'confirm', confirmBody({ id: can.id, requestType: 'cancel' }));
    assert.equal(cancel.json.resultCode, 99);
    assert.equal((await queryState(can.id)).json.resultCode, 1003, 'the cancel took place');
    assert.equal(entry(can.id).charges, 0);
    await eventually(() => ipnsOf(can.id).length === 1);
    assert.equal(ipnsOf(can.id)[0].json.resultCode, 1003);

    const auto = await pay('9099', { autoCapture: true });
    assert.equal(auto.a.json.resultCode, 0);
    assert.equal(entry(auto.id).charges, 1);
    assert.deepEqual(sb.ledger().violations, []);
  });

  test('9444: pos dropped; the first query is answered late, the IPN 9000 overtakes it', async () => {
    const id = orderId('late');
    const body = posBody({ id, plain: code('9444'), ipnUrl: rx.url, autoCapture: false });
    await assert.rejects(post(sb, 'pos', body), 'no answer: the connection is destroyed');
    assert.equal(entry(id).scenario, 'late_query');
    assert.equal(entry(id).pos[0].answered, false);
    assert.equal(entry(id).pos[0].resultCode, 9000);
    await sleep(100);
    assert.equal(ipnsOf(id).length, 0, 'no IPN before the first query');
    const t0 = Date.now();
    const requestId = `${id}-q1`;
    const late = post(sb, 'query', queryBody({ id, requestId }));
    let answeredAt;
    late.then(() => (answeredAt = Date.now()));
    await eventually(() => ipnsOf(id).length === 1);
    assert.equal(ipnsOf(id)[0].json.resultCode, 9000);
    assert.ok(ipnSignatureValid(ipnsOf(id)[0].raw));
    assert.equal(answeredAt, undefined, 'the IPN came before the query answer');
    // The merchant captures meanwhile: paid, with the query still out.
    const c = await post(sb, 'confirm', confirmBody({ id, requestId: `${id}-c`, requestType: 'capture' }));
    assert.equal(c.json.resultCode, 0);
    assert.equal(entry(id).charges, 1);
    const q = await late;
    assert.ok(answeredAt - t0 >= FAST.lateMs - 10, `answered after ${answeredAt - t0} ms`);
    assertAnswer(q, { kind: 'query', id, requestId, resultCode: 9000, amount: 59000 });
    // Later queries answer at once, with the state now.
    const t1 = Date.now();
    assert.equal((await queryState(id)).json.resultCode, 0);
    assert.ok(Date.now() - t1 < FAST.lateMs);
    // A resend of the dropped pos gets the answer that was lost.
    const resent = await post(sb, 'pos', body);
    assert.equal(resent.json.resultCode, 9000);
    assert.equal(entry(id).charges, 1);
    await eventually(() => ipnsOf(id).length === 2);
    assert.deepEqual(ipnsOf(id).map((i) => i.json.resultCode), [9000, 0]);
    assert.deepEqual(sb.ledger().violations, []);
  });

  test('confirm on a paid (autoCapture) payment is refused with 47 and recorded', async () => {
    const { id } = await pay('0000');
    const c = await post(sb, 'confirm', confirmBody({ id, requestType: 'capture' }));
    assert.equal(c.json.resultCode, 47);
    assert.equal(entry(id).confirms.at(-1).resultCode, 47);
    const v = sb.ledger().violations;
    assert.equal(v.length, 1);
    assert.match(v[0], /not authorized/);
    sb.reset();
  });
});
