// The built package (dist/, through its own "exports") in Node, checked
// against node:crypto and openssl (test/oracle.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import init, * as momo from 'momo-pos';
import * as browser from 'momo-pos/browser';
import { throwsMomo } from './throws-momo.mjs';
import { declarationFiles } from './shipped.mjs';
import { credentials, decrypt, hmacHex, ipnBody, pkgDir, publicKey2048, rawSignature, repo } from './oracle.mjs';

const require = createRequire(import.meta.url);
await init();

const client = new momo.MomoClient(credentials);
const SCANNED = ']Q1MM561918531775222861\r\n';
const CODE = 'MM561918531775222861';
const LONE = 'x\uD800';
const ENCRYPTED = new momo.MomoPublicKey(publicKey2048).encryptPaymentCode(CODE);

test('encryption decrypts, with the test private key, to the normalized code', () => {
  for (const entry of [momo, browser]) {
    const key = new entry.MomoPublicKey(publicKey2048);
    assert.equal(key.bits, 2048);
    const a = key.encryptPaymentCode(SCANNED);
    const b = key.encryptPaymentCode(SCANNED);
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64').length, 256);
    assert.equal(decrypt(a), CODE);
    assert.equal(decrypt(b), CODE);
  }
});

test('pos, query and confirm signatures are node:crypto HMACs of the raw text', () => {
  const key = new momo.MomoPublicKey(publicKey2048);
  const payment = {
    orderId: 'ORDER-1001',
    requestId: 'ORDER-1001-r1',
    amount: 59000,
    encryptedPaymentCode: key.encryptPaymentCode(SCANNED),
    orderInfo: 'Cà phê sữa đá x2',
    extraData: momo.encodeExtraData({ till: 3 }),
    orderGroupId: 18446744073709551615n,
    items: [{ id: 'CF01', name: 'Cà phê sữa đá', price: 29500, quantity: 2, totalPrice: 59000 }],
    autoCapture: false,
  };
  const request = client.posRequest(payment);
  const fields = { ...payment, paymentCode: payment.encryptedPaymentCode, partnerCode: 'MOMO' };
  assert.equal(request.rawSignature, rawSignature('pos', fields));
  assert.equal(request.signature, hmacHex(rawSignature('pos', fields)));
  assert.equal(request.url, 'https://test-payment.momo.vn/v2/gateway/api/pos');
  assert.equal(request.headers['Content-Type'], 'application/json; charset=UTF-8');
  assert.ok(request.body.includes('"orderGroupId":18446744073709551615'));
  const body = JSON.parse(request.body);
  assert.equal(body.signature, request.signature);
  assert.equal(body.autoCapture, false);
  assert.equal(decrypt(body.paymentCode), CODE);
  assert.deepEqual(momo.decodeExtraData(body.extraData), { till: 3 });

  const query = { orderId: 'ORDER-1001', requestId: 'ORDER-1001-q1' };
  assert.equal(client.queryRequest(query).signature, hmacHex(rawSignature('query', { ...query, partnerCode: 'MOMO' })));
  const confirm = { orderId: 'ORDER-1001', requestId: 'ORDER-1001-c1', amount: 59000, requestType: 'capture', description: 'ok' };
  assert.equal(
    client.confirmRequest(confirm).signature,
    hmacHex(rawSignature('confirm', { ...confirm, partnerCode: 'MOMO' })),
  );
});

