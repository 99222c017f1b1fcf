// End to end, asserted on the sandbox's side: every scenario through the
// Node backend and the C terminal reaches its outcome, and what MoMo's
// stand-in received is what a correct host sends: valid signatures by its
// own check (node:crypto), the scanned code after decryption, one pos
// requestId per payment with resends byte for byte, never a second charge.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAST_POLLS, SCENARIOS, checkLedger, codeFor, payThroughBackend, runAll } from './scenarios.mjs';
import { ROOT, ledger, startStack } from './stack.mjs';

const terminal = process.env.MOMO_POS_TERMINAL ?? join(ROOT, 'target/demo/pos_terminal');
let stack;

before(async () => {
  stack = await startStack({
    slowMs: 31_000,
    pendingMs: 1_500,
    driverConfig: FAST_POLLS,
    stateDir: mkdtempSync(join(tmpdir(), 'momo-e2e-state-')),
  });
});
after(() => stack?.stop());

test('every scenario, through the Node backend and the C terminal', { timeout: 150_000 }, async () => {
  assert.ok(existsSync(terminal), `build the C terminal first (${terminal}); scripts/test-e2e.sh does`);
  const rows = await runAll({ backendUrl: stack.backend.url, sandboxUrl: stack.sandbox.url, terminal });
  const seen = await ledger(stack.sandbox.url);
  for (const { scenario, node, c } of rows) {
    assert.equal(node.outcome, scenario.expect, `Node backend, ${scenario.name}`);
    assert.equal(c.outcome, scenario.expect, `C terminal, ${scenario.name}:\n${c.output}`);
    assert.deepEqual(checkLedger(seen, node, scenario.expect), [], `sandbox, Node backend, ${scenario.name}`);
    assert.deepEqual(checkLedger(seen, c, scenario.expect), [], `sandbox, C terminal, ${scenario.name}`);
  }
  // The retries happened: the checks above are about something.
  const dropped = rows.find((r) => r.scenario.suffix === '0444');
  assert.ok(seen.orders[dropped.node.orderId].queries.length >= 1, 'a dropped answer is followed by a query');
  const slow = rows.find((r) => r.scenario.suffix === '0504');
  assert.ok(seen.orders[slow.c.orderId].queries.length >= 1, 'a timeout is followed by a query');
  const captured = rows.find((r) => r.scenario.decide === 'capture');
  assert.equal(seen.orders[captured.node.orderId].confirms.length, 1);
  assert.deepEqual(seen.violations, []);
});

test('a backend killed mid-payment resumes it from its state directory', { timeout: 60_000 }, async () => {
  const pending = SCENARIOS.find((s) => s.suffix === '1000');
  const code = codeFor(pending, Date.now() % 1e9);
  const first = stack.backend.url;
  // Start a payment, then kill the backend while MoMo still says 1000.
  const paying = payThroughBackend(first, pending, code).catch((error) => error);
  let orderId;
  for (let i = 0; i < 100 && !orderId; i++) {
    await sleep(100);
    orderId = Object.entries((await ledger(stack.sandbox.url)).orders).find(([, o]) => o.paymentCode === code)?.[0];
  }
  assert.ok(orderId, 'the pos request reached the sandbox');
  await stack.crashBackend();
  assert.ok((await paying) instanceof Error, 'the first backend is gone');
  const ref = orderId.replace(/-\d+$/, '');
  let payment;
  for (let i = 0; i < 100 && !payment?.outcome; i++) {
    await sleep(200);
    ({ payment } = await (await fetch(`${stack.backend.url}/api/orders/${ref}`)).json());
  }
  assert.equal(payment?.outcome?.outcome, 'paid', 'the restarted backend finished the payment');
  const order = (await ledger(stack.sandbox.url)).orders[orderId];
  assert.equal(new Set(order.pos.map((p) => p.requestId)).size, 1, 'no new pos requestId after the crash');
  assert.equal(order.charges, 1);
});
