// One RefundDriver per refund request, run with the host loop of the
// package README, as payments.mjs runs a PaymentDriver: the driver decides
// every send, resend of the same bytes, status query of the payment and
// deadline; this file performs what it asks, persists its snapshot before
// every send, and tells the cashier's page (server-sent events) whenever the
// refund's step changes.
//
// A refund has no IPN and no cashier decision: nothing but the fate of its
// own send moves it on. The sends are still performed in the background and
// reported with their ids, so a fetch that hangs past its deadline is
// counted lost by a tick (and journaled as stale if it comes back at last).
//
// Each refund is an entry of its order (orders.json: order.refunds), written
// before its driver first sends; its snapshot lives in
// STATE_DIR/refunds/<requestId>.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RefundDriver, isMomoError } from 'momo-pos';
import { Alarm, post } from './sends.mjs';
import { writeFileAtomic } from './store.mjs';

const SEND_GRACE_MS = 1000;

/** The refund's step as the cashier reads it: sending, resending, checking, waiting, done. */
function stepOf(action) {
  if (action.type === 'done') return 'done';
  if (action.type === 'wait') return 'waiting';
  if (action.endpoint === 'query') return 'checking';
  return action.attempt > 1 ? 'resending' : 'sending';
}

/** What a refund counts for "what is left": a refund that may have gone back counts. */
export function counts(entry) {
  return entry.state !== 'done' || entry.outcome?.outcome === 'refunded' || entry.outcome?.outcome === 'unknown';
}

class RefundRun {
  #alarm = new Alarm();
  #lastSent = '';
  /** @type {Set<number>} */
  #performing = new Set();

  /**
   * @param {Refunds} refunds
   * @param {RefundDriver} driver
   * @param {object} entry the order's record of this refund (orders.json)
   * @param {string} ref the order's ref
   */
  constructor(refunds, driver, entry, ref) {
    this.refunds = refunds;
    this.driver = driver;
    this.entry = entry;
    this.ref = ref;
    this.requestId = driver.requestId;
  }

  get done() {
    return this.driver.nextAction().type === 'done';
  }

  /** The live part of the refund's view: its step, MoMo's last word, the journal. */
  status() {
    const action = this.driver.nextAction();
    return {
      step: stepOf(action),
      attempt: action.type === 'send' ? action.attempt : null,
      lastResult: this.driver.lastResult,
      outcome: this.driver.outcome,
      log: this.driver.log,
      anomalies: this.driver.anomalies.length,
    };
  }

  changed() {
    const { step, attempt, outcome, log } = this.status();
    const key = JSON.stringify([this.entry.state, step, attempt, outcome, log.length]);
    if (key === this.#lastSent) return;
    this.#lastSent = key;
    this.refunds.emit(this.ref);
  }

  persist() {
    this.refunds.persist(this.requestId, this.driver.snapshot());
  }

  #perform(action) {
    const { driver } = this;
    this.#performing.add(action.id);
    post(driver, action)
      .then((feed) => {
        this.#performing.delete(action.id);
        feed();
        if (this.done) this.persist(); // a late answer grew a finished refund's journal
        this.changed();
        this.#alarm.wake();
      })
      .catch((e) => console.error(`refund ${this.requestId}: reporting send #${action.id} failed: ${e?.stack ?? e}`));
  }

  async run() {
    const { driver } = this;
    for (let action = driver.nextAction(); action.type !== 'done'; action = driver.nextAction()) {
      this.changed();
      let untilMs;
      if (action.type === 'send') {
        if (!this.#performing.has(action.id)) {
          this.persist(); // write-ahead: after a crash, restore() asks for these bytes again
          this.#perform(action);
        }
        untilMs = action.deadlineMs + SEND_GRACE_MS;
      } else {
        untilMs = action.untilMs; // the next status query of the payment, or the deadline
      }
      const why = await this.#alarm.sleepUntil(untilMs);
      if (why === 'timer') driver.tick();
    }
    this.persist();
    this.refunds.settle(this);
    this.changed();
    const o = driver.outcome;
    console.log(`refund ${this.requestId} of ${driver.paymentOrderId} (${driver.amount} VND): ${o.outcome}` +
      (o.outcome === 'refused' ? ` ${o.resultCode}` : '') +
      (driver.anomalies.length ? ` (${driver.anomalies.length} anomalies: ${driver.anomalies.map((a) => a.text).join('; ')})` : ''));
  }
}

