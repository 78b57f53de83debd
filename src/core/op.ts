// Operations: the edges of a timestamp tree (SPEC §2). An op maps a message to a new message; the
// size limits are enforced on every evaluation, including while parsing, exactly as the reference.
import { ripemd160, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { compareBytes, toHex, utf8 } from './bytes.js';
import { coreErrors } from './errors.js';
import type { BytesReader, BytesWriter } from './reader.js';

/** Largest message an op accepts and the largest result it may produce (reference: 4096). */
export const MAX_MSG_LENGTH = 4096;
/** hexlify doubles its input, so its input is capped at half the result limit (reference: 2048). */
export const MAX_HEXLIFY_MSG_LENGTH = 2048;
/** Binary op arguments must be 1..4096 bytes (reference: MAX_RESULT_LENGTH). */
export const MIN_OP_ARG_LENGTH = 1;
export const MAX_OP_ARG_LENGTH = 4096;

export const OP_TAG = {
  sha1: 0x02,
  ripemd160: 0x03,
  sha256: 0x08,
  keccak256: 0x67,
  append: 0xf0,
  prepend: 0xf1,
  reverse: 0xf2,
  hexlify: 0xf3,
} as const;

export type OpName = keyof typeof OP_TAG;
export type HashOpName = 'sha1' | 'ripemd160' | 'sha256' | 'keccak256';
export type BinaryOpName = 'append' | 'prepend';
export type UnaryOpName = Exclude<OpName, BinaryOpName>;

/** One operation; `arg` is present only for append and prepend. */
export type Op =
  | { readonly name: UnaryOpName; readonly tag: number }
  | { readonly name: BinaryOpName; readonly tag: number; readonly arg: Uint8Array };

const NAME_BY_TAG = new Map<number, OpName>(Object.entries(OP_TAG).map(([n, t]) => [t, n as OpName]));

/** Output length of each hash op: the file digest length in a detached proof. */
export const HASH_DIGEST_LENGTH: Record<HashOpName, number> = { sha1: 20, ripemd160: 20, sha256: 32, keccak256: 32 };

const HASHERS: Record<HashOpName, (m: Uint8Array) => Uint8Array> = {
  sha1: (m) => sha1(m),
  ripemd160: (m) => ripemd160(m),
  sha256: (m) => sha256(m),
  keccak256: (m) => keccak_256(m),
};

/** Incremental hashers, for hashing files of any size in constant memory. */
export const HASH_FACTORIES: Record<HashOpName, () => { update(b: Uint8Array): unknown; digest(): Uint8Array }> = {
  sha1: () => sha1.create(),
  ripemd160: () => ripemd160.create(),
  sha256: () => sha256.create(),
  keccak256: () => keccak_256.create(),
};

const UNARY_OPS: Record<UnaryOpName, Op> = {
  sha1: { name: 'sha1', tag: OP_TAG.sha1 },
  ripemd160: { name: 'ripemd160', tag: OP_TAG.ripemd160 },
  sha256: { name: 'sha256', tag: OP_TAG.sha256 },
  keccak256: { name: 'keccak256', tag: OP_TAG.keccak256 },
  reverse: { name: 'reverse', tag: OP_TAG.reverse },
  hexlify: { name: 'hexlify', tag: OP_TAG.hexlify },
};

/** Constructors: `ops.sha256`, `ops.append(bytes)` … */
export const ops = {
  ...UNARY_OPS,
  append: (arg: Uint8Array): Op => binaryOp('append', arg),
  prepend: (arg: Uint8Array): Op => binaryOp('prepend', arg),
} as const;

function binaryOp(name: BinaryOpName, arg: Uint8Array): Op {
  if (arg.length < MIN_OP_ARG_LENGTH || arg.length > MAX_OP_ARG_LENGTH) {
    throw coreErrors.OTS_ERR_OP_ARG_LENGTH(arg.length, MIN_OP_ARG_LENGTH, MAX_OP_ARG_LENGTH);
  }
  return { name, tag: OP_TAG[name], arg };
}

export function isHashOp(op: Op): op is { name: HashOpName; tag: number } {
  return op.name in HASH_DIGEST_LENGTH;
}

/** Name of a tag, or undefined for an unknown tag. */
export function opNameOf(tag: number): OpName | undefined {
  return NAME_BY_TAG.get(tag);
}

/** Looks up a unary op by name (e.g. a hash op given on a command line). */
export function unaryOp(name: UnaryOpName): Op {
  return UNARY_OPS[name];
}

/** Evaluates `op` on `msg` with the reference's size limits (SPEC §2). */
export function applyOp(op: Op, msg: Uint8Array): Uint8Array {
  const maxInput = op.name === 'hexlify' ? MAX_HEXLIFY_MSG_LENGTH : MAX_MSG_LENGTH;
  if (msg.length > maxInput) throw coreErrors.OTS_ERR_OP_MSG_TOO_LONG(op.name, msg.length, maxInput);
  let result: Uint8Array;
  switch (op.name) {
    case 'append':
    case 'prepend': {
      const length = msg.length + op.arg.length;
      if (length > MAX_MSG_LENGTH) throw coreErrors.OTS_ERR_OP_RESULT_TOO_LONG(op.name, length, MAX_MSG_LENGTH);
      result = new Uint8Array(length);
      if (op.name === 'append') {
        result.set(msg, 0);
        result.set(op.arg, msg.length);
      } else {
        result.set(op.arg, 0);
        result.set(msg, op.arg.length);
      }
      return result;
    }
    case 'reverse':
      if (msg.length === 0) throw coreErrors.OTS_ERR_OP_EMPTY_MSG(op.name);
      return Uint8Array.from(msg).reverse();
    case 'hexlify':
      if (msg.length === 0) throw coreErrors.OTS_ERR_OP_EMPTY_MSG(op.name);
      return utf8.encode(toHex(msg));
    default:
      return HASHERS[op.name](msg);
  }
}

/** Canonical sibling order: tag first, then argument bytes (a proper prefix sorts first). */
export function compareOps(a: Op, b: Op): number {
  if (a.tag !== b.tag) return a.tag - b.tag;
  if ('arg' in a && 'arg' in b) return compareBytes(a.arg, b.arg);
  return 0;
}

/** A string key identifying an op within a node's op map (tag plus argument). */
export function opKey(op: Op): string {
  return 'arg' in op ? `${op.tag}:${toHex(op.arg)}` : String(op.tag);
}

export function writeOp(w: BytesWriter, op: Op): void {
  w.writeByte(op.tag);
  if ('arg' in op) w.writeVarbytes(op.arg);
}

/** Reads the op whose tag byte was already consumed; throws OTS_ERR_PROOF_UNKNOWN_OP otherwise. */
export function readOpAfterTag(r: BytesReader, tag: number): Op {
  const name = NAME_BY_TAG.get(tag);
  if (name === undefined) throw coreErrors.OTS_ERR_PROOF_UNKNOWN_OP(tag);
  if (name === 'append' || name === 'prepend') {
    const arg = r.readVarbytes(MIN_OP_ARG_LENGTH, MAX_OP_ARG_LENGTH, `${name} argument`);
    return { name, tag, arg };
  }
  return UNARY_OPS[name];
}

/** Reference text form: `sha256`, `append 0a1b…`. */
export function formatOp(op: Op): string {
  return 'arg' in op ? `${op.name} ${toHex(op.arg)}` : op.name;
}
