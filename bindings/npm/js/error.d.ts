/**
 * Stable kinds of failure: the core's ErrorKind names in camelCase (the C ABI
 * and the CLI spell them snake_case: "invalid_json" there is "invalidJson"
 * here). Never renamed.
 * - invalidPaymentCode: the scanned code is not one of MoMo's forms (`message` says why)
 * - invalidPublicKey: not an RSA public key of 2048 to 4096 bits
 * - invalidCredentials: partnerCode, accessKey or secretKey refused
 * - invalidField / missingField: an input field broke a rule or is absent (`field` names it)
 * - duplicateKey: a received body repeats a key
 * - invalidJson: a received body (or a snapshot) is not the JSON expected
 * - bodyTooLarge: a received body is over 64 KiB; refused unread
 * - malformedSignature / signatureMismatch: a received signature is not 64 hex digits / is wrong
 * - fieldMismatch: a verified message is about another partnerCode, order or amount
 * - randomness / encryption: no secure randomness for the RSA padding / encryption failed
 * - invalidState: not now (a decision when nothing is authorized, a snapshot
 *   of another format or merchant)
 * - jsonLimit: a received body crosses one of the reader's caps (keys per
 *   object, key or string length, values, escapes, nesting: the README's
 *   Limits); reading stopped there, before any signature check
 */
export type MomoErrorCode =
  | "invalidPaymentCode"
  | "invalidPublicKey"
  | "invalidCredentials"
  | "invalidField"
  | "missingField"
  | "duplicateKey"
  | "invalidJson"
  | "bodyTooLarge"
  | "malformedSignature"
  | "signatureMismatch"
  | "fieldMismatch"
  | "randomness"
  | "encryption"
  | "invalidState"
  | "jsonLimit";

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
