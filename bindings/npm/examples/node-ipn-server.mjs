// A MoMo IPN endpoint on plain node:http: verifyIpnRequest reads the
// request stream itself (refusing it past 64 KiB), shop.mjs does the
// shop's checks.
//
//   MOMO_PARTNER_CODE=... MOMO_ACCESS_KEY=... MOMO_SECRET_KEY=... \
//   ORDERS='{"ORDER-1001":59000}' PORT=8080 node examples/node-ipn-server.mjs
// (HOST=0.0.0.0 to listen beyond this machine; MoMo must reach ipnUrl.)
import http from 'node:http';
import { createShop } from './shop.mjs';

const shop = createShop(process.env);

const server = http.createServer(async (req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'POST' }).end();
    return;
  }
  try {
    const reply = await shop.client.verifyIpnRequest(req);
    res.writeHead(await shop.settle(reply)).end();
  } catch (error) {
    // The shop could not record the outcome: anything but 204 leaves the
    // IPN unacknowledged.
    console.error(`ipn failed: ${error.message}`);
    res.writeHead(500).end();
  }
});

const host = process.env.HOST ?? '127.0.0.1';
server.listen(Number(process.env.PORT ?? 8080), host, () => {
  console.log(`listening on http://${host}:${server.address().port}`);
});

// Finish the requests in flight, then exit (0) on the supervisor's stop.
process.once('SIGTERM', () => server.close());
