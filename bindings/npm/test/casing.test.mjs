// One casing for every string union of the JS API: camelCase. Read from the
// shipped declarations (every string-literal type in dist/**/*.d.ts and
// .d.mts), and checked against what the package returns at runtime: every
// value it hands out for a union-typed field is a member of that union.
// (The core's snake_case names, which the C ABI and the CLI keep, are
// mapped at the wasm boundary: src/wasm/names.rs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import init, * as momo from 'momo-pos';
import * as browser from 'momo-pos/browser';
import { credentials, hmacHex, ipnBody, pkgDir, publicKey2048, repo } from './oracle.mjs';
import { T0, TRANS_ID, play } from './fake-momo/fake-momo.js';
import { declarationFiles } from './shipped.mjs';
import { stripComments } from './comments.mjs';

await init();

const CAMEL = /^[a-z][a-zA-Z0-9]*$/;
/**
 * The only string-literal types that are not camelCase, each for a reason
 * outside the API's own naming: an Error's `name` is its class name, and
 * "VND" is the ISO 4217 code MoMo's pos request takes as is.
 */
const EXCEPTIONS = new Map([
  ['MomoError', 'MomoError.name, the class name (Error convention)'],
  ['VND', 'Item.currency, ISO 4217 as MoMo takes it'],
]);

/**
 * The string-literal types of declaration text (comments stripped): every
 * quoted string but property keys (`"Content-Type": string`) and module
 * specifiers (`from "./error.js"`).
 */
function literalTypes(code) {
  const found = [];
  for (const m of code.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g)) {
    const value = m[1] ?? m[2];
    const before = code.slice(0, m.index).trimEnd();
    const after = code.slice(m.index + m[0].length).trimStart();
    if (/^\??:/.test(after)) continue; // a property key
    if (/\b(from|import|module|require)\s*\(?$/.test(before)) continue; // a module specifier
    found.push(value);
  }
  return found;
}

const DECLARATIONS = declarationFiles().map((file) => ({ file, code: stripComments(readFileSync(file, 'utf8')) }));
const ALL = DECLARATIONS.map((d) => d.code).join('\n');

/** The body of `export type NAME = ...;` (up to the `;` at depth 0). */
function alias(name) {
  const start = ALL.indexOf(`export type ${name} =`);
  assert.ok(start >= 0, `no type ${name} in the declarations`);
  let depth = 0;
  for (let i = start; i < ALL.length; i++) {
    const c = ALL[i];
    if (c === '"') i = ALL.indexOf('"', i + 1);
    else if ('{(<['.includes(c)) depth += 1;
    else if ('})>]'.includes(c)) depth -= 1;
    else if (c === ';' && depth === 0) return ALL.slice(start, i);
  }
  throw new Error(`unterminated type ${name}`);
}

/** Members of a union of string literals (`type Stage = "paying" | ...`). */
const members = (name) => new Set(literalTypes(alias(name)));
/** The values of `tag` across the members of a union of objects. */
const tags = (name, tag) => new Set([...alias(name).matchAll(new RegExp(`\\b${tag}: "(\\w+)"`, 'g'))].map((m) => m[1]));

test('the scanner finds literal types and skips keys and module specifiers (control)', () => {
  const sample = stripComments(`
    // "commented_out" is not a type
    /** nor "this_one" */
    import type { X } from "./error.js";
    export * from "./node/full/momo_pos.js";
    export type Step = "done" | "capture_or_cancel";
    export interface H { "Content-Type": string; kind: 'ok'; opt?: "maybe" }
  `);
  assert.deepEqual(literalTypes(sample), ['done', 'capture_or_cancel', 'ok', 'maybe']);
  assert.deepEqual(literalTypes(sample).filter((v) => !CAMEL.test(v)), ['capture_or_cancel']);
});

