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

import type { Notification } from "./node/full/momo_pos.js";
import type { MomoError } from "./error.js";

/**
 * The requests `verifyIpnRequest` reads, by shape (no Node or DOM types
 * needed): a node:http `IncomingMessage` (Express and Fastify's `req.raw`
 * are one), a fetch `Request` (Next.js route handlers, Hono's `c.req.raw`,
 * Workers), a request whose `body` already holds the raw bytes (Express
 * with `express.raw()`, Fastify with a `parseAs: "buffer"` parser), or a
 * framework's wrapper with the runtime's request in `raw` (Fastify's
 * request, Hono's `c.req`).
 */
export type IpnRequest = IpnNodeRequest | IpnFetchRequest | IpnRawBodyRequest | IpnWrappedRequest;

/** A node:http IncomingMessage, or anything streaming like one. */
export interface IpnNodeRequest {
  readonly headers: { readonly [name: string]: string | string[] | undefined };
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  readonly readableEnded: boolean;
}

/** A fetch API Request. */
export interface IpnFetchRequest {
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): unknown } | null;
  readonly bodyUsed: boolean;
}

/** A request whose body a raw-body parser already read, unparsed. */
export interface IpnRawBodyRequest {
  readonly body: string | Uint8Array | ArrayBuffer;
}

/** A framework's request object around the runtime's one. */
export interface IpnWrappedRequest {
  readonly raw: IpnNodeRequest | IpnFetchRequest;
  readonly body?: unknown;
}

/**
 * What to answer MoMo. `ok`: the notification is authentic and for this
 * partnerCode; check orderId and amount against your records and skip a
 * `dedupeKey` already seen, then reply 204. Otherwise reply 400 and log
 * `reason` (`code: message`; never a secret).
 */
export type IpnReply = IpnAccepted | IpnRefused;

export interface IpnAccepted {
  readonly ok: true;
  readonly status: 204;
  readonly notification: Notification;
}

export interface IpnRefused {
  readonly ok: false;
  readonly status: 400;
  readonly reason: string;
  /** From verifyIpn, or `bodyTooLarge` (over 64 KiB, reading stopped) / `invalidJson` (the body was cut off). */
  readonly error: MomoError;
}

declare module "./node/full/momo_pos.js" {
  interface MomoClient {
    /**
     * Reads the IPN's raw body from the request (at most 64 KiB, refused
     * as soon as more arrives) and verifies it as `verifyIpn` does. What a
     * sender got wrong resolves to a 400 reply, never a rejection; it
     * rejects with a MomoError (`invalidField`, field `body`) for wiring
     * mistakes that would fail every IPN: a JSON parser already consumed
     * the body (mount `express.raw({ type: "application/json" })` on the
     * route), or the argument is not a request.
     */
    verifyIpnRequest(request: IpnRequest): Promise<IpnReply>;
  }
}
