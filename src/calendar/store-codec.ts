// LevelDB value encoding of one timestamp node (SPEC §8.3): varuint(n_att), n_att × (tag(8) ||
// varbytes(payload)) with NO 00 marker, then varuint(n_ops), n_ops × (op-tag || [varbytes(arg)]).
// Children are not included: the child of op o lives at key o(key).
import {
  type Attestation,
  BytesReader,
  BytesWriter,
  compareAttestations,
  compareOps,
  isOtsError,
  type Op,
  readAttestationBody,
  readOpAfterTag,
  writeAttestationBody,
  writeOp,
} from '../core/index.js';
import { calendarErrors } from './errors.js';

/** The non-recursive content of one stored node, in stored order. */
export interface StoredNode {
  attestations: Attestation[];
  ops: Op[];
}

/** Encodes a node value in canonical order (attestations, then ops, each sorted). */
export function encodeNodeValue(node: StoredNode): Uint8Array {
  const w = new BytesWriter(64);
  const attestations = [...node.attestations].sort(compareAttestations);
  const ops = [...node.ops].sort(compareOps);
  w.writeVaruint(attestations.length);
  for (const a of attestations) writeAttestationBody(w, a);
  w.writeVaruint(ops.length);
  for (const op of ops) writeOp(w, op);
  return w.finish();
}

/**
 * Decodes a stored value, keeping the stored order (the reference writes hash-set order, so readers
 * accept any order). Damage becomes OTS_ERR_STORE_CORRUPT with the core's error as cause.
 */
export function decodeNodeValue(value: Uint8Array): StoredNode {
  try {
    const r = new BytesReader(value);
    const attestations: Attestation[] = [];
    const nAtt = Number(r.readVaruint());
    // Each attestation takes at least 9 bytes: refuse counts the value cannot hold before looping.
    if (nAtt * 9 > r.remaining) throw calendarErrors.OTS_ERR_STORE_CORRUPT(`${nAtt} attestations cannot fit in the value`);
    for (let i = 0; i < nAtt; i++) attestations.push(readAttestationBody(r));
    const ops: Op[] = [];
    const nOps = Number(r.readVaruint());
    if (nOps > r.remaining) throw calendarErrors.OTS_ERR_STORE_CORRUPT(`${nOps} ops cannot fit in the value`);
    for (let i = 0; i < nOps; i++) ops.push(readOpAfterTag(r, r.readByte('an op tag')));
    r.assertEnd('a stored node value');
    return { attestations, ops };
  } catch (err) {
    if (isOtsError(err, 'OTS_ERR_STORE_CORRUPT')) throw err;
    throw calendarErrors.OTS_ERR_STORE_CORRUPT(err instanceof Error ? err.message : String(err)).causedBy(err);
  }
}
