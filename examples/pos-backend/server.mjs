// Demo backend of a café's MoMo POS: serves the cashier page, prices
// orders from its own menu, and takes each payment to a safe end with the
// package's PaymentDriver; refunds a paid order in full or in part with a
// RefundDriver per refund. The HMAC secret stays here; the page only ever
// gets MoMo's public key.
//
//   node examples/pos-backend/server.mjs --momo http://127.0.0.1:PORT \
//     [--port N] [--port-file F] [--state-dir DIR]
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MomoClient, MomoPublicKey, isMomoError } from 'momo-pos';
import { HttpError, readBody, readJson, sendJson } from './http.mjs';
import { MENU, OrderError, Orders } from './orders.mjs';
import { Payments } from './payments.mjs';
import { Refunds, counts } from './refunds.mjs';
import { staticFiles } from './static.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

const { values: args } = parseArgs({
  options: {
    momo: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    'port-file': { type: 'string' },
    'state-dir': { type: 'string', default: join(HERE, 'state') },
  },
});
if (!args.momo) {
  console.error('usage: server.mjs --momo http://127.0.0.1:SANDBOX_PORT [--port N] [--port-file F] [--state-dir DIR]');
  process.exit(2);
}

const env = process.env;
const client = new MomoClient({
  partnerCode: env.MOMO_PARTNER_CODE ?? 'MOMO',
  accessKey: env.MOMO_ACCESS_KEY ?? 'F8BBA842ECF85',
  secretKey: env.MOMO_SECRET_KEY ?? 'K951B6PE1waDMi640xX08PD3vg6EkVlz',
  environment: args.momo,
});
const publicKey = readFileSync(env.MOMO_PUBLIC_KEY_FILE ?? join(ROOT, 'tests/keys/test_rsa2048_public_spki.b64'), 'utf8').trim();
new MomoPublicKey(publicKey).free(); // refuse to start with a key the page could not use
const driverConfig = env.MOMO_DRIVER_CONFIG ? JSON.parse(env.MOMO_DRIVER_CONFIG) : undefined;
const refundConfig = env.MOMO_REFUND_CONFIG ? JSON.parse(env.MOMO_REFUND_CONFIG) : undefined;
const MERCHANT = { name: 'Cà Phê Sài Gòn', store: 'Quầy 1' };
const DEFAULT_LANG = 'vi';

const stateDir = resolve(args['state-dir']);
const orders = new Orders(join(stateDir, 'orders.json'));
const payments = new Payments({ client, dir: join(stateDir, 'payments'), config: driverConfig });
const refunds = new Refunds({ client, orders, dir: join(stateDir, 'refunds'), config: refundConfig });
/** MoMo's smallest refund (its refund page; the client's default refundLimits). */
const MIN_REFUND = 1000;
const MAX_REASON = 200;
const distDir = join(dirname(createRequire(import.meta.url).resolve('momo-pos/package.json')), 'dist');
const serveStatic = staticFiles(join(ROOT, 'www'), distDir);
let ipnUrl; // known once listening

/** An order as the API shows it: its payments and the current one's status. */
function orderView(order) {
  const runs = payments.ofOrder(order.ref);
  const current = runs.at(-1);
  return {
    ref: order.ref,
    createdAt: order.createdAt,
    items: order.items,
    total: order.total,
    payments: runs.map((r) => ({ momoOrderId: r.momoOrderId, stage: r.driver.stage, outcome: r.driver.outcome })),
    payment: current ? current.event() : null,
    refunds: refundsView(order),
  };
}

/** The order's paid payment as a refund's guard takes it ({ orderId, transId, amount }), or null. */
function paidPayment(ref) {
  const run = payments.ofOrder(ref).find((r) => r.done && r.driver.outcome.outcome === 'paid');
  if (!run) return null;
  return { orderId: run.momoOrderId, transId: run.driver.outcome.transId, amount: run.driver.status.amount };
}

/**
 * What was refunded of an order and what is left: refunds that ended
 * refunded or unknown (the money may have gone back) count, and so does a
 * refund still running; refused ones gave nothing back.
 */
