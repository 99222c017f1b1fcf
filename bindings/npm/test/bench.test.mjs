// The bench's --json output, which scripts compare between runs: it runs,
// and it has every row. Its timings are not checked (they are the machine's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { pkgDir } from './oracle.mjs';

test('bench.mjs --json prints one object with every row', () => {
  const out = execFileSync(process.execPath, ['bench/bench.mjs', '0.01', '--json'], { cwd: pkgDir, encoding: 'utf8' });
  const report = JSON.parse(out);
  assert.deepEqual(report.cases.map((c) => c.case), ['pos request: build + sign', 'IPN verify from raw body', 'RSA-2048 encrypt a code']);
  for (const c of report.cases) {
    assert.ok(Object.values(c.opsPerSecond).every((ops) => ops > 0), c.case);
    assert.equal(Object.keys(c.ratios).length, Object.keys(c.opsPerSecond).length - 1, c.case);
  }
  for (const key of ['full', 'fullThroughFirstVerify', 'browser']) assert.ok(report.coldStartMs[key] > 0, key);
  assert.deepEqual(report.wasmBytes.map((w) => w.wasm), ['full', 'browser']);
  for (const w of report.wasmBytes) assert.ok(w.raw > w.gzip && w.gzip > 0 && w.brotli > 0, w.wasm);
  assert.equal(report.machine.loadavgBefore.length, 3);
});
