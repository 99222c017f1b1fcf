// Load test of the two IPN endpoints momo-pos ships: the demo backend's
// POST /momo/ipn (examples/pos-backend) and the node-ipn-server example
// (bindings/npm/examples). Per target, two phases of --seconds each:
//   alone    genuine signed IPNs at --rate per second, nothing else;
//   hostile  the same, while autocannon floods the endpoint with the worst-
//            case corpus (tests/hostile, every body but normal.json).
// Each genuine IPN is for a distinct order and must get 204 and settle it
// (backend: the payment ends paid with our transId, by the IPN; example:
// one 'ipn accepted' line); every hostile body must get 400. Latencies are
// reported; the limit is MoMo's own 15 s for an answer (--max-p99-ms sets
// a tighter one on the genuine IPNs' p99, for runs by hand).
// Bounded by count (genuine IPNs, autocannon's request cap) and by time
// (autocannon's duration, a watchdog over the whole run); exits 1 on any
// failure. The last line is `load-summary {json}`.
//
//   node tests/load/load.mjs [--short] [--seconds N] [--rate N]
//     [--connections N] [--hostile-rate N] [--target backend|example|both]
//     [--package DIR] [--markdown] [--max-p99-ms N]
//
// --package: the momo-pos package directory to run against (default
// bindings/npm; e.g. an old commit's worktree), via use-package.mjs.
import { execFileSync, spawn } from 'node:child_process';
import { constants, createHmac, publicEncrypt } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { CREDENTIALS, ROOT, startSandbox } from '../e2e/stack.mjs';

const { values: opt } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    rate: { type: 'string' },
    connections: { type: 'string', default: '8' },
    'hostile-rate': { type: 'string', default: '0' },
    target: { type: 'string', default: 'both' },
    package: { type: 'string', default: process.env.MOMO_POS_PACKAGE ?? join(ROOT, 'bindings/npm') },
    markdown: { type: 'boolean', default: false },
    'max-p99-ms': { type: 'string' },
  },
});
const SECONDS = Number(opt.seconds ?? (opt.short ? 3 : 30)); // per phase
const RATE = Number(opt.rate ?? (opt.short ? 15 : 20)); // genuine IPNs per second
const PER_PHASE = Math.round(SECONDS * RATE);
const CONNECTIONS = Number(opt.connections);
const HOSTILE_RATE = Number(opt['hostile-rate']); // 0: as fast as the server answers
const LEAD_S = 0.5; // the flood runs this long before and after the genuine IPNs
const IPN_TIMEOUT_MS = 15_000; // MoMo's: no 204 by then counts as not delivered
// A genuine IPN's p99 above this fails the run. By default only MoMo's own
// 15 s: the test command asserts no timings (the reader's work bound is
// proven by counting, in src/json/work_tests.rs). By hand, `--max-p99-ms
// 1000` fails 0.1.0's reader, which queued genuine IPNs behind hostile ones
// for 2.7-3.5 s, and passes this one (about 25 ms).
const MAX_P99_MS = Number(opt['max-p99-ms'] ?? IPN_TIMEOUT_MS);
const PKG = resolve(opt.package);
const TARGETS = opt.target === 'both' ? ['backend', 'example'] : [opt.target];
// Setup (20 ms allowed per backend payment), the phases with their lead-in and a margin.
const WATCHDOG_MS = 60_000 + TARGETS.length * (4 * SECONDS * 1000 + PER_PHASE * 2 * 20);

if (!existsSync(join(PKG, 'dist/node/full.mjs'))) {
  console.error(`load test: no built package in ${PKG} (scripts/build-npm.sh builds one)`);
  process.exit(2);
}

const USE_PACKAGE = join(ROOT, 'tests/load/use-package.mjs');
const HOSTILE_DIR = join(ROOT, 'tests/hostile');
const HOSTILE = JSON.parse(readFileSync(join(HOSTILE_DIR, 'corpus.json'), 'utf8'))
  .filter((c) => c.expect !== 'ok')
  .map((c) => readFileSync(join(HOSTILE_DIR, c.file), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'momo-load-'));
const children = new Set();

// ---- genuine IPNs, signed as MoMo signs them (tests/hostile/make_corpus.py sign())

const IPN_ORDER = ['amount', 'extraData', 'message', 'orderId', 'orderInfo', 'orderType', 'partnerCode',
  'payType', 'requestId', 'responseTime', 'resultCode', 'transId'];
let nextTransId = 4_100_000_000;

