// The demo's --headless mode: starts the sandbox and the backend, runs every
// scenario through the Node backend and the C terminal at once, and prints
// what each reached next to what the sandbox saw. Exit 1 when any payment
// ends other than expected or the sandbox saw something a correct host
// never does (a second charge, a new requestId for a retry, a bad signature).
//
//   node tests/e2e/headless.mjs [--terminal PATH] [--slow-ms N]
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FAST_POLLS, SCENARIOS, checkLedger, expected, runAll } from './scenarios.mjs';
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
  stateDir: mkdtempSync(join(tmpdir(), 'momo-demo-state-')),
});
let failed = false;
try {
  console.log(`sandbox ${stack.sandbox.url}, backend ${stack.backend.url}`);
  console.log(`running ${SCENARIOS.length} scenarios through both hosts at once; the slow one takes about 30 s...\n`);
  const rows = await runAll({ backendUrl: stack.backend.url, sandboxUrl: stack.sandbox.url, terminal });
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
  const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
  for (const [i, row] of table.entries()) {
    console.log(row.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd());
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  if (seen.violations?.length) {
    failed = true;
    console.log(`\nsandbox violations:\n  ${seen.violations.join('\n  ')}`);
  }
  console.log(`\n${failed ? 'FAILED' : 'all scenarios as expected'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failed) {
    for (const { scenario, c } of rows) {
      if (c && c.outcome !== expected(scenario, 'c')) console.log(`\n--- C terminal, ${c.orderId}:\n${c.output}`);
    }
  }
} finally {
  await stack.stop();
}
process.exit(failed ? 1 : 0);
