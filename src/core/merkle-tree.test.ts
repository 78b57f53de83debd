// Merkle trees (SPEC §5): the calendar tree (odd leftover carried up, one sha256) through both
// merklePaths and makeMerkleTree, and Bitcoin's block tree (duplicate-last, double sha256), driven by
// shared/spec/vectors/merkle.json.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hex, loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { opToVector, type VectorOp } from '../../test/support/vector-tree.js';
import { reverseBytes, toHex } from './bytes.js';
import { bitcoinMerklePath, makeMerkleTree, merklePaths, merkleRoot } from './merkle-tree.js';
import { applyOp, type Op } from './op.js';
import { Timestamp } from './timestamp.js';

interface MerkleVectors {
  calendar_tree: { n: number; leaves: string[]; root: string; paths: VectorOp[][] }[];
  calendar_tree_small_leaves: { n: number; leaves: string[]; root: string }[];
  bitcoin_block_tree: {
    n: number;
    txids_internal_order: string[];
    merkleroot_internal_order: string;
    merkleroot_display_order: string;
    path_of_last_txid: VectorOp[];
  }[];
}

/** The op path from `leaf` to the tree's root, walking the single-child chain downwards. */
function pathFrom(leaf: Timestamp): Op[] {
  const path: Op[] = [];
  for (let node = leaf; node.opCount > 0; ) {
    assert.equal(node.opCount, 1, 'a leaf path in a calendar tree never forks');
    const [{ op, child }] = node.ops as [{ op: Op; child: Timestamp }];
    path.push(op);
    node = child;
  }
  return path;
}

function evaluate(msg: Uint8Array, path: readonly Op[]): Uint8Array {
  return path.reduce((m, op) => applyOp(op, m), msg);
}

describe('calendar tree', { skip: SHARED_SKIP }, () => {
  const v = loadVector<MerkleVectors>('merkle.json');
  for (const c of v?.calendar_tree ?? []) {
    it(`n=${c.n}: merklePaths gives the reference root and every leaf's path`, () => {
      const { root, paths } = merklePaths(c.leaves.map(hex));
      assert.equal(toHex(root), c.root);
      assert.deepEqual(paths.map((p) => p.map(opToVector)), c.paths);
      assert.equal(toHex(merkleRoot(c.leaves.map(hex))), c.root);
    });
    it(`n=${c.n}: makeMerkleTree links every leaf to the same root node`, () => {
      const leaves = c.leaves.map((l) => new Timestamp(hex(l)));
      const root = makeMerkleTree(leaves);
      assert.equal(toHex(root.msg), c.root);
      leaves.forEach((leaf, i) => {
        assert.deepEqual(pathFrom(leaf).map(opToVector), c.paths[i]);
        assert.equal(toHex(evaluate(leaf.msg, pathFrom(leaf))), c.root);
      });
    });
  }
  for (const c of v?.calendar_tree_small_leaves ?? []) {
    it(`n=${c.n} one-byte leaves are concatenated as they are`, () => {
      assert.equal(toHex(merklePaths(c.leaves.map(hex)).root), c.root);
      assert.equal(toHex(merkleRoot(c.leaves.map(hex))), c.root);
      assert.equal(toHex(makeMerkleTree(c.leaves.map((l) => new Timestamp(hex(l)))).msg), c.root);
    });
  }
});

describe('bitcoin block tree', { skip: SHARED_SKIP }, () => {
  const v = loadVector<MerkleVectors>('merkle.json');
  for (const c of v?.bitcoin_block_tree ?? []) {
    it(`n=${c.n}: root in both byte orders and the last txid's path`, () => {
      const txids = c.txids_internal_order.map(hex);
      const { root, path } = bitcoinMerklePath(txids, txids.length - 1);
      assert.equal(toHex(root), c.merkleroot_internal_order);
      assert.equal(toHex(reverseBytes(root)), c.merkleroot_display_order);
      assert.deepEqual(path.map(opToVector), c.path_of_last_txid);
      // Every other position leads to the same root too.
      txids.forEach((txid, i) => assert.equal(toHex(evaluate(txid, bitcoinMerklePath(txids, i).path)), c.merkleroot_internal_order));
    });
  }
});

describe('merkle edge cases', () => {
  it('refuses an empty leaf list with a coded error', () => {
    assert.throws(() => merklePaths([]), { code: 'OTS_ERR_MERKLE_EMPTY' });
    assert.throws(() => merkleRoot([]), { code: 'OTS_ERR_MERKLE_EMPTY' });
    assert.throws(() => makeMerkleTree([]), { code: 'OTS_ERR_MERKLE_EMPTY' });
    assert.throws(() => bitcoinMerklePath([], 0), { code: 'OTS_ERR_MERKLE_EMPTY' });
  });
  it('gives one leaf no ops at all', () => {
    const leaf = hex('aa'.repeat(32));
    assert.deepEqual(merklePaths([leaf]), { root: leaf, paths: [[]] });
  });
  it('refuses a txid index outside the block', () => {
    assert.throws(() => bitcoinMerklePath([new Uint8Array(32)], 1), RangeError);
  });
});

describe('merkle properties (fast-check, fixed seed)', () => {
  const leavesArb = fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 70 });
  it('merklePaths, merkleRoot and makeMerkleTree agree on every leaf count and leaf length', () => {
    fc.assert(
      fc.property(leavesArb, (leaves) => {
        const { root, paths } = merklePaths(leaves);
        assert.equal(toHex(merkleRoot(leaves)), toHex(root));
        const nodes = leaves.map((l) => new Timestamp(l));
        assert.equal(toHex(makeMerkleTree(nodes).msg), toHex(root));
        leaves.forEach((leaf, i) => {
          assert.equal(toHex(evaluate(leaf, paths[i]!)), toHex(root));
          assert.deepEqual(pathFrom(nodes[i]!).map(opToVector), paths[i]!.map(opToVector));
        });
      }),
      { seed: 7, numRuns: 150 },
    );
  });
  it('every txid of a block reaches the same Bitcoin merkle root', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 40 }), (txids) => {
        const { root } = bitcoinMerklePath(txids, 0);
        txids.forEach((txid, i) => assert.equal(toHex(evaluate(txid, bitcoinMerklePath(txids, i).path)), toHex(root)));
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});
