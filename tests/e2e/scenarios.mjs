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
/** The same for refunds: MoMo's 30 s timeout, faster status queries of the payment. */
export const FAST_REFUND_POLLS = { pollDelaysMs: [500, 1000] };

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
  feed(child, `]Q1${code}\r\n`);
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

// ---- refunds ---------------------------------------------------------------

/**
 * Refund scenarios: each pays once (the sandbox's refund behaviour goes by
 * the payment's code), then runs its plan of refunds in order. A step's
 * `amount` is VND or a function of (paid, refunded so far); `retry` sends
 * the previous refund again under its refund orderId with a new requestId
 * (after MoMo's 1080); `forget` (C terminal only) tells the terminal that
 * nothing was refunded yet, so the refund passes the host's guard and
 * reaches MoMo, which refuses it with 1081 (MoMo's own refusal, no
 * violation): what the guard spares a till that knows its refunds.
 * `expect` is the step's outcome: 'refunded', 'refused <code>', 'unknown',
 * or 'not sent (guard)' (refused by the host before anything was signed).
 */
export const REFUND_SCENARIOS = [
  { name: 'full refund', suffix: '0000', plan: [{ amount: (paid) => paid, expect: 'refunded' }] },
  {
    name: 'partial refunds up to the paid amount, then one more', suffix: '0000',
    plan: [
      { amount: 20000, expect: 'refunded' },
      { amount: 15000, expect: 'refunded' },
      { amount: (paid, refunded) => paid - refunded, expect: 'refunded' },
      { amount: 1000, expect: 'not sent (guard)' },
    ],
  },
  { name: 'not refundable (1088)', suffix: '1088', plan: [{ amount: 10000, expect: 'refused 1088' }] },
  {
    name: 'retry later (1080), then retried', suffix: '1080',
    plan: [{ amount: 10000, expect: 'refused 1080' }, { retry: true, expect: 'refunded' }],
  },
  { name: 'slow answer past the timeout (0505)', suffix: '0505', plan: [{ amount: (paid) => paid, expect: 'refunded' }], slow: true },
  { name: 'answer dropped (0445)', suffix: '0445', plan: [{ amount: 20000, expect: 'refunded' }] },
  {
    name: 'past the guard: a host that forgot its refunds', suffix: '0000', hosts: ['c'],
    plan: [{ amount: (paid) => paid, expect: 'refunded' }, { amount: 1000, forget: true, expect: 'refused 1081' }],
  },
];

/** The outcomes a host must reach, one per step, as the table shows them. */
export const refundExpected = (scenario) => scenario.plan.map((s) => (s.retry ? `retry ${s.expect}` : s.expect)).join(', ');

function summarizeRefund(outcome) {
  if (!outcome) return 'none';
  return outcome.outcome === 'refused' ? `refused ${outcome.resultCode}` : outcome.outcome;
}

/** The VND each plan step asks for; null for a retry (the refund it repeats). */
function stepAmount(step, paid, refunded) {
  if (step.retry) return null;
  return typeof step.amount === 'function' ? step.amount(paid, refunded) : step.amount;
}

