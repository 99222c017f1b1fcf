// A MoMo IPN endpoint as a fetch handler: a Request in, a Response out.
// The same module serves
// - Cloudflare Workers (workerd): fetch-ipn-worker.mjs and workerd.capnp;
// - Node, through Hono's adapter: fetch-ipn-node.mjs;
// - a Hono app:  app.post('/momo/ipn', (c) => ipn.fetch(c.req.raw, c.env));
// - a Next.js route handler (app/momo/ipn/route.js):
//       export const POST = (request) => ipn.fetch(request);
// Whatever the framework, pass the Request itself, before anything has
// called request.json() or request.text(): verifyIpnRequest reads the raw
// bytes (64 KiB at most) and verifies them.
//
// Settings (shop.mjs) come from the Worker's env, else from process.env.
import { init } from 'momo-pos';
import { createShop } from './shop.mjs';

let shop; // one per isolate or process, made on the first request

export default {
  async fetch(request, env) {
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { Allow: 'POST' } });
    // Workers have no process.env, and give settings only to handlers.
    // init() loads the WebAssembly where the runtime does not at import
    // (fetch-ipn-worker.mjs hands it the module first); in Node it is done.
    shop ??= init().then(() => createShop({ ...globalThis.process?.env, ...env }));
    try {
      const { client, settle } = await shop;
      const reply = await client.verifyIpnRequest(request);
      return new Response(null, { status: await settle(reply) });
    } catch (error) {
      // Settings refused, a wiring mistake, a failed database write: the
      // IPN is not acknowledged.
      console.error(`ipn failed: ${error.message}`);
      return new Response(null, { status: 500 });
    }
  },
};
