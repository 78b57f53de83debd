import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveKey, fromHex, toHex } from '../core/index.js';
import { loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { MacChecker } from './mac-checker.js';

interface Mac {
  hmac_key: string;
  derive_key_for_idx: { idx: number; per_idx_key: string }[];
  commitment_mac: { idx: number; merkle_root: string; per_idx_key: string; mac: string; journal_record: string }[];
}

describe('MacChecker', () => {
  it('matches mac.json keys and commitments in any order of idx (cached levels)', { skip: SHARED_SKIP }, () => {
    const v = loadVector<Mac>('mac.json');
    const macs = new MacChecker(fromHex(v.hmac_key));
    const cases = [...v.derive_key_for_idx, ...v.derive_key_for_idx.slice().reverse()];
    for (const c of cases) assert.equal(toHex(macs.keyFor(c.idx)), c.per_idx_key, `idx ${c.idx}`);
    for (const c of v.commitment_mac) {
      const commitment = macs.commit(c.idx, fromHex(c.merkle_root));
      assert.equal(toHex(commitment), c.journal_record);
      assert.equal(macs.verify(commitment), true);
      const bad = Uint8Array.from(commitment);
      bad[40]! ^= 1;
      assert.equal(macs.verify(bad), false);
    }
  });

  it('agrees with core deriveKey across consecutive, distant and repeated indexes, for any key length', () => {
    for (const key of [new Uint8Array(32).fill(3), Uint8Array.of(1, 2, 3), new Uint8Array(64).fill(9)]) {
      const macs = new MacChecker(key);
      for (const idx of [0, 1, 2, 3, 1_700_000_000, 1_700_000_001, 1_700_000_000, 0xffffffff, 0x7fffffff, 0x80000000, 5]) {
        assert.equal(toHex(macs.keyFor(idx)), toHex(deriveKey(key, idx)), `idx ${idx}`);
      }
    }
  });

  it('accepts a legacy 36-byte commitment without a MAC', () => {
    assert.equal(new MacChecker(new Uint8Array(32)).verify(new Uint8Array(36)), true);
  });
});
