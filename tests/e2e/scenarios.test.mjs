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
import { FAST_POLLS, checkLedger, runAll } from './scenarios.mjs';
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
  // (The terminal has no IPN endpoint: only a query can tell it.)
  const dropped = rows.find((r) => r.scenario.suffix === '0444');
  assert.ok(seen.orders[dropped.c.orderId].queries.length >= 1, 'a dropped answer is followed by a query');
  const slow = rows.find((r) => r.scenario.suffix === '0504');
  assert.ok(seen.orders[slow.c.orderId].queries.length >= 1, 'a timeout is followed by a query');
  const captured = rows.find((r) => r.scenario.decide === 'capture');
  assert.equal(seen.orders[captured.node.orderId].confirms.length, 1);
  assert.deepEqual(seen.violations, []);
});
