// What the sandbox checks on a request, and the result codes it answers.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startSandbox } from '../sandbox.mjs';
import {
  FAST, PARTNER, assertAnswer, code, encrypt, orderId, post, posBody, queryBody, signed,
} from '../test-helpers.mjs';

let sb;
before(async () => { sb = await startSandbox({ port: 0, ...FAST }); });
after(() => sb.close());
beforeEach(() => sb.reset());

const entry = (id) => sb.ledger().orders[id];

test('a bad signature: 20, recorded with signatureValid false, the orderId stays free', async () => {
  const id = orderId('sig');
  const a = await post(sb, 'pos', posBody({ id, plain: code('0000'), secret: 'not-the-secret' }));
  assertAnswer(a, { kind: 'pos', id, requestId: `${id}-r1`, resultCode: 20 });
  const e = entry(id);
  assert.deepEqual(e.pos.map((p) => [p.signatureValid, p.resultCode]), [[false, 20]]);
  assert.equal(e.charges, 0);
  assert.equal(e.state, 20);
  assert.match(sb.ledger().violations[0], /signature mismatch/);
  // Not remembered: the corrected request under the same requestId is served.
  const b = await post(sb, 'pos', posBody({ id, plain: code('0000') }));
  assert.equal(b.json.resultCode, 0);
});

test('a signature over a tampered field: 20', async () => {
  const id = orderId('sig');
  const body = JSON.parse(posBody({ id, plain: code('0000') }));
  body.amount = 1000; // signed for 59000
  const a = await post(sb, 'pos', JSON.stringify(body));
  assert.equal(a.json.resultCode, 20);
  const q = JSON.parse(queryBody({ id }));
  q.orderId = orderId('other');
  assert.equal((await post(sb, 'query', JSON.stringify(q))).json.resultCode, 20);
});

test('amount out of range: 22; not an integer: 21', async () => {
  for (const [amount, expected] of [[999, 22], [5000001, 22], [1000, 0], [5000000, 0], [1500.5, 21], ['59000', 21]]) {
    const id = orderId('amt');
    const a = await post(sb, 'pos', posBody({ id, plain: code('0000'), amount }));
    assert.equal(a.json.resultCode, expected, `amount ${JSON.stringify(amount)}`);
    assert.equal(typeof a.json.amount, 'number');
  }
  assert.equal(sb.ledger().violations.length, 4);
});

test('a paymentCode that does not decrypt: 44 and a violation', async () => {
  const id = orderId('enc');
  const a = await post(sb, 'pos', posBody({ id, paymentCode: Buffer.alloc(256, 7).toString('base64') }));
  assertAnswer(a, { kind: 'pos', id, requestId: `${id}-r1`, resultCode: 44 });
  assert.match(sb.ledger().violations[0], /does not decrypt/);
  const b = await post(sb, 'pos', posBody({ id: orderId('enc'), paymentCode: 'not base64!' }));
  assert.equal(b.json.resultCode, 44);
});

test('a paymentCode that decrypts to something else than a payment code: 44', async () => {
  for (const text of ['MM56191853177522286', ']Q1MM561918531775222861', 'MM561918531775222861\r\n', 'Mm561918531775222861', 'hello']) {
    const a = await post(sb, 'pos', posBody({ id: orderId('fmt'), paymentCode: encrypt(text) }));
    assert.equal(a.json.resultCode, 44, JSON.stringify(text));
  }
});

test('an OAEP-encrypted code does not decrypt: 44', async () => {
  const crypto = await import('node:crypto');
  const fs = await import('node:fs');
  const { ROOT } = await import('../test-helpers.mjs');
  const pub = crypto.createPublicKey(fs.readFileSync(`${ROOT}/tests/keys/test_rsa2048_public_spki.pem`));
  const oaep = crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING }, Buffer.from(code('0000')));
  const a = await post(sb, 'pos', posBody({ id: orderId('oaep'), paymentCode: oaep.toString('base64') }));
  assert.equal(a.json.resultCode, 44);
});

