// Every sandbox scenario, run through the two hosts the demo ships: the Node
// backend (as the cashier page would drive it: encrypt with the browser
// entry, POST the ciphertext and an order reference, follow the status,
// decide) and the C terminal (examples/c-terminal). Shared by the headless
// demo (headless.mjs) and the end-to-end test (scenarios.test.mjs).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CREDENTIALS, ROOT } from './stack.mjs';

/**
 * The sandbox picks its behaviour from the code's last four digits
 * (tests/sandbox/README.md). `expect` is the outcome a correct host reaches;
 * `expectByHost` (`{ node, c }`) overrides it for a host that cannot reach
 * it (the C terminal has no IPN endpoint: only queries tell it anything).
 */
export const SCENARIOS = [
  { name: 'paid', suffix: '0000', expect: 'paid' },
  { name: 'authorized, captured', suffix: '9000', autoCapture: false, decide: 'capture', expect: 'paid' },
  { name: 'authorized, cancelled', suffix: '9000', autoCapture: false, decide: 'cancel', expect: 'cancelled' },
  { name: 'pending (1000), then paid', suffix: '1000', expect: 'paid' },
  { name: 'slow answer past the timeout', suffix: '0504', expect: 'paid', slow: true },
  { name: 'answer dropped', suffix: '0444', expect: 'paid' },
  { name: 'insufficient funds', suffix: '1001', expect: 'declined 1001' },
  { name: 'denied by the shopper', suffix: '1006', expect: 'declined 1006' },
  { name: 'code expired', suffix: '4005', expect: 'declined 4005' },
  { name: 'code unknown to MoMo', suffix: '0044', expect: 'declined 44' },
  // The confirm is carried out but answered 99: a status query (or, for the
  // backend, the IPN) tells what happened.
  { name: 'capture answered 99, then paid', suffix: '9099', autoCapture: false, decide: 'capture', expect: 'paid' },
  { name: 'cancel answered 99, then cancelled', suffix: '9099', autoCapture: false, decide: 'cancel', expect: 'cancelled' },
  // The pos answer is dropped; the status query's answer comes late. The
  // backend learns 9000 from the IPN meanwhile, captures, and journals the
  // query's late answer as stale; the terminal waits for the query's 9000.
  { name: 'IPN 9000 during a late query, captured', suffix: '9444', autoCapture: false, decide: 'capture', expect: 'paid', lateQuery: true },
];

/** The outcome `host` ('node' or 'c') must reach in `scenario`. */
export const expected = (scenario, host) => scenario.expectByHost?.[host] ?? scenario.expect;

/** Policy for tests: MoMo's 30 s timeout stays, the polls come faster. */
export const FAST_POLLS = { pollDelaysMs: [500, 1000] };

/** A code the sandbox has never seen: 14 digits of our own, then the scenario. */
export function codeFor(scenario, serial) {
  const digits = String(serial).padStart(14, '0').slice(-14);
  return `MM${digits}${scenario.suffix}`;
}

/** 'paid', 'declined 1001', 'cancelled', 'unknown' from a DriverStatus outcome. */
export function summarize(outcome) {
  if (!outcome) return 'none';
  return outcome.outcome === 'declined' ? `declined ${outcome.resultCode}` : outcome.outcome;
}

