// The shop's side of a MoMo IPN, shared by the endpoint examples here
// (node-ipn-server, express-ipn, fastify-ipn, fetch-ipn): they differ only
// in how their framework hands over the request and sends the status.
//
// MoMo POSTs the payment result to the ipnUrl of the pos request and wants
// HTTP 204 within 15 s. client.verifyIpnRequest(request) reads the raw body
// (never a parsed object: the signature covers the exact bytes, and transId
// may pass 2^53) and verifies it; then the shop checks the order against its
// own records, ignores repeated deliveries, and answers 204. Anything else
// gets 400 and one log line saying why; secrets are never logged (MomoError
// messages never contain them).
//
// Settings, from the environment (process.env, or a Worker's env):
//   MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY  the merchant's credentials
//   MOMO_ENV     test (default) or production
//   ORDERS       JSON object: the expected amount of each open orderId,
//                a stand-in for the shop's database, e.g. {"ORDER-1001":59000}
import { MomoClient } from 'momo-pos';

/** The client and the IPN bookkeeping for one set of settings. */
export function createShop(env) {
  const client = new MomoClient({
    partnerCode: env.MOMO_PARTNER_CODE ?? '',
    accessKey: env.MOMO_ACCESS_KEY ?? '',
    secretKey: env.MOMO_SECRET_KEY ?? '',
    environment: env.MOMO_ENV ?? 'test',
  });
  // Stand-ins for the shop's database: expected amounts by orderId, and the
  // deliveries already processed.
  const orders = new Map(Object.entries(JSON.parse(env.ORDERS ?? '{}')));
  const processed = new Set();

  const refuse = (why) => {
    console.warn(`ipn rejected: ${why}`);
    return 400;
  };

  /**
   * The HTTP status to answer MoMo with, for a reply of verifyIpnRequest.
   * Async like the database write it stands for: record the outcome before
   * answering 204, since MoMo takes 204 as "delivered".
   */
  async function settle(reply) {
    if (!reply.ok) return refuse(reply.reason);
    const notification = reply.notification;
    const expected = orders.get(notification.orderId);
    if (expected === undefined) return refuse(`unknown orderId ${notification.orderId}`);
    if (expected !== notification.amount) {
      return refuse(`amount ${notification.amount} for ${notification.orderId}, expected ${expected}`);
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
    return 204;
  }

  return { client, settle };
}
