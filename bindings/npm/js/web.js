// Browsers and bundlers (Vite, webpack, esbuild), ES modules. Nothing runs
// at import time: await init() once before any other call. It fetches
// momo_pos_bg.wasm next to this file unless given the module's URL or bytes.
import load, { __setErrorClass } from './@ENTRY@/momo_pos.js';
import { MomoError, isMomoError } from '../error.mjs';
/*@full*/ import { MomoClient, __setObjectBuilders } from './@ENTRY@/momo_pos.js';
/*@full*/ import { objectBuilders } from '../packed.mjs';
/*@full*/ import { installVerifyIpnRequest } from '../ipn-request.mjs';

/*@full*/ // client.verifyIpnRequest(request) also here: Workers-style runtimes
/*@full*/ // (workerd) take this entry, giving init() the compiled module.
/*@full*/ installVerifyIpnRequest(MomoClient, MomoError, isMomoError);

let loading;

export function init(wasm) {
  if (!loading) {
    loading = load(wasm === undefined ? undefined : { module_or_path: wasm }).then(
      () => {
        __setErrorClass(MomoError);
/*@full*/         __setObjectBuilders(objectBuilders);
      },
      (error) => {
        loading = undefined; // a failed download may be retried
        throw error;
      },
    );
  }
  return loading;
}
export default init;

export {
@NAMES@
} from './@ENTRY@/momo_pos.js';
export { MomoError, isMomoError };
