// The command line: start, port file, env vars, --help, and the clear exit
// when Node refuses PKCS#1 v1.5 decryption.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, code, orderId, posBody } from '../test-helpers.mjs';

const SERVER = path.join(ROOT, 'tests/sandbox/server.mjs');
const REVERT = '--security-revert=CVE-2023-46809';

test('without --security-revert it exits 2 and says to add the flag', () => {
  const r = spawnSync(process.execPath, [SERVER], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--security-revert=CVE-2023-46809/);
});

test('--help prints the options and the scenario table', () => {
  const r = spawnSync(process.execPath, [SERVER, '--help'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 0);
  for (const s of ['--port', '--port-file', '--slow-ms', 'MOMO_SANDBOX_PENDING_MS', '0504', 'slow', '0444', 'dropped', '4005',
    '/v2/gateway/api/refund', '--refund-max-amount', 'MOMO_SANDBOX_REFUND_MIN_AMOUNT', '1088', 'not_refundable', '0445', 'refund_dropped']) {
    assert.ok(r.stdout.includes(s), s);
  }
});

test('an unknown option exits 64', () => {
  const r = spawnSync(process.execPath, [REVERT, SERVER, '--nope'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 64);
});

test('starts, writes the port file, prints its URL, takes env options, stops on SIGTERM', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'momo-sandbox-'));
  const portFile = path.join(dir, 'port');
  const child = spawn(process.execPath, [REVERT, SERVER, '--port-file', portFile, '--quiet'], {
    env: { ...process.env, MOMO_SANDBOX_SLOW_MS: '50', MOMO_SANDBOX_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const until = Date.now() + 8000;
    while (!/MoMo sandbox on http:\/\/127\.0\.0\.1:\d+\n/.test(out)) {
      assert.ok(Date.now() < until, `no start line: ${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const port = Number(fs.readFileSync(portFile, 'utf8'));
    // Node itself prints its "SECURITY WARNING: Reverting CVE-2023-46809" line
    // on stdout first; ours is the last line.
    assert.equal(out.trim().split('\n').at(-1), `MoMo sandbox on http://127.0.0.1:${port}`);
    // The env's slow-ms applies: a slow payment answers quickly.
    const id = orderId('cli');
    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${port}/v2/gateway/api/pos`, { method: 'POST', body: posBody({ id, plain: code('0504') }) });
    assert.equal((await res.json()).resultCode, 0);
    assert.ok(Date.now() - t0 < 5000);
    const ledger = await (await fetch(`http://127.0.0.1:${port}/_sandbox/ledger`)).json();
    assert.equal(ledger.orders[id].scenario, 'slow');
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
