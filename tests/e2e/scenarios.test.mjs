// End to end, asserted on the sandbox's side: every scenario through the
// Node backend and the C terminal reaches its outcome, and what MoMo's
// stand-in received is what a correct host sends: valid signatures by its
// own check (node:crypto), the scanned code after decryption, one pos
// requestId per payment with resends byte for byte, never a second charge.
// The refund scenarios run beside them: refunded never above paid, no refund
// applied twice, resends byte for byte, the host's guard refusing before
// anything is sent.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  FAST_POLLS, FAST_REFUND_POLLS, checkLedger, checkRefundLedger, expected, refundExpected, runAll, runRefunds,
} from './scenarios.mjs';
import { ROOT, ledger, startStack } from './stack.mjs';

const terminal = process.env.MOMO_POS_TERMINAL ?? join(ROOT, 'target/demo/pos_terminal');
let stack;

before(async () => {
  stack = await startStack({
    slowMs: 31_000,
    pendingMs: 1_500,
    driverConfig: FAST_POLLS,
    refundConfig: FAST_REFUND_POLLS,
    stateDir: mkdtempSync(join(tmpdir(), 'momo-e2e-state-')),
  });
});
after(async () => {
  // Nothing a correct host never does.
  const seen = stack && (await ledger(stack.sandbox.url).catch(() => null));
  await stack?.stop();
  if (seen && refundRows) assert.deepEqual(seen.violations, []);
});
let refundRows = null;

// Side by side: both wait on a slow scenario's 30 s timeout.
describe('through both hosts', { concurrency: true }, () => {
  test('every scenario, through the Node backend and the C terminal', { timeout: 150_000 }, async () => {
    assert.ok(existsSync(terminal), `build the C terminal first (${terminal}); scripts/test-e2e.sh does`);
    const rows = await runAll({ backendUrl: stack.backend.url, sandboxUrl: stack.sandbox.url, terminal });
    const seen = await ledger(stack.sandbox.url);
    for (const { scenario, node, c } of rows) {
      assert.equal(node.outcome, expected(scenario, 'node'), `Node backend, ${scenario.name}`);
      assert.equal(c.outcome, expected(scenario, 'c'), `C terminal, ${scenario.name}:\n${c.output}`);
      assert.deepEqual(checkLedger(seen, node, expected(scenario, 'node')), [], `sandbox, Node backend, ${scenario.name}`);
      assert.deepEqual(checkLedger(seen, c, expected(scenario, 'c')), [], `sandbox, C terminal, ${scenario.name}`);
    }
    // The retries happened: the checks above are about something.
    // (The terminal has no IPN endpoint: only a query can tell it.)
    const dropped = rows.find((r) => r.scenario.suffix === '0444');
    assert.ok(seen.orders[dropped.c.orderId].queries.length >= 1, 'a dropped answer is followed by a query');
    const slow = rows.find((r) => r.scenario.suffix === '0504');
    assert.ok(seen.orders[slow.c.orderId].queries.length >= 1, 'a timeout is followed by a query');
    const captured = rows.find((r) => r.scenario.suffix === '9000' && r.scenario.decide === 'capture');
    assert.equal(seen.orders[captured.node.orderId].confirms.length, 1);
    // A confirm answered 99 is never taken for a failure: the terminal asked
    // MoMo with a status query (the backend may have had the IPN first).
    for (const row of rows.filter((r) => r.scenario.suffix === '9099')) {
      for (const run of [row.node, row.c]) {
        assert.deepEqual(seen.orders[run.orderId].confirms.map((x) => x.resultCode), [99], row.scenario.name);
      }
      assert.ok(seen.orders[row.c.orderId].queries.length >= 1, `${row.scenario.name}: the refused confirm is followed by a query`);
    }
    // The late query: the backend had the IPN 9000 while its query was out,
    // captured once, and journaled the query's late answer as stale.
    const late = rows.find((r) => r.scenario.lateQuery);
    const lateOrder = seen.orders[late.node.orderId];
    assert.ok(lateOrder.ipns.some((i) => i.resultCode === 9000 && i.httpStatus === 204), 'the IPN 9000 reached the backend');
    assert.equal(lateOrder.confirms.length, 1);
    let journal = [];
    for (const t0 = Date.now(); Date.now() - t0 < 15_000; await sleep(250)) {
      const res = await fetch(`${stack.backend.url}/api/orders/${late.node.orderRef}`);
      journal = (await res.json()).payment.log;
      if (journal.some((e) => e.kind === 'stale')) break;
    }
    const kinds = journal.map((e) => e.kind);
    assert.ok(kinds.includes('stale'), `the late query answer is journaled as stale: ${kinds}`);
    const queryId = journal.find((e) => e.kind === 'send' && e.endpoint === 'query').id;
    assert.equal(journal.find((e) => e.kind === 'stale').id, queryId);
    assert.ok(kinds.indexOf('ipn') < kinds.indexOf('authorized'));
    assert.equal(journal.filter((e) => e.kind === 'answer' && e.endpoint === 'query').length, 0, 'the late answer changed nothing');
    assert.deepEqual(seen.violations.filter((v) => !/refund/.test(v)), []);
  });

  test('every refund scenario, through the Node backend and the C terminal', { timeout: 150_000 }, async () => {
    assert.ok(existsSync(terminal), `build the C terminal first (${terminal}); scripts/test-e2e.sh does`);
    const rows = await runRefunds({ backendUrl: stack.backend.url, sandboxUrl: stack.sandbox.url, terminal });
    refundRows = rows;
    const seen = await ledger(stack.sandbox.url);
    for (const { scenario, node, c } of rows) {
      const hosts = scenario.hosts ?? ['node', 'c'];
      for (const [host, run] of [['node', node], ['c', c]]) {
        if (!hosts.includes(host)) continue;
        assert.equal(run.outcome, refundExpected(scenario), `${host}, ${scenario.name}:\n${run.output ?? JSON.stringify(run.steps)}`);
        assert.deepEqual(checkRefundLedger(seen, scenario, run), [], `sandbox, ${host}, ${scenario.name}`);
      }
    }
    // The evidence was asked for: a lost or held refund answer is followed by a
    // status query of the payment, never by a second refund.
    for (const suffix of ['0505', '0445']) {
      const row = rows.find((r) => r.scenario.suffix === suffix);
      for (const run of [row.node, row.c]) {
        const order = seen.orders[run.orderId];
        assert.ok(order.queries.length >= 1, `${row.scenario.name}: a status query followed`);
        assert.equal(order.refunds.length, 1, `${row.scenario.name}: refunded once`);
      }
    }
    // The guard refused the one too many before anything left either host.
    const partial = rows.find((r) => r.scenario.plan.length === 4);
    for (const run of [partial.node, partial.c]) assert.equal(seen.orders[run.orderId].refundRequests.length, 3);
    // Past the guard, MoMo itself refuses (1081): recorded, no violation.
    const forgot = rows.find((r) => r.scenario.plan.some((step) => step.forget));
    assert.deepEqual(seen.orders[forgot.c.orderId].refundRequests.map((r) => r.resultCode), [0, 1081]);
    assert.deepEqual(seen.violations.filter((v) => /refund/.test(v)), []);
  });
});
