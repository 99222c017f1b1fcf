// Independent expected values for the JS tests: HMAC from node:crypto over
// raw-signature text built here from PROTOCOL.md's key lists, and RSA
// decryption with the repository's test private key by the openssl CLI.
// Nothing here calls momo-pos.
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const pkgDir = fileURLToPath(new URL('../', import.meta.url));

// MoMo's public sandbox credentials (PROTOCOL.md).
export const credentials = {
  partnerCode: 'MOMO',
  accessKey: 'F8BBA842ECF85',
  secretKey: 'K951B6PE1waDMi640xX08PD3vg6EkVlz',
};

export const publicKey2048 = readFileSync(`${repo}tests/keys/test_rsa2048_public_spki.b64`, 'utf8');
const privateKey2048 = `${repo}tests/keys/test_rsa2048_private.pem`;

export const KEYS = {
  pos: ['accessKey', 'amount', 'extraData', 'orderId', 'orderInfo', 'partnerCode', 'paymentCode', 'requestId'],
  query: ['accessKey', 'orderId', 'partnerCode', 'requestId'],
  confirm: ['accessKey', 'amount', 'description', 'orderId', 'partnerCode', 'requestId', 'requestType'],
  refund: ['accessKey', 'amount', 'description', 'orderId', 'partnerCode', 'requestId', 'transId'],
  ipn: [
    'accessKey', 'amount', 'extraData', 'message', 'orderId', 'orderInfo', 'orderType',
    'partnerCode', 'payType', 'requestId', 'responseTime', 'resultCode', 'transId',
  ],
};

/** `accessKey=…&k=v…` with values as given (strings or digit strings). */
export function rawSignature(kind, fields, accessKey = credentials.accessKey) {
  return KEYS[kind]
    .map((key) => `${key}=${key === 'accessKey' ? accessKey : fields[key] ?? ''}`)
    .join('&');
}

export function hmacHex(text, secret = credentials.secretKey) {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/**
 * A signed IPN body as MoMo would send it. Numbers are written as raw JSON
 * digits from strings, so transId can exceed 2^53 exactly.
 */
export function ipnBody(overrides = {}, secret = credentials.secretKey) {
  const f = {
    partnerCode: 'MOMO',
    orderId: 'ORDER-1001',
    requestId: 'ORDER-1001-r1',
    amount: '59000',
    orderInfo: 'Cà phê sữa đá x2',
    orderType: 'momo_wallet',
    transId: '9007199254740993',
    resultCode: '0',
    message: 'Thành công.',
    payType: 'pos',
    responseTime: '1763886412345',
    extraData: '',
    ...overrides,
  };
  const signature = hmacHex(rawSignature('ipn', f), secret);
  const numbers = new Set(['amount', 'transId', 'resultCode', 'responseTime']);
  const parts = Object.entries(f).map(([k, v]) => `${JSON.stringify(k)}:${numbers.has(k) ? v : JSON.stringify(v)}`);
  return `{${parts.join(',')},"signature":"${signature}"}`;
}

/** PKCS#1 v1.5 decryption of base64 ciphertext with the test private key. */
export function decrypt(base64) {
  return execFileSync(
    'openssl',
    ['pkeyutl', '-decrypt', '-inkey', privateKey2048, '-pkeyopt', 'rsa_padding_mode:pkcs1'],
    { input: Buffer.from(base64, 'base64') },
  ).toString('utf8');
}
