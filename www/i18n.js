// The cashier's texts in Vietnamese and English. MoMo's own result
// messages come in both languages from the package (explainResultCode);
// these are the page's words around them.

const TEXTS = {
  vi: {
    order: 'Đơn',
    items: 'Món',
    total: 'Tổng cộng',
    autoCapture: 'Tự động thu',
    scanLabel: 'Quét mã thanh toán MoMo',
    capture: 'Thu tiền',
    cancel: 'Huỷ giao dịch',
    newOrder: 'Đơn mới',
    journal: 'Nhật ký giao dịch',
    loading: 'Đang tải…',
    idle: 'Sẵn sàng – mời khách mở mã thanh toán MoMo',
    submitting: 'Đang mã hoá và gửi…',
    sending: 'Đang gửi yêu cầu thanh toán…',
    waiting: 'Chờ khách xác nhận trên ứng dụng MoMo…',
    checking: 'Đang kiểm tra trạng thái giao dịch…',
    authorized: 'Đã giữ tiền – thu tiền hay huỷ?',
    confirming: 'Đang xác nhận với MoMo…',
    paid: 'Đã thanh toán',
    declined: 'Không thanh toán được',
    cancelled: 'Đã huỷ – không trừ tiền',
    unknown: 'Chưa rõ kết quả',
    scanHintEmpty: 'Đưa mã vào máy quét (hoặc dán mã)',
    scanHintPartial: 'Đang nhận mã… ({n}/{of} chữ số)',
    scanHintComplete: 'Mã hợp lệ {masked} – nhấn Enter',
    scanIncomplete: 'Mã chưa đủ: {n}/{of} chữ số. Quét lại.',
    scanInvalid: 'Mã không hợp lệ: {why}',
    paidDetail: 'Mã giao dịch MoMo {transId}.',
    unknownDetail: 'Có thể đã trừ tiền. Đối soát với MoMo trước khi thu lại.',
    unknownHeld: 'Tiền của khách vẫn đang bị tạm giữ (9000). Xác nhận hoặc huỷ giao dịch trên cổng MoMo trước khi thu lại.',
    cancelledDetail: 'Giao dịch đã huỷ, khách không bị trừ tiền.',
    declinedNext: { 4005: 'Mời khách làm mới mã rồi quét lại.', 1001: 'Mời khách dùng cách thanh toán khác.', 1006: 'Khách đã từ chối. Hỏi khách rồi quét lại.', 44: 'Mời khách mở lại mã thanh toán rồi quét lại.' },
    declinedDefault: 'Có thể quét lại mã mới.',
    autoAt: 'Tự động {action} sau {time}',
    actCapture: 'thu tiền',
    actCancel: 'huỷ',
    payRefused: 'Không gửi được: {why}',
    networkDown: 'Mất kết nối với máy chủ – đang thử lại…',
  },
  en: {
    order: 'Order',
    items: 'Items',
    total: 'Total',
    autoCapture: 'Auto-capture',
    scanLabel: 'Scan the MoMo payment code',
    capture: 'Capture',
    cancel: 'Cancel payment',
    newOrder: 'New order',
    journal: 'Payment journal',
    loading: 'Loading…',
    idle: 'Ready – ask the shopper to open their MoMo payment code',
    submitting: 'Encrypting and sending…',
    sending: 'Sending the payment request…',
    waiting: 'Waiting for the shopper to confirm in MoMo…',
    checking: 'Checking the payment status…',
    authorized: 'Authorized – capture or cancel?',
    confirming: 'Confirming with MoMo…',
    paid: 'Paid',
    declined: 'Payment declined',
    cancelled: 'Cancelled – no money taken',
    unknown: 'Outcome unknown',
    scanHintEmpty: 'Scan the code (or paste it)',
    scanHintPartial: 'Receiving the code… ({n}/{of} digits)',
    scanHintComplete: 'Valid code {masked} – press Enter',
    scanIncomplete: 'Incomplete code: {n}/{of} digits. Scan again.',
    scanInvalid: 'Invalid code: {why}',
    paidDetail: 'MoMo transaction {transId}.',
    unknownDetail: 'Money may have moved. Reconcile with MoMo before charging again.',
    unknownHeld: "The shopper's money is still held (9000). Capture or cancel it on MoMo's portal before charging again.",
    cancelledDetail: 'The payment was cancelled; the shopper was not charged.',
    declinedNext: { 4005: 'Ask the shopper to refresh the code, then scan again.', 1001: 'Ask for another way to pay.', 1006: 'The shopper declined. Ask them, then scan again.', 44: 'Ask the shopper to reopen the payment code, then scan again.' },
    declinedDefault: 'You may scan a new code.',
    autoAt: 'Auto-{action} in {time}',
    actCapture: 'capture',
    actCancel: 'cancel',
    payRefused: 'Not sent: {why}',
    networkDown: 'Lost the connection to the server – retrying…',
  },
};

export const LANGS = Object.keys(TEXTS);

/** The text of `key` in `lang`, with `{name}` placeholders filled. */
export function t(lang, key, vars = {}) {
  const text = TEXTS[lang]?.[key] ?? TEXTS.vi[key] ?? key;
  return typeof text === 'string' ? text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? '')) : text;
}

// The package explains a wrong code in English; the common reasons, in
// Vietnamese too. Anything else is shown as the package wrote it.
const CODE_ERRORS_VI = [
  [/^non-digit '(.+)' at position (\d+)$/, (c, pos) => `ký tự '${c}' ở vị trí ${pos} không phải chữ số`],
  [/^too long: (\d+) characters/, (n) => `quá dài: ${n} ký tự, mã MoMo có 18 chữ số`],
  [/^too short: (\d+) digits/, (n) => `quá ngắn: ${n} chữ số, mã MoMo có 18`],
  [/^unknown prefix "(.*)"/, (p) => `tiền tố "${p}" lạ: mã MoMo bắt đầu bằng MM, mm hoặc một chữ số`],
];

export function explainCodeError(lang, why) {
  if (lang !== 'vi') return why;
  for (const [re, say] of CODE_ERRORS_VI) {
    const m = why.match(re);
    if (m) return say(...m.slice(1));
  }
  return why;
}
