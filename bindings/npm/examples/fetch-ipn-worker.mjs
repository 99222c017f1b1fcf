// fetch-ipn.mjs as a Cloudflare Worker, run locally by workerd (see
// workerd.capnp). A Worker cannot fetch the WebAssembly that sits next to
// the package's web entry, so it is imported as a module (the package
// exports it as momo-pos/momo_pos_bg.wasm, which wrangler and other
// bundlers resolve) and handed to init() before the handler's first call.
import wasm from 'momo-pos/momo_pos_bg.wasm';
import { init } from 'momo-pos';
import ipn from './fetch-ipn.mjs';

export default {
  async fetch(request, env, ctx) {
    await init(wasm); // compiles once; later calls return the same promise
    return ipn.fetch(request, env, ctx);
  },
};
