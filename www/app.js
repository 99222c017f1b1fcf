// The cashier screen. It encrypts the scanned code with MoMo's public key
// (momo-pos/browser cannot sign) and hands the ciphertext to the backend,
// then shows the backend's PaymentDriver status as it streams in. A paid
// order can be refunded, in full or in part, behind a confirmation step;
// the backend's RefundDriver stages stream in the same way.
import init, { MomoPublicKey, explainResultCode, isMomoError, maskPaymentCode, normalizePaymentCode } from 'momo-pos/browser';
import { LANGS, explainCodeError, t } from './i18n.js';

const $ = (id) => document.getElementById(id);
const el = {
  merchant: $('merchant'), ref: $('order-ref'), items: $('items'), amount: $('amount'),
  status: $('status'), stage: $('stage-label'), message: $('result-message'), countdown: $('countdown'),
  scan: $('scan'), hint: $('scan-hint'), error: $('scan-error'),
  capture: $('capture'), cancel: $('cancel'), newOrder: $('new-order'),
  lang: $('lang'), autoCapture: $('auto-capture'), journal: $('journal'),
  refunds: $('refunds'), refundSummary: $('refund-summary'), refundProgress: $('refund-progress'),
  refundNotice: $('refund-notice'), refundList: $('refund-list'), refundOpen: $('refund-open'), refundRetry: $('refund-retry'),
  dialog: $('refund-dialog'), form: $('refund-form'), dialogTitle: $('refund-dialog-title'), dialogLeft: $('refund-dialog-left'),
  stepForm: $('refund-step-form'), stepConfirm: $('refund-step-confirm'),
  refundAmount: $('refund-amount'), refundAmountHint: $('refund-amount-hint'), refundReason: $('refund-reason'), refundError: $('refund-error'),
  confirmAmount: $('refund-confirm-amount'), confirmReason: $('refund-confirm-reason'),
  confirmLeftNow: $('refund-confirm-left-now'), confirmLeftAfter: $('refund-confirm-left-after'),
  refundConfirm: $('refund-confirm'), refundCancel: $('refund-cancel'),
};
const CODE_DIGITS = 18;
const vnd = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' });

const state = {
  lang: localStorage.getItem('pos.lang') ?? 'vi',
  /** @type {MomoPublicKey | null} */
  key: null,
  menu: [],
  order: null,
  /** @type {(import('momo-pos/browser').DriverStatus & { momoOrderId: string, serverNowMs: number }) | null} */
  payment: null,
  clockOffsetMs: 0, // server clock minus ours: deadlines are on the server's clock
  submitting: false,
  requestError: '',
  events: null,
  /** The backend's refunds view of the order ({ paidAmount, refunded, unknown, refundable, running, refunds }), or null. */
  refunds: null,
  refundSubmitting: false,
  refundNotice: '',
  /** The refund being prepared in the dialog: { step: 'form' | 'confirm', amount, reason, retryOf }. */
  dialog: null,
};

// ---- what the screen shows, derived from the driver's status -------------

/** The attempt number of a MoMo orderId `<ref>-<n>`. */
const attemptOf = (momoOrderId) => Number(momoOrderId.split('-').at(-1));

/** A finer step than the driver's stage, for the cashier's words. */
function stepOf(p) {
  if (p.stage !== 'paying') return p.stage; // authorized, confirming, done
  const next = p.nextAction;
  if (next.type === 'send') return next.endpoint === 'pos' ? 'sending' : 'checking';
  // Waiting after a "not yet" answer (1000, 7000...) is the shopper's turn in
  // the app; waiting after a lost answer is us about to check the status.
  return p.lastResult && !p.lastResult.isFinal && p.lastResult.category === 'pending' ? 'waiting' : 'checking';
}

/** May the cashier scan now? Before any payment, and after one that took no money. */
function canScan() {
  if (state.submitting || !state.order) return false;
  const p = state.payment;
  if (!p) return true;
  return p.stage === 'done' && (p.outcome.outcome === 'declined' || p.outcome.outcome === 'cancelled');
}

