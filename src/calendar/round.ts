// One aggregation round as bytes (SPEC §5.1, §6): nonce every digest, build the calendar merkle tree over
// the nonced digests, commit idx || root || mac, and write every submitter's linear proof into one buffer.
// No Timestamp objects per leaf: a 10k-digest round must take a few milliseconds.
import { hash } from 'node:crypto';
import { BytesWriter, encodeIdx, NONCE_LENGTH, OP_TAG, PENDING_TAG, utf8 } from '../core/index.js';
import type { MacChecker } from './mac-checker.js';

/** Longest digest a submitter may send (reference: 64 bytes). */
export const MAX_DIGEST_LENGTH = 64;

/** What a round produces: its commitment (the journal record) and one proof body per digest. */
export interface BuiltRound {
  root: Uint8Array;
  commitment: Uint8Array;
  responses: Uint8Array[];
}

/** SHA-256 through node:crypto: several times faster than a JS hash for these small inputs. */
export function sha256(data: Uint8Array): Uint8Array {
  return hash('sha256', data, 'buffer');
}

/** The part of every response after the merkle root: prepend idx, append mac, Pending(uri). */
export function pendingSuffix(idx: number, mac: Uint8Array, uri: string): Uint8Array {
  const w = new BytesWriter(32 + uri.length);
  w.writeByte(OP_TAG.prepend);
  w.writeVarbytes(encodeIdx(idx));
  w.writeByte(OP_TAG.append);
  w.writeVarbytes(mac);
  w.writeByte(0x00);
  w.writeBytes(PENDING_TAG);
  const payload = new BytesWriter(uri.length + 3);
  payload.writeVarbytes(utf8.encode(uri));
  w.writeVarbytes(payload.finish());
  return w.finish();
}

/**
 * Builds a round over `digests` (arrival order) with `nonces` (16 bytes each, concatenated) committed at
 * `idx`. Responses are views into one shared buffer.
 */
export function buildRound(digests: readonly Uint8Array[], nonces: Uint8Array, idx: number, macs: MacChecker, uri: string): BuiltRound {
  const n = digests.length;
  const scratch = Buffer.allocUnsafe(MAX_DIGEST_LENGTH + NONCE_LENGTH);
  const levels: Uint8Array[][] = [[]];
  for (let i = 0; i < n; i++) {
    const d = digests[i]!;
    scratch.set(d, 0);
    scratch.set(nonces.subarray(i * NONCE_LENGTH, (i + 1) * NONCE_LENGTH), d.length);
    levels[0]!.push(sha256(scratch.subarray(0, d.length + NONCE_LENGTH)));
  }
  const pair = Buffer.allocUnsafe(64);
  for (let level = levels[0]!; level.length > 1; ) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      pair.set(level[i]!, 0);
      pair.set(level[i + 1]!, 32);
      next.push(sha256(pair));
    }
    // An odd leftover is carried up unchanged (not duplicated, not re-hashed).
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    levels.push(next);
    level = next;
  }
  const root = levels[levels.length - 1]![0]!;
  const commitment = macs.commit(idx, root);
  const suffix = pendingSuffix(idx, commitment.subarray(36, 44), uri);

  // Every response: append(nonce) sha256, then ≤ one 35-byte step per level, then the suffix.
  const head = 2 + NONCE_LENGTH + 1;
  const step = 2 + 32 + 1;
  const maxLength = head + step * (levels.length - 1) + suffix.length;
  const out = Buffer.allocUnsafe(maxLength * n);
  const responses: Uint8Array[] = new Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const start = at;
    out[at++] = OP_TAG.append;
    out[at++] = NONCE_LENGTH;
    out.set(nonces.subarray(i * NONCE_LENGTH, (i + 1) * NONCE_LENGTH), at);
    at += NONCE_LENGTH;
    out[at++] = OP_TAG.sha256;
    let p = i;
    for (let l = 0; l < levels.length - 1; l++) {
      const level = levels[l]!;
      const sibling = p % 2 === 0 ? (p + 1 < level.length ? level[p + 1] : undefined) : level[p - 1];
      if (sibling !== undefined) {
        out[at++] = p % 2 === 0 ? OP_TAG.append : OP_TAG.prepend;
        out[at++] = 32;
        out.set(sibling, at);
        at += 32;
        out[at++] = OP_TAG.sha256;
      }
      p >>>= 1;
    }
    out.set(suffix, at);
    at += suffix.length;
    responses[i] = out.subarray(start, at);
  }
  return { root, commitment, responses };
}
