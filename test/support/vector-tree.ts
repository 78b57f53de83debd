// The JSON tree shape of the reference vectors (shared/spec/vectors/README.md "Common shapes"), built
// from our Timestamp so a test can compare a whole parsed tree with one deepEqual.
import {
  attestationPayload,
  attestationTag,
  compareAttestations,
  fromHex,
  ops,
  toHex,
  type Attestation,
  type Op,
  type Timestamp,
} from '../../src/core/index.js';

/** One attestation as the vectors write it. */
export interface VectorAttestation {
  type: string;
  tag: string;
  uri?: string;
  height?: number;
  payload: string;
}

/** One op as the vectors write it (paths, sort orders); `arg` only for append/prepend. */
export interface VectorOp {
  op: string;
  tag: string;
  arg?: string;
}

/** One node as the vectors write it, canonical order. */
export interface VectorTree {
  msg: string;
  attestations: VectorAttestation[];
  ops: (VectorOp & { result: VectorTree })[];
}

/** Our attestation in the vectors' shape (heights as JSON numbers, as JSON.parse reads them). */
export function attestationToVector(a: Attestation): VectorAttestation {
  const out: VectorAttestation = { type: a.type, tag: toHex(attestationTag(a)), payload: toHex(attestationPayload(a)) };
  if (a.type === 'pending') out.uri = a.uri;
  if ('height' in a) out.height = Number(a.height);
  // Key order as in the vectors, so a failing deepEqual diff is readable.
  return a.type === 'pending'
    ? { type: out.type, tag: out.tag, uri: out.uri!, payload: out.payload }
    : 'height' in a
      ? { type: out.type, tag: out.tag, height: out.height!, payload: out.payload }
      : out;
}

/** Our op in the vectors' shape. */
export function opToVector(op: Op): VectorOp {
  return 'arg' in op ? { op: op.name, tag: toHex(Uint8Array.of(op.tag)), arg: toHex(op.arg) } : { op: op.name, tag: toHex(Uint8Array.of(op.tag)) };
}

/** A vector op back to ours (throws the core's coded error on a bad argument). */
export function opFromVector(v: VectorOp): Op {
  if (v.op === 'append' || v.op === 'prepend') return ops[v.op](fromHex(v.arg ?? ''));
  const unary = ops[v.op as keyof typeof ops];
  if (typeof unary === 'function' || unary === undefined) throw new Error(`unknown op ${v.op} in a vector`);
  return unary;
}

/** The whole tree in canonical order (attestations sorted, then ops sorted), as in the vectors. */
export function treeToVector(t: Timestamp): VectorTree {
  const sorted = [...t.attestations].sort(compareAttestations);
  return {
    msg: toHex(t.msg),
    attestations: sorted.map(attestationToVector),
    ops: t.ops.map(({ op, child }) => ({ ...opToVector(op), result: treeToVector(child) })),
  };
}