/** One refund scenario through the Node backend: pay, then POST each refund and follow it. */
export async function refundThroughBackend(backendUrl, scenario, code, { timeoutMs = 120_000 } = {}) {
  const started = Date.now();
  const payment = await payThroughBackend(backendUrl, { ...scenario, autoCapture: undefined }, code);
  const steps = [];
  if (payment.outcome !== 'paid') return { payment, steps, outcome: `payment ${payment.outcome}`, ms: Date.now() - started };
  const base = `${backendUrl}/api/orders/${payment.orderRef}/refunds`;
  let refunded = 0;
  let last = null;
  for (const [i, step] of scenario.plan.entries()) {
    const amount = stepAmount(step, payment.amount, refunded);
    const url = step.retry ? `${base}/${last.requestId}/retry` : base;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ amount, reason: `${scenario.name}, step ${i + 1}`, lang: 'en' }),
    });
    const body = await res.json();
    if (res.status === 409 && /^refused before sending/.test(body.error)) {
      steps.push({ outcome: 'not sent (guard)', error: body.error });
      continue;
    }
    if (res.status !== 202) throw new Error(`${scenario.name}: POST ${url}: HTTP ${res.status} ${JSON.stringify(body)}`);
    for (;;) {
      const view = await json(base);
      const entry = view.refunds.find((r) => r.requestId === body.requestId);
      if (entry?.state === 'done') {
        last = entry;
        if (entry.outcome.outcome === 'refunded') refunded += entry.amount;
        steps.push({ outcome: summarizeRefund(entry.outcome), orderId: entry.orderId, requestId: entry.requestId, amount: entry.amount });
        break;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`${scenario.name}: refund ${body.requestId} did not end in ${timeoutMs} ms`);
      await sleep(150);
    }
  }
  return { payment, steps, refunded, outcome: steps.map((s, i) => (scenario.plan[i].retry ? `retry ${s.outcome}` : s.outcome)).join(', '), ms: Date.now() - started };
}

/**
 * Writes `text` to the child's stdin and closes it. A child that exits
 * without reading (a refund refused before sending) closes the pipe first;
 * the EPIPE that follows is not a test failure, its exit code and output
 * tell what happened.
 */
function feed(child, text) {
  child.stdin.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
  child.stdin.end(text);
}

/** Runs the terminal with `args` and nothing on stdin; resolves `{ exit, output }`. */
function runTerminal(terminal, args, env) {
  const child = spawn(terminal, args, { env: { ...process.env, ...CREDENTIALS, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (s) => (output += s));
  child.stderr.setEncoding('utf8').on('data', (s) => (output += s));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (exit) => done({ exit, output }));
  });
}