test('IPN verification from the raw body keeps transId exact', () => {
  const body = ipnBody();
  for (const raw of [body, Buffer.from(body), new TextEncoder().encode(body)]) {
    const n = client.verifyIpn(raw);
    assert.equal(n.transId, '9007199254740993');
    assert.equal(n.amount, 59000);
    assert.equal(n.orderInfo, 'Cà phê sữa đá x2');
    assert.equal(n.isPaid, true);
    assert.equal(n.dedupeKey, 'MOMO|ORDER-1001|ORDER-1001-r1|9007199254740993');
    assert.equal(n.result.category, 'paid');
  }
  throwsMomo(() => client.verifyIpn(body.replace('"amount":59000', '"amount":59001')), 'signatureMismatch', 'signature');
  throwsMomo(() => client.verifyIpn(ipnBody({}, 'another-secret')), 'signatureMismatch');
  throwsMomo(() => client.verifyIpn(ipnBody({ partnerCode: 'OTHER' })), 'fieldMismatch', 'partnerCode');
  const e = throwsMomo(() => client.verifyIpn(JSON.parse(body)), 'invalidField', 'body');
  assert.match(e.message, /raw body/);
  throwsMomo(() => client.verifyIpn(body.replace('Cà phê', LONE)), 'invalidField', 'body');
  throwsMomo(() => client.verifyIpn('x'.repeat(70_000)), 'bodyTooLarge');
});

// A verified IPN and a signed request are built in JS from one packed
// string cut at UTF-16 offsets (bindings/wasm/src/packed.rs): text of every
// UTF-8 width, astral characters (two UTF-16 units) and empty fields must
// land in the right field, whole.
test('every field of a notification and of a signed request comes out whole, whatever the text', () => {
  const texts = ['', 'a', 'Cà phê sữa đá x2', '€ 5', '😀 x 😀', '\u007f\u0080\u07ff\u0800\uffff\u{10000}\u{10ffff}', '"quoted" \\ back\nline'];
  for (const [i, text] of texts.entries()) {
    const fields = {
      orderId: `ORDER-${i}`, requestId: `ORDER-${i}-r1`, amount: '59000', orderInfo: text, orderType: 'momo_wallet',
      transId: '9007199254740993', resultCode: '1006', message: `${text}!`, payType: 'pos', responseTime: '1763886412345',
      extraData: [...text].reverse().join(''),
    };
    for (const partnerUserId of [undefined, '', `u-${text}`]) {
      let body = ipnBody(fields);
      if (partnerUserId !== undefined) body = body.replace(/,"signature"/, `,"partnerUserId":${JSON.stringify(partnerUserId)},"signature"`);
      const n = client.verifyIpn(body);
      const explained = momo.explainResultCode(1006);
      assert.deepEqual(Object.keys(n), [
        'partnerCode', 'orderId', 'requestId', 'amount', 'orderInfo', 'orderType', 'transId', 'resultCode', 'message',
        'payType', 'responseTime', 'extraData', 'partnerUserId', 'isPaid', 'dedupeKey', 'result',
      ]);
      assert.deepEqual(n, {
        partnerCode: 'MOMO', orderId: fields.orderId, requestId: fields.requestId, amount: 59000, orderInfo: text,
        orderType: 'momo_wallet', transId: '9007199254740993', resultCode: 1006, message: `${text}!`, payType: 'pos',
        responseTime: 1763886412345, extraData: fields.extraData, partnerUserId: partnerUserId ?? null, isPaid: false,
        dedupeKey: `MOMO|${fields.orderId}|${fields.requestId}|9007199254740993`, result: explained,
      }, JSON.stringify(text));
      assert.deepEqual(Object.keys(n.result), Object.keys(explained));
    }
    // Requests refuse control characters (PROTOCOL.md's text rules).
    const info = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '') || 'x';
    const payment = { orderId: `ORDER-${i}`, requestId: `ORDER-${i}-r1`, amount: 59000, encryptedPaymentCode: ENCRYPTED, orderInfo: info, extraData: '' };
    const r = client.posRequest(payment);
    const raw = rawSignature('pos', { ...payment, paymentCode: ENCRYPTED, partnerCode: 'MOMO' });
    assert.deepEqual(Object.keys(r), ['url', 'path', 'headers', 'body', 'timeoutMs', 'rawSignature', 'signature', 'partnerCode', 'orderId', 'requestId']);
    assert.equal(r.rawSignature, raw);
    assert.equal(r.signature, hmacHex(raw));
    assert.equal(JSON.parse(r.body).orderInfo, info);
    assert.deepEqual(r.headers, { 'Content-Type': 'application/json; charset=UTF-8' });
    assert.equal(r.url, `${client.baseUrl}${r.path}`);
    assert.deepEqual([r.partnerCode, r.orderId, r.requestId], ['MOMO', payment.orderId, payment.requestId]);
  }
});