function signedIpn({ orderId, requestId, amount }) {
  const f = {
    partnerCode: CREDENTIALS.MOMO_PARTNER_CODE, orderId, requestId, amount, orderInfo: 'load test',
    orderType: 'momo_wallet', transId: nextTransId++, resultCode: 0, message: 'Thành công.', payType: 'pos',
    responseTime: Date.now(), extraData: '',
  };
  const raw = `accessKey=${CREDENTIALS.MOMO_ACCESS_KEY}${IPN_ORDER.map((k) => `&${k}=${f[k]}`).join('')}`;
  f.signature = createHmac('sha256', CREDENTIALS.MOMO_SECRET_KEY).update(raw).digest('hex');
  return { orderId, transId: String(f.transId), body: JSON.stringify(f) };
}

/** One POST on a connection of its own, as MoMo sends an IPN: { status, ms }. */
function postOnce(url, body) {
  return new Promise((done) => {
    const started = performance.now();
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      timeout: IPN_TIMEOUT_MS,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${IPN_TIMEOUT_MS} ms`)));
    req.on('error', (e) => done({ status: 0, error: e.message, ms: performance.now() - started }));
    req.end(body);
  });
}

/** Sends each body at its slot of a fixed schedule (open loop: a slow answer delays no later send). */
function sendPaced(url, ipns) {
  const t0 = performance.now();
  return Promise.all(ipns.map(async (ipn, i) => {
    await sleep(Math.max(0, t0 + (i * 1000) / RATE - performance.now()));
    return { ...ipn, ...(await postOnce(url, ipn.body)) };
  }));
}

/** autocannon in a worker thread (hostile.mjs); resolves once it is sending, with `done` for its result. */
async function startFlood(url, seconds) {
  const worker = new Worker(new URL('./hostile.mjs', import.meta.url), {
    workerData: {
      url, bodies: HOSTILE, seconds, connections: CONNECTIONS, rate: HOSTILE_RATE,
      maxRequests: Math.ceil(seconds * 20_000), // a count bound far above what 2 cores answer
    },
  });
  let started;
  const running = new Promise((ok) => { started = ok; });
  const done = new Promise((ok, fail) => {
    worker.on('message', (m) => (m.type === 'start' ? started() : ok(m.result)));
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`hostile worker exited ${code} without a result`)));
  });
  await Promise.race([running, done]);
  return { done }; // wrapped: an async function returning the promise itself would wait for it
}

// ---- the processes under load

/** Starts `node --import use-package.mjs args...`, output to a log file; resolves with its URL once `ready` matches the log. */
async function startServer(name, args, env, ready) {
  const log = join(work, `${name}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, ['--import', USE_PACKAGE, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...CREDENTIALS, MOMO_POS_PACKAGE: PKG, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  children.add(child);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
    }
    children.delete(child);
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = readFileSync(log, 'utf8');
    const m = text.match(ready);
    if (m) return { url: `http://127.0.0.1:${m[1]}`, log, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not start:\n${text}`);
    }
    await sleep(50);
  }
}

async function json(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}
const postJson = (url, body) => json(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function pool(items, width, fn) {
  const out = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

const PUBLIC_KEY = readFileSync(join(ROOT, 'tests/keys/test_rsa2048_public_spki.pem'), 'utf8');
let serial = 0;

/**
 * The demo backend against the sandbox. Its payments use the sandbox's
 * `1000` scenario: MoMo answers "pending" and, with --pending-ms past the
 * run, nothing but our IPN settles them.
 */
async function backendTarget() {
  const sandbox = await startSandbox({ pendingMs: 3_600_000 });
  children.add({ stop: sandbox.stop }); // stopped with the rest on the watchdog
  const backend = await startServer('backend', [
    join(ROOT, 'examples/pos-backend/server.mjs'), '--momo', sandbox.url, '--port', '0', '--state-dir', join(work, 'backend-state'),
  ], {
    // One status query a minute at most (the sandbox says "pending" until
    // the IPN): the figures are the IPN endpoint's, not the poll loop's.
    MOMO_DRIVER_CONFIG: JSON.stringify({ pollDelaysMs: [60_000], paymentWindowMs: 600_000 }),
  }, /Cashier page: http:\/\/127\.0\.0\.1:(\d+)/);

  return {
    name: 'backend',
    ipnUrl: `${backend.url}/momo/ipn`,
    /** `n` payments waiting for their IPN: order, pay with a `1000` code, until MoMo answered pending. */
    async prepare(n) {
      const paid = await pool(Array.from({ length: n }), 4, async () => {
        const order = await postJson(`${backend.url}/api/orders`, { items: [{ id: 'cfsd', quantity: 1 }] });
        const code = `MM${String(++serial).padStart(14, '0')}1000`;
        const encryptedPaymentCode = publicEncrypt({ key: PUBLIC_KEY, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(code)).toString('base64');
        const { momoOrderId } = await postJson(`${backend.url}/api/orders/${order.ref}/pay`, { encryptedPaymentCode, lang: 'en' });
        return { ref: order.ref, orderId: momoOrderId, amount: order.total };
      });
      const want = new Set(paid.map((p) => p.ref));
      const deadline = Date.now() + 30_000;
      for (;;) {
        const pending = (await json(`${backend.url}/api/orders`))
          .filter((o) => want.has(o.ref) && o.payment?.lastResult?.code === 1000 && !o.payment.outcome);
        if (pending.length === n) {
          const requestIds = new Map(pending.map((o) => [o.ref, o.payment.requestId]));
          return paid.map((p) => signedIpn({ ...p, requestId: requestIds.get(p.ref) }));
        }
        if (Date.now() > deadline) throw new Error(`only ${pending.length} of ${n} payments reached pending`);
        await sleep(200);
      }
    },
    /** Ids of the IPNs that did not settle their payment: paid, with our transId, journaled as an IPN. */
    async unsettled(ipns) {
      const byOrderId = new Map((await json(`${backend.url}/api/orders`)).map((o) => [o.payment?.momoOrderId, o.payment]));
      return ipns.filter(({ orderId, transId }) => {
        const p = byOrderId.get(orderId);
        return !(p?.outcome?.outcome === 'paid' && p.transId === transId && p.anomalies.length === 0 &&
          p.log.some((e) => e.kind === 'ipn' && e.transId === transId));
      }).map((i) => i.orderId);
    },
    async stop() {
      await backend.stop();
      await sandbox.stop();
    },
  };
}

/** The shipped example; its ORDERS are known before it starts, so every phase's are made up front. */
async function exampleTarget() {
  const orders = {};
  const batches = [0, 1].map((phase) => Array.from({ length: PER_PHASE }, (_, i) => {
    const orderId = `LOAD-${phase}-${i}`;
    orders[orderId] = 25_000 + i;
    return { orderId, requestId: `${orderId}-r1`, amount: orders[orderId] };
  }));
  const example = await startServer('example', [join(ROOT, 'bindings/npm/examples/node-ipn-server.mjs')], {
    PORT: '0', MOMO_ENV: 'test', ORDERS: JSON.stringify(orders),
  }, /listening on http:\/\/127\.0\.0\.1:(\d+)/);
  return {
    name: 'example',
    ipnUrl: example.url,
    prepare: async () => batches.shift().map(signedIpn),
    async unsettled(ipns) {
      const accepted = new Map();
      for (const m of readFileSync(example.log, 'utf8').matchAll(/^ipn accepted: order (\S+) transId (\S+)/gm)) {
        accepted.set(m[1], [...(accepted.get(m[1]) ?? []), m[2]]);
      }
      return ipns.filter(({ orderId, transId }) => accepted.get(orderId)?.join() !== transId).map((i) => i.orderId);
    },
    stop: () => example.stop(),
  };
}

// ---- phases, checks, report

const percentile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
const round = (x) => Math.round(x * 10) / 10;

/** Signed IPNs of an order nobody has (404 or 400), so the first timed one does not pay for compiling the path. */
async function warmUp(target) {
  for (let i = 0; i < 20; i++) await postOnce(target.ipnUrl, signedIpn({ orderId: `WARMUP-${i}`, requestId: `WARMUP-${i}-r1`, amount: 1000 }).body);
}

async function phase(target, name, withHostile) {
  const ipns = await target.prepare(PER_PHASE);
  const flood = withHostile ? await startFlood(target.ipnUrl, SECONDS + 2 * LEAD_S) : null;
  if (flood) await sleep(LEAD_S * 1000);
  const answers = await sendPaced(target.ipnUrl, ipns);
  const hostile = flood ? await flood.done : null;
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  const failed = answers.filter((a) => a.status !== 204);
  const unsettled = await target.unsettled(answers.filter((a) => a.status === 204));
  const problems = [
    ...failed.slice(0, 5).map((a) => `${a.orderId}: ${a.status || a.error}`),
    ...(failed.length > 5 ? [`... ${failed.length} genuine IPNs not answered 204 in all`] : []),
    ...(unsettled.length ? [`${unsettled.length} answered 204 but not settled: ${unsettled.slice(0, 5).join(', ')}`] : []),
  ];
  if (hostile) {
    const wrong = Object.entries(hostile.statusCodes).filter(([code]) => code !== '400');
    if (wrong.length) problems.push(`hostile bodies answered ${wrong.map(([c, n]) => `${c} x${n}`).join(', ')} (all must be 400)`);
    if (hostile.errors || hostile.timeouts) problems.push(`hostile: ${hostile.errors} errors, ${hostile.timeouts} timeouts`);
    if (!hostile.answered) problems.push('hostile: no body answered');
  }
  const genuine = {
    sent: answers.length, ok: answers.length - failed.length, settled: answers.length - failed.length - unsettled.length,
    p50Ms: round(percentile(ms, 0.5)), p99Ms: round(percentile(ms, 0.99)), maxMs: round(ms.at(-1)),
  };
  if (genuine.p99Ms > MAX_P99_MS) problems.push(`genuine p99 ${genuine.p99Ms} ms is above ${MAX_P99_MS} ms`);
  const held = hostile ? Math.round((hostile.answered + genuine.ok) / hostile.seconds) : Math.round(genuine.ok / SECONDS);
  return { target: target.name, phase: name, genuine, hostile, rpsHeld: held, problems };
}

function line(r) {
  const g = r.genuine;
  const h = r.hostile
    ? `hostile ${r.hostile.answered} in ${r.hostile.seconds} s (${Object.entries(r.hostile.statusCodes).map(([c, n]) => `${n}x${c}`).join(' ') || 'none'}, p50 ${r.hostile.p50Ms} ms, p99 ${r.hostile.p99Ms} ms)`
    : 'no hostile traffic';
  return `${r.target.padEnd(8)} ${r.phase.padEnd(8)} genuine ${g.ok}/${g.sent} 204, ${g.settled} settled, p50 ${g.p50Ms} ms, p99 ${g.p99Ms} ms, max ${g.maxMs} ms | ${h} | held ${r.rpsHeld} req/s`;
}

function markdown(results) {
  const rows = results.map((r) => {
    const g = r.genuine;
    const h = r.hostile;
    return `| ${r.target} | ${r.phase} | ${g.settled}/${g.sent} | ${g.p50Ms} | ${g.p99Ms} | ${g.maxMs} | ${h ? `${h.statusCodes['400'] ?? 0}/${h.answered}` : '-'} | ${h ? Math.round(h.answered / h.seconds) : '-'} | ${r.rpsHeld} |`;
  });
  return [
    '| endpoint | traffic | genuine settled/sent | genuine p50 ms | genuine p99 ms | genuine max ms | hostile 400/answered | hostile req/s | req/s held |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

async function stopAll() {
  await Promise.allSettled([...children].map((c) => c.stop?.() ?? c.kill?.('SIGKILL')));
}

const watchdog = setTimeout(async () => {
  console.error(`load test: not finished after ${WATCHDOG_MS} ms; stopping`);
  await stopAll();
  process.exit(1);
}, WATCHDOG_MS);

// Which build this is: the checkout's commit and when its wasm was built
// (a build older than the last commit is not that commit's).
let checkout = null;
try {
  checkout = execFileSync('git', ['-C', PKG, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch { /* not in a git checkout */ }
const builtAt = statSync(join(PKG, 'dist/node/full/momo_pos_bg.wasm')).mtime.toISOString();
console.log(`load test: package ${PKG} (checkout ${checkout ?? '-'}, wasm built ${builtAt}); ${SECONDS} s per phase, ${RATE} genuine IPN/s ` +
  `(${PER_PHASE} per phase), hostile: ${HOSTILE.length} bodies over ${CONNECTIONS} connections at ${HOSTILE_RATE || 'full'} rate`);
const started = performance.now();
const results = [];
let exitCode = 0;
try {
  for (const name of TARGETS) {
    const target = await (name === 'backend' ? backendTarget() : exampleTarget());
    try {
      await warmUp(target);
      for (const [phaseName, withHostile] of [['alone', false], ['hostile', true]]) {
        const r = await phase(target, phaseName, withHostile);
        results.push(r);
        console.log(line(r));
        for (const p of r.problems) console.log(`  FAIL ${p}`);
      }
    } finally {
      await target.stop();
    }
  }
} catch (e) {
  console.error(`load test: ${e?.stack ?? e}`);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await stopAll();
}
const failures = results.reduce((n, r) => n + r.problems.length, 0);
if (failures || results.length !== TARGETS.length * 2) exitCode = 1;
if (exitCode) {
  // Keep the servers' logs for a look.
  console.log(`logs: ${readdirSync(work).filter((f) => f.endsWith('.log')).map((f) => join(work, f)).join(' ')}`);
} else {
  rmSync(work, { recursive: true, force: true });
}
if (opt.markdown) console.log(`\n${markdown(results)}\n`);
const seconds = round((performance.now() - started) / 1000);
console.log(`load test: ${exitCode ? 'FAILED' : 'passed'} in ${seconds} s`);
console.log(`load-summary ${JSON.stringify({
  package: PKG, checkout, builtAt, secondsPerPhase: SECONDS, genuinePerSecond: RATE, hostileConnections: CONNECTIONS,
  hostileRate: HOSTILE_RATE || 'full', wallSeconds: seconds, ok: !exitCode,
  results: results.map(({ problems, ...r }) => ({ ...r, problems: problems.length })),
})}`);
process.exit(exitCode);
