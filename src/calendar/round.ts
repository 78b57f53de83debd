// One aggregation round as bytes (SPEC §5.1, §6): nonce every digest, build the calendar merkle tree over
// the nonced digests, commit idx || root || mac, and write every submitter's linear proof into one buffer.
// No Timestamp objects per leaf: a 10k-digest round must take a few milliseconds.
import { hash, randomFillSync } from 'node:crypto';
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
 * The digests of one round in arrival order, nonced and hashed as they arrive (the tree leaves), and the
 * merkle tree grown with them: each completed pair is hashed when its second node arrives, so closing the
 * round only finishes the right edge (at most one node per level) instead of hashing ~n nodes while
 * every submitter of the round waits. Each level is one growing buffer of 32-byte nodes.
 */
export class RoundBatch {
  /** levels[0] holds the leaves; levels[l][j] = sha256(levels[l-1][2j] || levels[l-1][2j+1]). */
  private readonly levels: Buffer[] = [Buffer.allocUnsafe(32 * 256)];
  private nonceBuf: Buffer = Buffer.allocUnsafe(NONCE_LENGTH * 256);
  private readonly scratch = Buffer.allocUnsafe(MAX_DIGEST_LENGTH + NONCE_LENGTH);
  private readonly views = Array.from({ length: MAX_DIGEST_LENGTH + 1 }, (_, len) => this.scratch.subarray(0, len + NONCE_LENGTH));
  count = 0;

  /** Adds `digest` (≤ 64 bytes, checked by the caller) with its 16-byte `nonce`: leaf = sha256(digest || nonce). */
  add(digest: Uint8Array, nonce: Uint8Array): void {
    if (nonce.length < NONCE_LENGTH) throw new RangeError(`nonce of ${nonce.length} bytes, ${NONCE_LENGTH} needed`);
    if (nonce.length > NONCE_LENGTH) nonce = nonce.subarray(0, NONCE_LENGTH);
    if (this.count * NONCE_LENGTH === this.nonceBuf.length) this.nonceBuf = grow(this.nonceBuf, this.count * NONCE_LENGTH);
    this.scratch.set(digest, 0);
    this.scratch.set(nonce, digest.length);
    this.nonceBuf.set(nonce, this.count * NONCE_LENGTH);
    this.setNode(0, this.count, sha256(this.views[digest.length]!));
    // A right child completes its pair: hash the parent now, and up while parents are right children.
    for (let l = 0, j = this.count; j & 1; l++, j >>>= 1) {
      const level = this.levels[l]!;
      this.setNode(l + 1, j >>> 1, sha256(level.subarray(32 * (j - 1), 32 * (j + 1))));
    }
    this.count++;
  }

  /**
   * The finished tree, level by level (SPEC §5.1: adjacent pairs, an odd last node carried up unchanged).
   * Every node but the last of each level exists already; the last is hashed or carried here.
   */
  tree(): { levels: Buffer[]; counts: number[] } {
    const counts = [this.count];
    for (let c = this.count; c > 1; ) counts.push((c = (c + 1) >>> 1));
    for (let l = 1; l < counts.length; l++) {
      const j = counts[l]! - 1;
      const below = this.levels[l - 1]!;
      // Only nodes built from complete pairs exist yet (floor(n / 2^l) of ceil(n / 2^l)): the last one
      // may involve a node carried up from below, so it is always (re)made now.
      if (2 * j + 1 < counts[l - 1]!) this.setNode(l, j, sha256(below.subarray(64 * j, 64 * j + 64)));
      else this.setNode(l, j, below.subarray(64 * j, 64 * j + 32));
    }
    return { levels: this.levels.slice(0, counts.length), counts };
  }

  get nonces(): Buffer {
    return this.nonceBuf;
  }

  private setNode(level: number, index: number, node: Uint8Array): void {
    let buf = this.levels[level];
    if (buf === undefined) this.levels[level] = buf = Buffer.allocUnsafe(32 * 256);
    else if (32 * index === buf.length) this.levels[level] = buf = grow(buf, 32 * index);
    buf.set(node, 32 * index);
  }
}

/** Nonces for the aggregator: CSPRNG bytes drawn 64 KiB at a time instead of one syscall per digest. */
export class NoncePool {
  private pool: Buffer = Buffer.alloc(0);
  private at = 0;