test('the packed results are the objects the serde forms give, key for key and in order', () => {
  // The entry registered js/packed.cjs; null makes the module build the
  // same results through JSON (IPN) and serde-wasm-bindgen (requests).
  const raw = require(`${pkgDir}dist/node/full/momo_pos.js`);
  const bodies = [ipnBody(), ipnBody({ resultCode: '9000', orderInfo: '😀 Cà phê', extraData: 'eyJ0aWxsIjozfQ==' }), ipnBody().replace(/,"signature"/, ',"partnerUserId":"u-1","signature"')];
  const payment = { orderId: 'ORDER-1', requestId: 'ORDER-1-r1', amount: 59000, encryptedPaymentCode: ENCRYPTED, orderInfo: 'Cà phê 😀' };
  const results = () => [
    ...bodies.map((b) => client.verifyIpn(b)),
    client.posRequest(payment),
    client.queryRequest({ orderId: 'ORDER-1', requestId: 'ORDER-1-q1' }),
    client.confirmRequest({ orderId: 'ORDER-1', requestId: 'ORDER-1-c1', amount: 59000, requestType: 'capture' }),
    client.refundRequest({ orderId: 'ORDER-1-R1', requestId: 'ORDER-1-R1-1', amount: 1000, transId: '9007199254740993' }),
  ];
  const packed = results();
  raw.__setObjectBuilders(null);
  let plain;
  try {
    plain = results();
  } finally {
    raw.__setObjectBuilders(require(`${pkgDir}dist/packed.cjs`).objectBuilders);
  }
  // JSON.stringify compares keys in order, nested objects too.
  for (const [i, p] of packed.entries()) {
    assert.equal(JSON.stringify(p), JSON.stringify(plain[i]), `result ${i}`);
    assert.deepEqual(p, plain[i]);
  }
});

test('the worst-case corpus (tests/hostile): each body gets its verdict, as a string and as bytes', () => {
  const dir = `${repo}tests/hostile/`;
  const corpus = JSON.parse(readFileSync(`${dir}corpus.json`, 'utf8'));
  assert.ok(corpus.length >= 15);
  const code = { json_limit: 'jsonLimit', duplicate_key: 'duplicateKey', signature_mismatch: 'signatureMismatch' };
  for (const { file, expect } of corpus) {
    const bytes = readFileSync(dir + file);
    for (const body of [bytes, bytes.toString('utf8')]) {
      if (expect === 'ok') {
        assert.equal(client.verifyIpn(body).orderId, 'HOSTILE-1', file);
      } else {
        throwsMomo(() => client.verifyIpn(body), code[expect]);
      }
    }
    if (expect === 'json_limit' || expect === 'duplicate_key') {
      throwsMomo(() => client.parseQueryResponse(bytes), code[expect]);
    }
  }
});

test('answers: verified only with a valid signature, unsigned otherwise', () => {
  const f = {
    partnerCode: 'MOMO', orderId: 'ORDER-1001', requestId: 'ORDER-1001-r1', amount: '59000',
    transId: '9007199254740993', resultCode: '9000', message: 'Authorized', responseTime: '1763886412345',
  };
  // MoMo's notification rule applied to the answer's fields: a–z after accessKey.
  const signed = ['amount', 'message', 'orderId', 'partnerCode', 'requestId', 'responseTime', 'resultCode', 'transId'];
  const raw = ['accessKey=' + credentials.accessKey, ...signed.map((k) => `${k}=${f[k]}`)].join('&');
  const numbers = new Set(['amount', 'transId', 'resultCode', 'responseTime']);
  const json = (sig) =>
    `{${Object.entries(f).map(([k, v]) => `"${k}":${numbers.has(k) ? v : JSON.stringify(v)}`).join(',')}${sig}}`;
  const verified = client.parsePosResponse(json(`,"signature":"${hmacHex(raw)}"`));
  assert.equal(verified.authenticity, 'verified');
  assert.equal(verified.body.transId, '9007199254740993');
  assert.equal(verified.result.nextStep, 'captureOrCancel');
  assert.equal(client.parsePosResponse(json('')).authenticity, 'unsigned');
  assert.equal(client.parsePosResponse(json(',"signature":null')).authenticity, 'unsigned');
  throwsMomo(() => client.parsePosResponse(json(`,"signature":"${hmacHex(raw, 'x')}"`)), 'signatureMismatch');
  throwsMomo(() => client.parsePosResponse(json(',"signature":"ABC"')), 'malformedSignature');
});

