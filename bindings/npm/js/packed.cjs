'use strict';
// Object literals for the results the wasm packs (bindings/wasm/src/packed.rs):
// `t` holds every text field end to end, `e` the UTF-16 end of each. The
// keys and their order are those of the Rust types' serde forms. The entry
// registers these with the module (__setObjectBuilders) right after loading.

function notificationObject(t, e, amount, resultCode, responseTime, hasPartnerUserId, isPaid, isFinal) {
  return {
    partnerCode: t.slice(0, e[0]),
    orderId: t.slice(e[0], e[1]),
    requestId: t.slice(e[1], e[2]),
    amount,
    orderInfo: t.slice(e[2], e[3]),
    orderType: t.slice(e[3], e[4]),
    transId: t.slice(e[4], e[5]),
    resultCode,
    message: t.slice(e[5], e[6]),
    payType: t.slice(e[6], e[7]),
    responseTime,
    extraData: t.slice(e[7], e[8]),
    partnerUserId: hasPartnerUserId ? t.slice(e[8], e[9]) : null,
    isPaid,
    dedupeKey: t.slice(e[9], e[10]),
    result: {
      code: resultCode,
      messageEn: t.slice(e[10], e[11]),
      messageVi: t.slice(e[11], e[12]),
      isFinal,
      category: t.slice(e[12], e[13]),
      nextStep: t.slice(e[13], e[14]),
    },
  };
}

function requestObject(t, e, timeoutMs) {
  return {
    url: t.slice(0, e[0]),
    path: t.slice(e[0], e[1]),
    headers: { 'Content-Type': t.slice(e[1], e[2]) },
    body: t.slice(e[2], e[3]),
    timeoutMs,
    rawSignature: t.slice(e[3], e[4]),
    signature: t.slice(e[4], e[5]),
    partnerCode: t.slice(e[5], e[6]),
    orderId: t.slice(e[6], e[7]),
    requestId: t.slice(e[7], e[8]),
  };
}

const objectBuilders = { notificationObject, requestObject };

module.exports = { objectBuilders };