function resultText(p) {
  const L = state.lang;
  const o = p.outcome;
  if (o.outcome === 'paid') return `${t(L, 'paid')}. ${t(L, 'paidDetail', { transId: o.transId ?? '–' })}`;
  if (o.outcome === 'cancelled') return t(L, 'cancelledDetail');
  // Every confirm call was refused and MoMo still holds the money: the
  // cashier settles it on MoMo's portal.
  if (o.outcome === 'unknown') return t(L, o.reason.kind === 'stillAuthorized' ? 'unknownHeld' : 'unknownDetail');
  const info = explainResultCode(o.resultCode);
  const next = t(L, 'declinedNext')[o.resultCode] ?? t(L, 'declinedDefault');
  return `${(L === 'vi' ? info.messageVi : info.messageEn).replace(/\.$/, '')} (${o.resultCode}). ${next}`;
}

/** While a payment runs: what MoMo said last, in the cashier's language. */
function lastResultText(p) {
  const r = p.lastResult;
  if (!r) return '';
  return `${state.lang === 'vi' ? r.messageVi : r.messageEn} (${r.code})`;
}

function render() {
  const L = state.lang;
  document.documentElement.lang = L;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(L, node.dataset.i18n);
  el.lang.value = L;

  const order = state.order;
  el.ref.textContent = order?.ref ?? '…';
  el.amount.textContent = order ? vnd.format(order.total) : '–';
  el.items.replaceChildren(...(order?.items ?? []).map((item) => {
    const li = document.createElement('li');
    li.innerHTML = '<span class="qty"></span><span class="name"></span><span class="price"></span>';
    li.querySelector('.qty').textContent = `${item.quantity}×`;
    li.querySelector('.name').textContent = item.name;
    li.querySelector('.price').textContent = vnd.format(item.totalPrice);
    return li;
  }));

  const p = state.payment;
  let stage = !order ? 'loading' : 'idle';
  let step = stage;
  if (state.submitting) stage = step = 'submitting';
  else if (p) {
    stage = p.stage;
    step = stepOf(p);
  }
  el.status.dataset.stage = stage;
  el.status.dataset.step = step;
  el.status.dataset.outcome = p?.outcome?.outcome ?? '';
  el.stage.textContent = p?.stage === 'done' && !state.submitting ? t(L, p.outcome.outcome) : t(L, step);
  el.message.textContent = state.requestError || (state.submitting || !p ? '' : p.stage === 'done' ? resultText(p) : lastResultText(p));

  const deciding = p?.stage === 'authorized' && !state.submitting;
  // The cashier stays with a payment until it ends: leaving it would leave
  // the shopper not knowing whether they paid.
  el.newOrder.disabled = state.submitting || (p != null && p.stage !== 'done');
  el.capture.hidden = el.cancel.hidden = !deciding;
  el.countdown.hidden = !deciding;
  renderCountdown();

  const scanning = canScan();
  el.scan.disabled = !scanning;
  el.scan.closest('.scan-box').hidden = !scanning;
  if (scanning) {
    if (document.activeElement !== el.scan) el.scan.focus();
  } else if (el.dialog.open) {
    // The refund dialog keeps the focus until it closes.
  } else if ((p?.outcome?.outcome === 'paid' || p?.outcome?.outcome === 'unknown')
      && !(el.refunds.contains(document.activeElement) && !document.activeElement.disabled && !document.activeElement.hidden)) {
    el.newOrder.focus(); // Enter starts the next customer
  } else if (deciding && !el.capture.contains(document.activeElement) && !el.cancel.contains(document.activeElement)) {
    el.capture.focus();
  }
  // The journal: the payment's, then each refund's.
  const time = (ms) => new Date(ms - state.clockOffsetMs).toLocaleTimeString(L === 'vi' ? 'vi-VN' : 'en-GB');
  const lines = [
    ...(p?.log ?? []).map((entry) => `${time(entry.atMs)} ${entry.text}`),
    ...(state.refunds?.refunds ?? []).flatMap((r) => r.log.map((entry) => `${time(entry.atMs)} [${r.requestId}] ${entry.text}`)),
  ];
  el.journal.replaceChildren(...lines.map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }));
  renderRefunds();
}