test('maxBodyBytes is the body limit the core enforces (64 KiB)', () => {
  assert.equal(client.maxBodyBytes, 65536);
  const body = ipnBody();
  assert.doesNotThrow(() => client.verifyIpn(body + ' '.repeat(client.maxBodyBytes - Buffer.byteLength(body))));
  throwsMomo(() => client.verifyIpn(body + ' '.repeat(client.maxBodyBytes - Buffer.byteLength(body) + 1)), 'bodyTooLarge');
});

test('checkRequest: an answer belongs to its request, or a fieldMismatch names the field', () => {
  const request = client.queryRequest({ orderId: 'ORDER-1001', requestId: 'ORDER-1001-q1' });
  const answer = (ids) =>
    client.parseQueryResponse(JSON.stringify({ ...ids, resultCode: 1000, message: 'Pending' }));
  momo.checkRequest(answer({ partnerCode: 'MOMO', orderId: 'ORDER-1001', requestId: 'ORDER-1001-q1' }), request);
  // An error answer may leave the ids out: nothing to contradict.
  momo.checkRequest(answer({}), request);
  const other = throwsMomo(
    () => momo.checkRequest(answer({ orderId: 'ORDER-1002', requestId: 'ORDER-1001-q1' }), request),
    'fieldMismatch',
    'orderId',
  );
  assert.equal(other.message, 'orderId: is "ORDER-1002", expected "ORDER-1001"');
  throwsMomo(() => momo.checkRequest(answer({ requestId: 'ORDER-1001-r1' }), request), 'fieldMismatch', 'requestId');
  throwsMomo(() => momo.checkRequest(answer({ partnerCode: 'OTHER' }), request), 'fieldMismatch', 'partnerCode');
  // Not what the parse and sign calls return: refused, never passed.
  throwsMomo(() => momo.checkRequest({}, request), 'invalidField', 'response');
  throwsMomo(() => momo.checkRequest(answer({}), { orderId: 'ORDER-1001' }), 'invalidField', 'request');
  throwsMomo(() => momo.checkRequest({ body: { orderId: 7 } }, request), 'invalidField', 'response.body.orderId');
});

test('inputs: lone surrogates, lossy numbers and unknown fields are refused with the field', () => {
  throwsMomo(() => momo.normalizePaymentCode(CODE + '\uDC00'), 'invalidField', 'paymentCode');
  throwsMomo(() => client.queryRequest({ orderId: 'O', requestId: LONE }), 'invalidField', 'requestId');
  throwsMomo(() => client.queryRequest({ orderId: 'O', requestID: 'r' }), 'invalidField', 'requestID');
  throwsMomo(() => client.queryRequest({ orderId: 'O' }), 'missingField', 'requestId');
  throwsMomo(() => client.confirmRequest({ orderId: 'O', requestId: 'r', amount: 2 ** 53, requestType: 'capture' }), 'invalidField', 'amount');
  throwsMomo(() => client.confirmRequest({ orderId: 'O', requestId: 'r', amount: 1500.5, requestType: 'capture' }), 'invalidField', 'amount');
  throwsMomo(() => new momo.MomoClient({ ...credentials, secretKey: '' }), 'invalidCredentials', 'secretKey');
  throwsMomo(() => momo.normalizePaymentCode('MM12'), 'invalidPaymentCode', 'paymentCode');
});

