// client.verifyIpnRequest(request) straight on the runtime's own request
// objects: node:http IncomingMessage from a real local server, fetch
// Request (Node's undici), and request objects whose body a framework has
// already read. Expected values come from test/oracle.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { MomoClient, MomoError } from 'momo-pos';
import { credentials, ipnBody, pkgDir } from './oracle.mjs';

const client = new MomoClient(credentials);
const LIMIT = 64 * 1024;
const TAMPERED = ipnBody().replace('59000', '59001');

function accepted(reply) {
  assert.equal(reply.ok, true, reply.reason);
  assert.equal(reply.status, 204);
  assert.equal(reply.notification.transId, '9007199254740993', 'exact digits past 2^53');
  assert.equal(reply.notification.amount, 59000);
}

function refused(reply, code, reason = new RegExp(`^${code}: `)) {
  assert.equal(reply.ok, false);
  assert.equal(reply.status, 400);
  assert.ok(reply.error instanceof MomoError, String(reply.error));
  assert.equal(reply.error.code, code, reply.reason);
  assert.equal(reply.reason, `${reply.error.code}: ${reply.error.message}`);
  assert.match(reply.reason, reason);
}

async function rejectsMomo(promise, code, message) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof MomoError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.field, 'body');
    if (message) assert.match(e.message, message);
    return true;
  });
}

// A local node:http server whose handler is swapped per test; it answers
// with the reply's status, so the client side sees what MoMo would.
let server;
let url;
let onRequest;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