test('orderId pattern: 42; requestId over 50 characters: 20', async () => {
  const bad = await post(sb, 'pos', posBody({ id: 'ORDER 1', plain: code('0000') }));
  assert.equal(bad.json.resultCode, 42);
  assert.equal(bad.json.orderId, 'ORDER 1');
  assert.equal(sb.ledger().unknown[0].resultCode, 42);
  const long = await post(sb, 'pos', posBody({ id: orderId('rid'), requestId: 'r'.repeat(51), plain: code('0000') }));
  assert.equal(long.json.resultCode, 20);
  const fifty = await post(sb, 'pos', posBody({ id: orderId('rid'), requestId: 'r'.repeat(50), plain: code('0000') }));
  assert.equal(fifty.json.resultCode, 0);
});

test('unknown partnerCode: 13; missing field: 20; not JSON: 20', async () => {
  const id = orderId('p');
  const body = JSON.parse(signed('query', { partnerCode: 'OTHER', orderId: id, requestId: `${id}-q`, lang: 'en' }));
  assert.equal((await post(sb, 'query', JSON.stringify(body))).json.resultCode, 13);
  const noCode = JSON.parse(posBody({ id, plain: code('0000') }));
  delete noCode.paymentCode;
  assert.equal((await post(sb, 'pos', JSON.stringify(noCode))).json.resultCode, 20);
  const res = await fetch(`${sb.url}/v2/gateway/api/pos`, { method: 'POST', body: '{"partnerCode":' });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).resultCode, 20);
  assert.equal(sb.ledger().violations.length, 3);
});

test('lang: messages in vi by default, en on request; anything else is 20', async () => {
  const vi = await post(sb, 'pos', posBody({ id: orderId('l'), plain: code('1001') }));
  assert.equal(vi.json.message, 'Giao dịch thanh toán thất bại do tài khoản người dùng không đủ tiền.');
  const en = await post(sb, 'pos', posBody({ id: orderId('l'), plain: code('1001'), lang: 'en' }));
  assert.equal(en.json.message, 'Transaction failed due to insufficient funds.');
  const fr = await post(sb, 'pos', posBody({ id: orderId('l'), plain: code('0000'), lang: 'fr' }));
  assert.equal(fr.json.resultCode, 20);
});

test('items: at most 50, quantity > 0, totalPrice = price x quantity; duplicate id 45', async () => {
  const item = (i, over = {}) => ({ id: `SKU${i}`, name: 'Cà phê', price: 29500, quantity: 2, totalPrice: 59000, currency: 'VND', ...over });
  const cases = [
    [[item(1)], 0],
    [[item(1, { quantity: 0, totalPrice: 0 })], 20],
    [[item(1, { totalPrice: 59001 })], 20],
    [[item(1, { name: undefined })], 20],
    [[item(1), item(1)], 45],
    [Array.from({ length: 51 }, (_, i) => item(i)), 20],
    ['not a list', 20],
  ];
  for (const [items, expected] of cases) {
    const a = await post(sb, 'pos', posBody({ id: orderId('it'), plain: code('0000'), extra: { items } }));
    assert.equal(a.json.resultCode, expected, JSON.stringify(items).slice(0, 80));
  }
});

test('extraData must be "" or base64 of a JSON object', async () => {
  const ok = await post(sb, 'pos', posBody({ id: orderId('x'), plain: code('0000'), extra: { extraData: 'eyJ1c2VybmFtZSI6ICJtb21vIn0=' } }));
  assert.equal(ok.json.resultCode, 0);
  const bad = await post(sb, 'pos', posBody({ id: orderId('x'), plain: code('0000'), extra: { extraData: 'bm90IGpzb24=' } }));
  assert.equal(bad.json.resultCode, 20);
});

test('unknown paths give 404; the ledger is served as JSON', async () => {
  // No refund-status endpoint: MoMo does not document one (README).
  const res = await fetch(`${sb.url}/v2/gateway/api/refund/query`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 404);
  const l = await fetch(`${sb.url}/_sandbox/ledger`);
  assert.equal(l.headers.get('content-type'), 'application/json; charset=UTF-8');
  assert.deepEqual(Object.keys(await l.json()), ['orders', 'violations', 'unknown']);
  assert.equal(PARTNER, 'MOMO');
});
