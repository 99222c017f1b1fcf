// One PaymentDriver per payment attempt, run with the package README's host
// loop: the driver decides every send, retry, query and deadline; this file
// only performs what it asks, persists its snapshot before every send, and
// tells the cashier's page (server-sent events) whenever its status changes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PaymentDriver, isMomoError } from 'momo-pos';
import { writeFileAtomic } from './store.mjs';

/** A payment of `ref` has MoMo orderId `<ref>-<n>`. */
const refOf = (momoOrderId) => momoOrderId.replace(/-\d+$/, '');

class PaymentRun {
  #wake = null; // resolves the current wait early (IPN, cashier decision)
  #lastSent = '';

  constructor(payments, driver) {
    this.payments = payments;
    this.driver = driver;
    this.momoOrderId = driver.orderId;
    this.ref = refOf(driver.orderId);
  }

  /** DriverStatus plus the ids the page needs, as the SSE stream sends it. */
  event() {
    // serverNowMs lets the page count down to deadlineMs (host clock) even
    // when the browser's clock differs from the server's.
    return { ...this.driver.status, momoOrderId: this.momoOrderId, ref: this.ref, serverNowMs: Date.now() };
  }

  /** Tells every listener, when something other than the clock changed. */
  changed() {
    const event = this.event();
    const { serverNowMs, ...rest } = event;
    const key = JSON.stringify(rest);
    if (key === this.#lastSent) return;
    this.#lastSent = key;
    this.payments.emit(this, event);
  }

  get done() {
    return this.driver.stage === 'done';
  }

  persist() {
    this.payments.persist(this.momoOrderId, this.driver.snapshot());
  }

  /** Resolves 'timer' at `untilMs`, or 'event' as soon as wake() is called. */
  #sleepUntil(untilMs) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish('timer'), Math.max(0, untilMs - Date.now()));
      const finish = (why) => {
        clearTimeout(timer);
        this.#wake = null;
        resolve(why);
      };
      this.#wake = () => finish('event');
    });
  }

  wake() {
    this.#wake?.();
  }

  async run() {
    const { driver } = this;
    const client = this.payments.client;
    for (let action = driver.nextAction(); action.type !== 'done'; action = driver.nextAction()) {
      this.changed();
      if (action.type === 'send') {
        this.persist(); // write-ahead: after a crash, restore() asks for these bytes again
        try {
          const res = await fetch(action.url, {
            method: 'POST',
            headers: action.headers,
            body: action.body,
            signal: AbortSignal.timeout(action.timeoutMs),
          });
          // Raw text, never res.json(): transId may pass 2^53.
          const text = await res.text();
          driver.handleResponse(client, Date.now(), res.status, text);
        } catch (e) {
          if (e?.name === 'TimeoutError') driver.handleTimeout(client, Date.now());
          else driver.handleNetworkError(client, Date.now());
        }
      } else {
        // 'wait' and 'decide' both end at untilMs; an IPN or the cashier's
        // decision (applied to the driver by their handlers) ends them early,
        // and then the clock has not reached untilMs: no tick.
        const why = await this.#sleepUntil(action.untilMs);
        if (why === 'timer') driver.tick(client, Date.now());
      }
    }
    this.persist();
    this.changed();
    const outcome = driver.outcome;
    console.log(`payment ${this.momoOrderId}: ${outcome.outcome}` +
      (driver.anomalies.length ? ` (${driver.anomalies.length} anomalies: ${driver.anomalies.map((a) => a.text).join('; ')})` : ''));
  }
}

export class Payments {
  /** @type {Map<string, PaymentRun>} by MoMo orderId */
  runs = new Map();
  /** @type {Map<string, Set<(event: object) => void>>} the pages following an order */
  #listeners = new Map();

  /**
   * @param {object} o
   * @param {import('momo-pos').MomoClient} o.client
   * @param {string | null} o.dir where snapshots go (null: memory only)
   * @param {object} [o.config] partial DriverConfig
   */
  constructor({ client, dir, config }) {
    this.client = client;
    this.dir = dir;
    this.config = config;
  }

  persist(momoOrderId, snapshot) {
    if (this.dir) writeFileAtomic(join(this.dir, `${momoOrderId}.json`), snapshot);
  }

  /** Reloads every payment from its snapshot; runs the unfinished ones again. */
  restore() {
    if (!this.dir) return 0;
    let resumed = 0;
    let names = [];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
    for (const name of names) {
      const snapshot = readFileSync(join(this.dir, name), 'utf8');
      let driver;
      try {
        driver = PaymentDriver.restore(snapshot, Date.now());
      } catch (e) {
        console.error(`state: ${name} is not a driver snapshot (${isMomoError(e) ? e.code : e.message}); skipped`);
        continue;
      }
      const run = new PaymentRun(this, driver);
      this.runs.set(run.momoOrderId, run);
      if (!run.done) {
        resumed += 1;
        this.#start(run);
      }
    }
    return resumed;
  }

  /** Starts a payment; throws MomoError when the input is refused. */
  start(payment) {
    const driver = PaymentDriver.start(this.client, payment, Date.now(), this.config);
    const run = new PaymentRun(this, driver);
    this.runs.set(run.momoOrderId, run);
    this.#start(run);
    return run;
  }

  #start(run) {
    run.run().catch((e) => {
      // The driver does not throw for what MoMo or the network does; this is
      // a bug or a full disk. The snapshot on disk lets a restart resume.
      console.error(`payment ${run.momoOrderId}: runner stopped: ${e?.stack ?? e}`);
    });
  }

  /** Calls `listener` with every change of the order's current payment; returns the unsubscribe. */
  subscribe(ref, listener) {
    let set = this.#listeners.get(ref);
    if (!set) this.#listeners.set(ref, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(ref);
    };
  }

  emit(run, event) {
    // A late IPN of an earlier (declined) attempt must not replace what the
    // page shows for the attempt in progress.
    if (this.current(run.ref) !== run) return;
    for (const listener of this.#listeners.get(run.ref) ?? []) listener(event);
  }

  /** Every payment of an order, oldest first. */
  ofOrder(ref) {
    const attempt = (r) => Number(r.momoOrderId.slice(ref.length + 1));
    // Sorted by attempt number: restore() loads files in directory order.
    return [...this.runs.values()].filter((r) => r.ref === ref).sort((a, b) => attempt(a) - attempt(b));
  }

  /** The latest payment of an order, or undefined. */
  current(ref) {
    return this.ofOrder(ref).at(-1);
  }

  /**
   * A verified IPN, routed to its payment. Throws MomoError when it does
   * not verify; returns false when no payment of ours has that orderId.
   */
  handleIpn(rawBody) {
    const notification = this.client.verifyIpn(rawBody);
    const run = this.runs.get(notification.orderId);
    if (!run) return false;
    // The driver checks amount and requestId against its payment itself and
    // journals a mismatch as an anomaly; a late IPN can still settle an
    // "unknown" outcome, so done payments take it too.
    run.driver.handleIpn(this.client, Date.now(), rawBody);
    if (run.done) run.persist();
    run.changed();
    run.wake();
    return true;
  }

  /** The cashier's capture or cancel; throws MomoError invalid_state when none is expected. */
  decide(run, decision) {
    run.driver.decide(this.client, Date.now(), decision);
    run.changed();
    run.wake();
  }
}
