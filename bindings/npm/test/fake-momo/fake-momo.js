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
//   { ipn: CODE, amountOffBy? }   MoMo delivers a signed notification
//   { decide: 'capture' | 'cancel' }   the cashier decides
// When the script runs out MoMo is silent: every request times out.

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
 * Plays `script` against `driver` until it is done.
 * - ipn(beat, driver): the raw signed IPN body for an { ipn } beat.
 * - onSend(action): sees every send (signature checks).
 * - restoreEveryStep: snapshot and restore before every step.
 * - crashBeforeEverySend: persist, lose power and restore before each send
 *   goes out (once per send), recording the send asked for after it.
 * Returns { steps, sends, resends, driver, outcome, now }.
 */
export function play(driver, client, script, options = {}) {
  const { ipn, onSend = () => {}, restoreEveryStep = false, crashBeforeEverySend = false } = options;
  const beats = [...script];
  const steps = [];
  const sends = [];
  const resends = [];
  const sent = new Set();
  let now = T0;
  let amount;
  const restore = () => {
    driver = driver.constructor.restore(driver.snapshot(), now);
  };
  const deliverIpn = (beat) => {
    now += LATENCY_MS;
    driver.handleIpn(client, now, ipn(beat, driver));
    steps.push(`ipn ${beat.ipn}`);
  };
  for (let step = 0; step < 200; step++) {
    if (restoreEveryStep) restore();
    let action = driver.nextAction();
    if (action.type === 'done') {
      steps.push(`done ${action.outcome.outcome}`);
      return { steps, sends, resends, driver, outcome: action.outcome, now };
    }
    const beat = beats[0];
    if (action.type === 'send') {
      const key = `${action.requestId}#${action.attempt}`;
      if (!sent.has(key)) {
        sent.add(key);
        if (crashBeforeEverySend) {
          restore();
          const again = driver.nextAction();
          resends.push([action, again]);
          action = again;
        }
        onSend(action);
        sends.push(action);
        steps.push(`send ${action.endpoint} ${action.requestId}${action.attempt > 1 ? ` (attempt ${action.attempt})` : ''}`);
        if (action.endpoint === 'pos') amount = JSON.parse(action.body).amount;
      }
      if (beat?.ipn !== undefined) {
        // It arrives before the answer to the request out.
        beats.shift();
        deliverIpn(beat);
        continue;
      }
      beats.shift();
      if (beat === undefined || beat === 'timeout') {
        now = action.deadlineMs;
        driver.handleTimeout(client, now);
        steps.push('timeout');
      } else if (beat === 'network') {
        now += LATENCY_MS;
        driver.handleNetworkError(client, now);
        steps.push('network error');
      } else if (beat.answer !== undefined) {
        now += LATENCY_MS;
        driver.handleResponse(client, now, 200, answerBody(action.body, beat.answer, amount));
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
      driver.decide(client, now, beat.decide);
      steps.push(`decide ${beat.decide}`);
    } else {
      steps.push(action.type === 'decide' ? 'no decision' : `wait ${action.untilMs - now}`);
      now = action.untilMs;
      driver.tick(client, now);
    }
  }
  throw new Error(`no end after 200 steps: ${steps.join(', ')}`);
}
