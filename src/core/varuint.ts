// varuint (unsigned LEB128) and varbytes, SPEC §1. Decoding uses BigInt so that values above 2^53
// (block heights are unbounded in the reference) never wrap; lengths are range-checked after decoding.
import { coreErrors } from './errors.js';

/** Minimal LEB128 encoding of a non-negative integer. */
export function encodeVaruint(value: bigint | number): Uint8Array {
  const out: number[] = [];
  emitVaruint(value, (b) => out.push(b));
  return Uint8Array.from(out);
}

/**
 * Hands the minimal LEB128 bytes of a non-negative integer to `emit`, lowest group first: the one
 * encoder behind encodeVaruint and BytesWriter.writeVaruint. Negative values throw RangeError.
 */
export function emitVaruint(value: bigint | number, emit: (byte: number) => void): void {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError('varuint cannot be negative');
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    emit(b);
  } while (v !== 0n);
}

/** Result of decoding one varuint at the start of `bytes`. */
export interface DecodedVaruint {
  value: bigint;
  /** How many bytes the encoding used (non-minimal encodings are accepted, as by the reference). */
  length: number;
}

/** Decodes one varuint at `offset`; throws OTS_ERR_PROOF_TRUNCATED if it runs off the end. */
export function decodeVaruint(bytes: Uint8Array, offset = 0): DecodedVaruint {
  let value = 0n;
  let shift = 0n;
  let at = offset;
  for (;;) {
    if (at >= bytes.length) throw coreErrors.OTS_ERR_PROOF_TRUNCATED('a varuint', 1, 0);
    const b = bytes[at++]!;
    // Non-minimal encodings may carry long runs of 0x80: only accumulate bits that matter.
    if ((b & 0x7f) !== 0) value |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) return { value, length: at - offset };
  }
}
