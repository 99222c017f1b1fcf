// PaymentDriver through the package's JS API, against the hand-written MoMo
// double of fake-momo/fake-momo.js, with IPNs signed here by node:crypto (oracle.mjs)
// and the expected host-side steps written from the protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import init, * as momo from 'momo-pos';
import * as browser from 'momo-pos/browser';
import { throwsMomo } from './throws-momo.mjs';
import { credentials, hmacHex, ipnBody, pkgDir, publicKey2048, rawSignature } from './oracle.mjs';
import { T0, TRANS_ID, play } from './fake-momo/fake-momo.js';

await init();
const client = new momo.MomoClient(credentials);
const ENCRYPTED = new momo.MomoPublicKey(publicKey2048).encryptPaymentCode('MM561918531775222861');
const R = 'ORDER-1001-r1';

function payment(autoCapture = true) {
  return { orderId: 'ORDER-1001', requestId: R, amount: 59000, encryptedPaymentCode: ENCRYPTED, autoCapture };
}

const ipn = (beat, driver) =>
  ipnBody({
    orderId: driver.orderId,
    requestId: driver.requestId,
    amount: String(driver.amount + (beat.amountOffBy ?? 0)),
    resultCode: String(beat.ipn),
    transId: TRANS_ID,
  });

/** Every request the driver hands out is signed as MoMo checks it. */
function checkSignature(action) {
  const body = JSON.parse(action.body);
  assert.equal(body.signature, hmacHex(rawSignature(action.endpoint, body)), action.body);
  assert.equal(action.url, `https://test-payment.momo.vn/v2/gateway/api/${action.endpoint}`);
  assert.equal(action.headers['Content-Type'], 'application/json; charset=UTF-8');
  assert.equal(body.requestId, action.requestId);
  assert.equal(action.timeoutMs, 30000);
}

function run(name, options = {}) {
  const s = SCENARIOS[name];
  const driver = momo.PaymentDriver.start(client, payment(s.autoCapture ?? true), T0, s.config);
  return play(driver, client, s.script, { ipn, onSend: checkSignature, ...options });
}

// A short window so that a silent MoMo reaches the deadline in few steps.
const SHORT = { paymentWindowMs: 60000, pollDelaysMs: [5000] };

const SCENARIOS = {
  paid: {
    script: [{ answer: 0 }],
    steps: [`send pos ${R}`, 'answer 0', 'done paid'],
    outcome: { outcome: 'paid', transId: TRANS_ID },
  },
  'authorized-capture': {
    autoCapture: false,
    script: [{ answer: 9000 }, { decide: 'capture' }, { answer: 0 }],
    steps: [`send pos ${R}`, 'answer 9000', 'decide capture', `send confirm ${R}-c`, 'answer 0', 'done paid'],
    outcome: { outcome: 'paid', transId: TRANS_ID },
  },
  'authorized-cancel': {
    autoCapture: false,
    script: [{ answer: 9000 }, { decide: 'cancel' }, { answer: 0 }],
    steps: [`send pos ${R}`, 'answer 9000', 'decide cancel', `send confirm ${R}-c`, 'answer 0', 'done cancelled'],
    outcome: { outcome: 'cancelled', resultCode: 0, transId: TRANS_ID },
  },
  'confirm-refused': {
    autoCapture: false,
    // 12 is "fix the request": MoMo refused the capture call itself.
    script: [{ answer: 9000 }, { decide: 'capture' }, { answer: 12 }],
    steps: [`send pos ${R}`, 'answer 9000', 'decide capture', `send confirm ${R}-c`, 'answer 12', 'done unknown'],
    outcome: { outcome: 'unknown', reason: { kind: 'confirmRefused', resultCode: 12 } },
  },
  'timeout-then-paid': {
    script: ['timeout', { answer: 0 }],
    steps: [`send pos ${R}`, 'timeout', 'wait 2000', `send query ${R}-q1`, 'answer 0', 'done paid'],
    outcome: { outcome: 'paid', transId: TRANS_ID },
  },
  'deadline-unknown': {
    config: SHORT,
    script: [{ answer: 1000 }],
    // Queries at +5.3 s and +40.3 s both time out; the second ends past
    // the 60 s window, so no third query starts.
    steps: [
      `send pos ${R}`, 'answer 1000', 'wait 5000', `send query ${R}-q1`, 'timeout',
      'wait 5000', `send query ${R}-q2`, 'timeout', 'done unknown',
    ],
    outcome: { outcome: 'unknown', reason: { kind: 'deadlinePassed' } },
  },
  'ipn-wrong-amount': {
    script: [{ answer: 1000 }, { ipn: 0, amountOffBy: 1000 }, { answer: 0 }],
    // The IPN lands 300 ms into the 2 s wait and changes nothing.
    steps: [`send pos ${R}`, 'answer 1000', 'ipn 0', 'wait 1700', `send query ${R}-q1`, 'answer 0', 'done paid'],
    outcome: { outcome: 'paid', transId: TRANS_ID },
  },
  'ipn-before-response': {
    script: [{ ipn: 0 }],
    steps: [`send pos ${R}`, 'ipn 0', 'done paid'],
    outcome: { outcome: 'paid', transId: TRANS_ID },
  },
  'insufficient-funds': {
    script: [{ answer: 1001 }],
    steps: [`send pos ${R}`, 'answer 1001', 'done declined'],
    outcome: { outcome: 'declined', resultCode: 1001 },
  },
  'lost-pos-resent': {
    // 42 on the query: MoMo has no such order, so the same bytes go again.
    script: ['network', { answer: 42 }, { answer: 0 }],
    steps: [
      `send pos ${R}`, 'network error', 'wait 2000', `send query ${R}-q1`, 'answer 42',
      `send pos ${R} (attempt 2)`, 'answer 0', 'done paid',
    ],
    outcome: { outcome: 'paid', transId: TRANS_ID },
  },
};