// ---- refunds --------------------------------------------------------------

/** What the page knows of a paid order's refunds, or null when the order is not paid. */
function refundInfo() {
  const p = state.payment;
  if (!state.order || p?.stage !== 'done' || p.outcome.outcome !== 'paid') return null;
  const v = state.refunds?.ref === state.order.ref ? state.refunds : null;
  const known = v?.paidAmount != null;
  const list = v?.refunds ?? [];
  return {
    paidAmount: known ? v.paidAmount : p.amount,
    refunded: v?.refunded ?? 0,
    unknown: v?.unknown ?? 0,
    refundable: known ? v.refundable : p.amount,
    min: v?.minAmount ?? 1000,
    list,
    running: list.find((r) => r.state !== 'done') ?? null,
    retry: list.findLast((r) => r.retryable) ?? null,
  };
}

/** A new refund may be prepared now. */
function canRefund(info = refundInfo()) {
  return !!info && !info.running && !state.refundSubmitting && info.refundable >= info.min;
}

/** The cashier's amount: digits, with thousands dots or commas, "₫"/"đ", or "20k". */
function parseAmount(text) {
  const s = text.trim().toLowerCase().replace(/\s|₫|đ|vnd/g, '');
  const m = s.match(/^(\d{1,3}(?:[.,]\d{3})+|\d+)(k?)$/);
  if (!m) return null;
  const n = Number(m[1].replace(/[.,]/g, '')) * (m[2] ? 1000 : 1);
  return Number.isSafeInteger(n) ? n : null;
}

function outcomeLabel(r) {
  const L = state.lang;
  if (r.state !== 'done' || !r.outcome) return t(L, 'refundRunning');
  if (r.outcome.outcome === 'refunded') return t(L, 'refundRefunded');
  if (r.outcome.outcome === 'refused') return `${t(L, 'refundRefused')} (${r.outcome.resultCode})`;
  return t(L, 'refundUnknown');
}

/** Why a refund ended as it did, in the cashier's language. */
function refundDetail(r) {
  const L = state.lang;
  const o = r.outcome;
  if (!o) return '';
  if (o.outcome === 'refunded') return r.transId ? t(L, 'refundTransId', { transId: r.transId }) : '';
  if (o.outcome === 'unknown') return t(L, 'refundUnknownDetail');
  const info = explainResultCode(o.resultCode);
  const next = t(L, 'refundRefusedNext')[o.resultCode] ?? t(L, 'refundRefusedDefault');
  return `${(L === 'vi' ? info.messageVi : info.messageEn).replace(/\.$/, '')}. ${next}`;
}

function stepText(r) {
  const L = state.lang;
  const amount = vnd.format(r.amount);
  if (r.step === 'resending') return t(L, 'refundResending', { attempt: r.attempt ?? 2 });
  if (r.step === 'checking') return t(L, 'refundChecking');
  if (r.step === 'waiting') return t(L, 'refundWaiting');
  return t(L, 'refundSending', { amount });
}