export class Refunds {
  /** @type {Map<string, RefundRun>} by the refund's requestId */
  runs = new Map();
  /** @type {Map<string, Set<() => void>>} by order ref */
  #listeners = new Map();

  /**
   * @param {object} o
   * @param {import('momo-pos').MomoClient} o.client
   * @param {import('./orders.mjs').Orders} o.orders where each refund's entry is kept
   * @param {string | null} o.dir where snapshots go (null: memory only)
   * @param {object} [o.config] partial RefundConfig
   */
  constructor({ client, orders, dir, config }) {
    this.client = client;
    this.orders = orders;
    this.dir = dir;
    this.config = config;
  }

  persist(requestId, snapshot) {
    if (this.dir) writeFileAtomic(join(this.dir, `${requestId}.json`), snapshot);
  }

  /** A refund of the order is still running. */
  running(ref) {
    return [...this.runs.values()].some((r) => r.ref === ref && !r.done);
  }

  /**
   * Starts a refund: checks it against the payment (the driver's guard:
   * the payment's transId, at most paid - refunded), signs it once, records
   * its entry with the order, then runs it. Throws MomoError when the input
   * or the guard refuses it: then nothing was recorded or sent.
   */
  start(order, { refund, payment, reason, retryOf }) {
    const driver = RefundDriver.start(this.client, refund, payment, undefined, this.config);
    const entry = {
      orderId: refund.orderId,
      requestId: refund.requestId,
      amount: refund.amount,
      reason,
      lang: refund.lang,
      paymentOrderId: payment.orderId,
      retryOf: retryOf ?? null,
      createdAt: Date.now(),
      state: 'running',
      outcome: null,
    };
    this.orders.addRefund(order, entry); // before the first send: a restart finds it
    return this.#run(new RefundRun(this, driver, entry, order.ref));
  }

  #run(run) {
    this.runs.set(run.requestId, run);
    run.run().catch((e) => {
      console.error(`refund ${run.requestId}: runner stopped: ${e?.stack ?? e}`);
    });
    return run;
  }

  /** The refund ended: its outcome goes into the order's entry. */
  settle(run) {
    const o = run.driver.outcome;
    Object.assign(run.entry, {
      state: 'done',
      outcome: o,
      transId: o.outcome === 'refunded' ? o.transId : null,
      resultCode: run.driver.lastResult?.code ?? null,
      endedAt: Date.now(),
    });
    this.orders.save();
  }

  /**
   * After a restart: every refund entry of every order gets its driver back
   * from its snapshot; the unfinished ones run on (the request in flight is
   * asked for again, byte for byte). An entry whose driver never persisted
   * a snapshot never sent anything: it starts again with the same ids.
   */
  restore(paidPaymentOf) {
    let resumed = 0;
    let names = new Set();
    try {
      if (this.dir) names = new Set(readdirSync(this.dir).filter((n) => n.endsWith('.json')));
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
    for (const order of this.orders.list()) {
      for (const entry of order.refunds ?? []) {
        const file = this.dir && join(this.dir, `${entry.requestId}.json`);
        let driver;
        try {
          if (file && names.has(`${entry.requestId}.json`) && existsSync(file)) {
            driver = RefundDriver.restore(this.client, readFileSync(file, 'utf8'));
          } else if (entry.state !== 'done') {
            const payment = paidPaymentOf(order, entry);
            driver = RefundDriver.start(this.client, {
              orderId: entry.orderId, requestId: entry.requestId, amount: entry.amount,
              transId: payment.transId, description: entry.reason, lang: entry.lang,
            }, payment, undefined, this.config);
          } else {
            continue; // finished, snapshot gone: the entry says it all
          }
        } catch (e) {
          console.error(`state: refund ${entry.requestId} cannot be resumed (${isMomoError(e) ? `${e.code}: ${e.message}` : e.message})`);
          continue;
        }
        const run = new RefundRun(this, driver, entry, order.ref);
        if (run.done) {
          this.runs.set(run.requestId, run);
          if (entry.state !== 'done') this.settle(run); // stopped between its last snapshot and the order table
        } else {
          resumed += 1;
          this.#run(run);
        }
      }
    }
    return resumed;
  }

  /** The live status of a refund entry (its driver's), or null after a restart lost it. */
  statusOf(entry) {
    return this.runs.get(entry.requestId)?.status() ?? null;
  }

  subscribe(ref, listener) {
    let set = this.#listeners.get(ref);
    if (!set) this.#listeners.set(ref, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(ref);
    };
  }

  emit(ref) {
    for (const listener of this.#listeners.get(ref) ?? []) listener();
  }
}
