/** Stable kinds of failure (the core's ErrorKind names): never renamed. */
export type MomoErrorCode =
  | "invalid_payment_code"
  | "invalid_public_key"
  | "invalid_credentials"
  | "invalid_field"
  | "missing_field"
  | "duplicate_key"
  | "invalid_json"
  | "body_too_large"
  | "malformed_signature"
  | "signature_mismatch"
  | "field_mismatch"
  | "randomness"
  | "encryption"
  | "invalid_state";

/** Every error momo-pos throws. `message` never contains a secret. */
export class MomoError extends Error {
  constructor(code: MomoErrorCode, message: string, field?: string | null);
  readonly name: "MomoError";
  readonly code: MomoErrorCode;
  /** The offending field in MoMo's camelCase name (`items[2].totalPrice`), or null. */
  readonly field: string | null;
}

/** True for errors thrown by momo-pos, also across bundled copies of the package. */
export function isMomoError(value: unknown): value is MomoError;
