// The cashier page in a real (headless) Chromium, against the demo backend
// and the local MoMo sandbox, both started here as child processes. Each
// scenario has its own order and browser context, so they run concurrently:
// the suite takes about as long as its slowest scenario (a pos answer held
// past the 30 s client timeout).
//
//   bash scripts/build-demo.sh && node --test tests/e2e/cashier.test.mjs
// Env: E2E_CHROMIUM (browser path, default /usr/bin/chromium).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { FAST_POLLS, FAST_REFUND_POLLS } from './scenarios.mjs';
import { CREDENTIALS, ROOT, ledger, startBackend, startSandbox } from './stack.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(HERE, 'artifacts');
const SLOW_MS = 31000;
const PENDING_MS = 1500;

const tmp = mkdtempSync(join(tmpdir(), 'momo-pos-e2e-'));
const children = [];
let momo; // sandbox base URL
let base; // backend base URL
let browser;

/** A backend of its own (state dir, port) against the shared sandbox. */
async function ownBackend(name, stateDir) {
  const backend = await startBackend(momo, { name, stateDir, driverConfig: FAST_POLLS, refundConfig: FAST_REFUND_POLLS });
  children.push(backend);
  return backend;
}

async function api(path, init = {}, at = base) {
  const res = await fetch(at + path, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function newOrder(items = [{ id: 'cfsd', quantity: 2 }, { id: 'flan', quantity: 1 }], at = base) {
  const { status, body } = await api('/api/orders', { method: 'POST', body: JSON.stringify({ items }) }, at);
  assert.equal(status, 201);
  return body;
}

// 14 free digits then the scenario's four: every test's code is unique.
let codeSeq = 0;
const code = (last4) => `MM${String(Date.now() % 1e9).padStart(9, '0')}${String(++codeSeq).padStart(5, '0')}${last4}`;

// Two scenarios go first, alone: the slow one, whose 30 s timeout is the
// suite's critical path, and the pending one, whose 1.5 s "waiting for the
// shopper" state is screenshotted (the two slow refunds start early too). The other pages open once both are past
// that (or after 10 s, when a name filter left them out): on a small
// machine, 18 pages loading at once would delay them by many seconds.
const deferred = () => {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
};
const slowScanned = deferred();
const waitingShot = deferred();
const firstsDone = Promise.all([slowScanned.promise, waitingShot.promise]);
setTimeout(() => (slowScanned.resolve(), waitingShot.resolve()), 10000).unref();

/** A fresh browser context (own localStorage) on the order's page, idle. */
async function openCashier(ref, at = base, { first = false } = {}) {
  if (!first) await firstsDone;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const payRequests = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/pay')) payRequests.push(r.url());
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${at}/?order=${ref}`);
  await page.waitForSelector('#status[data-stage="idle"]');
  return { page, context, payRequests, errors };
}

/** What a keyboard-wedge scanner does: fast keystrokes, then Enter. */
async function scan(page, text) {
  // The field must hold the focus by itself: the cashier never clicks it.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'scan');
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press('Enter');
}

const done = (page, outcome, timeout = 30000) =>
  page.waitForSelector(`#status[data-stage="done"][data-outcome="${outcome}"]`, { timeout });

// The viewport only, animations stopped: quick enough to catch the 1.5 s
// "waiting for the shopper" state on a loaded machine.
const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: 'disabled' });

/** Opens a new order's page, scans a code ending in `last4`, returns the page. */
async function pay(last4, items, options) {
  const order = await newOrder(items);
  const cashier = await openCashier(order.ref, base, options);
  await scan(cashier.page, code(last4));
  return { ...cashier, order };
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const sandbox = await startSandbox({ slowMs: SLOW_MS, pendingMs: PENDING_MS });
  children.push(sandbox);
  momo = sandbox.url;
  base = (await ownBackend('backend', join(tmp, 'state'))).url;
  browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
});

