// Demo backend of a café's MoMo POS: serves the cashier page, prices
// orders from its own menu, and takes each payment to a safe end with the
// package's PaymentDriver. The HMAC secret stays here; the page only ever
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
const MERCHANT = { name: 'Cà Phê Sài Gòn', store: 'Quầy 1' };
const DEFAULT_LANG = 'vi';

const stateDir = resolve(args['state-dir']);
const orders = new Orders(join(stateDir, 'orders.json'));
const payments = new Payments({ client, dir: join(stateDir, 'payments'), config: driverConfig });
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
  };
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
  // The current state at once: a reloaded page resumes where it was.
  const current = payments.current(ref);
  if (current) send(current.event());
  else res.write(': no payment yet\n\n');
  const unsubscribe = payments.subscribe(ref, send);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), 15000);
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
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
      body = { error: e.message };
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
  if (args['port-file']) writeFileSync(args['port-file'], String(port));
  console.log(`MoMo: ${client.baseUrl ?? args.momo}; state: ${stateDir}${resumed ? `; resumed ${resumed} payment(s)` : ''}`);
  console.log(`Cashier page: ${base}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  // Snapshots are already on disk (written before every send): just go.
  process.on(signal, () => process.exit(0));
}