  /** The next 16 random bytes (a view; RoundBatch copies it). */
  next(): Uint8Array {
    if (this.at + NONCE_LENGTH > this.pool.length) {
      this.pool = randomFillSync(Buffer.allocUnsafe(NONCE_LENGTH * 4096));
      this.at = 0;
    }
    const nonce = this.pool.subarray(this.at, this.at + NONCE_LENGTH);
    this.at += NONCE_LENGTH;
    return nonce;
  }
}

/** One-shot form: nonces (16 bytes each, concatenated) for `digests`, committed at `idx`. */
export function buildRound(digests: readonly Uint8Array[], nonces: Uint8Array, idx: number, macs: MacChecker, uri: string): BuiltRound {
  const batch = new RoundBatch();
  digests.forEach((d, i) => batch.add(d, nonces.subarray(i * NONCE_LENGTH, (i + 1) * NONCE_LENGTH)));
  return commitRound(batch, idx, macs, uri);
}

/**
 * Builds the merkle tree over the batch's leaves, the commitment at `idx`, and every submitter's proof.
 * Responses are views into one shared buffer.
 */
export function commitRound(batch: RoundBatch, idx: number, macs: MacChecker, uri: string): BuiltRound {
  const n = batch.count;
  if (n === 0) throw new RangeError('a round needs at least one digest');
  const nonceBuf = batch.nonces;
  const { levels, counts } = batch.tree();
  const root = new Uint8Array(levels[levels.length - 1]!.subarray(0, 32));
  const commitment = macs.commit(idx, root);
  const suffix = Buffer.from(pendingSuffix(idx, commitment.subarray(36, 44), uri));

  // Every response: append(nonce) sha256, then ≤ one 35-byte step per level, then the suffix.
  // Leaves i-1 and i pass through the same node from level t = bitlength((i-1) ^ i) upward, so
  // response i writes only its levels below t and copies the rest from response i-1 in one
  // copyWithin (on average ~2 fresh levels per response instead of ~17 separate copies).
  const top = levels.length - 1;
  const maxLength = 2 + NONCE_LENGTH + 1 + 35 * top + suffix.length;
  const out = Buffer.allocUnsafe(maxLength * n);
  const responses: Uint8Array[] = new Array(n);
  // fromEnd[l]: bytes from where level l's step starts (in the previous response) to its end.
  const fromEnd = new Int32Array(top + 1);
  let at = 0;
  let prevEnd = 0;
  for (let i = 0; i < n; i++) {
    const start = at;
    out[at++] = OP_TAG.append;
    out[at++] = NONCE_LENGTH;
    for (let k = 0, from = i * NONCE_LENGTH; k < NONCE_LENGTH; k++) out[at++] = nonceBuf[from + k]!;
    out[at++] = OP_TAG.sha256;
    const fresh = i === 0 ? top : 32 - Math.clz32((i - 1) ^ i);
    const starts: number[] = [];
    for (let l = 0, p = i; l < fresh; l++, p >>>= 1) {
      starts.push(at);
      const sibling = p % 2 === 0 ? (p + 1 < counts[l]! ? p + 1 : -1) : p - 1;
      if (sibling < 0) continue; // carried up unchanged: no op at this level
      out[at++] = p % 2 === 0 ? OP_TAG.append : OP_TAG.prepend;
      out[at++] = 32;
      const level = levels[l]!;
      for (let k = 0, from = 32 * sibling; k < 32; k++) out[at++] = level[from + k]!;
      out[at++] = OP_TAG.sha256;
    }
    let end: number;
    if (i === 0) {
      suffix.copy(out, at);
      end = at + suffix.length;
      fromEnd[top] = suffix.length;
    } else {
      const restLength = fromEnd[fresh]!;
      out.copyWithin(at, prevEnd - restLength, prevEnd);
      end = at + restLength;
    }
    for (let l = 0; l < fresh; l++) fromEnd[l] = end - starts[l]!;
    at = end;
    prevEnd = end;
    responses[i] = out.subarray(start, end);
  }
  return { root, commitment, responses };
}

function grow(buf: Buffer, used: number): Buffer {
  const next = Buffer.allocUnsafe(buf.length * 2);
  buf.copy(next, 0, 0, used);
  return next;
}
