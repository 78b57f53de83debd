import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatBytes, encodeIdx, fromHex, merklePaths, ops, pendingAttestation, Timestamp, toHex } from '../core/index.js';
import { loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { MacChecker } from './mac-checker.js';
import { buildRound } from './round.js';

interface Flow {
  hmac_key: string;
  uri: string;
  rounds: {
    time: number;
    merkle_root: string;
    journal_record: string;
    submissions: { digest: string; nonce: string; nonced_digest: string; post_digest_response: string }[];
  }[];
}

describe('buildRound', { skip: SHARED_SKIP }, () => {
  const flow = loadVector<Flow>('calendar_flow.json');
  for (const [r, round] of (flow?.rounds ?? []).entries()) {
    it(`reproduces calendar_flow round ${r} (${round.submissions.length} digests) byte for byte`, () => {
      const macs = new MacChecker(fromHex(flow.hmac_key));
      const digests = round.submissions.map((s) => fromHex(s.digest));
      const nonces = concatBytes(...round.submissions.map((s) => fromHex(s.nonce)));
      const built = buildRound(digests, nonces, round.time, macs, flow.uri);
      assert.equal(toHex(built.root), round.merkle_root);
      assert.equal(toHex(built.commitment), round.journal_record);
      assert.deepEqual(built.responses.map(toHex), round.submissions.map((s) => s.post_digest_response));
    });
  }
});

describe('buildRound on many digests', () => {
  it('gives every digest exactly the proof the core builds from merklePaths, for odd and even sizes', () => {
    const macs = new MacChecker(new Uint8Array(32).fill(7));
    const uri = 'https://cal.example.org';
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 16, 17, 31, 33, 63, 64, 65, 100, 255, 257, 1000]) {
      const digests = Array.from({ length: n }, (_, i) => Uint8Array.of(i & 0xff, i >> 8, 1, 2).subarray(0, i % 3 === 0 ? 0 : 4));
      const nonces = new Uint8Array(16 * n).map((_, i) => (i * 31 + n) & 0xff);
      const idx = 1_700_000_000 + n;
      const built = buildRound(digests, nonces, idx, macs, uri);
      const leaves = digests.map((d, i) => new Timestamp(d).add(ops.append(nonces.subarray(16 * i, 16 * i + 16))).add(ops.sha256).msg);
      const { root, paths } = merklePaths(leaves);
      assert.equal(toHex(built.root), toHex(root), `root for n=${n}`);
      assert.equal(toHex(built.commitment), toHex(macs.commit(idx, root)));
      for (const [i, body] of built.responses.entries()) {
        const expected = new Timestamp(digests[i]!);
        expected
          .add(ops.append(nonces.subarray(16 * i, 16 * i + 16)))
          .add(ops.sha256)
          .addPath(paths[i]!)
          .add(ops.prepend(encodeIdx(idx)))
          .add(ops.append(built.commitment.subarray(36)))
          .addAttestation(pendingAttestation(uri));
        assert.equal(toHex(body), toHex(expected.toBytes()), `n=${n} digest ${i}`);
      }
    }
  });
});
