'use strict';
// client.verifyIpnRequest(request): the IPN endpoint's whole job up to the
// shop's own records. It gets the raw bytes out of whatever the server
// framework hands over and lets client.verifyIpn judge them; every protocol
// rule stays in the core, so this file only reads bodies and maps outcomes.
//
// Two kinds of failure, on purpose:
// - what a network peer sent (bad signature or JSON, another partner, a
//   body over the cap, a connection cut mid-body) is an answer, never an
//   exception: { ok: false, status: 400, reason, error }, so that one
//   stranger's POST cannot crash or 500 the endpoint;
// - a wiring mistake of the program (a JSON parser ate the body first, the
//   argument is no request) would fail every IPN alike, so it throws a
//   MomoError that shows up in the first test run, rather than a 400 that
//   would quietly refuse every real payment result.
//
// No imports: it must load unchanged in Node and in Workers-style runtimes
// (no Buffer, no node:stream), and the ES module copy in dist/ is derived
// from this file's text by make-entries.mjs.

const RAW_BODY_HINT =
  'the signature covers the exact bytes MoMo sent, and JSON.parse loses transId digits beyond 2^53. ' +
  'Give the IPN route its raw body: in Express, mount express.raw({ type: "application/json" }) on that ' +
  'route, ahead of any app-wide express.json(); in Fastify, add a content-type parser with ' +
  'parseAs: "buffer" for application/json in the route\'s scope; with fetch-style handlers, do not ' +
  'call request.json() or request.text() before verifyIpnRequest';

