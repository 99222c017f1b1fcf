// requestId idempotency (same bytes -> same answer, other bytes -> 40), a new
// requestId for a paid orderId (41), unknown orders (42), held and dropped
// answers resent.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startSandbox } from '../sandbox.mjs';
import {
  FAST, assertAnswer, code, eventually, orderId, post, posBody, queryBody,
} from '../test-helpers.mjs';

let sb;
before(async () => { sb = await startSandbox({ port: 0, ...FAST }); });
after(() => sb.close());
beforeEach(() => sb.reset());

const entry = (id) => sb.ledger().orders[id];

test('same requestId, same bytes: the same answer, byte for byte, one charge', async () => {
  const id = orderId('idem');
  const body = posBody({ id, plain: code('0000') });
  const a = await post(sb, 'pos', body);
  const b = await post(sb, 'pos', body);
  assert.equal(a.json.resultCode, 0);
  assert.equal(b.text, a.text, 'the remembered answer');
  const e = entry(id);
  assert.equal(e.charges, 1);
  assert.equal(e.pos.length, 2);
  assert.equal(e.pos[0].sha256, e.pos[1].sha256);
  assert.ok(e.pos[1].atMs >= e.pos[0].atMs);
  assert.deepEqual(sb.ledger().violations, []);
});

test('same requestId, different body: 40, recorded as a violation, nothing charged twice', async () => {
  const id = orderId('idem');
  const plain = code('0000');
  await post(sb, 'pos', posBody({ id, plain }));
  // Same code re-encrypted: random padding makes other bytes.
  const b = await post(sb, 'pos', posBody({ id, plain }));
  assertAnswer(b, { kind: 'pos', id, requestId: `${id}-r1`, resultCode: 40 });
  const e = entry(id);
  assert.equal(e.charges, 1);
  assert.equal(e.pos[1].resultCode, 40);
  assert.notEqual(e.pos[1].sha256, e.pos[0].sha256);
  const v = sb.ledger().violations;
  assert.equal(v.length, 1);
  assert.match(v[0], /different body/);
});

test('a requestId is remembered across endpoints: reused on /query it is 40', async () => {
  const id = orderId('idem');
  await post(sb, 'pos', posBody({ id, plain: code('0000') }));
  const q = await post(sb, 'query', queryBody({ id, requestId: `${id}-r1` }));
  assert.equal(q.json.resultCode, 40);
});

test('new requestId for an orderId that has a pos payment: 41, no second charge', async () => {
  const id = orderId('dup');
  await post(sb, 'pos', posBody({ id, plain: code('0000') }));
  const b = await post(sb, 'pos', posBody({ id, requestId: `${id}-r2`, plain: code('0000') }));
  assertAnswer(b, { kind: 'pos', id, requestId: `${id}-r2`, resultCode: 41 });
  const e = entry(id);
  assert.equal(e.charges, 1);
  assert.deepEqual(e.pos.map((p) => p.resultCode), [0, 41]);
  assert.match(sb.ledger().violations[0], /already has a pos payment/);
});

test('41 also after a decline (1001): a new attempt needs a new orderId', async () => {
  const id = orderId('dup');
  const a = await post(sb, 'pos', posBody({ id, plain: code('1001') }));
  assert.equal(a.json.resultCode, 1001);
  const b = await post(sb, 'pos', posBody({ id, requestId: `${id}-r2`, plain: code('0000') }));
  assert.equal(b.json.resultCode, 41);
});

test('query for an order never received: 42, not a violation', async () => {
  const id = orderId('never');
  const requestId = `${id}-q1`;
  const q = await post(sb, 'query', queryBody({ id, requestId }));
  assertAnswer(q, { kind: 'query', id, requestId, resultCode: 42, amount: 0 });
  const l = sb.ledger();
  assert.equal(l.orders[id], undefined);
  assert.deepEqual(l.unknown.map((u) => [u.endpoint, u.orderId, u.resultCode]), [['query', id, 42]]);
  assert.deepEqual(l.violations, []);
});

