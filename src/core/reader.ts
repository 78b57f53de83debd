// A bounded reader over a byte array: every read checks the remaining length first, so hostile input
// can end parsing only with a coded error, never with a read past the end or a huge allocation.
import { coreErrors } from './errors.js';
import { decodeVaruint, emitVaruint } from './varuint.js';

export class BytesReader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get offset(): number {
    return this.at;
  }

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  /** Reads exactly `n` bytes (a view, not a copy); `what` names the field for the error message. */
  readBytes(n: number, what = 'bytes'): Uint8Array {
    if (n > this.remaining) throw coreErrors.OTS_ERR_PROOF_TRUNCATED(what, n, this.remaining);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  readByte(what = 'a byte'): number {
    if (this.remaining < 1) throw coreErrors.OTS_ERR_PROOF_TRUNCATED(what, 1, 0);
    return this.bytes[this.at++]!;
  }

  readVaruint(): bigint {
    const { value, length } = decodeVaruint(this.bytes, this.at);
    this.at += length;
    return value;
  }

  /**
   * Reads varbytes whose length must lie in [min, max]. The range check happens before any byte is
   * read, so a length of 2^60 is refused without allocating. `onBadLength` builds the coded error.
   */
  readVarbytes(
    min: number,
    max: number,
    what: string,
    onBadLength: (length: bigint) => Error = (length) => coreErrors.OTS_ERR_OP_ARG_LENGTH(length, min, max),
  ): Uint8Array {
    const length = this.readVaruint();
    if (length < BigInt(min) || length > BigInt(max)) throw onBadLength(length);
    return this.readBytes(Number(length), what);
  }

  /** Throws OTS_ERR_PROOF_TRAILING_BYTES unless every byte was consumed. */
  assertEnd(what: string): void {
    if (this.remaining !== 0) throw coreErrors.OTS_ERR_PROOF_TRAILING_BYTES(what, this.remaining);
  }
}

/** Accumulates output bytes; grows geometrically. */
export class BytesWriter {
  private buf: Uint8Array;
  private at = 0;
  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
  }

  private ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }

  writeByte(b: number): void {
    this.ensure(1);
    this.buf[this.at++] = b;
  }

  writeBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }

  writeVaruint(value: bigint | number): void {
    if (typeof value === 'number' && value >= 0 && value < 0x80) {
      this.writeByte(value);
      return;
    }
    emitVaruint(value, (b) => this.writeByte(b));
  }

  writeVarbytes(bytes: Uint8Array): void {
    this.writeVaruint(bytes.length);
    this.writeBytes(bytes);
  }

  /** The bytes written so far (a copy sized exactly). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}
