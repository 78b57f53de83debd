// The timestamp tree (SPEC §4): a node holds its message, a set of attestations and a map op -> child.
// Serialization is canonical (attestations first, then ops, each sorted; `ff` before all but the last
// item); parsing accepts everything the reference accepts, with its depth and size limits.
import {
  type Attestation,
  compareAttestations,
  equalAttestations,
  readAttestationBody,
  writeAttestationBody,
} from './attestation.js';
import { equalBytes, toHex } from './bytes.js';
import { coreErrors } from './errors.js';
import { applyOp, compareOps, type Op, opKey, readOpAfterTag, writeOp } from './op.js';
import { BytesReader, BytesWriter } from './reader.js';

/** At most 255 ops on any root-to-leaf path: the reference parses the root with a budget of 256. */
export const MAX_OPS_DEPTH = 255;

const FORK_MARKER = 0xff;
const ATTESTATION_MARKER = 0x00;

/** One edge of the tree: the op and the node it leads to. */
export interface OpEdge {
  readonly op: Op;
  readonly child: Timestamp;
}

/** An attestation together with the message it attests (the commitment for a pending one). */
export interface AttestedMessage {
  readonly msg: Uint8Array;
  readonly attestation: Attestation;
}

export class Timestamp {
  private readonly attestationList: Attestation[] = [];
  private readonly edges = new Map<string, OpEdge>();

  constructor(readonly msg: Uint8Array) {}

  get attestations(): readonly Attestation[] {
    return this.attestationList;
  }

  /** The op edges in canonical order. */
  get ops(): OpEdge[] {
    return [...this.edges.values()].sort((a, b) => compareOps(a.op, b.op));
  }

  get opCount(): number {
    return this.edges.size;
  }

  /** Adds an attestation unless an equal one is present (duplicates collapse, as in the reference). */
  addAttestation(attestation: Attestation): this {
    if (!this.attestationList.some((a) => equalAttestations(a, attestation))) this.attestationList.push(attestation);
    return this;
  }

  /** Returns the child for `op`, creating it (and evaluating the op with its limits) if missing. */
  add(op: Op): Timestamp {
    const key = opKey(op);
    const existing = this.edges.get(key);
    if (existing) return existing.child;
    const child = new Timestamp(applyOp(op, this.msg));
    this.edges.set(key, { op, child });
    return child;
  }

  /** Sets the child for `op`, replacing any earlier one (the reference's rule for duplicate ops). */
  setChild(op: Op, child: Timestamp): void {
    this.edges.set(opKey(op), { op, child });
  }

  /** The child reached by `op`, if any. */
  childFor(op: Op): Timestamp | undefined {
    return this.edges.get(opKey(op))?.child;
  }

  /** Applies a linear chain of ops from this node; returns the last node. */
  addPath(path: readonly Op[]): Timestamp {
    return path.reduce<Timestamp>((node, op) => node.add(op), this);
  }

  /** Merges `other` (same message) into this node: union of attestations, recursive union of ops. */
  merge(other: Timestamp): this {
    if (!equalBytes(this.msg, other.msg)) {
      throw coreErrors.OTS_ERR_MSG_MISMATCH(`${toHex(this.msg).slice(0, 16)}… vs ${toHex(other.msg).slice(0, 16)}…`);
    }
    for (const a of other.attestationList) this.addAttestation(a);
    for (const { op, child } of other.edges.values()) this.add(op).merge(child);
    return this;
  }

  /** Every attestation in the tree with the message it attests, depth first in canonical order. */
  *allAttestations(): Generator<AttestedMessage> {
    for (const attestation of [...this.attestationList].sort(compareAttestations)) {
      yield { msg: this.msg, attestation };
    }
    for (const { child } of this.ops) yield* child.allAttestations();
  }

  /** Every node, depth first, this one included. */
  *nodes(): Generator<Timestamp> {
    yield this;
    for (const { child } of this.ops) yield* child.nodes();
  }

  /** True when some path ends in a Bitcoin block header attestation. */
  get isComplete(): boolean {
    for (const { attestation } of this.allAttestations()) if (attestation.type === 'bitcoin') return true;
    return false;
  }

  /** Canonical serialization of this node and everything below it. */
  serialize(w: BytesWriter): void {
    const attestations = [...this.attestationList].sort(compareAttestations);
    const edges = this.ops;
    const items = attestations.length + edges.length;
    if (items === 0) throw coreErrors.OTS_ERR_PROOF_EMPTY_NODE();
    let written = 0;
    for (const a of attestations) {
      if (++written < items) w.writeByte(FORK_MARKER);
      w.writeByte(ATTESTATION_MARKER);
      writeAttestationBody(w, a);
    }
    for (const { op, child } of edges) {
      if (++written < items) w.writeByte(FORK_MARKER);
      writeOp(w, op);
      child.serialize(w);
    }
  }

  /** Canonical bytes of this tree (a bare timestamp, SPEC §4.2). */
  toBytes(): Uint8Array {
    const w = new BytesWriter();
    this.serialize(w);
    return w.finish();
  }

  /** Parses one node whose message is `msg` from `r`, evaluating every op as the reference does. */
  static deserialize(r: BytesReader, msg: Uint8Array, budget = MAX_OPS_DEPTH + 1): Timestamp {
    if (budget <= 0) throw coreErrors.OTS_ERR_PROOF_DEPTH_EXCEEDED(MAX_OPS_DEPTH);
    const node = new Timestamp(msg);
    let tag = r.readByte('a timestamp item');
    while (tag === FORK_MARKER) {
      node.readItem(r, r.readByte('the item after a fork marker'), budget);
      tag = r.readByte('the final item of a fork');
    }
    node.readItem(r, tag, budget);
    return node;
  }

  /** Parses a complete bare timestamp; trailing bytes are an error. */
  static fromBytes(bytes: Uint8Array, msg: Uint8Array): Timestamp {
    const r = new BytesReader(bytes);
    const t = Timestamp.deserialize(r, msg);
    r.assertEnd('the timestamp');
    return t;
  }

  private readItem(r: BytesReader, tag: number, budget: number): void {
    if (tag === ATTESTATION_MARKER) {
      this.addAttestation(readAttestationBody(r));
      return;
    }
    const op = readOpAfterTag(r, tag);
    const result = applyOp(op, this.msg);
    this.setChild(op, Timestamp.deserialize(r, result, budget - 1));
  }
}