function renderRefunds() {
  const L = state.lang;
  const info = refundInfo();
  el.refunds.hidden = !info;
  if (!info) {
    if (el.dialog.open) closeRefund();
    return;
  }
  const latest = info.list.at(-1);
  const running = info.running;
  el.refunds.dataset.state = state.refundSubmitting ? 'submitting' : running ? 'running' : latest ? 'done' : 'none';
  el.refunds.dataset.step = running?.step ?? '';
  el.refunds.dataset.outcome = !running && !state.refundSubmitting && latest?.outcome ? latest.outcome.outcome : '';
  el.refunds.dataset.refundable = String(info.refundable);

  let summary = t(L, 'refundSummary', {
    paid: vnd.format(info.paidAmount), refunded: vnd.format(info.refunded + info.unknown), left: vnd.format(info.refundable),
  });
  if (info.unknown) summary += t(L, 'refundSummaryUnknown', { unknown: vnd.format(info.unknown) });
  if (info.refundable === 0) summary += `. ${t(L, 'refundAllDone')}`;
  else if (info.refundable < info.min) summary += `. ${t(L, 'refundBelowMin', { left: vnd.format(info.refundable), min: vnd.format(info.min) })}`;
  el.refundSummary.textContent = summary;

  el.refundProgress.textContent = state.refundSubmitting ? t(L, 'refundSubmitting')
    : running ? stepText(running)
      : latest ? t(L, 'refundLatest', { outcome: outcomeLabel(latest), amount: vnd.format(latest.amount) }) : '';
  el.refundNotice.textContent = state.refundNotice;

  el.refundList.replaceChildren(...info.list.map((r) => {
    const li = document.createElement('li');
    li.dataset.outcome = r.state === 'done' ? r.outcome?.outcome ?? '' : 'running';
    li.dataset.requestId = r.requestId;
    li.innerHTML = '<span class="refund-amount"></span> <span class="refund-reason"></span> <strong class="refund-outcome"></strong> <span class="refund-detail"></span>';
    li.querySelector('.refund-amount').textContent = `−${vnd.format(r.amount)}`;
    li.querySelector('.refund-reason').textContent = r.retryOf ? `${r.reason} (${t(L, 'refundRetryMark')})` : r.reason;
    li.querySelector('.refund-outcome').textContent = outcomeLabel(r);
    li.querySelector('.refund-detail').textContent = r.state === 'done' ? refundDetail(r) : stepText(r);
    return li;
  }));

  el.refundOpen.disabled = !canRefund(info);
  el.refundRetry.hidden = !info.retry;
  el.refundRetry.disabled = !!running || state.refundSubmitting;
  if (el.dialog.open) renderDialog();
}

function renderDialog() {
  const L = state.lang;
  const d = state.dialog;
  const info = refundInfo();
  if (!d || !info) return;
  const left = vnd.format(info.refundable);
  el.stepForm.hidden = d.step !== 'form';
  el.stepConfirm.hidden = d.step !== 'confirm';
  el.dialog.dataset.step = d.step;
  el.dialogTitle.textContent = d.step === 'form' ? t(L, 'refundDialogTitle', { ref: state.order.ref })
    : t(L, d.retryOf ? 'refundRetryTitle' : 'refundConfirmTitle', { amount: vnd.format(d.amount) });
  el.dialogLeft.textContent = t(L, 'refundDialogLeft', { paid: vnd.format(info.paidAmount), left });
  el.refundAmountHint.textContent = t(L, 'refundAmountHint', { min: vnd.format(info.min), left });
  if (d.step === 'confirm') {
    el.confirmAmount.textContent = vnd.format(d.amount);
    el.confirmReason.textContent = d.reason;
    el.confirmLeftNow.textContent = left;
    el.confirmLeftAfter.textContent = vnd.format(Math.max(0, info.refundable - d.amount));
  }
}

/** Alt+R: the refund dialog, the amount field holding all that is left (type over it for a partial refund). */
function openRefund() {
  const info = refundInfo();
  if (!canRefund(info) || el.dialog.open) return;
  state.dialog = { step: 'form', amount: null, reason: '', retryOf: null };
  state.refundNotice = '';
  el.refundAmount.value = String(info.refundable);
  el.refundReason.value = '';
  el.refundError.textContent = '';
  el.refundAmount.setAttribute('aria-invalid', 'false');
  el.refundReason.setAttribute('aria-invalid', 'false');
  el.dialog.showModal();
  renderDialog();
  el.refundAmount.focus();
  el.refundAmount.select();
}

/** Alt+T: a refund MoMo refused with 1080 (retry later), again: straight to the confirmation. */
function openRetry() {
  const info = refundInfo();
  if (!info?.retry || info.running || state.refundSubmitting || el.dialog.open) return;
  state.dialog = { step: 'confirm', amount: info.retry.amount, reason: info.retry.reason, retryOf: info.retry.requestId };
  state.refundNotice = '';
  el.dialog.showModal();
  renderDialog();
  el.refundConfirm.focus();
}