function refundTotals(order, paid = paidPayment(order.ref)) {
  const entries = order.refunds ?? [];
  const sum = (keep) => entries.filter(keep).reduce((n, e) => n + e.amount, 0);
  const counted = sum(counts);
  return {
    paidAmount: paid?.amount ?? null,
    refunded: sum((e) => e.outcome?.outcome === 'refunded'),
    unknown: sum((e) => e.outcome?.outcome === 'unknown'),
    counted,
    refundable: paid ? Math.max(0, paid.amount - counted) : 0,
  };
}

/** The refunds of an order as the page shows them (also the "refunds" server-sent event). */
function refundsView(order) {
  const entries = order.refunds ?? [];
  const retried = new Set(entries.map((e) => e.retryOf).filter(Boolean));
  const running = refunds.running(order.ref);
  return {
    ref: order.ref,
    ...refundTotals(order),
    minAmount: MIN_REFUND,
    running,
    serverNowMs: Date.now(),
    refunds: entries.map((e) => {
      const live = refunds.statusOf(e);
      return {
        orderId: e.orderId,
        requestId: e.requestId,
        amount: e.amount,
        reason: e.reason,
        createdAt: e.createdAt,
        endedAt: e.endedAt ?? null,
        retryOf: e.retryOf ?? null,
        state: e.state,
        step: live?.step ?? (e.state === 'done' ? 'done' : 'waiting'),
        attempt: live?.attempt ?? null,
        outcome: e.outcome ?? live?.outcome ?? null,
        transId: e.transId ?? null,
        lastResult: live?.lastResult ?? null,
        log: live?.log ?? [],
        // MoMo's 1080 (retry later) is final for that request: a new one
        // under the same refund orderId may be sent, once per refusal.
        retryable: !running && e.outcome?.outcome === 'refused' && e.outcome.resultCode === 1080 && !retried.has(e.requestId),
      };
    }),
  };
}

/** A 409 whose JSON says what is left: the page and scripts read `refundable`. */
function refundConflict(order, message, extra = {}) {
  const { paidAmount, counted, refundable } = refundTotals(order);
  return Object.assign(new HttpError(409, message), { extra: { paidAmount, refunded: counted, refundable, ...extra } });
}

/**
 * A refund of a paid order, or the retry of one MoMo answered 1080 (the
 * same refund orderId, amount and reason; a new requestId). Each refund
 * has MoMo orderId `<payment orderId>-R<k>` and requestId `<that>-<attempt>`.
 */
function startRefund(order, body, retryOf) {
  const { lang = DEFAULT_LANG } = body;
  if (lang !== 'vi' && lang !== 'en') throw new HttpError(400, 'lang: "vi" or "en"');
  const paid = paidPayment(order.ref);
  if (!paid) throw new HttpError(409, 'this order is not paid: only a paid order can be refunded');
  if (refunds.running(order.ref)) throw refundConflict(order, 'a refund of this order is running: wait for its outcome');
  const entries = order.refunds ?? [];
  let orderId, attempt, amount, reason;
  if (retryOf) {
    const prev = entries.find((e) => e.requestId === retryOf);
    if (!prev) throw new HttpError(404, 'no such refund');
    if (prev.outcome?.outcome !== 'refused' || prev.outcome.resultCode !== 1080 || entries.some((e) => e.retryOf === retryOf)) {
      throw refundConflict(order, 'only a refund MoMo refused with 1080 (retry later) can be retried, once');
    }
    ({ orderId, amount, reason } = prev);
    attempt = entries.filter((e) => e.orderId === orderId).length + 1;
  } else {
    ({ amount } = body);
    reason = typeof body.reason === 'string' ? body.reason.trim() : body.reason;
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new HttpError(400, 'amount: a whole number of VND above 0');
    if (typeof reason !== 'string' || reason === '') throw new HttpError(400, 'reason: say why the money goes back (a non-empty string)');
    if (reason.length > MAX_REASON) throw new HttpError(400, `reason: at most ${MAX_REASON} characters`);
    orderId = `${paid.orderId}-R${new Set(entries.map((e) => e.orderId)).size + 1}`;
    attempt = 1;
  }
  const { counted, refundable } = refundTotals(order, paid);
  try {
    const run = refunds.start(order, {
      refund: { orderId, requestId: `${orderId}-${attempt}`, amount, transId: paid.transId, description: reason, lang },
      // The guard: the driver refuses, before signing, a refund above paid - counted.
      payment: { ...paid, refunded: counted },
      reason,
      retryOf,
    });
    return run;
  } catch (e) {
    if (isMomoError(e) && e.field === 'amount' && amount > refundable) {
      const { unknown } = refundTotals(order, paid);
      const maybe = unknown ? ` (${unknown} VND of it by refunds of unknown outcome: reconcile them first)` : '';
      const left = refundable === 0
        ? `nothing left to refund: the ${paid.amount} VND paid are refunded${maybe}`
        : `${amount} VND is more than the ${refundable} VND left to refund (${paid.amount} paid, ${counted} refunded${maybe})`;
      throw refundConflict(order, `refused before sending: ${left}`, { code: e.code, field: e.field, guard: e.message });
    }
    throw e;
  }
}