function installVerifyIpnRequest(MomoClient, MomoError, isMomoError) {
  const wiring = (message) => new MomoError('invalidField', message, 'body');

  const refused = (error) => ({ ok: false, status: 400, reason: `${error.code}: ${error.message}`, error });
  // What the readers settle with: the bytes to verify, or the answer already.
  const got = (body) => ({ body });
  const answer = (error) => ({ reply: refused(error) });

  // The same words the core uses for its own refusal of a large body, with
  // what is known: a declared length, or where reading stopped.
  const tooLarge = (what, limit) =>
    answer(new MomoError('bodyTooLarge', `body of ${what} exceeds the limit of ${limit} bytes`));

  const cutOff = (size) =>
    answer(new MomoError('invalidJson', `the request ended after ${size} bytes, before its body was complete`));

  // Content-Length, when present and sane, lets a large body be refused
  // before a byte of it is read; a lying header is caught by the count.
  const declaredTooLarge = (value, limit) => {
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text !== 'string' || !/^\s*\d+\s*$/.test(text)) return null;
    const declared = Number(text);
    return declared > limit ? tooLarge(`${declared} bytes (Content-Length)`, limit) : null;
  };

  const join = (chunks, size) => {
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    return bytes;
  };

  const isRawBody = (body) => typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer;

  // Duck-typed rather than instanceof: Next's NextRequest, undici's and
  // workerd's Request classes are not one class across realms.
  const isFetchRequest = (req) =>
    'bodyUsed' in req &&
    typeof req.headers?.get === 'function' &&
    (req.body === null || typeof req.body?.getReader === 'function');

  const isNodeStream = (req) => typeof req.on === 'function' && typeof req.removeListener === 'function' && 'readableEnded' in req;

  const describe = (value) => (Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

  const consumed = (body) =>
    wiring(
      body !== undefined && body !== null
        ? `the request body was already parsed (req.body is ${describe(body)}, not the raw bytes): ${RAW_BODY_HINT}`
        : `the request body was already read by something before verifyIpnRequest: ${RAW_BODY_HINT}`,
    );

  // An event-driven read rather than `for await`: leaving an async iterator
  // early destroys the socket, and the sender would never see the 400. Past
  // the cap the rest is let flow with no listener, so it is dropped as it
  // arrives and the connection stays usable (pausing instead would leave a
  // keep-alive socket stuck behind the unread remainder).
  const readNodeStream = (stream, limit) =>
    new Promise((resolve) => {
      const early = declaredTooLarge(stream.headers?.['content-length'], limit);
      if (early) {
        resolve(early);
        return;
      }
      const chunks = [];
      let size = 0;
      const finish = (outcome) => {
        stream.removeListener('data', onData);
        stream.removeListener('end', onEnd);
        stream.removeListener('error', onCut);
        stream.removeListener('close', onCut);
        outcome();
      };
      const onData = (chunk) => {
        const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
        size += bytes.byteLength;
        if (size > limit) {
          finish(() => resolve(tooLarge(`more than ${limit} bytes`, limit)));
          stream.resume?.();
        } else {
          chunks.push(bytes);
        }
      };
      const onEnd = () => finish(() => resolve(got(join(chunks, size))));
      const onCut = () => finish(() => resolve(cutOff(size)));
      stream.on('data', onData);
      stream.on('end', onEnd);
      stream.on('error', onCut);
      stream.on('close', onCut);
      stream.resume?.();
    });

  const readFetchBody = async (req, limit) => {
    const early = declaredTooLarge(req.headers.get('content-length'), limit);
    if (early) return early;
    if (req.body === null) return got(new Uint8Array(0));
    const reader = req.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      let step;
      try {
        step = await reader.read();
      } catch {
        return cutOff(size);
      }
      if (step.done) return got(join(chunks, size));
      size += step.value.byteLength;
      if (size > limit) {
        // Tells the runtime the rest is unwanted; a failure to cancel changes nothing here.
        reader.cancel().catch(() => {});
        return tooLarge(`more than ${limit} bytes`, limit);
      }
      chunks.push(step.value);
    }
  };

  /** { body } with the raw bytes or text, or { reply } with a 400; throws on wiring mistakes. */
  const rawBody = async (req, depth, limit) => {
    if (req === null || typeof req !== 'object') {
      throw wiring(`verifyIpnRequest takes the HTTP request (got ${req === null ? 'null' : typeof req}); for a body already in hand use verifyIpn(rawBody)`);
    }
    const { body } = req;
    // Express with express.raw(), Fastify with a parseAs: 'buffer' parser.
    if (isRawBody(body)) return got(body);
    if (isFetchRequest(req)) {
      if (req.bodyUsed) throw consumed(undefined);
      return readFetchBody(req, limit);
    }
    if (isNodeStream(req)) {
      // An untouched stream is read even when a parser left a placeholder
      // body (Express 4's express.json() sets {} for other content types).
      if (!req.readableEnded && !req.readableDidRead) return readNodeStream(req, limit);
      throw consumed(body);
    }
    // A framework's wrapper around the runtime's request: Fastify's request
    // (.raw is the IncomingMessage), Hono's c.req (.raw is the Request).
    if (depth === 0 && req.raw !== null && typeof req.raw === 'object') {
      if (body !== undefined && body !== null) throw consumed(body);
      return rawBody(req.raw, 1, limit);
    }
    if (body !== undefined && body !== null) throw consumed(body);
    throw wiring(
      'verifyIpnRequest takes the HTTP request: a node:http IncomingMessage, a fetch Request, ' +
        'or a framework request whose .body holds the raw bytes; for a body already in hand use verifyIpn(rawBody)',
    );
  };

  const methods = {
    async verifyIpnRequest(request) {
      // The core's own limit (momo_pos::MAX_BODY_BYTES): reading stops where
      // verifyIpn would refuse anyway, so a stranger cannot make the
      // endpoint buffer more.
      const { body, reply } = await rawBody(request, 0, this.maxBodyBytes);
      if (reply) return reply;
      try {
        return { ok: true, status: 204, notification: this.verifyIpn(body) };
      } catch (error) {
        // Anything but a MomoError is a bug to surface, not a bad request.
        if (!isMomoError(error)) throw error;
        return refused(error);
      }
    },
  };
  // Non-enumerable, like the methods wasm-bindgen defines on the class.
  Object.defineProperty(MomoClient.prototype, 'verifyIpnRequest', {
    configurable: true,
    writable: true,
    value: methods.verifyIpnRequest,
  });
}

module.exports = { installVerifyIpnRequest };