function closeRefund() {
  state.dialog = null;
  if (el.dialog.open) el.dialog.close();
  render();
}

/** Enter in the form: check the amount and the reason, then show the confirmation. */
function refundNext() {
  const L = state.lang;
  const info = refundInfo();
  if (!info) return closeRefund();
  const amount = parseAmount(el.refundAmount.value);
  const reason = el.refundReason.value.trim();
  let error = '';
  let field = el.refundAmount;
  if (amount === null) error = t(L, 'refundErrAmount');
  else if (amount < info.min) error = t(L, 'refundErrMin', { min: vnd.format(info.min) });
  else if (amount > info.refundable) error = t(L, 'refundErrMax', { left: vnd.format(info.refundable) });
  else if (reason === '') {
    error = t(L, 'refundErrReason');
    field = el.refundReason;
  }
  el.refundAmount.setAttribute('aria-invalid', String(!!error && field === el.refundAmount));
  el.refundReason.setAttribute('aria-invalid', String(!!error && field === el.refundReason));
  el.refundError.textContent = error;
  if (error) {
    field.focus();
    field.select();
    return;
  }
  state.dialog = { ...state.dialog, step: 'confirm', amount, reason };
  renderDialog();
  el.refundConfirm.focus();
}

/** Enter on the confirmation: the backend starts the refund; its stages arrive on the event stream. */
async function confirmRefund() {
  const d = state.dialog;
  if (!d || d.step !== 'confirm' || state.refundSubmitting) return;
  const ref = state.order.ref;
  state.dialog = null;
  el.dialog.close();
  state.refundSubmitting = true;
  state.refundNotice = '';
  render();
  try {
    const url = d.retryOf ? `/api/orders/${ref}/refunds/${encodeURIComponent(d.retryOf)}/retry` : `/api/orders/${ref}/refunds`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ amount: d.amount, reason: d.reason, lang: state.lang }),
    });
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
  } catch (e) {
    state.refundNotice = t(state.lang, 'refundNotSent', { why: e.message });
  } finally {
    state.refundSubmitting = false;
    render();
  }
}

el.form.addEventListener('submit', (e) => e.preventDefault());
el.dialog.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.isComposing) {
    e.preventDefault();
    if (document.activeElement === el.refundCancel) closeRefund();
    else if (state.dialog?.step === 'form') refundNext();
    else confirmRefund();
  } else if (e.key === 'Escape') {
    e.preventDefault();
    closeRefund(); // nothing was sent
  } else if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyF' && state.dialog?.step === 'form') {
    e.preventDefault();
    el.refundAmount.value = String(refundInfo()?.refundable ?? '');
    el.refundReason.focus();
  }
});
// Esc as the browser reports it for a modal dialog.
el.dialog.addEventListener('cancel', (e) => {
  e.preventDefault();
  closeRefund();
});
el.refundConfirm.addEventListener('click', () => confirmRefund());
el.refundCancel.addEventListener('click', () => closeRefund());
el.refundOpen.addEventListener('click', () => openRefund());
el.refundRetry.addEventListener('click', () => openRetry());

function renderCountdown() {
  const p = state.payment;
  if (p?.stage !== 'authorized' || p.nextAction.type !== 'decide') return;
  const left = Math.max(0, p.nextAction.untilMs - (Date.now() + state.clockOffsetMs));
  const s = Math.ceil(left / 1000);
  const time = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  const action = t(state.lang, p.nextAction.default === 'capture' ? 'actCapture' : 'actCancel');
  el.countdown.textContent = t(state.lang, 'autoAt', { action, time });
}
setInterval(renderCountdown, 250);

// ---- the scan field: a keyboard-wedge scanner types fast and ends with Enter