for (const [name, s] of Object.entries(SCENARIOS)) {
  test(`scenario ${name}: steps and outcome`, () => {
    const r = run(name);
    assert.deepEqual(r.steps, s.steps);
    assert.deepEqual(r.outcome, s.outcome);
    assert.deepEqual(r.driver.outcome, s.outcome);
    assert.equal(r.driver.stage, 'done');
    const posBodies = new Set(r.sends.filter((a) => a.endpoint === 'pos').map((a) => a.body));
    assert.ok(posBodies.size <= 1, 'every pos send is the same bytes');
  });

  test(`scenario ${name}: a snapshot round trip before every step changes nothing`, () => {
    const plain = run(name);
    const restored = run(name, { restoreEveryStep: true });
    assert.deepEqual(restored.steps, plain.steps);
    assert.deepEqual(restored.outcome, plain.outcome);
    assert.deepEqual(restored.sends.map((a) => a.body), plain.sends.map((a) => a.body));
  });

  test(`scenario ${name}: power loss before every send asks for the same bytes`, () => {
    const plain = run(name);
    const crashed = run(name, { crashBeforeEverySend: true });
    assert.deepEqual(crashed.steps, plain.steps);
    assert.deepEqual(crashed.outcome, plain.outcome);
    for (const [before, after] of crashed.resends) {
      assert.equal(after.type, 'send');
      assert.equal(after.body, before.body);
      assert.equal(after.requestId, before.requestId);
    }
    assert.equal(crashed.resends.length, plain.sends.length);
  });
}

test('the wrong-amount IPN is an anomaly; the state getters read the core', () => {
  const r = run('ipn-wrong-amount');
  const anomalies = r.driver.anomalies;
  assert.equal(anomalies.length, 1);
  assert.equal(anomalies[0].kind, 'ipnMismatch');
  assert.equal(anomalies[0].field, 'amount');
  assert.match(anomalies[0].text, /amount/);
  assert.equal(r.driver.transId, TRANS_ID);
  assert.equal(r.driver.orderId, 'ORDER-1001');
  assert.equal(r.driver.requestId, R);
  assert.equal(r.driver.amount, 59000);
  assert.equal(r.driver.lastResult.code, 0);
  const log = r.driver.log;
  assert.ok(log.every((e) => typeof e.text === 'string' && e.text.length > 0 && Number.isSafeInteger(e.atMs)));
  assert.deepEqual(
    log.filter((e) => e.kind === 'send').map((e) => e.requestId),
    [R, `${R}-q1`],
  );
});

test('a pos resent after a restart is the same body; the in-flight deadline is fresh', () => {
  const driver = momo.PaymentDriver.start(client, payment(), T0);
  const first = driver.nextAction();
  const snapshot = driver.snapshot(); // persisted before the send
  const later = T0 + 12_345;
  const again = momo.PaymentDriver.restore(snapshot, later).nextAction();
  assert.equal(again.body, first.body);
  assert.equal(again.requestId, R);
  assert.equal(again.deadlineMs, later + 30_000);
  assert.equal(first.deadlineMs, T0 + 30_000);
});