test('every string-literal type in the shipped declarations is camelCase', () => {
  assert.ok(DECLARATIONS.length >= 6, DECLARATIONS.map((d) => d.file).join());
  const seen = new Set();
  const wrong = [];
  for (const { file, code } of DECLARATIONS) {
    for (const value of literalTypes(code)) {
      seen.add(value);
      if (!CAMEL.test(value) && !EXCEPTIONS.has(value)) wrong.push(`${file.slice(pkgDir.length)}: "${value}"`);
    }
  }
  assert.deepEqual(wrong, []);
  // The scan saw the unions (a broken scanner would pass the check above).
  for (const value of ['captureOrCancel', 'invalidPaymentCode', 'stillAuthorized', 'stale', 'networkError', 'verified', 'confirming']) {
    assert.ok(seen.has(value), `"${value}" not found in the declarations`);
  }
  assert.ok(seen.size >= 60, `only ${seen.size} literal types found`);
  // Every exception is still needed: the list does not rot.
  for (const value of EXCEPTIONS.keys()) assert.ok(seen.has(value), `exception "${value}" no longer occurs`);
});

test('JS names are the camelCase of the core names (nextStep, category, error codes)', () => {
  const camel = (snake) => snake.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const rust = readFileSync(`${repo}crates/momo-pos/src/result_code.rs`, 'utf8');
  const names = (fn) => {
    const from = rust.indexOf(`impl ${fn} {`);
    const body = rust.slice(from, rust.indexOf('\n}\n', from));
    return [...body.matchAll(/=> "([a-z_]+)"/g)].map((m) => camel(m[1]));
  };
  assert.deepEqual([...members('NextStep')].sort(), names('NextStep').sort());
  assert.deepEqual([...members('ResultCategory')].sort(), names('Category').sort());
  const errors = readFileSync(`${repo}crates/momo-pos/src/error.rs`, 'utf8');
  const asStr = errors.slice(errors.indexOf('pub const fn as_str'));
  const kinds = [...asStr.slice(0, asStr.indexOf('\n    }\n')).matchAll(/=> "([a-z_]+)"/g)].map((m) => camel(m[1]));
  assert.deepEqual([...members('MomoErrorCode')].sort(), kinds.sort());
});

test('result codes: category and nextStep at runtime are members of their unions, and every member occurs', () => {
  const nextSteps = members('NextStep');
  const categories = members('ResultCategory');
  for (const entry of [momo, browser]) {
    const rows = [...entry.resultCodeCatalogue(), entry.explainResultCode(424242)];
    for (const row of rows) {
      assert.ok(nextSteps.has(row.nextStep), `${row.code}: nextStep ${row.nextStep}`);
      assert.ok(categories.has(row.category), `${row.code}: category ${row.category}`);
    }
    assert.deepEqual(new Set(rows.map((r) => r.nextStep)), nextSteps);
    assert.deepEqual(new Set(rows.map((r) => r.category)), categories);
  }
});

/** The code of what `fn` throws (a MomoError). */
function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(momo.isMomoError(e), String(e));
    return e.code;
  }
  assert.fail('expected a throw');
}

test('error codes at runtime are members of MomoErrorCode', () => {
  const client = new momo.MomoClient(credentials);
  const key = new momo.MomoPublicKey(publicKey2048);
  const pay = { orderId: 'O-1', requestId: 'O-1-r1', amount: 59000, encryptedPaymentCode: key.encryptPaymentCode('MM561918531775222861') };
  const driver = momo.PaymentDriver.start(client, pay, T0);
  const thrown = [
    () => browser.normalizePaymentCode('MM12'),
    () => new browser.MomoPublicKey('not a key'),
    () => new momo.MomoClient({ ...credentials, secretKey: '' }),
    () => client.queryRequest({ orderId: 'O' }),
    () => client.queryRequest({ orderId: 'O', requestId: 5 }),
    () => client.verifyIpn('{"a":1,"a":2}'),
    () => client.verifyIpn('not json'),
    () => client.verifyIpn('x'.repeat(70_000)),
    () => client.verifyIpn(`{${Array.from({ length: 200 }, (_, i) => `"k${i}":0`).join(',')}}`),
    () => client.verifyIpn(ipnBody().replace(/"signature":"\w+"/, '"signature":"ABC"')),
    () => client.verifyIpn(ipnBody({}, 'another-secret')),
    () => client.verifyIpn(ipnBody({ partnerCode: 'OTHER' })),
    () => driver.decide('capture'),
    () => momo.PaymentDriver.restore(client, '{}'),
  ].map(codeOf);
  const union = members('MomoErrorCode');
  for (const code of thrown) assert.ok(union.has(code), code);
  assert.deepEqual(new Set(thrown), new Set([
    'invalidPaymentCode', 'invalidPublicKey', 'invalidCredentials', 'missingField', 'invalidField',
    'duplicateKey', 'invalidJson', 'bodyTooLarge', 'malformedSignature', 'signatureMismatch',
    'fieldMismatch', 'invalidState', 'jsonLimit',
  ]));
});