/** Why a new payment of this order must not start, or null. */
function payBlocker(ref) {
  for (const run of payments.ofOrder(ref)) {
    if (!run.done) return 'a payment of this order is running';
    const o = run.driver.outcome.outcome;
    if (o === 'paid') return 'this order is paid';
    // Money may have moved: charging again before reconciling could take it twice.
    if (o === 'unknown') return 'the last payment has an unknown outcome: reconcile it first';
  }
  return null;
}

function startPayment(order, body) {
  const { encryptedPaymentCode, lang = DEFAULT_LANG, autoCapture } = body;
  if (typeof encryptedPaymentCode !== 'string' || encryptedPaymentCode === '') {
    throw new HttpError(400, 'encryptedPaymentCode: a base64 string');
  }
  if (lang !== 'vi' && lang !== 'en') throw new HttpError(400, 'lang: "vi" or "en"');
  if (autoCapture !== undefined && typeof autoCapture !== 'boolean') throw new HttpError(400, 'autoCapture: a boolean');
  const blocker = payBlocker(order.ref);
  if (blocker) throw new HttpError(409, blocker);
  const momoOrderId = orders.nextAttempt(order);
  const run = payments.start({
    orderId: momoOrderId,
    requestId: `${momoOrderId}-r1`,
    amount: order.total, // from the order table, never from the page
    encryptedPaymentCode,
    orderInfo: `${MERCHANT.name} - ${order.ref}`,
    storeName: MERCHANT.name,
    items: order.items.map(({ id, name, price, quantity, totalPrice }) => ({
      id, name, price, quantity, totalPrice, currency: 'VND',
    })),
    autoCapture,
    ipnUrl,
    lang,
  });
  return run;
}

function events(req, res, ref) {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  const send = (event) => res.write(`data: ${JSON.stringify(event)}\n\n`);
  // Refunds are named events ("refunds"), the whole view each time.
  const sendRefunds = () => res.write(`event: refunds\ndata: ${JSON.stringify(refundsView(orders.get(ref)))}\n\n`);
  // The current state at once: a reloaded page resumes where it was.
  const current = payments.current(ref);
  if (current) send(current.event());
  else res.write(': no payment yet\n\n');
  if (orders.get(ref).refunds?.length) sendRefunds();
  const unsubscribe = payments.subscribe(ref, send);
  const unsubscribeRefunds = refunds.subscribe(ref, sendRefunds);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), 15000);
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    unsubscribeRefunds();
  });
}