test('decide is refused unless authorized; bad inputs name their field', () => {
  const driver = momo.PaymentDriver.start(client, payment(), T0);
  throwsMomo(() => driver.decide(client, T0, 'capture'), 'invalid_state', null);
  throwsMomo(() => momo.PaymentDriver.restore('not a snapshot', T0), 'invalid_json', null);
  throwsMomo(() => momo.PaymentDriver.restore('{}', T0), 'invalid_json', null);
  throwsMomo(() => momo.PaymentDriver.start(client, payment(), -1), 'invalid_field', 'nowMs');
  throwsMomo(() => momo.PaymentDriver.start(client, payment(), T0 + 0.5), 'invalid_field', 'nowMs');
  throwsMomo(() => driver.tick(client, '1700000000000'), 'invalid_field', 'nowMs');
  throwsMomo(() => momo.PaymentDriver.start(client, { ...payment(), amount: 1.5 }, T0), 'invalid_field', 'amount');
  throwsMomo(() => momo.PaymentDriver.start(client, payment(), T0, { paymentWindow: 1 }), 'invalid_field', 'paymentWindow');
  throwsMomo(() => momo.PaymentDriver.start(client, payment(), T0, { requestTimeoutMs: 1000 }), 'invalid_field', 'requestTimeoutMs');
  throwsMomo(() => driver.handleResponse(client, T0, 42, '{}'), 'invalid_field', 'status');
  const other = new momo.MomoClient({ ...credentials, partnerCode: 'OTHER' });
  throwsMomo(() => driver.tick(other, T0), 'invalid_state', null);

  const waiting = momo.PaymentDriver.start(client, payment(false), T0);
  waiting.handleResponse(client, T0 + 300, 200, JSON.stringify({
    partnerCode: 'MOMO', orderId: 'ORDER-1001', requestId: R, amount: 59000, resultCode: 9000, message: 'm',
  }));
  assert.equal(waiting.nextAction().type, 'decide');
  throwsMomo(() => waiting.decide(client, T0 + 400, 'refund'), 'invalid_field', 'action');
  assert.equal(waiting.stage, 'authorized');
});

test('a bad or parsed IPN throws and leaves the driver as it was', () => {
  const driver = momo.PaymentDriver.start(client, payment(), T0);
  const before = driver.snapshot();
  const good = ipnBody({ amount: '59000', requestId: R });
  throwsMomo(() => driver.handleIpn(client, T0 + 1, JSON.parse(good)), 'invalid_field', 'body');
  throwsMomo(() => driver.handleIpn(client, T0 + 1, ipnBody({ requestId: R }, 'another-secret')), 'signature_mismatch', 'signature');
  assert.equal(driver.snapshot(), before);
  const n = driver.handleIpn(client, T0 + 1, Buffer.from(good));
  assert.equal(n.transId, '9007199254740993');
  assert.equal(n.isPaid, true);
  assert.deepEqual(driver.outcome, { outcome: 'paid', transId: '9007199254740993' });
});

test('the status for a screen, live or from a snapshot, has no bytes of a send', () => {
  const driver = momo.PaymentDriver.start(client, payment(), T0);
  const sending = momo.describeDriverSnapshot(driver.snapshot());
  assert.deepEqual(driver.status, sending);
  assert.deepEqual(sending.nextAction, {
    type: 'send', endpoint: 'pos', requestId: R, deadlineMs: T0 + 30000, attempt: 1,
  });
  assert.equal(sending.stage, 'paying');
  assert.equal(sending.outcome, null);
  assert.equal(sending.lastResult, null);
  assert.deepEqual(sending.log, driver.log, 'nothing journaled by describing');

  const r = run('ipn-wrong-amount');
  const done = momo.describeDriverSnapshot(r.driver.snapshot());
  assert.deepEqual(r.driver.status, done);
  assert.deepEqual(
    { ...done },
    {
      stage: 'done', outcome: r.outcome, lastResult: r.driver.lastResult, nextAction: { type: 'done', outcome: r.outcome },
      orderId: 'ORDER-1001', requestId: R, amount: 59000, transId: TRANS_ID, deadlineMs: r.driver.deadlineMs,
      log: r.driver.log, anomalies: r.driver.anomalies,
    },
  );
  assert.equal(browser.describeDriverSnapshot, undefined, 'the browser entry reads no snapshot');
  assert.throws(() => momo.describeDriverSnapshot('{"version":1}'), (e) => e.code === 'invalid_json');
  assert.throws(
    () => momo.describeDriverSnapshot(r.driver.snapshot().replace('"version":1', '"version":9')),
    (e) => e.code === 'invalid_state',
  );
});