/** 'empty' | 'partial' (keep scanning) | 'complete' | 'invalid', with details. */
function checkCode(text) {
  if (text.trim() === '') return { kind: 'empty' };
  try {
    const code = normalizePaymentCode(text);
    return { kind: 'complete', code, masked: maskPaymentCode(text) };
  } catch (e) {
    if (!isMomoError(e) || e.code !== 'invalidPaymentCode') throw e;
    const digits = (text.match(/\d/g) ?? []).length;
    // Still arriving: too few digits so far, or only the start of a prefix
    // (an AIM symbology id such as "]Q1", then "M", "MM").
    const prefixSoFar = /^\s*(\][A-Za-z0-9]{0,2})?(MM?|mm?)?\s*$/.test(text);
    if (/too short/.test(e.message) || prefixSoFar) return { kind: 'partial', digits };
    return { kind: 'invalid', why: explainCodeError(state.lang, e.message.replace(/^paymentCode: /, '')), digits };
  }
}

function showScan(text, entered = false) {
  const L = state.lang;
  const c = checkCode(text);
  el.error.textContent = '';
  el.scan.setAttribute('aria-invalid', 'false');
  if (c.kind === 'empty') el.hint.textContent = t(L, 'scanHintEmpty');
  else if (c.kind === 'complete') el.hint.textContent = t(L, 'scanHintComplete', { masked: c.masked });
  else if (c.kind === 'partial' && !entered) el.hint.textContent = t(L, 'scanHintPartial', { n: c.digits, of: CODE_DIGITS });
  else {
    el.hint.textContent = '';
    el.scan.setAttribute('aria-invalid', 'true');
    el.error.textContent = c.kind === 'partial'
      ? t(L, 'scanIncomplete', { n: c.digits, of: CODE_DIGITS })
      : t(L, 'scanInvalid', { why: c.why });
  }
  return c;
}