test('answers, notifications and driver data at runtime: every union-typed string is a member', () => {
  const client = new momo.MomoClient(credentials);
  // Answers: verified and unsigned.
  const fields = { partnerCode: 'MOMO', orderId: 'O-1', requestId: 'O-1-r1', amount: 59000, transId: 42, resultCode: 9000, message: 'm', responseTime: T0 };
  const raw = `accessKey=${credentials.accessKey}&amount=59000&message=m&orderId=O-1&partnerCode=MOMO&requestId=O-1-r1` +
    `&responseTime=${T0}&resultCode=9000&transId=42`;
  const answers = [
    client.parsePosResponse(JSON.stringify(fields)),
    client.parsePosResponse(JSON.stringify({ ...fields, signature: hmacHex(raw) })),
    client.parseQueryResponse(JSON.stringify({ ...fields, resultCode: 0 })),
    client.parseConfirmResponse(JSON.stringify({ ...fields, resultCode: 1006 })),
  ];
  assert.deepEqual(new Set(answers.map((a) => a.authenticity)), members('Authenticity'));

  // Drivers through every kind of step, and what they hand out at each.
  const key = new momo.MomoPublicKey(publicKey2048);
  const scripts = [
    [true, [{ answer: 0 }]],
    [false, [{ answer: 9000 }, { decide: 'cancel' }, { answer: 99 }, { answer: 1003 }]],
    [false, ['timeout', { ipn: 9000, during: 'query' }, { decide: 'capture' }, { late: 9000 }, { answer: 0 }]],
    [false, [{ answer: 9000 }, { decide: 'capture' }, { answer: 12 }, { answer: 9000 }, { answer: 12 }, { answer: 9000 }, { answer: 12 }, { answer: 9000 }]],
    [true, ['network', { answer: 42 }, { answer: 1006 }]],
    [false, [{ answer: 9000 }]], // undecided: the default applies
  ];
  const ipnFields = new Set(literalTypes(alias('LogEvent').match(/kind: "ipnMismatch";[^}]*/)[0]).slice(1));
  assert.deepEqual(ipnFields, new Set(['partnerCode', 'orderId', 'requestId', 'amount']));
  const seen = { stage: new Set(), type: new Set(), endpoint: new Set(), kind: new Set(), outcome: new Set(), reason: new Set() };
  const values = []; // [what, value, allowed]
  const checkResult = (info, where) => {
    if (!info) return;
    values.push([`${where}.category`, info.category, members('ResultCategory')]);
    values.push([`${where}.nextStep`, info.nextStep, members('NextStep')]);
  };
  const checkOutcome = (o, where) => {
    if (!o) return;
    values.push([`${where}.outcome`, o.outcome, tags('Outcome', 'outcome')]);
    seen.outcome.add(o.outcome);
    if (o.reason) {
      values.push([`${where}.reason.kind`, o.reason.kind, tags('UnknownReason', 'kind')]);
      seen.reason.add(o.reason.kind);
    }
  };
  const checkAction = (a, where) => {
    values.push([`${where}.type`, a.type, new Set(['send', 'wait', 'decide', 'done'])]);
    seen.type.add(a.type);
    if (a.endpoint) {
      values.push([`${where}.endpoint`, a.endpoint, members('Endpoint')]);
      seen.endpoint.add(a.endpoint);
    }
    if (a.default) values.push([`${where}.default`, a.default, new Set(['capture', 'cancel'])]);
    if (a.outcome) checkOutcome(a.outcome, where);
  };
  const checkStatus = (s, where) => {
    values.push([`${where}.stage`, s.stage, members('Stage')]);
    seen.stage.add(s.stage);
    checkOutcome(s.outcome, where);
    checkResult(s.lastResult, `${where}.lastResult`);
    checkAction(s.nextAction, `${where}.nextAction`);
    for (const e of s.log) {
      values.push([`${where}.log.kind`, e.kind, tags('LogEvent', 'kind')]);
      seen.kind.add(e.kind);
      if (e.endpoint) values.push([`${where}.log.endpoint`, e.endpoint, members('Endpoint')]);
      if (e.resend) values.push([`${where}.log.resend`, e.resend, members('Endpoint')]);
      if (e.action) values.push([`${where}.log.action`, e.action, new Set(['capture', 'cancel'])]);
      if (e.by) values.push([`${where}.log.by`, e.by, new Set(['merchant', 'default'])]);
      if (e.kind === 'ipnMismatch') values.push([`${where}.log.field`, e.field, ipnFields]);
      if (e.outcome) checkOutcome(e.outcome, `${where}.log`);
    }
  };
  for (const [i, [autoCapture, script]] of scripts.entries()) {
    const payment = { orderId: `C-${i}`, requestId: `C-${i}-r1`, amount: 59000, autoCapture, encryptedPaymentCode: key.encryptPaymentCode('MM561918531775222861') };
    const driver = momo.PaymentDriver.start(client, payment, T0, { decisionWindowMs: 30_000 });
    const ipn = (beat, d) => ipnBody({ orderId: d.orderId, requestId: d.requestId, amount: '59000', resultCode: String(beat.ipn), transId: TRANS_ID });
    const statuses = [];
    const onSend = (a) => {
      checkAction(a, `script ${i} send`);
      statuses.push(driver.status); // paying, or confirming
    };
    const r = play(driver, client, script, { ipn, onSend });
    statuses.push(r.driver.status, momo.describeDriverSnapshot(r.driver.snapshot()));
    for (const s of statuses) checkStatus(s, `script ${i}`);
    values.push([`script ${i} stage`, r.driver.stage, members('Stage')]);
    checkResult(r.driver.lastResult, `script ${i} lastResult`);
  }
  // Authorized, waiting for the cashier.
  const waiting = momo.PaymentDriver.start(client, { orderId: 'W-1', requestId: 'W-1-r1', amount: 59000, autoCapture: false, encryptedPaymentCode: key.encryptPaymentCode('MM561918531775222861') }, T0);
  const pos = waiting.nextAction();
  waiting.handleResponse(pos.id, 200, JSON.stringify({ ...fields, orderId: 'W-1', requestId: 'W-1-r1' }), T0 + 1);
  checkStatus(waiting.status, 'authorized');
  checkAction(waiting.nextAction(), 'authorized');
  // Waiting for the next status query.
  const polling = momo.PaymentDriver.start(client, { orderId: 'P-1', requestId: 'P-1-r1', amount: 59000, encryptedPaymentCode: key.encryptPaymentCode('MM561918531775222861') }, T0);
  polling.handleTimeout(polling.nextAction().id, T0 + 30_000);
  checkAction(polling.nextAction(), 'polling');
  checkStatus(polling.status, 'polling');
  // An IPN for another amount (an anomaly) and a notification's result.
  const driver = momo.PaymentDriver.start(client, { orderId: 'ORDER-1001', requestId: 'ORDER-1001-r1', amount: 59000, encryptedPaymentCode: key.encryptPaymentCode('MM561918531775222861') }, T0);
  const n = driver.handleIpn(ipnBody({ amount: '60000' }), T0 + 1);
  checkResult(n.result, 'notification.result');
  checkStatus(driver.status, 'mismatch');
  for (const a of answers) checkResult(a.result, 'answer.result');

  const wrong = values.filter(([, value, allowed]) => !allowed.has(value)).map(([what, value]) => `${what}: ${JSON.stringify(value)}`);
  assert.deepEqual(wrong, []);
  for (const [, value] of values) assert.match(value, CAMEL);
  // The runs reached every member of the driver's unions.
  assert.deepEqual(seen.stage, members('Stage'));
  assert.deepEqual(seen.endpoint, members('Endpoint'));
  assert.deepEqual(seen.type, new Set(['send', 'wait', 'decide', 'done']));
  assert.deepEqual(seen.outcome, tags('Outcome', 'outcome'));
  const fromSnapshotsOfOldFormat = new Set(['confirmRefused']); // only 0.1.0 ended so (driver.test.mjs)
  assert.deepEqual(new Set([...seen.reason, ...fromSnapshotsOfOldFormat]), tags('UnknownReason', 'kind'));
  for (const kind of ['send', 'stale', 'ipnMismatch', 'decided', 'settled', 'authorized', 'networkError', 'timeout']) {
    assert.ok(seen.kind.has(kind), `no ${kind} entry observed`);
  }
});
