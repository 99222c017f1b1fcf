// The IPN examples the package ships (examples/), copied out of the
// installed tarball into one throwaway project together with the real
// frameworks from npm (Express, Fastify, Hono's Node adapter, workerd), and
// run as a user would: a good IPN gets 204 and the shop logs it, a tampered
// one 400 with the reason logged, an oversize one is refused and the server
// goes on, SIGTERM ends it cleanly. Also: the clear error when a JSON
// parser ate the body, Fastify's pass-through parser, and the shipped types
// against the frameworks' own request types.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, ipnBody, pkgDir, repo } from './oracle.mjs';

const { version } = JSON.parse(readFileSync(`${pkgDir}package.json`, 'utf8'));
const tarball = `${repo}target/npm/momo-pos-${version}.tgz`;
// Exact versions, so that a run next year tests what this one did; raise
// them on purpose.
const FRAMEWORKS = ['express@5.3.0', 'fastify@5.12.8', 'hono@4.13.23', '@hono/node-server@1.19.19', 'workerd@1.20261123.1'];
const TYPES = ['@types/node@20.9.5', '@types/express@5.0.4'];
const ENV = {
  MOMO_PARTNER_CODE: credentials.partnerCode,
  MOMO_ACCESS_KEY: credentials.accessKey,
  MOMO_SECRET_KEY: credentials.secretKey,
  ORDERS: JSON.stringify({ 'ORDER-1001': 59000 }),
};
const OVERSIZE = `${ipnBody()}${' '.repeat(64 * 1024)}`;

let dir;

