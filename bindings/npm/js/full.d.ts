// momo-pos: the full package, for Node backends and trusted terminals. It
// signs with the merchant's secret: never ship it to a web page (use
// momo-pos/browser there).
export * from "./node/full/momo_pos.js";
export { MomoError, isMomoError } from "./error.js";
export type { MomoErrorCode } from "./error.js";

/**
 * Loads the WebAssembly module. In browsers, await it once before any other
 * call (it fetches momo_pos_bg.wasm, or the URL string or bytes given); in Node it
 * resolves at once.
 */
export function init(wasm?: string | ArrayBuffer | Uint8Array): Promise<void>;
export default init;
