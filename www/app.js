// The cashier screen. It encrypts the scanned code with MoMo's public key
// (momo-pos/browser cannot sign) and hands the ciphertext to the backend,
// then shows the backend's PaymentDriver status as it streams in.
import init, { MomoPublicKey, explainResultCode, isMomoError, maskPaymentCode, normalizePaymentCode } from 'momo-pos/browser';
import { LANGS, explainCodeError, t } from './i18n.js';

const $ = (id) => document.getElementById(id);
const el = {
  merchant: $('merchant'), ref: $('order-ref'), items: $('items'), amount: $('amount'),
  status: $('status'), stage: $('stage-label'), message: $('result-message'), countdown: $('countdown'),
  scan: $('scan'), hint: $('scan-hint'), error: $('scan-error'),
  capture: $('capture'), cancel: $('cancel'), newOrder: $('new-order'),
  lang: $('lang'), autoCapture: $('auto-capture'), journal: $('journal'),
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
  } else if (p?.outcome?.outcome === 'paid' || p?.outcome?.outcome === 'unknown') {
    el.newOrder.focus(); // Enter starts the next customer
  } else if (deciding && !el.capture.contains(document.activeElement) && !el.cancel.contains(document.activeElement)) {
    el.capture.focus();
  }
  el.journal.replaceChildren(...(p?.log ?? []).map((entry) => {
    const li = document.createElement('li');
    li.textContent = `${new Date(entry.atMs - state.clockOffsetMs).toLocaleTimeString(L === 'vi' ? 'vi-VN' : 'en-GB')} ${entry.text}`;
    return li;
  }));
}

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
};
document.addEventListener('keydown', (e) => {
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
