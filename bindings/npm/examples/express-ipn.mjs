// A MoMo IPN endpoint in Express (4 or 5), next to routes that parse JSON.
//
// The IPN route must get the body as raw bytes: express.raw() on that
// route, registered before any app-wide express.json(). Once express.json()
// has parsed the body, the exact bytes are gone (the signature covers them,
// and JSON.parse rounds transId past 2^53), and verifyIpnRequest throws a
// MomoError saying so rather than answering 400 to every IPN.
// express.raw's limit answers 413 by itself above 64 KiB, the most the
// library reads anyway.
//
//   npm install express momo-pos
//   MOMO_PARTNER_CODE=... MOMO_ACCESS_KEY=... MOMO_SECRET_KEY=... \
//   ORDERS='{"ORDER-1001":59000}' PORT=8080 node examples/express-ipn.mjs
import express from 'express';
import { createShop } from './shop.mjs';

const shop = createShop(process.env);
const app = express();

app.post(
  process.env.IPN_PATH ?? '/momo/ipn',
  express.raw({ type: 'application/json', limit: '64kb' }),
  async (req, res, next) => {
    try {
      const reply = await shop.client.verifyIpnRequest(req);
      res.sendStatus(await shop.settle(reply));
    } catch (error) {
      // A wiring mistake or a failed database write: Express's error
      // handler logs it and answers 500, so the IPN is not acknowledged.
      // (Express 4 would not catch a rejected promise by itself.)
      next(error);
    }
  },
);

// The rest of the app parses JSON as usual.
app.use(express.json());
app.get('/health', (req, res) => res.json({ ok: true }));

const host = process.env.HOST ?? '127.0.0.1';
const server = app.listen(Number(process.env.PORT ?? 8080), host, () => {
  console.log(`listening on http://${host}:${server.address().port}`);
});

process.once('SIGTERM', () => server.close());
