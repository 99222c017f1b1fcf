// What the sandbox does with a payment, chosen by the last four digits of the
// decrypted, normalized payment code (the 14 digits before are free). The
// refund scenarios (1088, 1080, 0505, 0445) pay normally; what they change is
// the answer to a refund of that payment.

/**
 * @typedef {object} Scenario
 * @property {string} name    the ledger's `scenario`
 * @property {string} last4
 * @property {string} pos     what the pos answer is
 * @property {string} after   what happens afterwards
 */

/** @type {Scenario[]} */
export const SCENARIOS = [
  { last4: '0000', name: 'paid', pos: '0', after: 'IPN 0' },
  { last4: '9000', name: 'authorized', pos: '9000 when autoCapture=false (0 when true)', after: 'confirm capture -> 0 (+IPN 0); cancel -> 0, state 1003 (+IPN 1003)' },
  { last4: '1000', name: 'pending', pos: '1000', after: 'after pendingMs the state becomes 0, IPN 0' },
  { last4: '0504', name: 'slow', pos: 'held slowMs, then 0', after: 'charged when received: queries say 0 at once; IPN 0' },
  { last4: '0444', name: 'dropped', pos: 'connection destroyed, no answer', after: 'charged: queries say 0; IPN 0 (a resend of the same bytes gets 0)' },
  { last4: '1001', name: 'insufficient_funds', pos: '1001', after: 'IPN 1001' },
  { last4: '1006', name: 'user_denied', pos: '1000', after: 'after pendingMs 1006, IPN 1006' },
  { last4: '4005', name: 'code_expired', pos: '4005', after: '-' },
  { last4: '0044', name: 'invalid_code', pos: '44', after: '- (no payment: the orderId stays free)' },
  { last4: '9099', name: 'confirm_answered_99', pos: 'as 9000', after: 'a confirm is carried out (capture: charged, state 0, IPN 0; cancel: state 1003, IPN 1003) but answered 99; queries say the state' },
  { last4: '9444', name: 'late_query', pos: 'as 9000, but the connection is destroyed (no answer)', after: 'the first query is answered lateMs after it arrives, with the state then (9000); meanwhile, ipnDelayMs after it arrived, an IPN of the state (9000) goes out; confirm as 9000' },
  { last4: '1088', name: 'not_refundable', pos: '0', after: 'IPN 0; every refund of it answers 1088' },
  { last4: '1080', name: 'refund_retry_later', pos: '0', after: 'IPN 0; the first refund request per refund orderId answers 1080 and refunds nothing; later ones (new requestId) refund' },
  { last4: '0505', name: 'refund_slow', pos: '0', after: 'IPN 0; a refund is applied when received (queries list it at once), its answer held slowMs' },
  { last4: '0445', name: 'refund_dropped', pos: '0', after: 'IPN 0; a refund is applied, its connection destroyed (no answer); a resend of the same bytes gets the 0' },
];

const BY_LAST4 = new Map();
for (const s of SCENARIOS) {
  // Two rows on one ending would silently shadow each other.
  if (BY_LAST4.has(s.last4)) throw new Error(`scenario ending ${s.last4} is used twice`);
  BY_LAST4.set(s.last4, s.name);
}

/** The scenario name for a normalized payment code; "paid" by default. */
export function scenarioOf(code) {
  return BY_LAST4.get(code.slice(-4)) ?? 'paid';
}

/** The table as text, for `--help` and the README. */
export function scenarioTable() {
  const rows = [['last 4', 'scenario', 'pos answer', 'afterwards'],
    ...SCENARIOS.map((s) => [s.last4, s.name, s.pos, s.after]),
    ['other', 'paid', '0', 'IPN 0']];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(w[i]) : c)).join('  ')).join('\n');
}
