'use strict';
// Node, CommonJS: the wasm-bindgen nodejs build compiles the module
// synchronously at require time, so init() has nothing left to do; it
// exists so that code shared with browsers can await it everywhere.
// The wasm draws the randomness of RSA padding from globalThis.crypto,
// which every supported Node (20 and later) has: the package assigns no
// global of its own.
const wasm = require('./@ENTRY@/momo_pos.js');
const { MomoError, isMomoError } = require('../error.cjs');

wasm.__setErrorClass(MomoError);
/*@full*/ // A verified IPN and a signed request are built by these literals.
/*@full*/ wasm.__setObjectBuilders(require('../packed.cjs').objectBuilders);
/*@full*/ // client.verifyIpnRequest(req) reads a request's body for verifyIpn.
/*@full*/ require('../ipn-request.cjs').installVerifyIpnRequest(wasm.MomoClient, MomoError, isMomoError);

function init() {
  return Promise.resolve();
}

for (const [name, value] of Object.entries(wasm)) {
  if (!name.startsWith('__')) exports[name] = value;
}
exports.MomoError = MomoError;
exports.isMomoError = isMomoError;
exports.init = init;
exports.default = init;