/** A terminal's refund outcome, from its "outcome:" line. */
function terminalRefundOutcome({ exit, output }) {
  const line = /^outcome: (.*)$/m.exec(output);
  if (!line) return `exit ${exit}`;
  if (/^refused before sending/.test(line[1])) return 'not sent (guard)';
  const m = /^(refunded|refused|unknown)(?: \((\d+):)?/.exec(line[1]);
  if (!m) return line[1];
  return m[1] === 'refused' ? `refused ${m[2]}` : m[1];
}

/**
 * One refund scenario through the C terminal: pay in its payment mode,
 * read the transId from its "PAID:" line, then one refund-mode run per step.
 */
export async function refundThroughTerminal(terminal, sandboxUrl, scenario, code, orderId, amount) {
  const started = Date.now();
  const payment = await payThroughTerminal(terminal, sandboxUrl, scenario, code, orderId, amount);
  const steps = [];
  const transId = /^PAID: order \S+, transId (\d+)$/m.exec(payment.output)?.[1];
  if (!transId) return { payment, steps, outcome: `payment ${payment.outcome}`, output: payment.output, ms: Date.now() - started };
  let refunded = 0;
  let output = payment.output;
  let k = 0;
  let last = null;
  for (const [i, step] of scenario.plan.entries()) {
    let refundId;
    let requestId;
    let stepAmountVnd;
    if (step.retry) {
      refundId = last.orderId;
      requestId = `${refundId}-${last.attempt + 1}`;
      stepAmountVnd = last.amount;
    } else {
      refundId = `${orderId}-R${++k}`;
      requestId = `${refundId}-1`;
      stepAmountVnd = stepAmount(step, amount, refunded);
    }
    const already = step.forget ? 0 : refunded;
    const run = await runTerminal(terminal, [
      '--refund-id', refundId, '--request-id', requestId, sandboxUrl, 'refund',
      orderId, transId, String(amount), String(already), String(stepAmountVnd), `${scenario.name}, step ${i + 1}`,
    ], { MOMO_REFUND_CONFIG: JSON.stringify(FAST_REFUND_POLLS) });
    output += `\n$ pos_terminal ... refund ${orderId} ${transId} ${amount} ${already} ${stepAmountVnd}\n${run.output}`;
    const outcome = terminalRefundOutcome(run);
    if (outcome === 'refunded') refunded += stepAmountVnd;
    last = { orderId: refundId, requestId, amount: stepAmountVnd, attempt: step.retry ? last.attempt + 1 : 1 };
    steps.push({ outcome, orderId: refundId, requestId, amount: stepAmountVnd, exit: run.exit });
  }
  return {
    payment, steps, refunded, output, transId,
    outcome: steps.map((s, i) => (scenario.plan[i].retry ? `retry ${s.outcome}` : s.outcome)).join(', '),
    ms: Date.now() - started,
  };
}

/** Every refund scenario through both hosts at once. One row each: `{ scenario, node, c }`. */
export async function runRefunds({ backendUrl, sandboxUrl, terminal, serial = Date.now() % 1e9 }) {
  return Promise.all(
    REFUND_SCENARIOS.map(async (scenario, i) => {
      const hosts = scenario.hosts ?? ['node', 'c'];
      const nodeCode = codeFor(scenario, serial * 100 + 50 + i * 2);
      const cCode = codeFor(scenario, serial * 100 + 50 + i * 2 + 1);
      const cOrderId = `CR${serial}-${i}`;
      const [node, c] = await Promise.all([
        hosts.includes('node') ? refundThroughBackend(backendUrl, scenario, nodeCode) : null,
        terminal && hosts.includes('c') ? refundThroughTerminal(terminal, sandboxUrl, scenario, cCode, cOrderId, 59_000) : null,
      ]);
      return {
        scenario,
        node: node && { ...node, orderId: node.payment.momoOrderId, amount: node.payment.amount },
        c: c && { ...c, orderId: cOrderId, amount: 59_000 },
      };
    }),
  );
}

/**
 * What the sandbox saw of one refund row's payment, checked against what a
 * correct host does: refunded never above paid, exactly the refunds that
 * ended refunded, no refund applied twice (every refund orderId once), one
 * body per requestId (resends the same bytes), valid signatures, no
 * violation about it.
 */
export function checkRefundLedger(ledger, scenario, run) {
  const problems = [];
  const order = ledger.orders?.[run.orderId];
  if (!order) return [`the sandbox never saw order ${run.orderId}`];
  if (order.charges !== 1) problems.push(`${order.charges} charges, expected 1`);
  const refunds = order.refunds ?? [];
  const requests = order.refundRequests ?? [];
  if (order.refunded > order.amount) problems.push(`refunded ${order.refunded} > paid ${order.amount}`);
  if (order.refunded !== run.refunded) problems.push(`the sandbox refunded ${order.refunded}, the host counts ${run.refunded}`);
  if (refunds.reduce((n, r) => n + r.amount, 0) !== order.refunded) problems.push('refunds[] do not add up to refunded');
  const ids = refunds.map((r) => r.orderId);
  if (new Set(ids).size !== ids.length) problems.push(`duplicate refund: ${ids}`);
  const byRequest = new Map();
  for (const r of requests) {
    if (r.signatureValid !== true) problems.push(`a refund signature the sandbox refused (${r.requestId})`);
    byRequest.set(r.requestId, (byRequest.get(r.requestId) ?? new Set()).add(r.sha256));
  }
  for (const [id, bodies] of byRequest) if (bodies.size > 1) problems.push(`requestId ${id} sent with ${bodies.size} different bodies`);
  const sent = run.steps.filter((s) => s.outcome !== 'not sent (guard)').map((s) => s.requestId);
  const seenIds = [...byRequest.keys()];
  if (JSON.stringify(seenIds) !== JSON.stringify(sent)) problems.push(`refund requestIds ${seenIds}, the host sent ${sent}`);
  const mine = (ledger.violations ?? []).filter((v) => v.includes(run.orderId));
  if (mine.length) problems.push(`violations: ${mine.join('; ')}`);
  return problems;
}
