// One PaymentDriver per payment attempt, run with the package README's host
// loop: the driver decides every send, retry, query and deadline; this file
// only performs what it asks, persists its snapshot before every send, and
// tells the cashier's page (server-sent events) whenever its status changes.
//
// The driver can move on while a request is still out: an IPN or the
// cashier's decision settles or authorizes the payment during a status
// query, and the next action is a new send (the capture) or the end. So a
// send is performed in the background and its fate reported whenever it
// comes, always with the id of the send it is about: the driver journals a
// late one as stale and changes nothing. The loop itself only asks for the
// next action, starts the sends it has not started yet, and sleeps until
// something happens.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PaymentDriver, isMomoError } from 'momo-pos';
import { Alarm, post } from './sends.mjs';
import { writeFileAtomic } from './store.mjs';

/** A payment of `ref` has MoMo orderId `<ref>-<n>`. */
const refOf = (momoOrderId) => momoOrderId.replace(/-\d+$/, '');

/** How long past a send's deadline the loop waits before ticking (the fetch's own timeout comes first). */
const SEND_GRACE_MS = 1000;

class PaymentRun {
  #alarm = new Alarm(); // a send's fate, an IPN or the cashier's decision ends its sleep early
  #lastSent = '';
  /** @type {Set<number>} ids of the sends being performed */
  #performing = new Set();

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

  /** Requests whose fate is not reported yet (the one in flight and late ones). */
  get outstanding() {
    return this.#performing.size;
  }

  wake() {
    this.#alarm.wake();
  }

  /**
   * POSTs a send in the background and reports its fate with its id when it
   * comes, whatever the driver is doing by then (a late one is journaled as
   * stale). Then the loop wakes to look at the next action.
   */
  #perform(action) {
    const { driver } = this;
    this.#performing.add(action.id);
    post(driver, action)
      .then((feed) => {
        this.#performing.delete(action.id);
        feed();
        if (this.done) this.persist(); // the journal of a finished payment grew
        this.changed();
        this.wake();
      })
      .catch((e) => {
        // handle*() throws only for arguments it refuses: a bug, not MoMo.
        console.error(`payment ${this.momoOrderId}: reporting send #${action.id} failed: ${e?.stack ?? e}`);
      });
  }

  async run() {
    const { driver } = this;
    for (let action = driver.nextAction(); action.type !== 'done'; action = driver.nextAction()) {
      this.changed();
      let untilMs;
      if (action.type === 'send') {
        // The same send stays the next action until its fate is reported:
        // started once, recognised by its id.
        if (!this.#performing.has(action.id)) {
          this.persist(); // write-ahead: after a crash, restore() asks for these bytes again
          this.#perform(action);
        }
        // Its fetch times out by itself; past the deadline a tick makes the
        // driver count it lost even if the fetch hangs.
        untilMs = action.deadlineMs + SEND_GRACE_MS;
      } else {
        // 'wait' and 'decide' end at untilMs; an IPN or the cashier's
        // decision (applied to the driver by their handlers) ends them early.
        untilMs = action.untilMs;
      }
      const why = await this.#alarm.sleepUntil(untilMs);
      if (why === 'timer') driver.tick();
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
        driver = PaymentDriver.restore(this.client, snapshot);
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
    const driver = PaymentDriver.start(this.client, payment, undefined, this.config); // nowMs: Date.now()
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
    run.driver.handleIpn(rawBody);
    if (run.done) run.persist();
    run.changed();
    run.wake();
    return true;
  }

  /** The cashier's capture or cancel; throws MomoError invalidState when none is expected. */
  decide(run, decision) {
    run.driver.decide(decision);
    run.changed();
    run.wake();
  }
}
