'use strict';
// The one error class of the package. The WebAssembly module constructs it
// (the entry files register it at load), so `instanceof MomoError` holds for
// every error the library throws.

class MomoError extends Error {
  /**
   * @param {string} code   stable camelCase kind (MomoErrorCode)
   * @param {string} message
   * @param {string | null} [field]  the offending field, in MoMo's camelCase name
   */
  constructor(code, message, field = null) {
    super(message);
    this.name = 'MomoError';
    this.code = code;
    this.field = field;
  }
}

// instanceof fails across copies of the package (bundles, realms), so the
// guard also accepts any Error that carries the same shape.
function isMomoError(value) {
  return (
    value instanceof MomoError ||
    (value instanceof Error && value.name === 'MomoError' && typeof value.code === 'string')
  );
}

module.exports = { MomoError, isMomoError };
