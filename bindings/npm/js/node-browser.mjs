// Node, ES modules: the CommonJS entry re-exported, so that import and
// require share one module instance and one MomoError class.
import cjs from './browser.cjs';

export const {
  MomoPublicKey,
  normalizePaymentCode,
  maskPaymentCode,
  explainResultCode,
  resultCodeCatalogue,
  MomoError,
  isMomoError,
  init,
} = cjs;
export default init;
