// The demo's --headless mode: starts the sandbox and the backend, runs every
// scenario through the Node backend and the C terminal at once, and prints
// what each reached next to what the sandbox saw. Exit 1 when any payment
// ends other than expected or the sandbox saw something a correct host
// never does (a second charge, a new requestId for a retry, a bad signature).
// The refund scenarios run at the same time, each on a payment of its own,
// in a second table: every refund's outcome beside the sandbox's refunds
// ledger (refunded never above paid, no refund applied twice, resends the
// same bytes, no violation but the one a row asks for).
//
//   node tests/e2e/headless.mjs [--terminal PATH] [--slow-ms N]
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  FAST_POLLS, FAST_REFUND_POLLS, REFUND_SCENARIOS, SCENARIOS, checkLedger, checkRefundLedger, expected,
  refundExpected, runAll, runRefunds,
} from './scenarios.mjs';
import { ROOT, ledger, startStack } from './stack.mjs';

const { values } = parseArgs({
  options: {
    terminal: { type: 'string', default: join(ROOT, 'target/demo/pos_terminal') },
    'slow-ms': { type: 'string', default: '31000' },
  },
});
const terminal = existsSync(values.terminal) ? values.terminal : null;
if (!terminal) console.log(`(no C terminal at ${values.terminal}: Node backend only)`);

const started = Date.now();
const stack = await startStack({
  slowMs: Number(values['slow-ms']),
  pendingMs: 1500,
  driverConfig: FAST_POLLS,
  refundConfig: FAST_REFUND_POLLS,
  stateDir: mkdtempSync(join(tmpdir(), 'momo-demo-state-')),
});
let failed = false;
try {
  console.log(`sandbox ${stack.sandbox.url}, backend ${stack.backend.url}`);
  console.log(`running ${SCENARIOS.length} payment and ${REFUND_SCENARIOS.length} refund scenarios through both hosts at once; the slow ones take about 30 s...\n`);
  const hosts = { backendUrl: stack.backend.url, sandboxUrl: stack.sandbox.url, terminal };
  const [rows, refundRows] = await Promise.all([runAll(hosts), runRefunds(hosts)]);
  const seen = await ledger(stack.sandbox.url);
  const table = [['scenario', 'code', 'expected', 'Node backend', 'C terminal', 'pos sent (N/C)', 'queries (N/C)', 'charged (N/C)', 'sandbox checks']];
  for (const { scenario, node, c } of rows) {
    const problems = [...checkLedger(seen, node, expected(scenario, 'node')).map((p) => `node: ${p}`)];
    if (c) problems.push(...checkLedger(seen, c, expected(scenario, 'c')).map((p) => `C: ${p}`));
    const ok = node.outcome === expected(scenario, 'node') && (!c || c.outcome === expected(scenario, 'c')) && problems.length === 0;
    failed ||= !ok;
    const count = (run, key) => (run ? String(seen.orders?.[run.orderId]?.[key]?.length ?? 0) : '-');
    const charges = (run) => (run ? String(seen.orders?.[run.orderId]?.charges ?? '?') : '-');
    table.push([
      scenario.name,
      `…${scenario.suffix}`,
      expected(scenario, 'node') === expected(scenario, 'c') ? expected(scenario, 'node') : `${expected(scenario, 'node')} / C: ${expected(scenario, 'c')}`,
      `${node.outcome} (${(node.ms / 1000).toFixed(1)} s)`,
      c ? `${c.outcome} (${(c.ms / 1000).toFixed(1)} s)` : '-',
      `${count(node, 'pos')}/${count(c, 'pos')}`,
      `${count(node, 'queries')}/${count(c, 'queries')}`,
      `${charges(node)}/${charges(c)}`,
      problems.length ? problems.join('; ') : ok ? 'ok' : 'WRONG OUTCOME',
    ]);
  }
  print(table);

  const refundTable = [['refund scenario', 'code', 'expected', 'Node backend', 'C terminal', 'refund requests (N/C)', 'refunded of paid (N | C)', 'sandbox checks']];
  for (const { scenario, node, c } of refundRows) {
    const want = refundExpected(scenario);
    const problems = [];
    if (node) problems.push(...checkRefundLedger(seen, scenario, node).map((p) => `node: ${p}`));
    if (c) problems.push(...checkRefundLedger(seen, scenario, c).map((p) => `C: ${p}`));
    const hostOk = (run, host) => (scenario.hosts && !scenario.hosts.includes(host)) || (run ? run.outcome === want : host === 'c' && !terminal);
    const ok = hostOk(node, 'node') && hostOk(c, 'c') && problems.length === 0;
    failed ||= !ok;
    const order = (run) => seen.orders?.[run.orderId];
    const requests = (run) => (run ? String(order(run)?.refundRequests?.length ?? 0) : '-');
    const sums = (run) => (run ? `${order(run)?.refunded ?? '?'}/${order(run)?.amount ?? '?'}` : '-');
    const got = (run) => (run ? `${run.outcome} (${(run.ms / 1000).toFixed(1)} s)` : '-');
    let checks = problems.length ? problems.join('; ') : ok ? 'ok' : 'WRONG OUTCOME';
    refundTable.push([scenario.name, `…${scenario.suffix}`, want, got(node), got(c), `${requests(node)}/${requests(c)}`, `${sums(node)} | ${sums(c)}`, checks]);
  }
  console.log('');
  print(refundTable);

  const violations = seen.violations ?? [];
  if (violations.length) {
    failed = true;
    console.log(`\nsandbox violations:\n  ${violations.join('\n  ')}`);
  }
  else console.log('\nsandbox violations: none');
  console.log(`\n${failed ? 'FAILED' : 'all scenarios as expected'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failed) {
    for (const { scenario, c } of rows) {
      if (c && c.outcome !== expected(scenario, 'c')) console.log(`\n--- C terminal, ${c.orderId}:\n${c.output}`);
    }
    for (const { scenario, c } of refundRows) {
      if (c && c.outcome !== refundExpected(scenario)) console.log(`\n--- C terminal, refunds of ${c.orderId}:\n${c.output}`);
    }
  }
} finally {
  await stack.stop();
}

function print(rows) {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd());
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
process.exit(failed ? 1 : 0);