async function json(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const post = (url, body) =>
  json(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

let browserEntry;
/** momo-pos/browser, as the page loads it (the Node build of the same entry). */
async function publicKeyOf(backendUrl) {
  browserEntry ??= await import(join(ROOT, 'bindings/npm/dist/node/browser.mjs'));
  const { publicKey } = await json(`${backendUrl}/api/config`);
  return new browserEntry.MomoPublicKey(publicKey);
}

/**
 * One payment through the Node backend. Returns
 * `{ outcome, momoOrderId, orderRef, amount, ms }`.
 */
export async function payThroughBackend(backendUrl, scenario, code, { timeoutMs = 120_000 } = {}) {
  const started = Date.now();
  const menu = await json(`${backendUrl}/api/menu`);
  const items = (Array.isArray(menu) ? menu : menu.items).slice(0, 2).map((item) => ({ id: item.id, quantity: 1 }));
  const order = await post(`${backendUrl}/api/orders`, { items });
  const key = await publicKeyOf(backendUrl);
  // What the scanner typed, noise and all: the library strips it.
  const encryptedPaymentCode = key.encryptPaymentCode(`]Q1${code}\r\n`);
  const body = { encryptedPaymentCode, lang: 'en' };
  if (scenario.autoCapture === false) body.autoCapture = false;
  const { momoOrderId } = await post(`${backendUrl}/api/orders/${order.ref}/pay`, body);
  let decided = false;
  for (;;) {
    const { payment } = await json(`${backendUrl}/api/orders/${order.ref}`);
    if (payment?.outcome) {
      return { outcome: summarize(payment.outcome), momoOrderId, orderRef: order.ref, amount: order.total, ms: Date.now() - started };
    }
    if (payment?.stage === 'authorized' && scenario.decide && !decided) {
      await post(`${backendUrl}/api/orders/${order.ref}/decide`, { decision: scenario.decide });
      decided = true;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${scenario.name}: no outcome in ${timeoutMs} ms`);
    await sleep(150);
  }
}

/** Exit statuses of pos_terminal (examples/c-terminal/README.md). */
const TERMINAL_EXIT = { 0: 'paid', 1: 'not paid', 2: 'usage', 3: 'refresh', 4: 'unknown' };

/**
 * One payment through the C terminal. Returns `{ outcome, exit, output, ms }`;
 * `outcome` is read from the terminal's "outcome:" line.
 */
export function payThroughTerminal(terminal, sandboxUrl, scenario, code, orderId, amount) {
  const started = Date.now();
  const args = [];
  if (scenario.decide) args.push('--decide', scenario.decide);
  args.push(sandboxUrl, orderId, String(amount));
  const child = spawn(terminal, args, {
    env: {
      ...process.env,
      ...CREDENTIALS,
      MOMO_AUTO_CAPTURE: scenario.autoCapture === false ? '0' : '1',
      MOMO_DRIVER_CONFIG: JSON.stringify(FAST_POLLS),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (s) => (output += s));
  child.stderr.setEncoding('utf8').on('data', (s) => (output += s));
  child.stdin.end(`]Q1${code}\r\n`);
  return new Promise((done, fail) => {
    child.once('error', fail);
    // 'close', not 'exit': output may still be in the pipe when the process exits.
    child.once('close', (exit) => {
      const line = /^outcome: (\w+)(?: \((\d+):)?/m.exec(output);
      let outcome = line ? line[1] : `exit ${exit} (${TERMINAL_EXIT[exit] ?? '?'})`;
      if (line && line[1] === 'declined') outcome += ` ${line[2]}`;
      done({ outcome, exit, output, ms: Date.now() - started });
    });
  });
}

/**
 * Runs every scenario through both hosts at once (the slow one sets the
 * pace). Returns one row per scenario: `{ scenario, code, node, c }` where
 * node/c carry the result and the MoMo orderId the sandbox saw.
 */
export async function runAll({ backendUrl, sandboxUrl, terminal, serial = Date.now() % 1e9 }) {
  return Promise.all(
    SCENARIOS.map(async (scenario, i) => {
      const nodeCode = codeFor(scenario, serial * 100 + i * 2);
      const cCode = codeFor(scenario, serial * 100 + i * 2 + 1);
      const cOrderId = `C${serial}-${i}`;
      const [node, c] = await Promise.all([
        payThroughBackend(backendUrl, scenario, nodeCode),
        terminal
          ? payThroughTerminal(terminal, sandboxUrl, scenario, cCode, cOrderId, 59_000)
          : Promise.resolve(null),
      ]);
      return {
        scenario,
        node: { ...node, code: nodeCode, orderId: node.momoOrderId },
        c: c && { ...c, code: cCode, orderId: cOrderId, amount: 59_000 },
      };
    }),
  );
}

/**
 * What the sandbox saw of one payment, checked against what a correct host
 * does. Returns a list of problems (empty when all is well).
 */
export function checkLedger(ledger, run, expect) {
  const problems = [];
  const order = ledger.orders?.[run.orderId];
  if (!order) return [`the sandbox never saw order ${run.orderId}`];
  const pos = order.pos ?? [];
  if (pos.length === 0) problems.push('no pos request');
  const posIds = new Set(pos.map((p) => p.requestId));
  if (posIds.size !== 1) problems.push(`${posIds.size} pos requestIds (${[...posIds]}): one payment, one requestId`);
  const bodies = new Set(pos.map((p) => p.sha256));
  if (bodies.size > 1) problems.push('a pos resend did not repeat the same bytes');
  for (const [what, list] of [['pos', pos], ['query', order.queries ?? []], ['confirm', order.confirms ?? []]]) {
    if (list.some((r) => r.signatureValid !== true)) problems.push(`a ${what} signature the sandbox refused`);
  }
  if (order.paymentCode !== run.code) problems.push(`decrypted code ${order.paymentCode}, scanned ${run.code}`);
  if (order.amount !== run.amount) problems.push(`amount ${order.amount}, order total ${run.amount}`);
  const charged = expect === 'paid' ? 1 : 0;
  if (order.charges !== charged) problems.push(`${order.charges} charges, expected ${charged}`);
  return problems;
}
