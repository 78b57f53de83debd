// Commitment MACs (SPEC §6, §8.2). derive(key, idx) walks 32 levels of SHA-256 from the top bit; we keep
// the last walk's intermediate keys, so the next idx (usually the next second) costs only the levels
// below the highest differing bit — that keeps a journal scan or a busy round loop cheap.
import { sha256 } from '@noble/hashes/sha2.js';
import { commitmentMac, equalBytes, LEGACY_COMMITMENT_LENGTH, MAC_LENGTH, makeCommitment } from '../core/index.js';

const LEVELS = 32;

/** Makes and checks commitments under one calendar key. */
export class MacChecker {
  private lastIdx = -1;
  /** levelKeys[k] = key after the top k bits of lastIdx; levelKeys[0] = the calendar key. */
  private readonly levelKeys: Uint8Array[];
  private readonly input: Uint8Array;

  constructor(private readonly hmacKey: Uint8Array) {
    this.levelKeys = [hmacKey];
    this.input = new Uint8Array(33);
  }

  /** derive(hmacKey, idx) (core deriveKey), reusing the shared top levels of the previous idx. */
  keyFor(idx: number): Uint8Array {
    if (idx === this.lastIdx) return this.levelKeys[LEVELS]!;
    const same = this.lastIdx < 0 ? 0 : Math.clz32((this.lastIdx ^ idx) >>> 0);
    for (let level = same; level < LEVELS; level++) {
      const key = this.levelKeys[level]!;
      const bit = (idx >>> (LEVELS - 1 - level)) & 1;
      let input = this.input;
      if (key.length !== 32) input = new Uint8Array(key.length + 1);
      input.set(key, 0);
      input[key.length] = bit ? 0xff : 0x00;
      this.levelKeys[level + 1] = sha256(input);
    }
    this.lastIdx = idx;
    return this.levelKeys[LEVELS]!;
  }

  /** The 44-byte commitment idx || root || mac. */
  commit(idx: number, root: Uint8Array): Uint8Array {
    return makeCommitment(this.hmacKey, idx, root, this.keyFor(idx));
  }

  /** True for a legacy 36-byte commitment or a 44-byte one whose MAC verifies. */
  verify(commitment: Uint8Array): boolean {
    if (commitment.length === LEGACY_COMMITMENT_LENGTH) return true;
    const idx = new DataView(commitment.buffer, commitment.byteOffset, 4).getUint32(0, false);
    const root = commitment.subarray(4, LEGACY_COMMITMENT_LENGTH);
    const mac = commitmentMac(this.hmacKey, idx, root, this.keyFor(idx));
    return equalBytes(mac, commitment.subarray(LEGACY_COMMITMENT_LENGTH, LEGACY_COMMITMENT_LENGTH + MAC_LENGTH));
  }
}
