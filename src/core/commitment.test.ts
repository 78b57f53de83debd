// Commitments (SPEC §6, §8.2): the per-index key tree, the truncated-SHA-256 MAC and the journal
// record (mac.json), and each POST /digest answer of calendar_flow.json rebuilt byte for byte from the
// digest, the nonce, the round time, the key and the URI using only core functions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { hex, loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { treeToVector, type VectorTree } from '../../test/support/vector-tree.js';
import { pendingAttestation } from './attestation.js';
import { concatBytes, toHex } from './bytes.js';
import { COMMITMENT_LENGTH, commitmentMac, deriveKey, encodeIdx, makeCommitment, MAC_LENGTH, newNonce, NONCE_LENGTH } from './commitment.js';
import { merklePaths } from './merkle-tree.js';
import { applyOp, ops } from './op.js';
import { Timestamp } from './timestamp.js';

interface MacVectors {
  hmac_key: string;
  derive_key_for_idx: { idx: number; idx_be4: string; per_idx_key: string }[];
  derive_trace_idx_1700000000: { bit_index: number; appended: string; key_after: string }[];
  derive_fewer_bits: { idx: number; bits: number; key: string }[];
  commitment_mac: { idx: number; merkle_root: string; prefixed_msg: string; per_idx_key: string; mac: string; journal_record: string }[];
}
interface Submission {
  digest: string;
  nonce: string;
  nonced_digest: string;
  post_digest_response: string;
  response_tree: VectorTree;
}
interface FlowVectors {
  hmac_key: string;
  uri: string;
  uri_file_contents: string;
  rounds: { time: number; idx_be4: string; merkle_root: string; per_idx_key: string; mac: string; journal_record: string; submissions: Submission[] }[];
  journal_file: string;
}

describe('mac.json', { skip: SHARED_SKIP }, () => {
  const v = loadVector<MacVectors>('mac.json');
  const key = hex(v?.hmac_key ?? '');
  for (const c of v?.derive_key_for_idx ?? []) {
    it(`derives the key for idx ${c.idx}`, () => {
      assert.equal(toHex(encodeIdx(c.idx)), c.idx_be4);
      assert.equal(toHex(deriveKey(key, c.idx)), c.per_idx_key);
    });
  }
  it('follows the reference trace for idx 1700000000 level by level', () => {
    let k = key;
    for (const step of v.derive_trace_idx_1700000000) {
      assert.equal(step.appended, Math.floor(1700000000 / 2 ** step.bit_index) % 2 ? 'ff' : '00');
      k = sha256(concatBytes(k, hex(step.appended)));
      assert.equal(toHex(k), step.key_after);
    }
    assert.equal(toHex(k), toHex(deriveKey(key, 1700000000)));
  });
  for (const c of v?.derive_fewer_bits ?? []) {
    it(`derives with only ${c.bits} bit(s) for idx ${c.idx}`, () => {
      assert.equal(toHex(deriveKey(key, c.idx, c.bits)), c.key);
    });
  }
  for (const c of v?.commitment_mac ?? []) {
    it(`MACs root ${c.merkle_root.slice(0, 8)}… at idx ${c.idx} into the journal record`, () => {
      const root = hex(c.merkle_root);
      assert.equal(toHex(concatBytes(encodeIdx(c.idx), root)), c.prefixed_msg);
      assert.equal(toHex(commitmentMac(key, c.idx, root)), c.mac);
      assert.equal(toHex(commitmentMac(key, c.idx, root, hex(c.per_idx_key))), c.mac);
      const record = makeCommitment(key, c.idx, root);
      assert.equal(record.length, COMMITMENT_LENGTH);
      assert.equal(toHex(record), c.journal_record);
    });
  }
});

describe('calendar_flow.json rounds rebuilt from core functions', { skip: SHARED_SKIP }, () => {
  const v = loadVector<FlowVectors>('calendar_flow.json');
  const key = hex(v?.hmac_key ?? '');
  it('reads the URI file as the reference does (whitespace stripped)', () => {
    assert.equal(new TextDecoder().decode(hex(v.uri_file_contents)).trim(), v.uri);
  });
  (v?.rounds ?? []).forEach((round, r) => {
    it(`round ${r} (${round.submissions.length} digests): root, MAC and journal record`, () => {
      const nonced = round.submissions.map((s) => applyOp(ops.sha256, concatBytes(hex(s.digest), hex(s.nonce))));
      assert.deepEqual(nonced.map(toHex), round.submissions.map((s) => s.nonced_digest));
      const { root } = merklePaths(nonced);
      assert.equal(toHex(root), round.merkle_root);
      assert.equal(toHex(encodeIdx(round.time)), round.idx_be4);
      assert.equal(toHex(deriveKey(key, round.time)), round.per_idx_key);
      assert.equal(toHex(commitmentMac(key, round.time, root)), round.mac);
      assert.equal(toHex(makeCommitment(key, round.time, root)), round.journal_record);
      assert.ok(v.journal_file.includes(round.journal_record));
    });
    round.submissions.forEach((s, i) => {
      it(`round ${r} submission ${i}: POST /digest answer byte for byte`, () => {
        const nonced = round.submissions.map((x) => applyOp(ops.sha256, concatBytes(hex(x.digest), hex(x.nonce))));
        const { paths } = merklePaths(nonced);
        const node = new Timestamp(hex(s.digest));
        const commitment = node
          .add(ops.append(hex(s.nonce)))
          .add(ops.sha256)
          .addPath(paths[i]!)
          .add(ops.prepend(encodeIdx(round.time)));
        const withMac = commitment.add(ops.append(commitmentMac(key, round.time, commitment.msg.subarray(4))));
        withMac.addAttestation(pendingAttestation(v.uri));
        assert.equal(toHex(withMac.msg), round.journal_record);
        assert.equal(toHex(node.toBytes()), s.post_digest_response);
        assert.deepEqual(treeToVector(node), s.response_tree);
        assert.deepEqual(treeToVector(Timestamp.fromBytes(hex(s.post_digest_response), hex(s.digest))), s.response_tree);
      });
    });
  });
});

describe('nonces and sizes', () => {
  it('makes 16-byte nonces that differ', () => {
    const a = newNonce();
    assert.equal(a.length, NONCE_LENGTH);
    assert.notEqual(toHex(a), toHex(newNonce()));
  });
  it('keeps 8 bytes of MAC and encodes idx big-endian', () => {
    assert.equal(commitmentMac(new Uint8Array(32), 0, new Uint8Array(32)).length, MAC_LENGTH);
    assert.equal(toHex(encodeIdx(0xfffffffe)), 'fffffffe');
  });
});
