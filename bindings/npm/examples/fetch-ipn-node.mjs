// fetch-ipn.mjs served on Node by Hono's adapter, which turns node:http
// requests into fetch Requests (Node 20 has no fetch-style server of its own).
//
//   npm install @hono/node-server momo-pos
//   MOMO_PARTNER_CODE=... MOMO_ACCESS_KEY=... MOMO_SECRET_KEY=... \
//   ORDERS='{"ORDER-1001":59000}' PORT=8080 node examples/fetch-ipn-node.mjs
import { serve } from '@hono/node-server';
import ipn from './fetch-ipn.mjs';

const hostname = process.env.HOST ?? '127.0.0.1';
const server = serve({ fetch: ipn.fetch, port: Number(process.env.PORT ?? 8080), hostname }, (info) => {
  console.log(`listening on http://${hostname}:${info.port}`);
});

process.once('SIGTERM', () => server.close());
