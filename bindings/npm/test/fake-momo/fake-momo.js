// A hand-written MoMo double and the host loop of a PaymentDriver, written
// from MoMo's documented answers, not from the Rust simulation. Shared by
// test/driver.test.mjs (Node) and tests/wasm.rs (wasm-bindgen-test, Node
// and headless Chromium): no imports, so it loads in a browser too; a .js
// file in an ES module folder: the wasm-bindgen-test server sends .mjs as
// application/octet-stream, which browsers refuse to run as a module.
//
// A script is what MoMo and the cashier do, in order:
//   { answer: CODE }      MoMo answers the request in flight
//   'timeout'             no answer within the request's timeout
//   'network'             the call fails below HTTP
//   { ipn: CODE, amountOffBy?, during? }   MoMo delivers a signed
//                         notification (before the answer to a request out:
//                         that request stays outstanding on the host's
//                         side); with `during: ENDPOINT`, only once a request
//                         to that endpoint is out (time passes until then)
//   { late: CODE }        MoMo answers, at last, the oldest request still
//                         outstanding that the driver no longer has in flight
//                         (the driver journals it as stale)
//   { decide: 'capture' | 'cancel' }   the cashier decides
// When the script runs out MoMo is silent: every request times out.
//
// The host reports every fate with the id of the send it is about
// (action.id), and knows a send it already performed by requestId and
// attempt (after a restore the same request comes back under a new id).

export const T0 = 1_700_000_000_000;
export const LATENCY_MS = 300;
export const CASHIER_MS = 4_000;
/** Beyond 2^53: it must reach the outcome digit for digit. */
export const TRANS_ID = '9007199254740993';

/** MoMo's answer to a request body, unsigned as its pages document it. */
export function answerBody(requestBody, code, amount) {
  const request = JSON.parse(requestBody);
  const fields = [
    `"partnerCode":${JSON.stringify(request.partnerCode)}`,
    `"orderId":${JSON.stringify(request.orderId)}`,
    `"requestId":${JSON.stringify(request.requestId)}`,
    `"amount":${amount}`,
    `"transId":${TRANS_ID}`,
    `"resultCode":${code}`,
    '"message":"from the fake MoMo"',
    `"responseTime":${T0}`,
  ];
  return `{${fields.join(',')}}`;
}

/**
 * Plays `script` against `driver` (bound to `client`, which restores use)
 * until it is done and no late answer is left in the script.
 * - ipn(beat, driver): the raw signed IPN body for an { ipn } beat.
 * - onSend(action): sees every send (signature checks).
 * - restoreEveryStep: snapshot and restore before every step.
 * - crashBeforeEverySend: persist, lose power and restore before each send
 *   goes out (once per send), recording the send asked for after it.
 * Returns { steps, sends, resends, stale, driver, outcome, now }; `stale`:
 * the ids of the late answers reported.
 */
export function play(driver, client, script, options = {}) {
  const { ipn, onSend = () => {}, restoreEveryStep = false, crashBeforeEverySend = false } = options;
  const beats = [...script];
  const steps = [];
  const sends = [];
  const resends = [];
  const stale = [];
  const sent = new Set();
  const keyOf = (action) => `${action.requestId}#${action.attempt}`;
  /** Sends performed whose fate is not reported yet, oldest first. */
  let outstanding = [];
  let now = T0;
  let amount;
  const restore = () => {
    driver = driver.constructor.restore(client, driver.snapshot(), now);
  };
  const deliverIpn = (beat) => {
    now += LATENCY_MS;
    driver.handleIpn(ipn(beat, driver), now);
    steps.push(`ipn ${beat.ipn}`);
  };
  for (let step = 0; step < 200; step++) {
    if (restoreEveryStep) restore();
    let action = driver.nextAction();
    const next = beats[0];
    const sending = (endpoint) => action.type === 'send' && action.endpoint === endpoint;
    // A beat for later: nothing happens meanwhile but time.
    const deferred = next?.during !== undefined && !sending(next.during);
    const beat = deferred ? undefined : next;
    if (deferred && action.type === 'send') {
      throw new Error(`script: ${JSON.stringify(next)} while a ${action.endpoint} request is out`);
    }
    // A send not performed yet goes out first (a late answer to an earlier
    // one may arrive while it is out).
    if (action.type === 'send' && !sent.has(keyOf(action))) {
      sent.add(keyOf(action));
      if (crashBeforeEverySend) {
        restore();
        const again = driver.nextAction();
        resends.push([action, again]);
        action = again;
      }
      onSend(action);
      sends.push(action);
      outstanding.push(action);
      steps.push(`send ${action.endpoint} ${action.requestId}${action.attempt > 1 ? ` (attempt ${action.attempt})` : ''}`);
      if (action.endpoint === 'pos') amount = JSON.parse(action.body).amount;
    }
    if (beat?.late !== undefined) {
      beats.shift();
      const current = action.type === 'send' ? keyOf(action) : null;
      const late = outstanding.find((a) => keyOf(a) !== current);
      if (!late) throw new Error(`script: ${JSON.stringify(beat)} with no earlier request outstanding`);
      outstanding = outstanding.filter((a) => a !== late);
      now += LATENCY_MS;
      driver.handleResponse(late.id, 200, answerBody(late.body, beat.late, amount), now);
      stale.push(late.id);
      steps.push(`late answer ${beat.late} to ${late.requestId}`);
      continue;
    }
    if (action.type === 'done') {
      steps.push(`done ${action.outcome.outcome}`);
      return { steps, sends, resends, stale, driver, outcome: action.outcome, now };
    }
    if (action.type === 'send') {
      const key = keyOf(action);
      if (beat?.ipn !== undefined) {
        // It arrives before the answer to the request out.
        beats.shift();
        deliverIpn(beat);
        continue;
      }
      beats.shift();
      // Its fate, reported with the id it has now (a restore renews it).
      outstanding = outstanding.filter((a) => keyOf(a) !== key);
      if (beat === undefined || beat === 'timeout') {
        now = action.deadlineMs;
        driver.handleTimeout(action.id, now);
        steps.push('timeout');
      } else if (beat === 'network') {
        now += LATENCY_MS;
        driver.handleNetworkError(action.id, now);
        steps.push('network error');
      } else if (beat.answer !== undefined) {
        now += LATENCY_MS;
        driver.handleResponse(action.id, 200, answerBody(action.body, beat.answer, amount), now);
        steps.push(`answer ${beat.answer}`);
      } else {
        throw new Error(`script: ${JSON.stringify(beat)} while a request is out`);
      }
    } else if (beat?.ipn !== undefined) {
      beats.shift();
      deliverIpn(beat);
    } else if (action.type === 'decide' && beat?.decide !== undefined) {
      beats.shift();
      now += CASHIER_MS;
      driver.decide(beat.decide, now);
      steps.push(`decide ${beat.decide}`);
    } else {
      steps.push(action.type === 'decide' ? 'no decision' : `wait ${action.untilMs - now}`);
      now = action.untilMs;
      driver.tick(now);
    }
  }
  throw new Error(`no end after 200 steps: ${steps.join(', ')}`);
}
