// Node, ES modules: the CommonJS entry re-exported, so that import and
// require share one module instance and one MomoError class.
import cjs from './full.cjs';

export const {
  MomoClient,
  MomoPublicKey,
  normalizePaymentCode,
  maskPaymentCode,
  explainResultCode,
  resultCodeCatalogue,
  encodeExtraData,
  decodeExtraData,
  MomoError,
  isMomoError,
  init,
} = cjs;
export default init;
