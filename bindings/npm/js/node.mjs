// Node, ES modules: the CommonJS entry re-exported, so that import and
// require share one module instance and one MomoError class.
import cjs from './@ENTRY@.cjs';

export const {
@NAMES@
  MomoError,
  isMomoError,
  init,
} = cjs;
export default init;
