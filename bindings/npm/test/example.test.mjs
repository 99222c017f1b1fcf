// examples/node-ipn-server.mjs, run as a user would: 204 for a good IPN
// (also when delivered twice), 400 with a logged reason otherwise (a body
// over 64 KiB included, the server staying up), the secret never in its
// output, and a clean exit on SIGTERM. The other framework examples run in
// frameworks.test.mjs, against the frameworks installed from npm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { credentials, ipnBody, pkgDir } from './oracle.mjs';

test('the IPN server example answers 204 or 400 and logs why', async () => {
  const server = spawn(process.execPath, [`${pkgDir}examples/node-ipn-server.mjs`], {
    env: {
      ...process.env,
      MOMO_PARTNER_CODE: credentials.partnerCode,
      MOMO_ACCESS_KEY: credentials.accessKey,
      MOMO_SECRET_KEY: credentials.secretKey,
      ORDERS: JSON.stringify({ 'ORDER-1001': 59000, 'ORDER-1002': 10000 }),
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  try {
    while (!/listening on (\S+)/.test(output)) await once(server.stdout, 'data');
    const url = output.match(/listening on (\S+)/)[1];
    const post = async (body) => (await fetch(url, { method: 'POST', body })).status;

    assert.equal(await post(ipnBody()), 204);
    assert.equal(await post(ipnBody()), 204, 'a repeated delivery is still acknowledged');
    assert.equal(await post(ipnBody().replace('59000', '59001')), 400);
    assert.equal(await post(ipnBody({ orderId: 'ORDER-1002' })), 400, 'amount differs from the record');
    assert.equal(await post(ipnBody({ orderId: 'ORDER-9999' })), 400, 'unknown order');
    assert.equal(await post('{"partnerCode":"MOMO"}'), 400);
    assert.equal((await fetch(url)).status, 405);
    assert.equal(await post(`${ipnBody()}${' '.repeat(64 * 1024)}`), 400, 'over 64 KiB');
    const streamed = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(10_000).fill(0x20));
        c.close();
      },
    });
    const chunked = await fetch(url, { method: 'POST', body: streamed, duplex: 'half' });
    assert.equal(chunked.status, 400, 'over 64 KiB, without Content-Length');
    assert.equal(await post(ipnBody()), 204, 'still serving');

    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(output, /ipn accepted: order ORDER-1001 transId 9007199254740993/);
    assert.match(output, /ipn repeated/);
    assert.match(output, /ipn rejected: signatureMismatch/);
    assert.match(output, /ipn rejected: amount 59000 for ORDER-1002, expected 10000/);
    assert.match(output, /ipn rejected: unknown orderId ORDER-9999/);
    assert.match(output, /ipn rejected: missingField/);
    assert.match(output, /ipn rejected: bodyTooLarge: body of 65\d+ bytes \(Content-Length\) exceeds the limit of 65536 bytes/);
    assert.match(output, /ipn rejected: bodyTooLarge: body of more than 65536 bytes/);
    assert.ok(!output.includes(credentials.secretKey), 'the secret was logged');
    server.kill('SIGTERM');
    assert.deepEqual(await once(server, 'exit'), [0, null], 'exits by itself on SIGTERM');
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  }
});