before(() => {
  assert.ok(existsSync(tarball), `${tarball} missing: run scripts/build-npm.sh`);
  dir = mkdtempSync(join(tmpdir(), 'momo-pos-frameworks-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'smoke-frameworks', private: true }));
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, ...FRAMEWORKS, ...TYPES],
    { cwd: dir, stdio: 'pipe' },
  );
  // The examples as shipped in the tarball, where a user would copy them.
  cpSync(join(dir, 'node_modules/momo-pos/examples'), join(dir, 'examples'), { recursive: true });
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function freePort() {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Starts `command` in the project and waits for its "listening on URL" line. */
async function start(command, args, ready = /listening on (http:\/\/\S+)/i) {
  const child = spawn(command, args, { cwd: dir, env: { ...process.env, ...ENV, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = once(child, 'exit');
  const deadline = Date.now() + 20_000;
  while (!ready.test(output)) {
    assert.equal(child.exitCode, null, `${args.join(' ')} exited:\n${output}`);
    assert.ok(Date.now() < deadline, `${args.join(' ')} not ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const url = output.match(ready)[1];
  return {
    url,
    output: () => output,
    /** SIGTERM, and the exit it caused: the examples stop by themselves. */
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const [code, signal] = await exited;
      clearTimeout(timer);
      return { code, signal };
    },
  };
}

const node = (example) => start(process.execPath, [`examples/${example}`]);

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  return { status: res.status, text: await res.text() };
}

/** Waits until the server has logged `pattern` (its log may lag the reply). */
async function logged(server, pattern) {
  for (let i = 0; i < 100 && !pattern.test(server.output()); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(server.output(), pattern);
}

/** The same deliveries for every example; `oversize` is what a >64 KiB body gets. */
async function exercise(server, { path = '/momo/ipn', oversize = 400 } = {}) {
  const url = new URL(path, server.url).href;
  try {
    assert.equal((await post(url, ipnBody())).status, 204);
    await logged(server, /ipn accepted: order ORDER-1001 transId 9007199254740993 result 0 \(paid\)/);
    assert.equal((await post(url, ipnBody())).status, 204, 'a repeated delivery is still acknowledged');
    await logged(server, /ipn repeated: MOMO\|ORDER-1001\|ORDER-1001-r1\|9007199254740993/);
    assert.equal((await post(url, ipnBody().replace('59000', '59001'))).status, 400);
    await logged(server, /ipn rejected: signatureMismatch: /);
    assert.equal((await post(url, ipnBody({ partnerCode: 'OTHER' }))).status, 400);
    await logged(server, /ipn rejected: fieldMismatch: /);
    assert.equal((await post(url, OVERSIZE)).status, oversize, 'over 64 KiB');
    if (oversize === 400) await logged(server, /ipn rejected: bodyTooLarge: /);
    assert.equal((await post(url, ipnBody())).status, 204, 'still serving after the oversize body');
    assert.ok(!server.output().includes(credentials.secretKey), 'the secret was logged');
  } finally {
    assert.deepEqual(await server.stop(), { code: 0, signal: null }, `no clean exit on SIGTERM:\n${server.output()}`);
  }
}

test('node:http example (verifyIpnRequest reads the IncomingMessage)', async () => {
  await exercise(await node('node-ipn-server.mjs'), { path: '/' });
});

test('Express example (express.raw on the route; its limit answers 413 above 64 KiB)', async () => {
  await exercise(await node('express-ipn.mjs'), { oversize: 413 });
});

test('Fastify example (a parseAs: "buffer" parser in the route scope; its bodyLimit answers 413)', async () => {
  await exercise(await node('fastify-ipn.mjs'), { oversize: 413 });
});

test('fetch-style example on Node, through @hono/node-server', async () => {
  await exercise(await node('fetch-ipn-node.mjs'), { path: '/' });
});

test('fetch-style example in workerd (Cloudflare Workers runtime, from npm)', async () => {
  const port = await freePort();
  const server = await start(
    join(dir, 'node_modules/.bin/workerd'),
    ['serve', 'examples/workerd.capnp', '--socket-addr', `http=127.0.0.1:${port}`],
    /Listening on (http:\/\/\S+)/,
  );
  await exercise(server, { path: '/' });
});

test('Express: express.json() ahead of the IPN route is a clear error, not a 400 for every IPN', async () => {
  writeFileSync(
    join(dir, 'express-misuse.mjs'),
    `import express from 'express';
import { MomoClient } from 'momo-pos';
const client = new MomoClient(${JSON.stringify(credentials)});
const app = express();
app.use(express.json());
app.post('/momo/ipn', express.raw({ type: 'application/json' }), async (req, res) => {
  const reply = await client.verifyIpnRequest(req);
  res.sendStatus(reply.status);
});
const server = app.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.once('SIGTERM', () => server.close());
`,
  );
  const server = await start(process.execPath, ['express-misuse.mjs']);
  try {
    const { status, text } = await post(`${server.url}/momo/ipn`, ipnBody());
    assert.equal(status, 500, text);
    // Express's error handler logs the MomoError (and shows it outside production).
    await logged(server, /MomoError: the request body was already parsed \(req\.body is an object/);
    assert.match(server.output(), /mount express\.raw\(\{ type: "application\/json" \}\) on that route, ahead of any app-wide express\.json\(\)/);
    assert.match(server.output(), /JSON\.parse loses transId digits beyond 2\^53/);
  } finally {
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  }
});

test("Fastify: the default JSON parser is a clear error; a pass-through parser leaves request.raw to the helper's cap", async () => {
  writeFileSync(
    join(dir, 'fastify-variants.mjs'),
    `import Fastify from 'fastify';
import { MomoClient } from 'momo-pos';
const client = new MomoClient(${JSON.stringify(credentials)});
const app = Fastify();
const handler = async (request, reply) => {
  const answer = await client.verifyIpnRequest(request);
  return reply.code(answer.status).send(answer.ok ? undefined : answer.reason);
};
app.post('/default', handler);
app.register(async (scope) => {
  scope.addContentTypeParser('application/json', (request, payload, done) => done(null));
  scope.post('/passthrough', handler);
});
await app.listen({ port: 0, host: '127.0.0.1' });
console.log('listening on http://127.0.0.1:' + app.server.address().port);
process.once('SIGTERM', () => app.close());
`,
  );
  const server = await start(process.execPath, ['fastify-variants.mjs']);
  try {
    const parsed = await post(`${server.url}/default`, ipnBody());
    assert.equal(parsed.status, 500, parsed.text);
    assert.match(JSON.parse(parsed.text).message, /already parsed.*in Fastify, add a content-type parser with parseAs: "buffer"/s);
    assert.equal((await post(`${server.url}/passthrough`, ipnBody())).status, 204);
    const big = await post(`${server.url}/passthrough`, OVERSIZE);
    assert.equal(big.status, 400);
    assert.match(big.text, /^bodyTooLarge: body of \d+ bytes \(Content-Length\) exceeds the limit of 65536 bytes$/);
    assert.equal((await post(`${server.url}/passthrough`, ipnBody())).status, 204);
  } finally {
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  }
});

test("the shipped types accept the frameworks' own request types (Node, DOM, Express, Fastify, Hono)", () => {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: ['node'],
        exactOptionalPropertyTypes: true,
        // The frameworks' declarations are theirs to check; ours are checked by types.mts.
        skipLibCheck: true,
      },
      files: ['check.mts', 'check.cts'],
    }),
  );
  writeFileSync(
    join(dir, 'check.mts'),
    `import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Request as ExpressRequest } from 'express';
import type { FastifyRequest } from 'fastify';
import type { Context } from 'hono';
import { MomoClient, type IpnReply } from 'momo-pos';
declare const client: MomoClient;
declare const node: IncomingMessage;
declare const node2: Http2ServerRequest;
declare const express: ExpressRequest;
declare const fastify: FastifyRequest;
declare const web: Request;
declare const hono: Context;
export const replies: Promise<IpnReply>[] = [
  client.verifyIpnRequest(node),
  client.verifyIpnRequest(node2),
  client.verifyIpnRequest(express),
  client.verifyIpnRequest(fastify),
  client.verifyIpnRequest(web),
  client.verifyIpnRequest(hono.req),
  client.verifyIpnRequest(hono.req.raw),
];
`,
  );
  writeFileSync(
    join(dir, 'check.cts'),
    `import momo = require('momo-pos');
declare const web: Request;
export const reply: Promise<momo.IpnReply> = new momo.MomoClient({ partnerCode: '', accessKey: '', secretKey: '' }).verifyIpnRequest(web);
`,
  );
  try {
    execFileSync(`${pkgDir}node_modules/.bin/tsc`, ['-p', dir], { stdio: 'pipe' });
  } catch (error) {
    assert.fail(`${error.stdout}${error.stderr}`);
  }
});
