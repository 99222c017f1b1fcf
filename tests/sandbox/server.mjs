#!/usr/bin/env node
// The MoMo sandbox's command line. See README.md next to this file.
//   node --security-revert=CVE-2023-46809 tests/sandbox/server.mjs [options]
import fs from 'node:fs';
import { DEFAULTS, SandboxStartError, startSandbox } from './sandbox.mjs';
import { scenarioTable } from './scenarios.mjs';

/** flag -> [option name, kind] */
const FLAGS = {
  '--port': ['port', 'int'],
  '--host': ['host', 'str'],
  '--port-file': ['portFile', 'str'],
  '--private-key': ['privateKey', 'str'],
  '--partner-code': ['partnerCode', 'str'],
  '--access-key': ['accessKey', 'str'],
  '--secret-key': ['secretKey', 'str'],
  '--slow-ms': ['slowMs', 'int'],
  '--late-ms': ['lateMs', 'int'],
  '--pending-ms': ['pendingMs', 'int'],
  '--ipn-delay-ms': ['ipnDelayMs', 'int'],
  '--ipn-retry-ms': ['ipnRetryMs', 'int'],
  '--min-amount': ['minAmount', 'int'],
  '--max-amount': ['maxAmount', 'int'],
  '--refund-min-amount': ['refundMinAmount', 'int'],
  '--refund-max-amount': ['refundMaxAmount', 'int'],
};

const envName = (flag) => `MOMO_SANDBOX_${flag.slice(2).replace(/-/g, '_').toUpperCase()}`;

function usage() {
  const lines = Object.entries(FLAGS).map(([flag, [name]]) => {
    const def = name in DEFAULTS ? String(DEFAULTS[name]) : '';
    return `  ${`${flag} ${FLAGS[flag][1] === 'int' ? 'N' : 'V'}`.padEnd(22)} env ${envName(flag).padEnd(30)} default ${name === 'secretKey' ? '(public sandbox key)' : def || '-'}`;
  });
  return `MoMo Quick Pay (POS Scanner) local sandbox: a test double for POS hosts.

Usage: node --security-revert=CVE-2023-46809 tests/sandbox/server.mjs [options]

Endpoints: POST /v2/gateway/api/pos, /v2/gateway/api/query, /v2/gateway/api/confirm,
           /v2/gateway/api/refund
           GET /_sandbox/ledger, POST /_sandbox/reset

Options (each also from its environment variable; flags win):
${lines.join('\n')}
  --quiet                env MOMO_SANDBOX_QUIET=1             no request log on stderr
  --help                 this text

Scenarios, by the last four digits of the decrypted payment code (for a
refund: of the payment it refunds):
${scenarioTable()}
`;
}

function parse(argv, env) {
  const opts = {};
  const set = (flag, value) => {
    const [name, kind] = FLAGS[flag];
    if (kind === 'int') {
      if (!/^[0-9]+$/.test(value)) throw new Error(`${flag} wants a non-negative integer, not ${JSON.stringify(value)}`);
      opts[name] = Number(value);
    } else {
      opts[name] = value;
    }
  };
  for (const flag of Object.keys(FLAGS)) {
    const v = env[envName(flag)];
    if (v !== undefined && v !== '') set(flag, v);
  }
  opts.quiet = env.MOMO_SANDBOX_QUIET === '1';
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value;
    if (a === '--help' || a === '-h') return { help: true };
    if (a === '--quiet') { opts.quiet = true; continue; }
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { value = a.slice(eq + 1); a = a.slice(0, eq); }
    if (!(a in FLAGS)) throw new Error(`unknown option ${a} (see --help)`);
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      value = argv[++i];
    }
    set(a, value);
  }
  return opts;
}

let opts;
try {
  opts = parse(process.argv.slice(2), process.env);
} catch (e) {
  process.stderr.write(`momo sandbox: ${e.message}\n`);
  process.exit(64);
}
if (opts.help) {
  process.stdout.write(usage());
  process.exit(0);
}

const { portFile, quiet, ...rest } = opts;
let sb;
try {
  sb = await startSandbox({
    ...rest,
    log: quiet ? undefined : (line) => process.stderr.write(`[sandbox ${new Date().toISOString()}] ${line}\n`),
  });
} catch (e) {
  process.stderr.write(`momo sandbox: ${e.message}\n`);
  process.exit(e instanceof SandboxStartError && e.code === 'pkcs1' ? 2 : 1);
}
if (portFile) fs.writeFileSync(portFile, String(sb.port));
process.stdout.write(`MoMo sandbox on ${sb.url}\n`);

const stop = () => { sb.close().then(() => process.exit(0)); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
