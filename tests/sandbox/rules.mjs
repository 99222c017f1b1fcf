// The checks MoMo makes on a request, written from MoMo's pages and
// PROTOCOL.md with node:crypto only (independent of the momo-pos package).
import crypto from 'node:crypto';

/** Raw-signature keys after `accessKey`, a–z, per message. */
export const SIGNED_KEYS = {
  pos: ['amount', 'extraData', 'orderId', 'orderInfo', 'partnerCode', 'paymentCode', 'requestId'],
  query: ['orderId', 'partnerCode', 'requestId'],
  confirm: ['amount', 'description', 'orderId', 'partnerCode', 'requestId', 'requestType'],
  refund: ['amount', 'description', 'orderId', 'partnerCode', 'requestId', 'transId'],
  ipn: ['amount', 'extraData', 'message', 'orderId', 'orderInfo', 'orderType', 'partnerCode',
    'payType', 'requestId', 'responseTime', 'resultCode', 'transId'],
};

/** Fields a request must carry (others default to ""), per endpoint. */
export const REQUIRED = {
  pos: ['partnerCode', 'orderId', 'requestId', 'amount', 'paymentCode', 'orderInfo', 'signature'],
  query: ['partnerCode', 'orderId', 'requestId', 'signature'],
  confirm: ['partnerCode', 'orderId', 'requestId', 'requestType', 'amount', 'signature'],
  refund: ['partnerCode', 'orderId', 'requestId', 'amount', 'transId', 'signature'],
};

/** Fields that are numbers, checked on their own (amount: 21/22; transId: transIdDigits). */
const NOT_STRINGS = new Set(['amount', 'transId']);

export const ORDER_ID = /^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$/;
export const MAX_REQUEST_ID = 50;
export const MAX_ITEMS = 50;

/** A field's value as it goes into the raw signature. */
function rawValue(v) {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : String(v);
}

/**
 * `accessKey=..&k=v&...` for `kind`, values as sent.
 * @param {keyof SIGNED_KEYS} kind
 * @param {Record<string, unknown>} fields
 * @param {string} accessKey
 */
export function rawSignature(kind, fields, accessKey) {
  return [`accessKey=${accessKey}`, ...SIGNED_KEYS[kind].map((k) => `${k}=${rawValue(fields[k])}`)].join('&');
}

/** Lowercase hex HMAC-SHA256. */
export function sign(raw, secretKey) {
  return crypto.createHmac('sha256', secretKey).update(raw, 'utf8').digest('hex');
}

/** Constant-time comparison of the body's signature with the expected one. */
export function signatureValid(kind, body, accessKey, secretKey) {
  if (typeof body.signature !== 'string') return false;
  const expected = Buffer.from(sign(rawSignature(kind, body, accessKey), secretKey), 'utf8');
  const given = Buffer.from(body.signature, 'utf8');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/**
 * The first missing or mistyped required field, or null. String fields must
 * be strings; `amount` is checked separately (21/22).
 */
export function missingField(kind, body) {
  for (const k of REQUIRED[kind]) {
    if (!(k in body) || body[k] === null) return `${k} is missing`;
    if (!NOT_STRINGS.has(k) && typeof body[k] !== 'string') return `${k} must be a string`;
  }
  for (const k of ['extraData', 'description', 'lang', 'ipnUrl', 'storeId', 'storeName', 'subPartnerCode']) {
    if (k in body && body[k] !== null && typeof body[k] !== 'string') return `${k} must be a string`;
  }
  return null;
}

const LONG_MAX = 2n ** 63n - 1n;

/**
 * A refund's transId from its value's text as written in the body (see
 * wire.mjs memberTexts): a bare JSON integer (how MoMo writes a Long, and how
 * the SDK sends it) or a string of digits. Returns the digits, or null when
 * it is neither or does not fit a Long. Never goes through a double: above
 * 2^53 that would name another payment.
 * @param {string | undefined} text
 */
export function transIdDigits(text) {
  if (text === undefined) return null;
  let digits = text;
  if (text.startsWith('"')) {
    try { digits = JSON.parse(text); } catch { return null; }
  }
  if (typeof digits !== 'string' || !/^(0|[1-9][0-9]{0,18})$/.test(digits)) return null;
  return BigInt(digits) <= LONG_MAX ? digits : null;
}

/**
 * Amount check: `null` when fine, else the result code (21 not an integer,
 * 22 out of range).
 */
export function amountCode(amount, min, max) {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) return 21;
  if (amount < min || amount > max) return 22;
  return null;
}

/** `lang`: absent → vi; otherwise must be vi or en. */
export function langProblem(body) {
  if (body.lang === undefined || body.lang === null) return null;
  return body.lang === 'vi' || body.lang === 'en' ? null : 'lang must be vi or en';
}