test('MomoError codes are the core ErrorKind names in camelCase', () => {
  const rust = readFileSync(`${repo}crates/momo-pos/src/error.rs`, 'utf8');
  const asStr = rust.slice(rust.indexOf('pub const fn as_str'));
  const kinds = [...asStr.slice(0, asStr.indexOf('\n    }\n')).matchAll(/=> "([a-z_]+)"/g)].map((m) => m[1]);
  const camel = (snake) => snake.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const dts = readFileSync(`${pkgDir}dist/error.d.ts`, 'utf8');
  const type = dts.slice(dts.indexOf('export type MomoErrorCode ='));
  const union = [...type.slice(0, type.indexOf(';')).matchAll(/"([a-zA-Z]+)"/g)].map((m) => m[1]);
  assert.ok(kinds.length >= 13);
  assert.deepEqual(union.sort(), kinds.map(camel).sort());
});

test('import and require give the same module and the same MomoError', () => {
  const cjs = require('momo-pos');
  assert.equal(cjs.MomoError, momo.MomoError);
  assert.equal(cjs.MomoClient, momo.MomoClient);
  const esmNames = Object.keys(momo).filter((k) => k !== 'default').sort();
  const cjsNames = Object.keys(cjs).filter((k) => k !== 'default').sort();
  assert.deepEqual(esmNames, cjsNames);
  const cjsBrowser = require('momo-pos/browser');
  assert.deepEqual(Object.keys(browser).filter((k) => k !== 'default').sort(), Object.keys(cjsBrowser).filter((k) => k !== 'default').sort());
});

test('loading the package assigns no global (globalThis.crypto stays as Node has it)', () => {
  // Without Node's global Web Crypto, the package must not install one: it
  // loads, and only drawing randomness fails, as a MomoError.
  const script = `
    delete globalThis.crypto;
    const momo = require('momo-pos');
    if (typeof globalThis.crypto !== 'undefined') throw new Error('globalThis.crypto was assigned');
    const key = new momo.MomoPublicKey(${JSON.stringify(publicKey2048)});
    try { key.encryptPaymentCode('MM561918531775222861'); process.exit(3); }
    catch (e) { if (!momo.isMomoError(e)) throw e; console.log(e.code); }`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: pkgDir, encoding: 'utf8',
  });
  assert.equal(out.trim(), 'randomness');
});

test('the browser entry cannot sign: no signing export, no signing code', async () => {
  const SIGNING = /client|sign|ipn|response|request|confirm|query|refund|secret|extra/i;
  assert.deepEqual(Object.keys(browser).filter((k) => SIGNING.test(k)), []);
  for (const [entry, canSign] of [['browser', false], ['full', true]]) {
    for (const kind of ['node', 'web']) {
      const bytes = readFileSync(`${pkgDir}dist/${kind}/${entry}/momo_pos_bg.wasm`);
      const exports = WebAssembly.Module.exports(await WebAssembly.compile(bytes)).map((e) => e.name);
      assert.ok(exports.some((n) => n.startsWith('momopublickey_')), `${entry}: ${exports}`);
      // The control: the full binary must show what the browser one lacks.
      assert.equal(exports.some((n) => SIGNING.test(n)), canSign, `${entry}/${kind}: ${exports.filter((n) => SIGNING.test(n))}`);
      // Signed field names only occur in signing code: it was not linked in.
      assert.equal(bytes.includes('accessKey'), canSign, `${entry}/${kind} mentions accessKey`);
    }
  }
});

test('shipped type declarations have no any', () => {
  const files = declarationFiles();
  assert.ok(files.length >= 6, files.join());
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(text, /\bany\b/, file);
  }
});

test('result codes', () => {
  for (const entry of [momo, browser]) {
    assert.equal(entry.explainResultCode(1006).isFinal, true);
    assert.equal(entry.explainResultCode(424242).category, 'unknown');
    assert.equal(entry.resultCodeCatalogue().length, 38);
  }
  assert.equal(browser.maskPaymentCode(SCANNED), '****************2861');
});