test("the query answer's requestId is the query's own, and a repeated query replays its answer", async () => {
  const id = orderId('q');
  await post(sb, 'pos', posBody({ id, plain: code('0000'), extra: { extraData: 'eyJ1c2VybmFtZSI6ICJtb21vIn0=' } }));
  const body = queryBody({ id, requestId: `${id}-q1` });
  const q = await post(sb, 'query', body);
  assertAnswer(q, { kind: 'query', id, requestId: `${id}-q1`, resultCode: 0, amount: 59000 });
  assert.equal(q.json.extraData, 'eyJ1c2VybmFtZSI6ICJtb21vIn0=');
  assert.equal((await post(sb, 'query', body)).text, q.text);
  assert.deepEqual(entry(id).queries.map((x) => [x.requestId, x.signatureValid, x.resultCode]),
    [[`${id}-q1`, true, 0], [`${id}-q1`, true, 0]]);
});

test('a resend of a held slow pos waits for the same answer', async () => {
  const id = orderId('slow');
  const body = posBody({ id, plain: code('0504') });
  const ac = new AbortController();
  const first = post(sb, 'pos', body, { signal: ac.signal }).catch((e) => e);
  await eventually(() => entry(id));
  ac.abort(); // the client gives up (its timeout), then resends the same bytes
  const t0 = Date.now();
  const again = await post(sb, 'pos', body);
  assert.ok(Date.now() - t0 >= FAST.slowMs - 100, `resend waited ${Date.now() - t0} ms for the held answer`);
  assert.equal(again.json.resultCode, 0);
  assert.ok((await first) instanceof Error);
  const e = entry(id);
  assert.equal(e.charges, 1);
  assert.deepEqual(e.pos.map((p) => [p.resultCode, p.answered]), [[0, false], [0, true]]);
});

test('a resend of a dropped pos gets the answer that was lost', async () => {
  const id = orderId('drop');
  const body = posBody({ id, plain: code('0444') });
  await assert.rejects(post(sb, 'pos', body));
  const again = await post(sb, 'pos', body);
  assertAnswer(again, { kind: 'pos', id, requestId: `${id}-r1`, resultCode: 0, amount: 59000 });
  const e = entry(id);
  assert.equal(e.charges, 1);
  assert.deepEqual(e.pos.map((p) => p.answered), [false, true]);
});

test('reusing a charged payment code on another order is a second charge', async () => {
  const plain = code('0000');
  const a = orderId('twice');
  const b = orderId('twice');
  await post(sb, 'pos', posBody({ id: a, plain }));
  await post(sb, 'pos', posBody({ id: b, plain }));
  const l = sb.ledger();
  assert.equal(l.orders[a].charges, 1);
  assert.equal(l.orders[b].charges, 1);
  assert.equal(l.violations.length, 1);
  assert.match(l.violations[0], /second charge/);
});

test('transIds differ per payment and stay exact above 2^53', async () => {
  const ids = [orderId('t'), orderId('t')];
  const answers = [];
  for (const id of ids) answers.push(await post(sb, 'pos', posBody({ id, plain: code('0000') })));
  assert.notEqual(answers[0].transId, answers[1].transId);
  for (const a of answers) assert.ok(BigInt(a.transId) > 2n ** 53n);
  // Parsed as a double the two could collide; the text keeps them apart.
  assert.equal(BigInt(answers[1].transId) - BigInt(answers[0].transId) > 0n, true);
});

test('reset clears orders, violations and remembered requestIds', async () => {
  const id = orderId('r');
  const body = posBody({ id, plain: code('0000') });
  await post(sb, 'pos', body);
  await post(sb, 'pos', posBody({ id, plain: code('0000') })); // 40
  assert.equal(sb.ledger().violations.length, 1);
  const res = await fetch(`${sb.url}/_sandbox/reset`, { method: 'POST' });
  assert.equal(res.status, 200);
  const l = await (await fetch(`${sb.url}/_sandbox/ledger`)).json();
  assert.deepEqual(l, { orders: {}, violations: [], unknown: [] });
  assert.equal((await post(sb, 'pos', body)).json.resultCode, 0, 'the requestId is new again');
});
