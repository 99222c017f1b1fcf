// IPN delivery: the fields, the signature over the IPN key order (checked on
// the raw text), the exact transId digits, and the retries.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSandbox } from '../sandbox.mjs';
import {
  ACCESS, FAST, PARTNER, code, eventually, hmac, ipnReceiver, ipnSignatureValid, orderId, post, posBody,
} from '../test-helpers.mjs';

let sb;
before(async () => { sb = await startSandbox({ port: 0, ...FAST }); });
after(() => sb.close());

test('an IPN carries the payment, signed over the IPN key order', async () => {
  const rx = await ipnReceiver();
  try {
    const id = orderId('ipn');
    const extraData = 'eyJ1c2VybmFtZSI6ICJtb21vIn0=';
    const a = await post(sb, 'pos', posBody({ id, plain: code('0000'), ipnUrl: rx.url, lang: 'en', extra: { extraData } }));
    const [ipn] = await rx.next(1);
    assert.equal(ipn.type, 'application/json; charset=UTF-8');
    assert.equal(ipn.path, '/momo/ipn');
    const j = ipn.json;
    assert.equal(j.partnerCode, PARTNER);
    assert.equal(j.orderId, id);
    assert.equal(j.requestId, `${id}-r1`);
    assert.equal(j.amount, 59000);
    assert.equal(j.orderInfo, 'Cà phê sữa đá x2');
    assert.equal(j.orderType, 'momo_wallet');
    assert.equal(j.payType, 'pos'); // MoMo's POS page: payType pos
    assert.equal(j.resultCode, 0);
    assert.equal(j.message, 'Successful.');
    assert.equal(j.extraData, extraData);
    assert.ok(Number.isInteger(j.responseTime));
    const digits = /"transId":([0-9]+)[,}]/.exec(ipn.raw)[1];
    assert.equal(digits, a.transId, 'the transId of the pos answer, exact digits');
    assert.ok(BigInt(digits) > 2n ** 53n);
    assert.notEqual(String(j.transId), digits, 'a double cannot hold it: verification must use the text');
    assert.ok(ipnSignatureValid(ipn.raw));
    // The same check, spelled out once.
    const raw = `accessKey=${ACCESS}&amount=59000&extraData=${extraData}&message=Successful.&orderId=${id}`
      + `&orderInfo=Cà phê sữa đá x2&orderType=momo_wallet&partnerCode=MOMO&payType=pos&requestId=${id}-r1`
      + `&responseTime=${j.responseTime}&resultCode=0&transId=${digits}`;
    assert.equal(j.signature, hmac(raw));
    // A tampered copy fails the same check.
    assert.equal(ipnSignatureValid(ipn.raw.replace('"amount":59000', '"amount":59001')), false);
    await eventually(() => sb.ledger().orders[id].ipns.length === 1);
    assert.deepEqual(sb.ledger().orders[id].ipns, [{ resultCode: 0, httpStatus: 204 }]);
  } finally {
    await rx.close();
  }
});

test('retried twice, ipnRetryMs apart, while the merchant does not answer 204', async () => {
  const rx = await ipnReceiver({ status: () => 500 });
  try {
    const id = orderId('retry');
    await post(sb, 'pos', posBody({ id, plain: code('1001'), ipnUrl: rx.url }));
    await rx.next(3);
    await eventually(() => sb.ledger().orders[id].ipns.length === 3);
    await new Promise((r) => setTimeout(r, FAST.ipnRetryMs * 3));
    assert.equal(rx.ipns.length, 3, 'one delivery and two retries, no more');
    assert.deepEqual(sb.ledger().orders[id].ipns, [
      { resultCode: 1001, httpStatus: 500 }, { resultCode: 1001, httpStatus: 500 }, { resultCode: 1001, httpStatus: 500 }]);
    assert.equal(rx.ipns[0].raw, rx.ipns[1].raw.replace(/"responseTime":[0-9]+/, `"responseTime":${rx.ipns[0].json.responseTime}`)
      .replace(/"signature":"[0-9a-f]+"/, `"signature":"${rx.ipns[0].json.signature}"`), 'the same notification');
  } finally {
    await rx.close();
  }
});

test('a retry stops at the first 204', async () => {
  const rx = await ipnReceiver({ status: (i) => (i === 0 ? 503 : 204) });
  try {
    const id = orderId('retry');
    await post(sb, 'pos', posBody({ id, plain: code('0000'), ipnUrl: rx.url }));
    await eventually(() => sb.ledger().orders[id].ipns.length === 2);
    await new Promise((r) => setTimeout(r, FAST.ipnRetryMs * 3));
    assert.deepEqual(sb.ledger().orders[id].ipns.map((i) => i.httpStatus), [503, 204]);
  } finally {
    await rx.close();
  }
});

test('an unreachable ipnUrl is recorded with httpStatus null', async () => {
  const rx = await ipnReceiver();
  const url = rx.url;
  await rx.close();
  const id = orderId('gone');
  await post(sb, 'pos', posBody({ id, plain: code('0000'), ipnUrl: url }));
  await eventually(() => sb.ledger().orders[id].ipns.length === 3);
  assert.deepEqual(sb.ledger().orders[id].ipns.map((i) => i.httpStatus), [null, null, null]);
});

test('no ipnUrl, no IPN', async () => {
  const id = orderId('none');
  await post(sb, 'pos', posBody({ id, plain: code('0000') }));
  await new Promise((r) => setTimeout(r, FAST.ipnDelayMs * 3));
  assert.deepEqual(sb.ledger().orders[id].ipns, []);
});