after(async () => {
  // A correct client never makes the sandbox record a violation (a second
  // charge, a confirm of a payment not authorized...).
  const seen = await ledger(momo).catch(() => null);
  await browser?.close();
  for (const child of children.reverse()) await child.stop();
  rmSync(tmp, { recursive: true, force: true });
  assert.ok(seen, 'the sandbox answered at the end');
  assert.deepEqual(seen.violations, []);
});

describe('cashier page', { concurrency: true }, () => {
  // First: the longest scenario (a 30 s timeout) starts before the others load the machine.
  test('slow answer (0504) past the 30 s timeout: paid, charged once', async () => {
    const { page, context, order } = await pay('0504', undefined, { first: true }).finally(slowScanned.resolve);
    await done(page, 'paid', SLOW_MS + 30000);
    // The IPN usually tells "paid" first; the held pos answer still ends in
    // the client's 30 s timeout, which the backend reports with the send's
    // id: the driver journals it as a timeout, or as stale once settled. One
    // attempt, charged once.
    const heldAnswerSeen = (log) => log.some((e) => e.kind === 'timeout' || e.kind === 'stale');
    let body;
    for (const t0 = Date.now(); Date.now() - t0 < SLOW_MS + 10000; await sleep(500)) {
      ({ body } = await api(`/api/orders/${order.ref}`));
      if (heldAnswerSeen(body.payment.log)) break;
    }
    assert.ok(heldAnswerSeen(body.payment.log), 'the pos call timed out');
    assert.equal(body.payments.length, 1);
    const ledger = await fetch(`${momo}/_sandbox/ledger`).then((r) => (r.ok ? r.json() : null));
    if (ledger) assert.equal(ledger.orders[`${order.ref}-1`].charges, 1);
    assert.deepEqual(body.payment.outcome.outcome, 'paid');
    await context.close();
  });

  test('paid (0000): amount in VND, the outcome and MoMo transId shown', async () => {
    const order = await newOrder();
    const { page, context, errors } = await openCashier(order.ref);
    assert.equal(await page.textContent('#amount'), new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' }).format(order.total));
    assert.match(await page.textContent('#amount'), /78\.000\s₫/);
    await shot(page, 'idle-with-order');
    await scan(page, code('0000'));
    await done(page, 'paid');
    // transId passes 2^53: shown with every digit.
    assert.match(await page.textContent('#result-message'), /\b9\d{15}\b/);
    assert.equal(await page.isDisabled('#scan'), true, 'a paid order takes no other scan');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'new-order');
    await shot(page, 'paid');
    const again = await api(`/api/orders/${order.ref}/pay`, { method: 'POST', body: JSON.stringify({ encryptedPaymentCode: 'AAAA', lang: 'vi' }) });
    assert.equal(again.status, 409, 'a paid order is never charged again');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('authorized (9000) then Capture with Alt+C', async () => {
    const { page, context } = await pay('9000');
    await page.waitForSelector('#status[data-stage="authorized"]');
    await page.waitForSelector('#capture', { state: 'visible' });
    assert.ok(await page.isVisible('#cancel'));
    assert.match(await page.textContent('#countdown'), /\d:\d\d/);
    await shot(page, 'authorized');
    await page.keyboard.press('Alt+KeyC');
    await done(page, 'paid');
    assert.equal(await page.isVisible('#capture'), false);
    await context.close();
  });

  test('authorized (9000) then Cancel with Alt+X: no money taken', async () => {
    const { page, context } = await pay('9000');
    await page.waitForSelector('#cancel', { state: 'visible' });
    await page.keyboard.press('Alt+KeyX');
    await done(page, 'cancelled');
    await shot(page, 'cancelled');
    // No money moved: the cashier may scan again.
    assert.equal(await page.isDisabled('#scan'), false);
    await context.close();
  });

  test('authorized by an IPN while a late status query is out (9444): Capture pays, the late answer is stale', async () => {
    const { page, context, order } = await pay('9444');
    await page.waitForSelector('#status[data-stage="authorized"]');
    await page.waitForSelector('#capture', { state: 'visible' });
    await page.keyboard.press('Alt+KeyC');
    await done(page, 'paid');
    let log = [];
    for (const t0 = Date.now(); Date.now() - t0 < 15000; await sleep(250)) {
      log = (await api(`/api/orders/${order.ref}`)).body.payment.log;
      if (log.some((e) => e.kind === 'stale')) break;
    }
    assert.ok(log.some((e) => e.kind === 'stale'), `the late query answer is journaled as stale: ${log.map((e) => e.kind)}`);
    // The page shows the journal line too.
    await page.waitForFunction(() => document.getElementById('journal').textContent.includes('no longer in flight'));
    const seen = (await ledger(momo)).orders[`${order.ref}-1`];
    assert.equal(seen.charges, 1);
    assert.equal(seen.confirms.length, 1);
    await context.close();
  });

  test('capture answered 99 (9099): checked with MoMo, paid', async () => {
    const { page, context, order } = await pay('9099');
    await page.waitForSelector('#capture', { state: 'visible' });
    await page.keyboard.press('Alt+KeyC');
    await done(page, 'paid');
    const seen = (await ledger(momo)).orders[`${order.ref}-1`];
    assert.deepEqual(seen.confirms.map((c) => c.resultCode), [99]);
    assert.equal(seen.charges, 1);
    await context.close();
  });

  test('pending (1000): waiting for the shopper, then paid', async () => {
    const { page, context } = await pay('1000', undefined, { first: true }).catch((e) => {
      waitingShot.resolve();
      throw e;
    });
    try {
      await page.waitForSelector('#status[data-stage="paying"][data-step="waiting"]');
      await shot(page, 'waiting');
    } finally {
      waitingShot.resolve();
    }
    await done(page, 'paid');
    await context.close();
  });

  test('dropped answer (0444): the status query finds it paid', async () => {
    const { page, context } = await pay('0444');
    await done(page, 'paid');
    await context.close();
  });

  for (const [last4, resultCode] of [['1001', 1001], ['1006', 1006], ['4005', 4005], ['0044', 44]]) {
    test(`declined (${last4}): result ${resultCode} explained, a new scan allowed`, async () => {
      const { page, context } = await pay(last4);
      await page.waitForSelector('#status[data-stage="done"]', { timeout: 30000 });
      assert.notEqual(await page.getAttribute('#status', 'data-outcome'), 'paid');
      const message = await page.textContent('#result-message');
      assert.match(message, new RegExp(`\\(${resultCode}\\)`));
      if (last4 === '1001') {
        await shot(page, 'declined');
        // The shopper reads the other language: Alt+L switches it.
        await page.keyboard.press('Alt+KeyL');
        await page.waitForFunction(() => document.documentElement.lang === 'en');
        assert.equal(await page.inputValue('#lang'), 'en');
        const english = await page.textContent('#result-message');
        assert.notEqual(english, message);
        assert.match(english, /insufficient|balance|funds/i);
      }
      assert.equal(await page.isDisabled('#scan'), false);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'scan');
      await context.close();
    });
  }

  test('declined then a new scan of the same order pays (a second MoMo orderId)', async () => {
    const { page, context, order } = await pay('1001');
    await done(page, 'declined');
    await scan(page, code('0000'));
    await done(page, 'paid');
    const { body } = await api(`/api/orders/${order.ref}`);
    assert.deepEqual(body.payments.map((p) => p.momoOrderId), [`${order.ref}-1`, `${order.ref}-2`]);
    await context.close();
  });

  test('a locally invalid code is explained and never sent', async () => {
    const order = await newOrder();
    const { page, context, payRequests } = await openCashier(order.ref);
    // An incomplete code is "keep scanning", not an error...
    await page.keyboard.type('MM12345', { delay: 5 });
    assert.equal(await page.textContent('#scan-error'), '');
    // ...a wrong character is an error at once, with the reason.
    await page.keyboard.type('X', { delay: 5 });
    await page.waitForFunction(() => document.getElementById('scan-error').textContent.includes("'X'"));
    await page.keyboard.press('Enter');
    await shot(page, 'invalid-code');
    assert.equal(await page.getAttribute('#status', 'data-stage'), 'idle');
    assert.equal(await page.evaluate(() => { const f = document.getElementById('scan'); return f.value.slice(f.selectionStart, f.selectionEnd); }), 'MM12345X',
      'the bad text is selected: the next scan replaces it');
    // Enter on an incomplete code explains it too.
    await page.fill('#scan', 'MM1234');
    await page.keyboard.press('Enter');
    assert.match(await page.textContent('#scan-error'), /4\/18/);
    await sleep(300);
    assert.deepEqual(payRequests, []);
    const { body } = await api(`/api/orders/${order.ref}`);
    assert.deepEqual(body.payments, []);
    await context.close();
  });

  test('scanner noise (AIM prefix) is accepted; a pasted code pays at once', async () => {
    const { page, context } = await pay('0000');
    await done(page, 'paid');
    await context.close();
    const order = await newOrder();
    const cashier = await openCashier(order.ref);
    await cashier.page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      document.getElementById('scan').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, `]Q1${code('0000')}\r\n`);
    await done(cashier.page, 'paid');
    await cashier.context.close();
  });

  test('reload while waiting for the shopper resumes and finishes', async () => {
    const { page, context } = await pay('1000');
    await page.waitForSelector('#status[data-stage="paying"]');
    await page.reload();
    await page.waitForSelector('#status[data-stage="paying"], #status[data-stage="done"]');
    await done(page, 'paid');
    await context.close();
  });

  test('reload while authorized resumes with Capture, then pays', async () => {
    const { page, context } = await pay('9000');
    await page.waitForSelector('#status[data-stage="authorized"]');
    await page.reload();
    await page.waitForSelector('#status[data-stage="authorized"]');
    await page.waitForSelector('#capture', { state: 'visible' });
    await page.keyboard.press('Alt+KeyC');
    await done(page, 'paid');
    await context.close();
  });

  test('backend killed mid-payment: restarted on its state dir, it resumes and finishes', async () => {
    const stateDir = join(tmp, 'state-crash');
    const first = await ownBackend('backend-crash-1', stateDir);
    const order = await newOrder(undefined, first.url);
    const { page, context } = await openCashier(order.ref, first.url);
    await scan(page, code('1000'));
    await page.waitForSelector('#status[data-stage="paying"]');
    await first.kill(); // SIGKILL, no goodbye: only the snapshot on disk survives
    const second = await ownBackend('backend-crash-2', stateDir);
    await page.goto(`${second.url}/?order=${order.ref}`);
    await done(page, 'paid');
    const { body } = await api(`/api/orders/${order.ref}`, {}, second.url);
    assert.ok(body.payment.log.some((e) => e.kind === 'restored'), 'the driver was restored from its snapshot');
    assert.equal(body.payments.length, 1);
    // On MoMo's side: one pos requestId (a retry, not a new payment), one charge.
    const seen = (await ledger(momo)).orders[`${order.ref}-1`];
    assert.equal(new Set(seen.pos.map((p) => p.requestId)).size, 1);
    assert.equal(seen.charges, 1);
    await context.close();
  });

  // ---- refunds: from the keyboard, behind a confirmation step ----------------

  const vnd = (n) => new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' }).format(n);
  const focused = (page) => page.evaluate(() => document.activeElement?.id);
  const dialogClosed = (page) => page.waitForFunction(() => !document.getElementById('refund-dialog').open);
  const refundsDone = (page, outcome, timeout = 30000) =>
    page.waitForSelector(`#refunds[data-state="done"][data-outcome="${outcome}"]`, { timeout });

  /** Alt+R, the amount typed over the prefilled full amount (or kept), Tab, the reason, Enter: the confirmation step. */
  async function prepareRefund(page, amount, reason) {
    await page.keyboard.press('Alt+KeyR');
    await page.waitForSelector('#refund-dialog[open][data-step="form"]');
    assert.equal(await focused(page), 'refund-amount');
    if (amount !== undefined) await page.keyboard.type(String(amount), { delay: 5 }); // the field's text is selected
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'refund-reason');
    await page.keyboard.type(reason, { delay: 5 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('#refund-dialog[open][data-step="confirm"]');
    assert.equal(await focused(page), 'refund-confirm');
  }

  test('refunds from the keyboard: Esc cancels, part, then the rest; nothing more can be refunded', async () => {
    const { page, context, order, errors, payRequests } = await pay('0000');
    await done(page, 'paid');
    const momoOrderId = `${order.ref}-1`;
    await page.waitForSelector('#refunds:not([hidden])');
    assert.equal(await page.getAttribute('#refunds', 'data-refundable'), '78000');
    assert.match(await page.textContent('#refund-summary'), new RegExp(vnd(78000).replace(/\s/g, '\\s')));

    // Esc cancels at either step: nothing is sent.
    const refundPosts = [];
    page.on('request', (r) => { if (r.method() === 'POST' && /\/refunds/.test(r.url())) refundPosts.push(r.url()); });
    await page.keyboard.press('Alt+KeyR');
    await page.waitForSelector('#refund-dialog[open]');
    assert.equal(await page.inputValue('#refund-amount'), '78000', 'the full amount is offered');
    await page.keyboard.press('Escape');
    await dialogClosed(page);
    await prepareRefund(page, 20000, 'Khách đổi ý');
    await page.keyboard.press('Escape');
    await dialogClosed(page);
    // An amount above what is left is explained in the form, and the step stays.
    await page.keyboard.press('Alt+KeyR');
    await page.keyboard.type('99000', { delay: 5 });
    await page.keyboard.press('Tab');
    await page.keyboard.type('x', { delay: 5 });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('refund-error').textContent.includes('78.000'));
    assert.equal(await page.getAttribute('#refund-dialog', 'data-step'), 'form');
    assert.equal(await page.getAttribute('#refund-amount', 'aria-invalid'), 'true');
    await page.keyboard.press('Escape');
    await dialogClosed(page);
    assert.deepEqual(refundPosts, [], 'nothing sent before a confirmation');

    // Part of it: the confirmation shows the amount and what is left, now and after.
    await prepareRefund(page, 20000, 'Khách trả 1 ly');
    assert.equal(await page.textContent('#refund-confirm-amount'), vnd(20000));
    assert.equal(await page.textContent('#refund-confirm-reason'), 'Khách trả 1 ly');
    assert.equal(await page.textContent('#refund-confirm-left-now'), vnd(78000));
    assert.equal(await page.textContent('#refund-confirm-left-after'), vnd(58000));
    await shot(page, 'refund-confirm');
    await page.keyboard.press('Enter');
    await refundsDone(page, 'refunded');
    assert.equal(await page.getAttribute('#refunds', 'data-refundable'), '58000');
    const first = page.locator('#refund-list li').first();
    assert.equal(await first.getAttribute('data-outcome'), 'refunded');
    assert.match(await first.textContent(), /20\.000.*Khách trả 1 ly.*Đã hoàn tiền.*mã MoMo 9\d{15}/s);
    assert.match(await page.textContent('#refund-summary'), /đã hoàn 20\.000\s₫ · còn có thể hoàn 58\.000\s₫/);
    await shot(page, 'refunded-part');
    let seen = (await ledger(momo)).orders[momoOrderId];
    assert.equal(seen.refunded, 20000);
    assert.deepEqual(seen.refunds.map((r) => [r.orderId, r.amount]), [[`${momoOrderId}-R1`, 20000]]);
    assert.equal(seen.refundRequests.length, 1);
    const { body: view } = await api(`/api/orders/${order.ref}`);
    assert.equal(view.refunds.refunds[0].transId, seen.refunds[0].transId, "MoMo's refund transId, every digit");
    assert.equal(view.refunds.refunds[0].reason, 'Khách trả 1 ly');

    // The rest: Alt+R offers exactly what is left; in English this time (Alt+L).
    await page.keyboard.press('Alt+KeyL');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.keyboard.press('Alt+KeyR');
    await page.waitForSelector('#refund-dialog[open]');
    assert.equal(await page.inputValue('#refund-amount'), '58000');
    await page.keyboard.press('Escape');
    await prepareRefund(page, undefined, 'Order cancelled');
    assert.equal(await page.textContent('#refund-confirm-left-after'), vnd(0));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#refund-list li[data-outcome="refunded"]').length === 2);
    await refundsDone(page, 'refunded');
    assert.equal(await page.getAttribute('#refunds', 'data-refundable'), '0');
    assert.match(await page.textContent('#refund-summary'), /Fully refunded/);
    // The page offers no more...
    assert.equal(await page.isDisabled('#refund-open'), true);
    await page.keyboard.press('Alt+KeyR');
    await sleep(200);
    assert.equal(await page.evaluate(() => document.getElementById('refund-dialog').open), false);
    await shot(page, 'refunded-all');
    // ...and the backend refuses, before anything reaches MoMo, saying why.
    const more = await api(`/api/orders/${order.ref}/refunds`, { method: 'POST', body: JSON.stringify({ amount: 1000, reason: 'one more' }) });
    assert.equal(more.status, 409);
    assert.match(more.body.error, /nothing left to refund/);
    assert.equal(more.body.refundable, 0);
    const post = (path, body) => api(`/api/orders/${order.ref}/refunds${path}`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal((await post('', { amount: '1000', reason: 'x' })).status, 400, 'amount: a number');
    assert.equal((await post('', { amount: 1000, reason: '  ' })).status, 400, 'a reason is needed');
    const retry = await post(`/${view.refunds.refunds[0].requestId}/retry`, {});
    assert.equal(retry.status, 409);
    assert.match(retry.body.error, /1080/);
    seen = (await ledger(momo)).orders[momoOrderId];
    assert.equal(seen.refunded, 78000);
    assert.equal(seen.refunds.length, 2);
    assert.equal(seen.refundRequests.length, 2, 'the refused one never left the backend');
    assert.equal(seen.charges, 1);
    assert.equal(payRequests.length, 1);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('not refundable (1088): refused, explained, nothing refunded', async () => {
    const { page, context, order } = await pay('1088');
    await done(page, 'paid');
    await page.waitForSelector('#refunds:not([hidden])');
    await prepareRefund(page, undefined, 'Khách trả hàng');
    await page.keyboard.press('Enter');
    await refundsDone(page, 'refused');
    const item = page.locator('#refund-list li').first();
    assert.equal(await item.getAttribute('data-outcome'), 'refused');
    const text = await item.textContent();
    assert.match(text, /Bị từ chối \(1088\)/);
    assert.match(text, /không hoàn được qua MoMo/);
    assert.equal(await page.getAttribute('#refunds', 'data-refundable'), '78000', 'a refused refund gave nothing back');
    await shot(page, 'refund-refused-1088');
    await page.keyboard.press('Alt+KeyL');
    await page.waitForFunction(() => document.querySelector('#refund-list li').textContent.includes('Refused (1088)'));
    assert.match(await item.textContent(), /ineligible|cannot be refunded/i);
    const seen = (await ledger(momo)).orders[`${order.ref}-1`];
    assert.equal(seen.refunded, 0);
    assert.deepEqual(seen.refundRequests.map((r) => r.resultCode), [1088]);
    // Below MoMo's 1,000 VND minimum: refused by the package before signing.
    const small = await api(`/api/orders/${order.ref}/refunds`, { method: 'POST', body: JSON.stringify({ amount: 500, reason: 'x' }) });
    assert.equal(small.status, 400);
    assert.equal(small.body.field, 'amount');
    await context.close();
  });

  test('retry later (1080): refused, then Alt+T retries under the same refund orderId and refunds', async () => {
    const { page, context, order } = await pay('1080');
    await done(page, 'paid');
    await page.waitForSelector('#refunds:not([hidden])');
    await prepareRefund(page, 30000, 'Khách trả 1 món');
    await page.keyboard.press('Enter');
    await refundsDone(page, 'refused');
    assert.match(await page.textContent('#refund-list li'), /\(1080\)/);
    await page.waitForSelector('#refund-retry:not([hidden])');
    await page.keyboard.press('Alt+KeyT');
    await page.waitForSelector('#refund-dialog[open][data-step="confirm"]');
    assert.equal(await page.textContent('#refund-confirm-amount'), vnd(30000));
    await page.keyboard.press('Enter');
    await refundsDone(page, 'refunded');
    assert.equal(await page.getAttribute('#refunds', 'data-refundable'), '48000');
    assert.equal(await page.isHidden('#refund-retry'), true, 'retried once');
    const seen = (await ledger(momo)).orders[`${order.ref}-1`];
    assert.deepEqual(seen.refundRequests.map((r) => [r.orderId, r.requestId, r.resultCode]), [
      [`${order.ref}-1-R1`, `${order.ref}-1-R1-1`, 1080],
      [`${order.ref}-1-R1`, `${order.ref}-1-R1-2`, 0],
    ]);
    assert.equal(seen.refunded, 30000);
    await context.close();
  });

  test('slow refund answer (0505): its stages shown, settled by a status query of the payment', async () => {
    // Not held back with the others: its 30 s timeout would end the suite.
    const { page, context, order } = await pay('0505', undefined, { first: true });
    await done(page, 'paid');
    await page.waitForSelector('#refunds:not([hidden])');
    await prepareRefund(page, undefined, 'Hết món');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#refunds[data-state="running"][data-step="sending"]');
    assert.match(await page.textContent('#refund-progress'), /Đang gửi yêu cầu hoàn 78\.000/);
    await shot(page, 'refund-sending');
    assert.equal(await page.isDisabled('#refund-open'), true, 'one refund at a time');
    // MoMo applied it at once but holds the answer past the 30 s timeout:
    // the payment's refundTrans lists it.
    await refundsDone(page, 'refunded', SLOW_MS + 30000);
    const seen = (await ledger(momo)).orders[`${order.ref}-1`];
    assert.equal(seen.refunded, 78000);
    assert.equal(new Set(seen.refundRequests.map((r) => r.requestId)).size, 1);
    assert.ok(seen.queries.length >= 1, 'a status query found the refund');
    const { body } = await api(`/api/orders/${order.ref}/refunds`);
    assert.ok(body.refunds[0].log.some((e) => e.kind === 'timeout'), 'the refund answer timed out');
    assert.ok(body.refunds[0].log.some((e) => e.kind === 'evidence'));
    await context.close();
  });

  test('backend killed mid-refund: restarted on its state dir, it resends the same bytes and finishes', async () => {
    const stateDir = join(tmp, 'state-refund-crash');
    const first = await ownBackend('backend-refund-crash-1', stateDir);
    const order = await newOrder(undefined, first.url);
    const { page, context } = await openCashier(order.ref, first.url, { first: true }); // a 30 s timeout ahead
    await scan(page, code('0505'));
    await done(page, 'paid');
    await prepareRefund(page, 30000, 'Khách trả 1 món');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#refunds[data-state="running"][data-step="sending"]');
    await first.kill(); // SIGKILL while MoMo holds the refund's answer
    const second = await ownBackend('backend-refund-crash-2', stateDir);
    await page.goto(`${second.url}/?order=${order.ref}`);
    await page.waitForSelector('#refunds[data-state="running"], #refunds[data-state="done"]');
    await refundsDone(page, 'refunded', SLOW_MS + 30000);
    assert.equal(await page.getAttribute('#refunds', 'data-refundable'), '48000');
    const { body } = await api(`/api/orders/${order.ref}/refunds`, {}, second.url);
    assert.equal(body.refunds.length, 1);
    assert.ok(body.refunds[0].log.some((e) => e.kind === 'restored'), 'the refund driver was restored from its snapshot');
    // On MoMo's side: one requestId, its bytes resent, one refund applied.
    const seen = (await ledger(momo)).orders[`${order.ref}-1`];
    assert.ok(seen.refundRequests.length >= 2, 'the request in flight went out again');
    assert.equal(new Set(seen.refundRequests.map((r) => r.requestId)).size, 1);
    assert.equal(new Set(seen.refundRequests.map((r) => r.sha256)).size, 1, 'byte for byte');
    assert.equal(seen.refunds.length, 1);
    assert.equal(seen.refunded, 30000);
    await context.close();
  });

  test('no file served to the page holds the secret key or the accessKey', async () => {
    const www = readdirSync(join(ROOT, 'www')).map((name) => `/${name}`);
    const vendor = ['web/browser.js', 'web/browser/momo_pos.js', 'web/browser/momo_pos_bg.wasm', 'error.mjs']
      .map((p) => `/vendor/momo-pos/${p}`);
    const paths = ['/', ...www, ...vendor, '/api/config', '/api/menu', '/api/orders'];
    for (const path of paths) {
      const res = await fetch(base + path);
      assert.equal(res.status, 200, path);
      const bytes = Buffer.from(await res.arrayBuffer()).toString('latin1');
      assert.ok(!bytes.includes(CREDENTIALS.MOMO_SECRET_KEY), `${path} holds the secret key`);
      assert.ok(!bytes.includes(CREDENTIALS.MOMO_ACCESS_KEY), `${path} holds the accessKey`);
    }
    // The full (signing) entry and anything outside the allow-list stay out.
    for (const path of ['/vendor/momo-pos/web/full.js', '/vendor/momo-pos/web/full/momo_pos_bg.wasm',
      '/vendor/momo-pos/node/full.mjs', '/vendor/momo-pos/../package.json', '/%2e%2e/package.json', '/.gitignore']) {
      assert.equal((await fetch(base + path)).status, 404, path);
    }
  });

  test('API: amounts from the menu only, bad input refused with JSON errors', async () => {
    let r = await api('/api/orders', { method: 'POST', body: '{"items": [' });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /JSON/);
    r = await api('/api/orders', { method: 'POST', body: JSON.stringify({ items: [{ id: 'cfsd', quantity: 1, price: 1 }] }) });
    assert.equal(r.status, 201);
    assert.equal(r.body.total, 29000, 'a price from the page is ignored');
    r = await api('/api/orders', { method: 'POST', body: JSON.stringify({ items: [{ id: 'nope', quantity: 1 }] }) });
    assert.equal(r.status, 400);
    r = await api('/api/orders', { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) });
    assert.equal(r.status, 413);
    r = await api('/api/orders/NOPE1/pay', { method: 'POST', body: '{}' });
    assert.equal(r.status, 404);
    const order = await newOrder();
    r = await api(`/api/orders/${order.ref}/decide`, { method: 'POST', body: JSON.stringify({ decision: 'capture' }) });
    assert.equal(r.status, 409);
    r = await api(`/api/orders/${order.ref}/pay`, { method: 'POST', body: JSON.stringify({ encryptedPaymentCode: 'not base64!', lang: 'vi' }) });
    assert.equal(r.status, 400);
    r = await api(`/api/orders/${order.ref}/refunds`, { method: 'POST', body: JSON.stringify({ amount: 1000, reason: 'x' }) });
    assert.equal(r.status, 409);
    assert.match(r.body.error, /not paid/);
    const list = await api('/api/orders');
    assert.ok(list.body.findIndex((o) => o.ref === order.ref) < list.body.findIndex((o) => o.total === 29000), 'newest first');
  });
});
