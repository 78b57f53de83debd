// `ots info`: the reference's readable tree (core renderProof) and a machine-readable listing for
// scripts: file hash op, file digest, and every attestation with the commitment (message) it attests.
import { type DetachedProof, renderProof, toHex } from '../core/index.js';

/** One attestation in `info --json`. Heights beyond 2^53 are given as decimal strings. */
export type AttestationInfo =
  | { type: 'pending'; uri: string; commitment: string }
  | { type: 'bitcoin' | 'litecoin' | 'ethereum'; height: number | string; commitment: string }
  | { type: 'unknown'; tag: string; payload: string; commitment: string };

/** The `info --json` document. */
export interface ProofInfo {
  fileHashOp: string;
  fileDigest: string;
  complete: boolean;
  attestations: AttestationInfo[];
}

/** Lists a proof's attestations, depth first in canonical order. */
export function proofInfo(proof: DetachedProof): ProofInfo {
  const attestations: AttestationInfo[] = [];
  for (const { msg, attestation: a } of proof.timestamp.allAttestations()) {
    const commitment = toHex(msg);
    if (a.type === 'pending') attestations.push({ type: 'pending', uri: a.uri, commitment });
    else if (a.type === 'unknown') attestations.push({ type: 'unknown', tag: toHex(a.tag), payload: toHex(a.payload), commitment });
    else {
      const height = a.height <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(a.height) : a.height.toString();
      attestations.push({ type: a.type, height, commitment });
    }
  }
  return { fileHashOp: proof.fileHashOp, fileDigest: toHex(proof.timestamp.msg), complete: proof.timestamp.isComplete, attestations };
}

/** The readable tree, as `ots info` prints it (verbose adds each op's result). */
export function proofText(proof: DetachedProof, verbose = false): string {
  return renderProof(proof, { verbose });
}