before(async () => {
  server = http.createServer((req, res) => {
    onRequest(req).then(
      (reply) => res.writeHead(reply.status).end(),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${server.address().port}/`;
});

after(() => {
  agent.destroy();
  server.close();
});

/** Sends `body` (string, or chunks without Content-Length) and gives the server-side reply. */
async function viaNode(body, handler = (req) => client.verifyIpnRequest(req)) {
  let seen;
  onRequest = (req) => (seen = handler(req));
  const headers = { 'Content-Type': 'application/json' };
  if (!Array.isArray(body)) headers['Content-Length'] = String(Buffer.byteLength(body));
  const options = { method: 'POST', agent, headers };
  const status = await new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    if (Array.isArray(body)) for (const chunk of body) req.write(chunk);
    else req.write(body);
    req.end();
  });
  return { status, reply: seen };
}

test('node:http: a good IPN is read from the stream and accepted, a tampered one refused', async () => {
  const good = await viaNode(ipnBody());
  assert.equal(good.status, 204);
  accepted(await good.reply);
  const chunked = await viaNode([ipnBody().slice(0, 40), ipnBody().slice(40)]);
  accepted(await chunked.reply);
  const bad = await viaNode(TAMPERED);
  assert.equal(bad.status, 400);
  refused(await bad.reply, 'signatureMismatch');
  refused(await (await viaNode(ipnBody({ partnerCode: 'OTHER' }))).reply, 'fieldMismatch');
  refused(await (await viaNode('{"partnerCode":')).reply, 'invalidJson');
});

test('node:http: over 64 KiB is refused from Content-Length, or as soon as the count passes it, and the connection goes on', async () => {
  const declared = await viaNode(`${ipnBody()}${' '.repeat(LIMIT)}`);
  assert.equal(declared.status, 400);
  refused(await declared.reply, 'bodyTooLarge', /\(Content-Length\) exceeds the limit of 65536 bytes/);
  // Without Content-Length (chunked), the read stops just past the cap:
  // the rest of a 1 MiB body is never buffered.
  const chunks = Array.from({ length: 64 }, () => ' '.repeat(16 * 1024));
  const streamed = await viaNode(chunks);
  assert.equal(streamed.status, 400);
  refused(await streamed.reply, 'bodyTooLarge', /body of more than 65536 bytes/);
  // Exactly at the cap is read, and judged by verifyIpn.
  const body = ipnBody();
  const atCap = await viaNode(`${body.slice(0, -1)}${' '.repeat(LIMIT - Buffer.byteLength(body))}}`);
  accepted(await atCap.reply);
  // The same keep-alive socket still serves.
  accepted(await (await viaNode(ipnBody())).reply);
});

test('node:http: a connection cut mid-body is a 400, not an exception', async () => {
  let seen;
  onRequest = (req) => (seen = client.verifyIpnRequest(req));
  const req = http.request(url, { method: 'POST', headers: { 'Content-Length': '1000' } });
  req.on('error', () => {});
  req.write(ipnBody().slice(0, 100));
  while (!seen) await new Promise((resolve) => setTimeout(resolve, 5));
  req.destroy();
  refused(await seen, 'invalidJson', /ended after 100 bytes/);
});

test('node:http: a stream someone already read, or a parsed req.body, is a wiring mistake that throws', async () => {
  const drained = async (req) => {
    for await (const _ of req);
    return client.verifyIpnRequest(req);
  };
  const read = await viaNode(ipnBody(), (req) => rejectsMomo(drained(req), 'invalidField', /already read/).then(() => ({ status: 204 })));
  assert.equal(read.status, 204, 'the rejection was as expected');
  const parsed = async (req) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    req.body = JSON.parse(text);
    return client.verifyIpnRequest(req);
  };
  const json = await viaNode(ipnBody(), (req) =>
    rejectsMomo(parsed(req), 'invalidField', /already parsed \(req\.body is an object.*2\^53.*express\.raw\(\{ type: "application\/json" \}\)/s).then(
      () => ({ status: 204 }),
    ),
  );
  assert.equal(json.status, 204, 'the rejection was as expected');
});

test('node:http: a placeholder req.body over an unread stream does not hide the body', async () => {
  // Express 4's express.json() sets req.body = {} when the type does not match.
  const reply = await viaNode(ipnBody(), (req) => {
    req.body = {};
    return client.verifyIpnRequest(req);
  });
  accepted(await reply.reply);
});

const post = (body, headers) => new Request('http://shop.test/momo/ipn', { method: 'POST', body, headers });

test('fetch Request: read from its body stream', async () => {
  accepted(await client.verifyIpnRequest(post(ipnBody())));
  accepted(await client.verifyIpnRequest(post(new TextEncoder().encode(ipnBody()))));
  refused(await client.verifyIpnRequest(post(TAMPERED)), 'signatureMismatch');
  refused(await client.verifyIpnRequest(new Request('http://shop.test/')), 'invalidJson', /empty/);
  refused(
    await client.verifyIpnRequest(post('{}', { 'Content-Length': String(LIMIT + 1) })),
    'bodyTooLarge',
    /65537 bytes \(Content-Length\)/,
  );
});

test('fetch Request: an endless body is cut off just past 64 KiB and its stream cancelled', async () => {
  let pulled = 0;
  let cancelled = false;
  const endless = new ReadableStream({
    pull(controller) {
      pulled += 1000;
      controller.enqueue(new Uint8Array(1000).fill(0x20));
    },
    cancel() {
      cancelled = true;
    },
  });
  const request = new Request('http://shop.test/', { method: 'POST', body: endless, duplex: 'half' });
  refused(await client.verifyIpnRequest(request), 'bodyTooLarge', /more than 65536 bytes/);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(cancelled, 'the body stream was cancelled');
  assert.ok(pulled < LIMIT + 64 * 1024, `read ${pulled} bytes`);
});

test('fetch Request: a body already read throws, with the remedy', async () => {
  const request = post(ipnBody());
  await request.json();
  await rejectsMomo(client.verifyIpnRequest(request), 'invalidField', /already read.*request\.json\(\)/s);
});

test('a body a framework kept raw is used as is: Buffer, Uint8Array, ArrayBuffer, string', async () => {
  const bytes = new TextEncoder().encode(ipnBody());
  for (const body of [Buffer.from(ipnBody()), bytes, bytes.buffer, ipnBody()]) {
    accepted(await client.verifyIpnRequest({ body }));
  }
  refused(await client.verifyIpnRequest({ body: Buffer.from(TAMPERED) }), 'signatureMismatch');
  // verifyIpn's own cap applies to a body already in memory.
  refused(await client.verifyIpnRequest({ body: ' '.repeat(LIMIT + 1) }), 'bodyTooLarge');
});

test("a framework's wrapper (Fastify's request, Hono's c.req) is read through .raw", async () => {
  accepted(await client.verifyIpnRequest({ raw: post(ipnBody()) }));
  const viaRaw = await viaNode(ipnBody(), (req) => client.verifyIpnRequest({ raw: req, body: undefined, headers: req.headers }));
  accepted(await viaRaw.reply);
  await rejectsMomo(
    client.verifyIpnRequest({ raw: post(ipnBody()), body: { partnerCode: 'MOMO' } }),
    'invalidField',
    /already parsed.*parseAs: "buffer"/s,
  );
});

test('what is no request at all throws: the fix is in the code, not in the sender', async () => {
  for (const wrong of [ipnBody(), null, undefined, 42]) {
    await rejectsMomo(client.verifyIpnRequest(wrong), 'invalidField', /takes the HTTP request.*verifyIpn\(rawBody\)/s);
  }
  await rejectsMomo(client.verifyIpnRequest({}), 'invalidField', /takes the HTTP request/);
  await rejectsMomo(client.verifyIpnRequest({ body: JSON.parse(ipnBody()) }), 'invalidField', /already parsed/);
  await rejectsMomo(client.verifyIpnRequest({ body: [1] }), 'invalidField', /an array/);
});

test('the method is a non-enumerable prototype method of the full entry only, also in the web build', async () => {
  const descriptor = Object.getOwnPropertyDescriptor(MomoClient.prototype, 'verifyIpnRequest');
  assert.equal(typeof descriptor.value, 'function');
  assert.equal(descriptor.enumerable, false);
  assert.equal(descriptor.value.name, 'verifyIpnRequest');
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  assert.equal(require('momo-pos').MomoClient, MomoClient, 'one class for require and import');
  // The web entry (what Workers load) derives its copy of the helper.
  const web = await import(`${pkgDir}dist/web/full.js`);
  await web.init(readFileSync(`${pkgDir}dist/web/full/momo_pos_bg.wasm`));
  const webClient = new web.MomoClient(credentials);
  accepted(await webClient.verifyIpnRequest(post(ipnBody())));
  // The web entry has its own MomoError class, and the helper uses it.
  for (const [body, code] of [[TAMPERED, 'signatureMismatch'], [' '.repeat(LIMIT + 1), 'bodyTooLarge']]) {
    const reply = await webClient.verifyIpnRequest(post(body));
    assert.equal(reply.status, 400);
    assert.ok(reply.error instanceof web.MomoError, String(reply.error));
    assert.equal(reply.error.code, code);
  }
  await assert.rejects(webClient.verifyIpnRequest({ body: {} }), web.MomoError);
  const browser = await import(`${pkgDir}dist/web/browser.js`);
  assert.equal('MomoClient' in browser, false);
  assert.doesNotMatch(readFileSync(`${pkgDir}dist/web/browser.js`, 'utf8'), /ipn-request|@full/);
  assert.doesNotMatch(readFileSync(`${pkgDir}dist/node/browser.cjs`, 'utf8'), /ipn-request|@full/);
});
