// Calendar commitments (SPEC §6): a per-digest nonce, the round's merkle root, the round index and a
// truncated-SHA-256 MAC under a per-second key derived from the calendar's secret. Not RFC 2104 HMAC.
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { concatBytes } from './bytes.js';

/** Random bytes appended to every submitted digest so a submitter learns nothing about its neighbours. */
export const NONCE_LENGTH = 16;
/** Bytes of SHA-256 kept as the commitment MAC. */
export const MAC_LENGTH = 8;
/** Levels of the key-derivation tree: one per bit of the 32-bit round index. */
export const KEY_DERIVATION_BITS = 32;
/** idx (4) || root (32) || mac (8): the commitment and the journal record. */
export const COMMITMENT_LENGTH = 44;
/** Legacy pre-MAC commitments: idx (4) || root (32). */
export const LEGACY_COMMITMENT_LENGTH = 36;

/**
 * Per-index key: walks the 32 bits of `idx` from the most significant, hashing `key || 0xff` for a
 * one bit and `key || 0x00` for a zero, so sub-ranges of keys can be revealed later.
 */
export function deriveKey(hmacKey: Uint8Array, idx: number, bits = KEY_DERIVATION_BITS): Uint8Array {
  let key = hmacKey;
  for (let bit = bits - 1; bit >= 0; bit--) {
    const flag = Math.floor(idx / 2 ** bit) % 2 === 1 ? 0xff : 0x00;
    const input = new Uint8Array(key.length + 1);
    input.set(key, 0);
    input[key.length] = flag;
    key = sha256(input);
  }
  return key;
}

/** The round index as 4 big-endian bytes. */
export function encodeIdx(idx: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, idx >>> 0, false);
  return out;
}

/** mac = sha256(idx_be4 || root || derive(key, idx))[0:8]. */
export function commitmentMac(hmacKey: Uint8Array, idx: number, root: Uint8Array, perIdxKey = deriveKey(hmacKey, idx)): Uint8Array {
  return sha256(concatBytes(encodeIdx(idx), root, perIdxKey)).subarray(0, MAC_LENGTH);
}

/** The 44-byte commitment idx || root || mac for a round. */
export function makeCommitment(hmacKey: Uint8Array, idx: number, root: Uint8Array, perIdxKey?: Uint8Array): Uint8Array {
  return concatBytes(encodeIdx(idx), root, commitmentMac(hmacKey, idx, root, perIdxKey));
}

/** A fresh random nonce (CSPRNG). */
export function newNonce(): Uint8Array {
  return randomBytes(NONCE_LENGTH);
}