/** extraData: "" or base64 of a JSON object. */
export function extraDataProblem(extraData) {
  if (extraData === undefined || extraData === '') return null;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(extraData) || extraData.length % 4 !== 0) {
    return 'extraData must be base64';
  }
  try {
    const v = JSON.parse(Buffer.from(extraData, 'base64').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return null;
  } catch { /* falls through */ }
  return 'extraData must be base64 of a JSON object';
}

/**
 * The pos request's other fields: items, autoCapture, ipnUrl, requestTime,
 * userInfo. Returns `{ code, reason }` or null.
 */
export function posFieldProblem(body) {
  if ('autoCapture' in body && typeof body.autoCapture !== 'boolean') {
    return { code: 20, reason: 'autoCapture must be a boolean' };
  }
  if (typeof body.ipnUrl === 'string' && !/^https?:\/\/[^\s]+$/.test(body.ipnUrl)) {
    return { code: 20, reason: 'ipnUrl must be an http(s) URL' };
  }
  if ('requestTime' in body && !(Number.isSafeInteger(body.requestTime) && body.requestTime >= 0)) {
    return { code: 20, reason: 'requestTime must be epoch milliseconds' };
  }
  if ('orderGroupId' in body && !(Number.isSafeInteger(body.orderGroupId) && body.orderGroupId >= 0)) {
    return { code: 2019, reason: 'orderGroupId must be a number MoMo assigned' };
  }
  if ('userInfo' in body) {
    const u = body.userInfo;
    if (!u || typeof u !== 'object' || Array.isArray(u)) return { code: 20, reason: 'userInfo must be an object' };
    for (const k of ['name', 'phoneNumber', 'email']) {
      if (k in u && typeof u[k] !== 'string') return { code: 20, reason: `userInfo.${k} must be a string` };
    }
  }
  if ('items' in body) {
    const items = body.items;
    if (!Array.isArray(items)) return { code: 20, reason: 'items must be a list' };
    if (items.length > MAX_ITEMS) return { code: 20, reason: `at most ${MAX_ITEMS} items` };
    const ids = new Set();
    for (const [i, it] of items.entries()) {
      if (!it || typeof it !== 'object') return { code: 20, reason: `items[${i}] must be an object` };
      for (const k of ['id', 'name']) {
        if (typeof it[k] !== 'string' || it[k] === '') return { code: 20, reason: `items[${i}].${k} is missing` };
      }
      for (const k of ['price', 'quantity', 'totalPrice']) {
        if (!Number.isSafeInteger(it[k]) || it[k] < 0) return { code: 20, reason: `items[${i}].${k} must be a non-negative integer` };
      }
      if (it.quantity <= 0) return { code: 20, reason: `items[${i}].quantity must be greater than 0` };
      if (it.totalPrice !== it.price * it.quantity) return { code: 20, reason: `items[${i}].totalPrice must be price x quantity` };
      if (ids.has(it.id)) return { code: 45, reason: `items[${i}].id is a duplicate` };
      ids.add(it.id);
    }
  }
  if (body.extraData !== undefined) {
    const p = extraDataProblem(body.extraData);
    if (p) return { code: 20, reason: p };
  }
  return null;
}

/** Valid payment codes: MM/mm + 18 digits, or 18 digits. */
export const PAYMENT_CODE = /^(MM|mm)?[0-9]{18}$/;

/**
 * Decrypts a base64 RSA PKCS#1 v1.5 ciphertext. Returns the plaintext, or
 * null when it does not decrypt.
 * @param {crypto.KeyObject} privateKey
 * @param {string} b64
 */
export function decryptPaymentCode(privateKey, b64) {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  try {
    return crypto.privateDecrypt(
      { key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING },
      Buffer.from(b64, 'base64'),
    ).toString('utf8');
  } catch {
    return null;
  }
}

/**
 * Node 20 refuses PKCS#1 v1.5 private decryption unless started with
 * `--security-revert=CVE-2023-46809`. Returns null when decryption works,
 * else the message to show.
 * @param {crypto.KeyObject} privateKey
 */
export function pkcs1Problem(privateKey) {
  const publicKey = crypto.createPublicKey(privateKey);
  const probe = crypto.publicEncrypt(
    { key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING },
    Buffer.from('MM000000000000000000'),
  );
  try {
    const back = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING }, probe);
    return back.toString() === 'MM000000000000000000' ? null : 'RSA PKCS#1 v1.5 decryption gave a wrong result';
  } catch (e) {
    return 'This Node refuses RSA PKCS#1 v1.5 private decryption (MoMo encrypts payment codes with it). '
      + 'Start node with --security-revert=CVE-2023-46809, e.g. '
      + '`node --security-revert=CVE-2023-46809 tests/sandbox/server.mjs`. '
      + `(${e && e.message})`;
  }
}
