// Verification (SPEC §7.3, pitfall 8): the file digest must equal the proof's digest, then every Bitcoin
// attestation's message must equal the merkle root (header bytes 36..67, internal order) of its block.
import { type DetachedProof, equalBytes, toHex } from '../core/index.js';
import { clientErrors } from './errors.js';
import type { BlockHeaderSource } from './header-source.js';

/** One Bitcoin attestation checked against the chain. */
export interface BitcoinCheck {
  height: number;
  /** Hex of the message the attestation is for (a merkle root in internal order). */
  commitment: string;
  status: 'ok' | 'mismatch' | 'no-block';
  /** Block time (nTime, seconds since 1970) when the block was found. */
  time?: number;
}

/**
 * The verdict: `verified` when at least one Bitcoin attestation matches its block; `pending` when
 * nothing can be checked yet (only pending attestations, or blocks the source does not have);
 * `failed` when attestations exist and none matches.
 */
export interface VerifyResult {
  status: 'verified' | 'pending' | 'failed';
  /** The earliest verified attestation. */
  height?: number;
  time?: number;
  bitcoin: BitcoinCheck[];
  pendingUris: string[];
}

/**
 * Verifies `proof` for a file whose digest is `fileDigest`. Throws OTS_ERR_VERIFY_DIGEST_MISMATCH when
 * the proof is for another file; header source failures propagate as coded errors.
 */
export async function verifyProof(proof: DetachedProof, fileDigest: Uint8Array, source: BlockHeaderSource | undefined): Promise<VerifyResult> {
  if (!equalBytes(proof.timestamp.msg, fileDigest)) {
    throw clientErrors.OTS_ERR_VERIFY_DIGEST_MISMATCH(toHex(proof.timestamp.msg), toHex(fileDigest));
  }
  const bitcoin: BitcoinCheck[] = [];
  const pendingUris: string[] = [];
  for (const { msg, attestation } of proof.timestamp.allAttestations()) {
    if (attestation.type === 'pending') pendingUris.push(attestation.uri);
    if (attestation.type !== 'bitcoin') continue;
    const height = Number(attestation.height);
    const check: BitcoinCheck = { height, commitment: toHex(msg), status: 'no-block' };
    bitcoin.push(check);
    // A merkle root is 32 bytes; anything else cannot match a header.
    if (msg.length !== 32 || !Number.isSafeInteger(height)) {
      check.status = 'mismatch';
      continue;
    }
    if (!source) continue;
    const header = await source.headerAt(height);
    if (!header) continue;
    if (equalBytes(header.subarray(36, 68), msg)) {
      check.status = 'ok';
      check.time = new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(68, true);
    } else {
      check.status = 'mismatch';
    }
  }
  const ok = bitcoin.filter((c) => c.status === 'ok').sort((a, b) => a.height - b.height);
  if (ok.length > 0) return { status: 'verified', height: ok[0]!.height, time: ok[0]!.time, bitcoin, pendingUris };
  const status = bitcoin.some((c) => c.status === 'no-block') || bitcoin.length === 0 ? 'pending' : 'failed';
  return { status, bitcoin, pendingUris };
}
