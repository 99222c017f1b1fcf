// What the worst-case bodies of tests/hostile cost through the npm package
// in Node: MomoClient.verifyIpn on each (the raw Buffer, as an IPN handler
// gets it), beside JSON.parse of the same bytes. Run after
// scripts/build-npm.sh:
//   node bindings/npm/bench/hostile.mjs [seconds-per-body] [--json]
// Prints µs per call (the median of 7 rounds); not run by the tests (timings
// depend on the machine; the tests check the verdicts and the work bound).
import { readFileSync } from 'node:fs';
import { MomoClient } from 'momo-pos';
import { credentials, repo } from '../test/oracle.mjs';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const seconds = Number(args.find((a) => !a.startsWith('--')) ?? 0.5);
const dir = `${repo}tests/hostile/`;
const corpus = JSON.parse(readFileSync(`${dir}corpus.json`, 'utf8'));
const client = new MomoClient(credentials);

/** Microseconds per call: the median of 7 rounds of `seconds / 7` each. */
function microseconds(fn) {
  for (let i = 0; i < 20; i++) fn();
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round((seconds / 7) * 1e9));
    let elapsed = 0n;
    while (elapsed < budget) {
      fn();
      calls++;
      elapsed = process.hrtime.bigint() - start;
    }
    rounds.push(Number(elapsed) / 1e3 / calls);
  }
  return rounds.sort((a, b) => a - b)[3];
}

const rows = corpus.map(({ file, bytes, expect }) => {
  const body = readFileSync(dir + file);
  const verify = () => {
    try {
      client.verifyIpn(body);
    } catch {
      // Refused, as expected: the cost of refusing is what is measured.
    }
  };
  const parse = () => {
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      // duplicate-at-end and friends are valid JSON; nothing else throws.
    }
  };
  return { body: file.replace(/\.json$/, ''), bytes, expect, verifyUs: microseconds(verify), jsonParseUs: microseconds(parse) };
});

if (asJson) {
  console.log(JSON.stringify({ node: process.version, seconds, rows }));
} else {
  console.log('| body | bytes | verdict | verifyIpn µs | JSON.parse µs |');
  console.log('|---|---:|---|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.body} | ${r.bytes} | ${r.expect} | ${r.verifyUs.toFixed(1)} | ${r.jsonParseUs.toFixed(1)} |`);
  }
  const worst = rows.reduce((a, b) => (b.verifyUs > a.verifyUs ? b : a));
  console.log(`\nworst: ${worst.body}, ${worst.verifyUs.toFixed(1)} µs per verifyIpn`);
}
