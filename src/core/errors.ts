// Coded errors shared by every area: one class, one code per failure, the HTTP status on the error.
// Each area declares its own registry with `defineError`; `src/core` declares the protocol's codes.

/** Every public failure code starts with OTS_ERR_. Codes are public API: never renamed or reused. */
export type OtsCode = `OTS_ERR_${string}`;

export class OtsError extends Error {
  override readonly name = 'OtsError';
  constructor(
    readonly code: OtsCode,
    message: string,
    readonly statusCode = 500,
  ) {
    super(message);
  }

  /** Keeps the lower-level failure for the log without changing code or message. */
  causedBy(cause: unknown): this {
    this.cause = cause;
    return this;
  }
}

/** A declared error: call it to build the error you throw; `code` and `statusCode` are readable. */
export type ErrorFactory<Args extends unknown[]> = ((...args: Args) => OtsError) & {
  readonly code: OtsCode;
  readonly statusCode: number;
};

/** Declares one code. Call the result to build the error you throw. */
export function defineError<Args extends unknown[]>(
  code: OtsCode,
  statusCode: number,
  explain: (...args: Args) => string,
): ErrorFactory<Args> {
  const build = (...args: Args) => new OtsError(code, explain(...args), statusCode);
  return Object.assign(build, { code, statusCode });
}

/** True when `err` is one of ours (optionally with the given code). */
export function isOtsError(err: unknown, code?: OtsCode): err is OtsError {
  return err instanceof OtsError && (code === undefined || err.code === code);
}

/** Failures of the protocol core: parsing, limits, evaluation. All are the caller's input (400). */
export const coreErrors = {
  OTS_ERR_PROOF_BAD_MAGIC: defineError(
    'OTS_ERR_PROOF_BAD_MAGIC',
    400,
    () => 'not an OpenTimestamps proof: the header magic does not match',
  ),
  OTS_ERR_PROOF_UNSUPPORTED_VERSION: defineError(
    'OTS_ERR_PROOF_UNSUPPORTED_VERSION',
    400,
    (version: number) =>
      `unsupported proof major version ${version}: only version 1 is defined (version 0 files predate the current format)`,
  ),
  OTS_ERR_PROOF_TRUNCATED: defineError(
    'OTS_ERR_PROOF_TRUNCATED',
    400,
    (what: string, wanted: number, left: number) =>
      `proof ends early while reading ${what}: needed ${wanted} more byte(s), ${left} left`,
  ),
  OTS_ERR_PROOF_TRAILING_BYTES: defineError(
    'OTS_ERR_PROOF_TRAILING_BYTES',
    400,
    (what: string, extra: number) => `${extra} unexpected byte(s) after the end of ${what}`,
  ),
  OTS_ERR_PROOF_BAD_FILE_HASH_OP: defineError(
    'OTS_ERR_PROOF_BAD_FILE_HASH_OP',
    400,
    (tag: number) =>
      `the file hash op 0x${hexByte(tag)} is not a hash op; expected sha1 (02), ripemd160 (03), sha256 (08) or keccak256 (67)`,
  ),
  OTS_ERR_PROOF_UNKNOWN_OP: defineError(
    'OTS_ERR_PROOF_UNKNOWN_OP',
    400,
    (tag: number) => `unknown op tag 0x${hexByte(tag)}: the proof is corrupt or from a newer format`,
  ),
  OTS_ERR_PROOF_DEPTH_EXCEEDED: defineError(
    'OTS_ERR_PROOF_DEPTH_EXCEEDED',
    400,
    (maxOps: number) => `proof is nested too deeply: more than ${maxOps} ops on one path`,
  ),
  OTS_ERR_PROOF_EMPTY_NODE: defineError(
    'OTS_ERR_PROOF_EMPTY_NODE',
    400,
    () => 'a timestamp node has neither attestations nor ops, so it cannot be serialized',
  ),
  OTS_ERR_OP_ARG_LENGTH: defineError(
    'OTS_ERR_OP_ARG_LENGTH',
    400,
    (length: bigint | number, min: number, max: number) =>
      `op argument is ${length} bytes; it must be ${min} to ${max} bytes`,
  ),
  OTS_ERR_OP_MSG_TOO_LONG: defineError(
    'OTS_ERR_OP_MSG_TOO_LONG',
    400,
    (op: string, length: number, max: number) =>
      `${op} input is ${length} bytes; at most ${max} bytes are allowed`,
  ),
  OTS_ERR_OP_RESULT_TOO_LONG: defineError(
    'OTS_ERR_OP_RESULT_TOO_LONG',
    400,
    (op: string, length: number, max: number) =>
      `${op} result would be ${length} bytes; at most ${max} bytes are allowed`,
  ),
  OTS_ERR_OP_EMPTY_MSG: defineError(
    'OTS_ERR_OP_EMPTY_MSG',
    400,
    (op: string) => `${op} cannot be applied to an empty message`,
  ),
  OTS_ERR_ATTESTATION_PAYLOAD_LENGTH: defineError(
    'OTS_ERR_ATTESTATION_PAYLOAD_LENGTH',
    400,
    (length: bigint | number, max: number) =>
      `attestation payload is ${length} bytes; at most ${max} bytes are allowed`,
  ),
  OTS_ERR_ATTESTATION_BAD_URI: defineError(
    'OTS_ERR_ATTESTATION_BAD_URI',
    400,
    (why: string) => `invalid pending attestation URI: ${why}`,
  ),
  OTS_ERR_VARUINT_TOO_LARGE: defineError(
    'OTS_ERR_VARUINT_TOO_LARGE',
    400,
    (what: string) => `${what} is larger than this implementation can represent`,
  ),
  OTS_ERR_HEX_INVALID: defineError(
    'OTS_ERR_HEX_INVALID',
    400,
    (why: string) => `not valid hex: ${why}`,
  ),
  OTS_ERR_MERKLE_EMPTY: defineError(
    'OTS_ERR_MERKLE_EMPTY',
    500,
    () => 'a merkle tree needs at least one leaf',
  ),
  OTS_ERR_MSG_MISMATCH: defineError(
    'OTS_ERR_MSG_MISMATCH',
    400,
    (what: string) => `cannot merge timestamps for different messages (${what})`,
  ),
} as const;

function hexByte(n: number): string {
  return n.toString(16).padStart(2, '0');
}
