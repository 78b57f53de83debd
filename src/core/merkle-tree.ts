// Merkle trees (SPEC §5). The calendar tree carries an odd leftover up unchanged and hashes once;
// Bitcoin's block tree duplicates the odd last element and hashes twice. Both are built here as
// timestamp edges so every leaf gets its path to the root.
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes.js';
import { coreErrors } from './errors.js';
import { type Op, ops } from './op.js';
import type { Timestamp } from './timestamp.js';

/**
 * Joins `leaves` pairwise into one tree (the reference's make_merkle_tree): each pair (L, R) gets
 * `L --append(R)--> sha256` and `R --prepend(L)--> sha256` leading to the same parent node.
 * Returns the root node; one leaf returns itself unchanged.
 */
export function makeMerkleTree(leaves: readonly Timestamp[]): Timestamp {
  if (leaves.length === 0) throw coreErrors.OTS_ERR_MERKLE_EMPTY();
  let level = leaves.slice();
  while (level.length > 1) {
    const next: Timestamp[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(catSha256(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** `left || right` hashed once, linked from both sides (the two children share one node). */
export function catSha256(left: Timestamp, right: Timestamp): Timestamp {
  const joinedFromLeft = left.add(ops.append(right.msg));
  right.setChild(ops.prepend(left.msg), joinedFromLeft);
  return joinedFromLeft.add(ops.sha256);
}

/**
 * The calendar tree as plain bytes: the root and, for every leaf, its op path to the root. Used on
 * hot paths (the aggregator, the stamper) where building Timestamp objects per leaf would be wasted
 * work. Levels are kept as arrays of hashes and each leaf walks up by index; the two ops of a pair are
 * built once and shared by every leaf below it, so memory is O(n) ops plus O(n log n) references.
 */
export function merklePaths(leaves: readonly Uint8Array[]): { root: Uint8Array; paths: Op[][] } {
  if (leaves.length === 0) throw coreErrors.OTS_ERR_MERKLE_EMPTY();
  // levels[k][i]: node i of level k; pairOps[k][i]: the op that node i applies to reach its parent.
  const levels: Uint8Array[][] = [leaves.slice()];
  const pairOps: (Op | undefined)[][] = [];
  for (let level = levels[0]!; level.length > 1; level = levels[levels.length - 1]!) {
    const next: Uint8Array[] = [];
    const edges: (Op | undefined)[] = new Array(level.length);
    for (let i = 0; i + 1 < level.length; i += 2) {
      const l = level[i]!;
      const r = level[i + 1]!;
      edges[i] = ops.append(r);
      edges[i + 1] = ops.prepend(l);
      next.push(sha256(concatBytes(l, r)));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!); // carried up unchanged, no op
    pairOps.push(edges);
    levels.push(next);
  }
  const paths = leaves.map((_, leaf) => {
    const path: Op[] = [];
    let at = leaf;
    for (const edges of pairOps) {
      const op = edges[at];
      if (op) path.push(op, ops.sha256);
      at >>= 1;
    }
    return path;
  });
  return { root: levels[levels.length - 1]![0]!, paths };
}

/** Merkle root of the calendar tree, without paths (fast path for benchmarks and checks). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) throw coreErrors.OTS_ERR_MERKLE_EMPTY();
  let level = leaves.slice();
  const buf = new Uint8Array(64);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      const l = level[i]!;
      const r = level[i + 1]!;
      if (l.length === 32 && r.length === 32) {
        buf.set(l, 0);
        buf.set(r, 32);
        next.push(sha256(buf));
      } else {
        next.push(sha256(concatBytes(l, r)));
      }
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** Double SHA-256, Bitcoin's hash for txids and block merkle nodes. */
export function sha256d(bytes: Uint8Array): Uint8Array {
  return sha256(sha256(bytes));
}

/**
 * Bitcoin block merkle tree (SPEC §5.2) over txids in internal byte order. Returns the root (internal
 * order) and the op path from the txid at `index` to the root: (append|prepend sibling, sha256, sha256)*.
 */
export function bitcoinMerklePath(txids: readonly Uint8Array[], index: number): { root: Uint8Array; path: Op[] } {
  if (txids.length === 0) throw coreErrors.OTS_ERR_MERKLE_EMPTY();
  if (index < 0 || index >= txids.length) throw new RangeError(`txid index ${index} is outside 0..${txids.length - 1}`);
  const path: Op[] = [];
  let level = txids.slice();
  let at = index;
  while (level.length > 1) {
    if (level.length % 2 === 1) level.push(level[level.length - 1]!);
    const sibling = at % 2 === 0 ? level[at + 1]! : level[at - 1]!;
    path.push(at % 2 === 0 ? ops.append(sibling) : ops.prepend(sibling), ops.sha256, ops.sha256);
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256d(concatBytes(level[i]!, level[i + 1]!)));
    level = next;
    at = Math.floor(at / 2);
  }
  return { root: level[0]!, path };
}