async function submitScan() {
  const text = el.scan.value;
  const c = showScan(text, true);
  if (c.kind !== 'complete') {
    // Selected, so the next scan replaces the bad text instead of appending to it.
    el.scan.select();
    return;
  }
  if (!canScan()) return;
  const ref = state.order.ref;
  state.submitting = true;
  state.requestError = '';
  el.scan.value = ''; // the code is the shopper's: do not leave it on screen
  showScan('');
  render();
  try {
    const encryptedPaymentCode = state.key.encryptPaymentCode(c.code);
    const res = await fetch(`/api/orders/${ref}/pay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ encryptedPaymentCode, lang: state.lang, autoCapture: el.autoCapture.checked }),
    });
    // 202: the backend's driver runs it; its status arrives on the event stream.
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
  } catch (e) {
    state.requestError = t(state.lang, 'payRefused', { why: e.message });
  } finally {
    state.submitting = false;
    render();
  }
}

el.scan.addEventListener('input', () => showScan(el.scan.value));
el.scan.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    submitScan();
  }
});
// A pasted code counts as a scan: submit at once when it is complete
// (clipboard text often ends with a newline, which a text input drops).
el.scan.addEventListener('paste', (e) => {
  e.preventDefault();
  el.scan.value = e.clipboardData.getData('text');
  if (showScan(el.scan.value).kind === 'complete') submitScan();
});
// Idle means ready to scan: the scanner's keystrokes must land in the field.
el.scan.addEventListener('blur', () => setTimeout(() => { if (canScan() && document.activeElement?.tagName !== 'SELECT') el.scan.focus(); }, 0));
document.addEventListener('click', () => { if (canScan() && document.activeElement?.tagName !== 'SELECT') el.scan.focus(); });

// ---- the payment, as the backend's driver reports it ----------------------

function follow(ref) {
  state.events?.close();
  const events = new EventSource(`/api/orders/${ref}/events`);
  state.events = events;
  events.onmessage = (message) => {
    const p = JSON.parse(message.data);
    if (p.ref !== state.order?.ref) return;
    // Never let a late event of an earlier attempt replace the current one.
    if (state.payment && attemptOf(p.momoOrderId) < attemptOf(state.payment.momoOrderId)) return;
    state.clockOffsetMs = p.serverNowMs - Date.now();
    state.payment = p;
    state.requestError = '';
    render();
  };
  // The order's refunds, the whole view on every change.
  events.addEventListener('refunds', (message) => {
    const v = JSON.parse(message.data);
    if (v.ref !== state.order?.ref) return;
    state.refunds = v;
    render();
  });
  events.onerror = () => {
    // EventSource reconnects by itself; the server resends the current state.
    if (events.readyState !== EventSource.CLOSED) el.message.textContent = t(state.lang, 'networkDown');
  };
}

async function decide(decision) {
  if (state.payment?.stage !== 'authorized') return;
  el.capture.disabled = el.cancel.disabled = true;
  try {
    const res = await fetch(`/api/orders/${state.order.ref}/decide`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ decision }),
    });
    if (!res.ok) state.requestError = t(state.lang, 'payRefused', { why: (await res.json()).error });
  } finally {
    el.capture.disabled = el.cancel.disabled = false;
    render();
  }
}

async function getJson(url, init) {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

async function openOrder(ref) {
  const order = await getJson(`/api/orders/${ref}`);
  state.order = order;
  state.payment = order.payment;
  state.refunds = order.refunds ?? null;
  state.refundNotice = '';
  if (el.dialog.open) closeRefund();
  state.requestError = '';
  if (order.payment) state.clockOffsetMs = order.payment.serverNowMs - Date.now();
  const url = new URL(location.href);
  url.searchParams.set('order', ref);
  history.replaceState(null, '', url);
  el.scan.value = '';
  showScan('');
  render();
  follow(ref);
}

/** The demo has no item picker: a new order is a random basket of 1–3 menu items. */
async function newOrder() {
  const picks = [...state.menu].sort(() => Math.random() - 0.5).slice(0, 1 + Math.floor(Math.random() * 3));
  const items = picks.map((m) => ({ id: m.id, quantity: 1 + Math.floor(Math.random() * 2) }));
  const order = await getJson('/api/orders', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ items }),
  });
  state.payment = null;
  await openOrder(order.ref);
}

function setLang(lang) {
  state.lang = LANGS.includes(lang) ? lang : 'vi';
  localStorage.setItem('pos.lang', state.lang);
  showScan(el.scan.value);
  render();
}

el.capture.addEventListener('click', () => decide('capture'));
el.cancel.addEventListener('click', () => decide('cancel'));
el.newOrder.addEventListener('click', () => newOrder());
el.lang.addEventListener('change', () => setLang(el.lang.value));
el.autoCapture.addEventListener('change', () => render());

// Alt + a letter, by physical key: works with a Vietnamese input method on,
// and never collides with what a scanner types into the field.
const SHORTCUTS = {
  KeyC: () => decide('capture'),
  KeyX: () => decide('cancel'),
  KeyN: () => { if (!el.newOrder.disabled) newOrder(); },
  KeyL: () => setLang(state.lang === 'vi' ? 'en' : 'vi'),
  KeyA: () => { el.autoCapture.checked = !el.autoCapture.checked; render(); },
  KeyR: () => openRefund(),
  KeyT: () => openRetry(),
};
document.addEventListener('keydown', (e) => {
  // The refund dialog has its own keys (Enter, Esc, Alt+F); Alt+L still switches the language.
  if (el.dialog.open && e.code !== 'KeyL') return;
  const action = e.altKey && !e.ctrlKey && !e.metaKey && SHORTCUTS[e.code];
  if (action) {
    e.preventDefault();
    action();
  }
});

async function main() {
  render();
  const [config, menu] = await Promise.all([getJson('/api/config'), getJson('/api/menu'), init()]);
  state.key = new MomoPublicKey(config.publicKey);
  state.menu = menu;
  el.merchant.textContent = `${config.merchant.name} · ${config.merchant.store}`;
  if (!localStorage.getItem('pos.lang')) state.lang = config.defaultLang;
  const wanted = new URLSearchParams(location.search).get('order');
  if (wanted) return openOrder(wanted);
  const [newest] = await getJson('/api/orders');
  return newest ? openOrder(newest.ref) : newOrder();
}

main().catch((e) => {
  el.status.dataset.stage = 'error';
  el.stage.textContent = e.message;
});
