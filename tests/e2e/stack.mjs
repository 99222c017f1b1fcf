// Starts the demo's processes for a test or the headless run: the local MoMo
// sandbox (tests/sandbox) and the Node backend (examples/pos-backend), each
// on a free port on 127.0.0.1, and stops them again.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

// MoMo's published sandbox credentials and the repository's test key: public.
export const CREDENTIALS = {
  MOMO_PARTNER_CODE: 'MOMO',
  MOMO_ACCESS_KEY: 'F8BBA842ECF85',
  MOMO_SECRET_KEY: 'K951B6PE1waDMi640xX08PD3vg6EkVlz',
  MOMO_PUBLIC_KEY_FILE: join(ROOT, 'tests/keys/test_rsa2048_public_spki.b64'),
};

/** Spawns `node args...` and resolves with its port once it wrote `--port-file`. */
export async function startNode(name, nodeArgs, { env = {}, log, timeoutMs = 20_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `momo-${name}-`));
  const portFile = join(dir, 'port');
  const child = spawn(process.execPath, [...nodeArgs, '--port', '0', '--port-file', portFile], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const keep = (chunk) => {
    output.push(chunk);
    log?.(`[${name}] ${chunk}`);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const end = async (signal) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await new Promise((done) => child.once('exit', done));
    }
  };
  /** SIGKILL: no goodbye, as in a crash; only what is on disk survives. */
  const kill = () => end('SIGKILL');
  const stop = async () => {
    await end('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${name} exited with ${child.exitCode}:\n${output.join('')}`);
    }
    try {
      const port = Number(readFileSync(portFile, 'utf8'));
      if (port > 0) return { port, url: `http://127.0.0.1:${port}`, stop, kill, output };
    } catch {
      // not written yet
    }
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`${name} did not start within ${timeoutMs} ms:\n${output.join('')}`);
    }
    await sleep(50);
  }
}

/** The local MoMo sandbox (tests/sandbox); `slowMs`, `pendingMs` as its flags. */
export function startSandbox({ slowMs, pendingMs, log } = {}) {
  const args = ['--security-revert=CVE-2023-46809', join(ROOT, 'tests/sandbox/server.mjs')];
  if (slowMs !== undefined) args.push('--slow-ms', String(slowMs));
  if (pendingMs !== undefined) args.push('--pending-ms', String(pendingMs));
  return startNode('sandbox', args, { log });
}

/** The demo backend (examples/pos-backend) against `sandboxUrl`. */
export function startBackend(sandboxUrl, { stateDir, driverConfig, refundConfig, log, name = 'backend' } = {}) {
  const args = [join(ROOT, 'examples/pos-backend/server.mjs'), '--momo', sandboxUrl];
  if (stateDir) args.push('--state-dir', stateDir);
  return startNode(name, args, {
    log,
    env: {
      ...CREDENTIALS,
      ...(driverConfig ? { MOMO_DRIVER_CONFIG: JSON.stringify(driverConfig) } : {}),
      ...(refundConfig ? { MOMO_REFUND_CONFIG: JSON.stringify(refundConfig) } : {}),
    },
  });
}

/**
 * Starts sandbox and backend. Options: `slowMs` and `pendingMs` (sandbox),
 * `driverConfig` (the backend's DriverConfig), `refundConfig` (its
 * RefundConfig), `stateDir`, `log` (a
 * function given every output chunk). Returns `{ sandbox, backend, stop() }`
 * where sandbox and backend have `url`.
 */
export async function startStack({ slowMs, pendingMs, driverConfig, refundConfig, stateDir, log } = {}) {
  const sandbox = await startSandbox({ slowMs, pendingMs, log });
  const stack = { sandbox };
  try {
    stack.backend = await startBackend(sandbox.url, { stateDir, driverConfig, refundConfig, log });
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  stack.stop = async () => {
    await stack.backend.stop();
    await sandbox.stop();
  };
  return stack;
}

/** The sandbox's record of what it received (see tests/sandbox/README.md). */
export async function ledger(sandboxUrl) {
  const res = await fetch(`${sandboxUrl}/_sandbox/ledger`);
  if (!res.ok) throw new Error(`ledger: HTTP ${res.status}`);
  return res.json();
}