async function route(req, res, url) {
  const path = url.pathname;
  const method = req.method;
  if (path === '/momo/ipn' && method === 'POST') {
    const raw = await readBody(req); // the raw bytes: the signature covers them
    let known;
    try {
      known = payments.handleIpn(raw);
    } catch (e) {
      console.warn(`ipn rejected: ${isMomoError(e) ? `${e.code}: ${e.message}` : e.message}`);
      throw new HttpError(400, 'bad notification');
    }
    if (!known) throw new HttpError(404, 'no such payment');
    res.writeHead(204).end();
    return;
  }
  if (path === '/api/config' && method === 'GET') {
    return sendJson(res, 200, { publicKey, merchant: MERCHANT, defaultLang: DEFAULT_LANG });
  }
  if (path === '/api/menu' && method === 'GET') return sendJson(res, 200, MENU);
  if (path === '/api/orders') {
    if (method === 'GET') return sendJson(res, 200, orders.list().map(orderView));
    if (method === 'POST') {
      const { items } = await readJson(req);
      return sendJson(res, 201, orderView(orders.create(items)));
    }
  }
  const r = path.match(/^\/api\/orders\/([0-9A-Za-z]+)\/refunds(?:\/([0-9A-Za-z-]+)\/(retry))?$/);
  if (r) {
    const order = orders.get(r[1]);
    if (!order) throw new HttpError(404, 'no such order');
    if (method === 'GET' && !r[2]) return sendJson(res, 200, refundsView(order));
    if (method === 'POST') {
      const run = startRefund(order, await readJson(req), r[2]);
      return sendJson(res, 202, { orderId: run.entry.orderId, requestId: run.requestId, refunds: refundsView(order) });
    }
  }
  const m = path.match(/^\/api\/orders\/([0-9A-Za-z]+)(?:\/(pay|decide|events))?$/);
  if (m) {
    const order = orders.get(m[1]);
    if (!order) throw new HttpError(404, 'no such order');
    const [, ref, sub] = m;
    if (!sub && method === 'GET') return sendJson(res, 200, orderView(order));
    if (sub === 'events' && method === 'GET') return events(req, res, ref);
    if (sub === 'pay' && method === 'POST') {
      const run = startPayment(order, await readJson(req));
      return sendJson(res, 202, { momoOrderId: run.momoOrderId });
    }
    if (sub === 'decide' && method === 'POST') {
      const { decision } = await readJson(req);
      if (decision !== 'capture' && decision !== 'cancel') throw new HttpError(400, 'decision: "capture" or "cancel"');
      const run = payments.current(ref);
      if (!run || run.driver.stage !== 'authorized') throw new HttpError(409, 'no payment of this order awaits a decision');
      payments.decide(run, decision);
      return sendJson(res, 200, run.event());
    }
  }
  if (path.startsWith('/api/') || path === '/momo/ipn') throw new HttpError(404, 'no such endpoint');
  if (method === 'GET' || method === 'HEAD') {
    const file = await serveStatic(path);
    if (file) {
      res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
      res.end(method === 'HEAD' ? undefined : file.body);
      return;
    }
  }
  throw new HttpError(404, 'not found');
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  try {
    await route(req, res, url);
  } catch (e) {
    let status = 500;
    let body = { error: 'internal error' };
    if (e instanceof HttpError) {
      status = e.status;
      body = { error: e.message, ...e.extra };
    } else if (e instanceof OrderError) {
      status = 400;
      body = { error: e.message };
    } else if (isMomoError(e)) {
      // Refused input (e.g. a ciphertext that is not base64) or a decision
      // at the wrong time; the message names the field, never a secret.
      status = e.code === 'invalidState' ? 409 : 400;
      body = { error: e.message, code: e.code, field: e.field };
    } else {
      console.error(`${req.method} ${url.pathname}: ${e?.stack ?? e}`);
    }
    if (res.headersSent) return res.destroy();
    if (status === 413) res.setHeader('Connection', 'close');
    sendJson(res, status, body);
  }
});

server.listen(Number(args.port), args.host, () => {
  const { port } = server.address();
  const base = `http://${args.host}:${port}`;
  ipnUrl = env.MOMO_IPN_URL ?? `${base}/momo/ipn`;
  const resumed = payments.restore();
  // A refund entry always belongs to a paid payment of its order.
  const resumedRefunds = refunds.restore((order, entry) => ({
    ...paidPayment(order.ref),
    refunded: order.refunds.filter((e) => e !== entry && counts(e)).reduce((n, e) => n + e.amount, 0),
  }));
  if (args['port-file']) writeFileSync(args['port-file'], String(port));
  console.log(`MoMo: ${client.baseUrl ?? args.momo}; state: ${stateDir}${resumed ? `; resumed ${resumed} payment(s)` : ''}` +
    `${resumedRefunds ? `; resumed ${resumedRefunds} refund(s)` : ''}`);
  console.log(`Cashier page: ${base}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  // Snapshots are already on disk (written before every send): just go.
  process.on(signal, () => process.exit(0));
}
