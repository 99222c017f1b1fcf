// /confirm: capture and cancel of an authorized payment, and what a correct
// client must never do (recorded as violations, answered with an error code).
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startSandbox } from '../sandbox.mjs';
import {
  FAST, assertAnswer, code, confirmBody, eventually, ipnReceiver, ipnSignatureValid, orderId, post, posBody, queryBody,
} from '../test-helpers.mjs';

let sb;
let rx;
before(async () => {
  sb = await startSandbox({ port: 0, ...FAST });
  rx = await ipnReceiver();
});
after(async () => { await sb.close(); await rx.close(); });
beforeEach(() => sb.reset());

const entry = (id) => sb.ledger().orders[id];
const ipnsOf = (id) => rx.ipns.filter((i) => i.json.orderId === id);

async function authorize() {
  const id = orderId('auth');
  const a = await post(sb, 'pos', posBody({ id, plain: code('9000'), autoCapture: false, ipnUrl: rx.url }));
  assert.equal(a.json.resultCode, 9000);
  return { id, transId: a.transId };
}

async function state(id) {
  return (await post(sb, 'query', queryBody({ id }))).json.resultCode;
}

test('capture: 0, the money is taken, IPN 0', async () => {
  const { id, transId } = await authorize();
  const requestId = `${id}-cap`;
  const c = await post(sb, 'confirm', confirmBody({ id, requestId, requestType: 'capture' }));
  assertAnswer(c, { kind: 'confirm', id, requestId, resultCode: 0, amount: 59000 });
  assert.equal(c.json.requestType, 'capture');
  assert.equal(c.transId, transId, 'the payment transId');
  assert.equal(await state(id), 0);
  const e = entry(id);
  assert.equal(e.charges, 1);
  assert.deepEqual(e.confirms.map((x) => [x.requestId, x.requestType, x.signatureValid, x.resultCode]),
    [[requestId, 'capture', true, 0]]);
  assert.match(e.confirms[0].sha256, /^[0-9a-f]{64}$/);
  await eventually(() => ipnsOf(id).length === 1);
  assert.equal(ipnsOf(id)[0].json.resultCode, 0);
  assert.ok(ipnSignatureValid(ipnsOf(id)[0].raw));
  assert.deepEqual(sb.ledger().violations, []);
});

test('cancel: 0, state 1003, nothing taken, IPN 1003', async () => {
  const { id } = await authorize();
  const c = await post(sb, 'confirm', confirmBody({ id, requestType: 'cancel', lang: 'en' }));
  assert.equal(c.json.resultCode, 0);
  assert.equal(c.json.requestType, 'cancel');
  assert.equal(c.json.message, 'Successful.');
  assert.equal(await state(id), 1003);
  assert.equal(entry(id).charges, 0);
  await eventually(() => ipnsOf(id).length === 1);
  assert.equal(ipnsOf(id)[0].json.resultCode, 1003);
  assert.deepEqual(sb.ledger().violations, []);
});

test('a resent capture (same requestId, same bytes) replays 0 and takes nothing more', async () => {
  const { id } = await authorize();
  const body = confirmBody({ id, requestId: `${id}-cap`, requestType: 'capture' });
  const a = await post(sb, 'confirm', body);
  const b = await post(sb, 'confirm', body);
  assert.equal(b.text, a.text);
  assert.equal(entry(id).charges, 1);
  assert.deepEqual(sb.ledger().violations, []);
});

test('a capture after a cancel: 47, state stays 1003, violation recorded', async () => {
  const { id } = await authorize();
  await post(sb, 'confirm', confirmBody({ id, requestType: 'cancel' }));
  const requestId = `${id}-cap`;
  const c = await post(sb, 'confirm', confirmBody({ id, requestId, requestType: 'capture' }));
  assertAnswer(c, { kind: 'confirm', id, requestId, resultCode: 47 });
  assert.equal(await state(id), 1003);
  assert.equal(entry(id).charges, 0);
  assert.deepEqual(entry(id).confirms.map((x) => x.resultCode), [0, 47]);
  const v = sb.ledger().violations;
  assert.equal(v.length, 1);
  assert.match(v[0], /capture after a cancel/);
});

test('a second capture with a new requestId, a cancel after a capture: 47 each', async () => {
  const { id } = await authorize();
  await post(sb, 'confirm', confirmBody({ id, requestType: 'capture' }));
  assert.equal((await post(sb, 'confirm', confirmBody({ id, requestType: 'capture' }))).json.resultCode, 47);
  assert.equal((await post(sb, 'confirm', confirmBody({ id, requestType: 'cancel' }))).json.resultCode, 47);
  assert.equal(entry(id).charges, 1);
  const v = sb.ledger().violations;
  assert.equal(v.length, 2);
  assert.match(v[0], /second capture/);
  assert.match(v[1], /cancel after a capture/);
});

test('a confirm when not authorized (pending, declined) gets 47; unknown order 42', async () => {
  const pending = orderId('p');
  await post(sb, 'pos', posBody({ id: pending, plain: code('1000') }));
  assert.equal((await post(sb, 'confirm', confirmBody({ id: pending, requestType: 'capture' }))).json.resultCode, 47);
  const declined = orderId('d');
  await post(sb, 'pos', posBody({ id: declined, plain: code('1001') }));
  assert.equal((await post(sb, 'confirm', confirmBody({ id: declined, requestType: 'cancel' }))).json.resultCode, 47);
  const never = orderId('n');
  const c = await post(sb, 'confirm', confirmBody({ id: never, requestType: 'capture' }));
  assert.equal(c.json.resultCode, 42);
  const l = sb.ledger();
  assert.equal(l.violations.length, 3);
  assert.match(l.violations[0], /not authorized/);
  assert.match(l.violations[2], /no payment/);
  assert.deepEqual(l.unknown.map((u) => [u.endpoint, u.requestType, u.resultCode]), [['confirm', 'capture', 42]]);
  assert.equal(l.orders[pending].charges, 0);
});

test('a confirm for another amount: 21; a bad requestType: 20; both violations', async () => {
  const { id } = await authorize();
  assert.equal((await post(sb, 'confirm', confirmBody({ id, requestType: 'capture', amount: 58000 }))).json.resultCode, 21);
  assert.equal((await post(sb, 'confirm', confirmBody({ id, requestType: 'refund' }))).json.resultCode, 20);
  assert.equal(await state(id), 9000);
  assert.equal(sb.ledger().violations.length, 2);
});

test('the ledger entry has the contract shape', async () => {
  const { id } = await authorize();
  await post(sb, 'confirm', confirmBody({ id, requestType: 'capture' }));
  await state(id);
  await eventually(() => entry(id).ipns.length === 1);
  const e = entry(id);
  assert.deepEqual(Object.keys(e), ['scenario', 'amount', 'state', 'charges', 'paymentCode', 'pos', 'queries', 'confirms', 'ipns',
    'refunds', 'refunded', 'refundRequests']);
  assert.deepEqual(Object.keys(e.pos[0]), ['requestId', 'sha256', 'signatureValid', 'resultCode', 'answered', 'atMs']);
  assert.deepEqual(Object.keys(e.queries[0]), ['requestId', 'signatureValid', 'resultCode']);
  assert.deepEqual(Object.keys(e.confirms[0]), ['requestId', 'requestType', 'sha256', 'signatureValid', 'resultCode']);
  assert.deepEqual(e.ipns, [{ resultCode: 0, httpStatus: 204 }]);
  assert.equal(e.pos[0].atMs, 0);
});
