// Minimal Bitcoin transaction shape check, used to annotate rendered proofs with a txid exactly where
// the reference does (it tries to deserialize every message that has ops as a transaction).
import { BytesReader } from './reader.js';

/** True when `bytes` parse completely as a Bitcoin transaction (legacy or segwit serialization). */
export function looksLikeTransaction(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  try {
    const r = new BytesReader(bytes);
    r.readBytes(4); // nVersion
    let inputs = readCompactSize(r);
    let hasWitness = false;
    if (inputs === 0) {
      const flags = r.readByte();
      if (flags === 0) return false;
      hasWitness = true;
      inputs = readCompactSize(r);
    }
    for (let i = 0; i < inputs; i++) {
      r.readBytes(36); // outpoint
      r.readBytes(readCompactSize(r)); // scriptSig
      r.readBytes(4); // nSequence
    }
    const outputs = readCompactSize(r);
    for (let i = 0; i < outputs; i++) {
      r.readBytes(8);
      r.readBytes(readCompactSize(r));
    }
    if (hasWitness) {
      for (let i = 0; i < inputs; i++) {
        const items = readCompactSize(r);
        for (let j = 0; j < items; j++) r.readBytes(readCompactSize(r));
      }
    }
    r.readBytes(4); // nLockTime
    return r.remaining === 0;
  } catch {
    return false;
  }
}

function readCompactSize(r: BytesReader): number {
  const first = r.readByte();
  if (first < 0xfd) return first;
  const width = first === 0xfd ? 2 : first === 0xfe ? 4 : 8;
  const b = r.readBytes(width);
  let n = 0;
  for (let i = width - 1; i >= 0; i--) n = n * 256 + b[i]!;
  // Anything beyond the message length cannot be read anyway; cap to keep loops bounded.
  return Math.min(n, 0x1000000);
}
