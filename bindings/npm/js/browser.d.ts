// momo-pos/browser: public-key only. Normalizes and encrypts scanned payment
// codes and explains result codes; it cannot sign and holds no secret.
export * from "./node/browser/momo_pos.js";
export { MomoError, isMomoError } from "./error.js";
export type { MomoErrorCode } from "./error.js";

/**
 * Loads the WebAssembly module. In browsers, await it once before any other
 * call (it fetches momo_pos_bg.wasm, or the URL string or bytes given); in Node it
 * resolves at once.
 */
export function init(wasm?: string | ArrayBuffer | Uint8Array): Promise<void>;
export default init;
