import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatBytes, fromHex, merklePaths, Timestamp, toHex } from '../core/index.js';
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
  it('gives every digest a proof that parses and leads to the one commitment, matching core merklePaths', () => {
    const macs = new MacChecker(new Uint8Array(32).fill(7));
    for (const n of [1, 2, 3, 7, 64, 1000]) {
      const digests = Array.from({ length: n }, (_, i) => Uint8Array.of(i & 0xff, i >> 8, 1).subarray(0, i % 3 === 0 ? 0 : 3));
      const nonces = new Uint8Array(16 * n).map((_, i) => (i * 31) & 0xff);
      const built = buildRound(digests, nonces, 1_700_000_000, macs, 'https://cal.example.org');
      const { root } = merklePaths(
        digests.map((d, i) => new Timestamp(d).add({ name: 'append', tag: 0xf0, arg: nonces.subarray(16 * i, 16 * i + 16) }).add({ name: 'sha256', tag: 0x08 }).msg),
      );
      assert.equal(toHex(built.root), toHex(root), `root for n=${n}`);
      for (const [i, body] of built.responses.entries()) {
        const t = Timestamp.fromBytes(body, digests[i]!);
        const [att] = [...t.allAttestations()];
        assert.equal(toHex(att!.msg), toHex(built.commitment));
        assert.deepEqual(att!.attestation, { type: 'pending', uri: 'https://cal.example.org' });
      }
    }
  });
});