test('the TypeScript types match what the driver returns (tsc on the observed values)', () => {
  const runs = Object.keys(SCENARIOS).map((name) => run(name));
  const outcomes = runs.map((r) => r.outcome);
  const actions = runs.flatMap((r) => [...r.sends, r.driver.nextAction()]);
  const midway = momo.PaymentDriver.start(client, payment(), T0);
  midway.handleResponse(client, T0 + 300, 502, '<html>Bad gateway</html>');
  actions.push(midway.nextAction());
  const odd = momo.PaymentDriver.restore(midway.snapshot(), T0 + 400);
  odd.handleIpn(client, T0 + 500, ipnBody({ requestId: R }));
  odd.handleIpn(client, T0 + 600, ipnBody({ requestId: R }));
  const decide = momo.PaymentDriver.start(client, payment(false), T0);
  decide.handleResponse(client, T0 + 1, 200, `{"orderId":"ORDER-1001","requestId":"${R}","resultCode":9000,"message":"m"}`);
  actions.push(decide.nextAction());
  decide.handleTimeout(client, T0 + 2); // nothing in flight: journaled as ignored
  const logs = [...runs.map((r) => r.driver), midway, odd, decide].flatMap((d) => d.log);
  const statuses = [midway, odd, decide].map((d) => d.status);

  // Every variant of the unions appears in what was observed.
  const dts = readFileSync(`${pkgDir}dist/node/full/momo_pos.d.ts`, 'utf8');
  const union = (name, tag) => {
    const body = dts.slice(dts.indexOf(`export type ${name} =`));
    return new Set([...body.slice(0, body.indexOf(';\n')).matchAll(new RegExp(`${tag}: "(\\w+)"`, 'g'))].map((m) => m[1]));
  };
  assert.deepEqual(new Set(outcomes.map((o) => o.outcome)), union('Outcome', 'outcome'));
  assert.deepEqual(new Set(outcomes.filter((o) => o.reason).map((o) => o.reason.kind)), union('UnknownReason', 'kind'));
  assert.deepEqual(new Set(actions.map((a) => a.type)), new Set(['send', 'wait', 'decide', 'done']));
  const kinds = new Set(logs.map((e) => e.kind));
  for (const kind of ['started', 'send', 'answer', 'badAnswer', 'timeout', 'networkError', 'wait', 'ipn', 'ipnMismatch', 'ipnIgnored', 'authorized', 'decided', 'ignored', 'restored', 'settled']) {
    assert.ok(kinds.has(kind), `no ${kind} entry observed`);
    assert.ok(union('LogEvent', 'kind').has(kind), `${kind} missing from the LogEvent type`);
  }

  // Fresh object literals: tsc refuses a missing, extra or mistyped field.
  const dir = mkdtempSync(`${pkgDir}.observed-`);
  try {
    const lit = (v) => JSON.stringify(v, null, 1);
    writeFileSync(`${dir}/observed.mts`, [
      'import type { Outcome, DriverAction, LogEntry, DriverStatus } from "momo-pos";',
      'import type { DriverStatus as BrowserStatus } from "momo-pos/browser";',
      `export const outcomes: Outcome[] = ${lit(outcomes)};`,
      `export const actions: DriverAction[] = ${lit(actions)};`,
      `export const logs: LogEntry[] = ${lit(logs)};`,
      `export const statuses: DriverStatus[] = ${lit(statuses)};`,
      `export const browserStatuses: BrowserStatus[] = ${lit(statuses)};`,
      '',
    ].join('\n'));
    writeFileSync(`${dir}/tsconfig.json`, JSON.stringify({ extends: '../tsconfig.json', files: ['observed.mts'] }));
    execFileSync(`${pkgDir}node_modules/.bin/tsc`, ['-p', `${dir}/tsconfig.json`], { stdio: 'pipe' });
    // The control: a wrong literal must fail, or the check above proves nothing.
    writeFileSync(`${dir}/observed.mts`, `import type { Outcome } from "momo-pos";\nexport const o: Outcome = ${lit({ outcome: 'paid', transId: 5 })};\n`);
    assert.throws(() => execFileSync(`${pkgDir}node_modules/.bin/tsc`, ['-p', `${dir}/tsconfig.json`], { stdio: 'pipe' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
