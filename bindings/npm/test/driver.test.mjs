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
import { credentials, hmacHex, ipnBody, pkgDir, publicKey2048, rawSignature, repo } from './oracle.mjs';
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

/** MoMo's unsigned answer to a send action's request. */
const answerTo = (action, resultCode) => {
  const { partnerCode, orderId, requestId } = JSON.parse(action.body);
  return JSON.stringify({ partnerCode, orderId, requestId, amount: 59000, transId: 4088878653, resultCode, message: 'm', responseTime: T0 });
};

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
  'capture-refused-then-paid': {
    autoCapture: false,
    // 99: MoMo refused the capture call itself, or says so. Only the status
    // query tells whether the money moved: here it did.
    script: [{ answer: 9000 }, { decide: 'capture' }, { answer: 99 }, { answer: 0 }],
    steps: [
      `send pos ${R}`, 'answer 9000', 'decide capture', `send confirm ${R}-c`, 'answer 99',
      'wait 2000', `send query ${R}-q1`, 'answer 0', 'done paid',
    ],
    outcome: { outcome: 'paid', transId: TRANS_ID },
  },
  'cancel-refused-then-cancelled': {
    autoCapture: false,
    script: [{ answer: 9000 }, { decide: 'cancel' }, { answer: 99 }, { answer: 1003 }],
    steps: [
      `send pos ${R}`, 'answer 9000', 'decide cancel', `send confirm ${R}-c`, 'answer 99',
      'wait 2000', `send query ${R}-q1`, 'answer 1003', 'done cancelled',
    ],
    outcome: { outcome: 'cancelled', resultCode: 1003, transId: TRANS_ID },
  },
  'capture-refused-still-held': {
    autoCapture: false,
    // Every capture is refused (12) and every query still says 9000: the
    // identical confirm goes out three times in all, then the money is
    // reported held, never "cancelled".
    script: [
      { answer: 9000 }, { decide: 'capture' },
      { answer: 12 }, { answer: 9000 }, { answer: 12 }, { answer: 9000 }, { answer: 12 }, { answer: 9000 },
    ],
    steps: [
      `send pos ${R}`, 'answer 9000', 'decide capture',
      `send confirm ${R}-c`, 'answer 12', 'wait 2000', `send query ${R}-q1`, 'answer 9000',
      `send confirm ${R}-c (attempt 2)`, 'answer 12', 'wait 2000', `send query ${R}-q2`, 'answer 9000',
      `send confirm ${R}-c (attempt 3)`, 'answer 12', 'wait 3000', `send query ${R}-q3`, 'answer 9000',
      'done unknown',
    ],
    outcome: { outcome: 'unknown', reason: { kind: 'stillAuthorized', confirmResultCode: 12 } },
  },
  'ipn-authorizes-during-query': {
    autoCapture: false,
    // The pos answer is lost; while the status query is out an IPN says
    // 9000 and the cashier captures; the query's answer comes after that
    // (stale: it changes nothing), and the capture's 0 pays.
    script: ['timeout', { ipn: 9000, during: 'query' }, { decide: 'capture' }, { late: 9000 }, { answer: 0 }],
    steps: [
      `send pos ${R}`, 'timeout', 'wait 2000', `send query ${R}-q1`, 'ipn 9000', 'decide capture',
      `send confirm ${R}-c`, `late answer 9000 to ${R}-q1`, 'answer 0', 'done paid',
    ],
    outcome: { outcome: 'paid', transId: TRANS_ID },
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
    // The pos answer comes after the IPN settled the payment: stale.
    script: [{ ipn: 0 }, { late: 0 }],
    steps: [`send pos ${R}`, 'ipn 0', `late answer 0 to ${R}`, 'done paid'],
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
    // Every hand-out has its own id, journaled with it; every late answer
    // was journaled as stale, under the id it was reported with.
    const ids = r.sends.map((a) => a.id);
    assert.ok(ids.every(Number.isSafeInteger));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(r.driver.log.filter((e) => e.kind === 'send').map((e) => e.id), ids);
    assert.deepEqual(r.driver.log.filter((e) => e.kind === 'stale').map((e) => e.id), r.stale);
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
      assert.notEqual(after.id, before.id, 'a restored send is a new hand-out');
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

test('a pos resent after a restart is the same body under a new id; the in-flight deadline is fresh', () => {
  const driver = momo.PaymentDriver.start(client, payment(), T0);
  const first = driver.nextAction();
  const snapshot = driver.snapshot(); // persisted before the send
  const later = T0 + 12_345;
  const restored = momo.PaymentDriver.restore(client, snapshot, later);
  const again = restored.nextAction();
  assert.equal(again.body, first.body);
  assert.equal(again.requestId, R);
  assert.equal(again.deadlineMs, later + 30_000);
  assert.equal(first.deadlineMs, T0 + 30_000);
  assert.notEqual(again.id, first.id);
  // The answer to the send made before the crash is stale for the restored
  // driver; the resend's answer settles it.
  restored.handleResponse(first.id, 200, answerTo(first, 0), later + 100);
  assert.equal(restored.stage, 'paying');
  assert.equal(restored.log.at(-1).kind, 'stale');
  restored.handleResponse(again.id, 200, answerTo(again, 0), later + 200);
  assert.equal(restored.outcome.outcome, 'paid');
});

test('a stale answer (an old id) is journaled and changes nothing', () => {
  const driver = momo.PaymentDriver.start(client, payment(), T0);
  const pos = driver.nextAction();
  driver.handleTimeout(pos.id, pos.deadlineMs);
  const wait = driver.nextAction();
  assert.equal(wait.type, 'wait');
  driver.tick(wait.untilMs);
  const query = driver.nextAction();
  assert.equal(query.endpoint, 'query');
  assert.notEqual(query.id, pos.id);
  const before = { status: driver.status, action: driver.nextAction(), lastResult: driver.lastResult };

  // The pos answer after its timeout: too late, whatever it says.
  driver.handleResponse(pos.id, 200, answerTo(pos, 0), query.deadlineMs - 1000);
  driver.handleNetworkError(pos.id, query.deadlineMs - 900);
  driver.handleTimeout(424242, query.deadlineMs - 800); // never handed out
  const after = driver.status;
  const added = after.log.slice(before.status.log.length);
  assert.deepEqual(added.map((e) => [e.kind, e.id]), [['stale', pos.id], ['stale', pos.id], ['stale', 424242]]);
  assert.match(added[0].text, /HTTP 200 answer for #\d+, no longer in flight/);
  assert.deepEqual({ ...after, log: before.status.log }, before.status, 'only the journal grew');
  assert.deepEqual(driver.nextAction(), before.action, 'the query is still the send in flight');
  assert.deepEqual(driver.lastResult, before.lastResult);
  assert.deepEqual(driver.anomalies, []);

  driver.handleResponse(query.id, 200, answerTo(query, 0), query.deadlineMs - 700);
  assert.deepEqual(driver.outcome, { outcome: 'paid', transId: '4088878653' });
  // After the end, a stale report still only journals.
  const snapshot = driver.snapshot();
  driver.handleResponse(query.id, 200, answerTo(query, 1006), query.deadlineMs - 600);
  assert.equal(driver.log.at(-1).kind, 'stale');
  assert.deepEqual(driver.outcome, { outcome: 'paid', transId: '4088878653' });
  assert.notEqual(driver.snapshot(), snapshot);
});

test('an IPN 9000 while a query is out, then capture: the query answer is stale, the capture pays', () => {
  const r = run('ipn-authorizes-during-query');
  const log = r.driver.log;
  const query = r.sends.find((a) => a.endpoint === 'query');
  const confirm = r.sends.find((a) => a.endpoint === 'confirm');
  const kinds = log.map((e) => e.kind);
  const staleAt = kinds.indexOf('stale');
  assert.equal(log[staleAt].id, query.id);
  assert.ok(kinds.indexOf('ipn') < kinds.indexOf('authorized'));
  assert.ok(kinds.indexOf('decided') < staleAt, 'the late answer came after the capture was sent');
  assert.equal(log.filter((e) => e.kind === 'answer' && e.endpoint === 'query').length, 0, 'the late query answer was not applied');
  const settled = log.at(-1);
  assert.equal(settled.kind, 'settled');
  assert.equal(log.at(-2).kind, 'answer');
  assert.equal(log.at(-2).endpoint, 'confirm');
  assert.ok(log.some((e) => e.kind === 'send' && e.id === confirm.id));
  assert.equal(r.driver.lastResult.code, 0);
});

test('every clock argument is optional and last: Date.now() by default', () => {
  const before = Date.now();
  const driver = momo.PaymentDriver.start(client, payment(false));
  const after = Date.now();
  const started = driver.log[0].atMs;
  assert.ok(before <= started && started <= after, `${before} <= ${started} <= ${after}`);
  const pos = driver.nextAction();
  assert.ok(pos.deadlineMs >= before + 30_000 && pos.deadlineMs <= after + 30_000);
  driver.handleResponse(pos.id, 200, answerTo(pos, 9000));
  assert.equal(driver.nextAction().type, 'decide');
  driver.decide('capture');
  const confirm = driver.nextAction();
  assert.equal(confirm.endpoint, 'confirm');
  driver.handleTimeout(confirm.id);
  driver.tick();
  driver.handleIpn(ipnBody({ requestId: R, amount: '59000' }));
  assert.equal(driver.outcome.outcome, 'paid');
  const restored = momo.PaymentDriver.restore(client, driver.snapshot());
  assert.ok(restored.log.at(-1).atMs >= started);
  // A clock given is used as given.
  const given = momo.PaymentDriver.start(client, payment(), T0, { paymentWindowMs: 60_000 });
  assert.equal(given.nextAction().deadlineMs, T0 + 30_000);
  assert.equal(given.deadlineMs, T0 + 60_000);
});

test('decide is refused unless authorized; bad inputs name their field', () => {
  const driver = momo.PaymentDriver.start(client, payment(), T0);
  throwsMomo(() => driver.decide('capture', T0), 'invalidState', null);
  throwsMomo(() => momo.PaymentDriver.restore(client, 'not a snapshot', T0), 'invalidJson', null);
  throwsMomo(() => momo.PaymentDriver.restore(client, '{}', T0), 'invalidJson', null);
  throwsMomo(() => momo.PaymentDriver.start(client, payment(), -1), 'invalidField', 'nowMs');
  throwsMomo(() => momo.PaymentDriver.start(client, payment(), T0 + 0.5), 'invalidField', 'nowMs');
  throwsMomo(() => momo.PaymentDriver.start(client, payment(), null), 'invalidField', 'nowMs');
  throwsMomo(() => driver.tick('1700000000000'), 'invalidField', 'nowMs');
  throwsMomo(() => momo.PaymentDriver.start(client, { ...payment(), amount: 1.5 }, T0), 'invalidField', 'amount');
  throwsMomo(() => momo.PaymentDriver.start(client, payment(), T0, { paymentWindow: 1 }), 'invalidField', 'paymentWindow');
  throwsMomo(() => momo.PaymentDriver.start(client, payment(), T0, { requestTimeoutMs: 1000 }), 'invalidField', 'requestTimeoutMs');
  const pos = driver.nextAction();
  throwsMomo(() => driver.handleResponse(pos.id, 42, '{}', T0), 'invalidField', 'status');
  throwsMomo(() => driver.handleResponse(String(pos.id), 200, '{}', T0), 'invalidField', 'sendId');
  throwsMomo(() => driver.handleTimeout(undefined, T0), 'invalidField', 'sendId');
  throwsMomo(() => driver.handleNetworkError(1.5, T0), 'invalidField', 'sendId');
  // The client is bound once: a restore with another merchant's is refused.
  const other = new momo.MomoClient({ ...credentials, partnerCode: 'OTHER' });
  throwsMomo(() => momo.PaymentDriver.restore(other, driver.snapshot(), T0), 'invalidState', null);
  assert.throws(() => momo.PaymentDriver.restore({ partnerCode: 'MOMO' }, driver.snapshot(), T0), /MomoClient/);

  const waiting = momo.PaymentDriver.start(client, payment(false), T0);
  waiting.handleResponse(waiting.nextAction().id, 200, JSON.stringify({
    partnerCode: 'MOMO', orderId: 'ORDER-1001', requestId: R, amount: 59000, resultCode: 9000, message: 'm',
  }), T0 + 300);
  assert.equal(waiting.nextAction().type, 'decide');
  throwsMomo(() => waiting.decide('refund', T0 + 400), 'invalidField', 'action');
  assert.equal(waiting.stage, 'authorized');
});

test('the driver keeps its client: freeing the MomoClient does not break it', () => {
  const own = new momo.MomoClient(credentials);
  const driver = momo.PaymentDriver.start(own, payment(), T0);
  own.free();
  const pos = driver.nextAction();
  driver.handleResponse(pos.id, 200, answerTo(pos, 0), T0 + 300);
  assert.equal(driver.outcome.outcome, 'paid');
});

test('a bad or parsed IPN throws and leaves the driver as it was', () => {
  const driver = momo.PaymentDriver.start(client, payment(), T0);
  const before = driver.snapshot();
  const good = ipnBody({ amount: '59000', requestId: R });
  throwsMomo(() => driver.handleIpn(JSON.parse(good), T0 + 1), 'invalidField', 'body');
  throwsMomo(() => driver.handleIpn(ipnBody({ requestId: R }, 'another-secret'), T0 + 1), 'signatureMismatch', 'signature');
  assert.equal(driver.snapshot(), before);
  const n = driver.handleIpn(Buffer.from(good), T0 + 1);
  assert.equal(n.transId, '9007199254740993');
  assert.equal(n.isPaid, true);
  assert.deepEqual(driver.outcome, { outcome: 'paid', transId: '9007199254740993' });
});

test('the status for a screen, live or from a snapshot, has no bytes of a send', () => {
  const driver = momo.PaymentDriver.start(client, payment(), T0);
  const sending = momo.describeDriverSnapshot(driver.snapshot());
  assert.deepEqual(driver.status, sending);
  assert.deepEqual(sending.nextAction, {
    type: 'send', id: driver.nextAction().id, endpoint: 'pos', requestId: R, deadlineMs: T0 + 30000, attempt: 1,
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
  assert.throws(() => momo.describeDriverSnapshot('{"version":1}'), (e) => e.code === 'invalidJson');
  assert.throws(
    () => momo.describeDriverSnapshot(r.driver.snapshot().replace('"version":2', '"version":9')),
    (e) => e.code === 'invalidState',
  );
});

/** Snapshots written by momo-pos 0.1.0 (format 1), by scenario. */
const FORMAT_1 = JSON.parse(readFileSync(`${repo}tests/snapshots/format-1.json`, 'utf8')).scenarios;

/** A finished format-1 snapshot, its outcome replaced: 0.1.0 ended a refused confirm so. */
function format1ConfirmRefused() {
  const capture = FORMAT_1.find((s) => s.scenario === 'authorized-capture');
  const snapshot = JSON.parse(capture.snapshots.at(-1).snapshot);
  assert.equal(snapshot.version, 1);
  const outcome = { outcome: 'unknown', reason: { kind: 'confirmRefused', resultCode: 12 } };
  snapshot.phase = { stage: 'done', outcome };
  snapshot.log.at(-1).outcome = outcome;
  return JSON.stringify(snapshot);
}

test('snapshots of 0.1.0 (format 1) restore through the JS API; a new snapshot is format 2', () => {
  for (const { scenario, snapshots } of FORMAT_1) {
    for (const { snapshot } of snapshots) {
      const old = JSON.parse(snapshot);
      const driver = momo.PaymentDriver.restore(client, snapshot, old.nowMs + 1000);
      assert.equal(JSON.parse(driver.snapshot()).version, 2, scenario);
      const action = driver.nextAction();
      if (old.inFlight) {
        assert.equal(action.type, 'send', scenario);
        assert.equal(action.body, old.inFlight.body, `${scenario}: the request in flight goes again, same bytes`);
        assert.ok(Number.isSafeInteger(action.id));
      }
      assert.deepEqual(momo.describeDriverSnapshot(snapshot).orderId, old.orderId);
    }
  }
  const refused = momo.PaymentDriver.restore(client, format1ConfirmRefused(), T0 + 10_000);
  assert.deepEqual(refused.outcome, { outcome: 'unknown', reason: { kind: 'confirmRefused', resultCode: 12 } });
});

test('the TypeScript types match what the driver returns (tsc on the observed values)', () => {
  const runs = Object.keys(SCENARIOS).map((name) => run(name));
  const refused = momo.PaymentDriver.restore(client, format1ConfirmRefused(), T0 + 10_000);
  const outcomes = [...runs.map((r) => r.outcome), refused.outcome];
  const actions = runs.flatMap((r) => [...r.sends, r.driver.nextAction()]);
  const midway = momo.PaymentDriver.start(client, payment(), T0);
  const first = midway.nextAction();
  midway.handleResponse(first.id, 502, '<html>Bad gateway</html>', T0 + 300);
  actions.push(midway.nextAction());
  const odd = momo.PaymentDriver.restore(client, midway.snapshot(), T0 + 400);
  odd.handleIpn(ipnBody({ requestId: R }), T0 + 500);
  odd.handleIpn(ipnBody({ requestId: R }), T0 + 600);
  odd.handleNetworkError(first.id, T0 + 700); // after the end: stale
  odd.handleIpn(ipnBody({ requestId: R, resultCode: '1006' }), T0 + 800); // contradicts "paid"
  const decide = momo.PaymentDriver.start(client, payment(false), T0);
  decide.handleResponse(decide.nextAction().id, 200, `{"orderId":"ORDER-1001","requestId":"${R}","resultCode":9000,"message":"m"}`, T0 + 1);
  actions.push(decide.nextAction());
  decide.tick(T0); // the clock went back: journaled as ignored
  const logs = [...runs.map((r) => r.driver), refused, midway, odd, decide].flatMap((d) => d.log);
  const statuses = [midway, odd, decide, refused].map((d) => d.status);

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
  assert.deepEqual(kinds, union('LogEvent', 'kind'), 'every kind of journal entry was observed');

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
