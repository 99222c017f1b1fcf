// A MoMo IPN endpoint in Fastify (4 or 5), next to routes that parse JSON.
//
// Fastify's own JSON parser would consume the body, and the signature
// covers the exact bytes (JSON.parse also rounds transId past 2^53): the
// IPN route lives in its own plugin scope whose application/json parser
// keeps the raw Buffer. Its bodyLimit makes Fastify answer 413 by itself
// above 64 KiB, the most the library reads anyway.
//
//   npm install fastify momo-pos
//   MOMO_PARTNER_CODE=... MOMO_ACCESS_KEY=... MOMO_SECRET_KEY=... \
//   ORDERS='{"ORDER-1001":59000}' PORT=8080 node examples/fastify-ipn.mjs
import Fastify from 'fastify';
import { createShop } from './shop.mjs';

const shop = createShop(process.env);
const app = Fastify();

app.register(async (ipn) => {
  ipn.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (request, body, done) =>
    done(null, body),
  );
  ipn.post(process.env.IPN_PATH ?? '/momo/ipn', async (request, reply) => {
    // A rejection (a wiring mistake, a failed database write) becomes
    // Fastify's 500, so the IPN is not acknowledged.
    const answer = await shop.client.verifyIpnRequest(request);
    return reply.code(await shop.settle(answer)).send();
  });
});

// Outside that scope, Fastify's JSON parser as usual.
app.post('/echo', async (request) => request.body);

const host = process.env.HOST ?? '127.0.0.1';
await app.listen({ port: Number(process.env.PORT ?? 8080), host });
console.log(`listening on http://${host}:${app.server.address().port}`);

process.once('SIGTERM', () => app.close());
