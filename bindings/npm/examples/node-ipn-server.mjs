// A MoMo IPN endpoint on node:http.
//
// MoMo POSTs the payment result to the ipnUrl of the pos request and wants
// HTTP 204 within 15 s. Verify the raw body (never a parsed object: the
// signature covers the exact text, and transId may pass 2^53), check the
// order against your own records, ignore repeated deliveries, answer 204.
// Anything else gets 400 and one log line saying why; secrets are never
// logged (MomoError messages never contain them).
//
//   MOMO_PARTNER_CODE=... MOMO_ACCESS_KEY=... MOMO_SECRET_KEY=... \
//   ORDERS='{"ORDER-1001":59000}' PORT=8080 node examples/node-ipn-server.mjs
import http from 'node:http';
import { MomoClient, isMomoError } from 'momo-pos';

const MAX_BODY = 64 * 1024; // the library refuses larger bodies anyway

const client = new MomoClient({
  partnerCode: process.env.MOMO_PARTNER_CODE ?? '',
  accessKey: process.env.MOMO_ACCESS_KEY ?? '',
  secretKey: process.env.MOMO_SECRET_KEY ?? '',
  environment: process.env.MOMO_ENV ?? 'test',
});

// Stand-ins for the shop's database: expected amounts by orderId, and the
// deliveries already processed.
const orders = new Map(Object.entries(JSON.parse(process.env.ORDERS ?? '{}')));
const processed = new Set();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`body larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reject(res, why) {
  console.warn(`ipn rejected: ${why}`);
  res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad notification\n');
}

const server = http.createServer(async (req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'POST' }).end();
    return;
  }
  let notification;
  try {
    notification = client.verifyIpn(await readBody(req)); // the Buffer, as received
  } catch (error) {
    reject(res, isMomoError(error) ? `${error.code}: ${error.message}` : String(error.message));
    return;
  }
  const expected = orders.get(notification.orderId);
  if (expected === undefined) {
    reject(res, `unknown orderId ${notification.orderId}`);
    return;
  }
  if (expected !== notification.amount) {
    reject(res, `amount ${notification.amount} for ${notification.orderId}, expected ${expected}`);
    return;
  }
  if (processed.has(notification.dedupeKey)) {
    console.log(`ipn repeated: ${notification.dedupeKey}`);
  } else {
    processed.add(notification.dedupeKey);
    // Record the outcome here (paid, declined...) before answering.
    console.log(
      `ipn accepted: order ${notification.orderId} transId ${notification.transId} ` +
        `result ${notification.resultCode} (${notification.result.category})`,
    );
  }
  res.writeHead(204).end();
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
