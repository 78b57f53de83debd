// Stamper hot paths (SPEC §7, §10): the tip over all pending commitments (rebuilt for every RBF version)
// and, when a version confirms, the complete Bitcoin proof of every commitment, at the reference's
// --max-pending of 100,000. Also the embedded regtest node's start (500 blocks mined in memory).
import { randomBytes } from 'node:crypto';
import { buildBitcoinProofs, buildStampTx, commitmentsTip, EmbeddedNode } from '../src/bitcoin/index.js';
import { fromHex, sha256d } from '../src/core/index.js';
import { blackhole, once } from './harness.js';

for (const n of [1_000, 10_000, 100_000]) {
  const commitments = Array.from({ length: n }, () => new Uint8Array(randomBytes(44)));
  const { result: tip } = once(`tip over ${n.toLocaleString('en-US')} commitments`, () => commitmentsTip(commitments));
  // a realistic confirmed tx and a 2,000-tx block around it
  const stripped = buildStampTx({
    utxo: { txid: '11'.repeat(32), vout: 0, amountSat: 100_000n, script: fromHex('0014' + '22'.repeat(20)) },
    changeScript: fromHex('0014' + '33'.repeat(20)),
    changeSat: 99_000n,
    tip,
    lockTime: 900_000,
  });
  const txids: Uint8Array[] = Array.from({ length: 2000 }, () => new Uint8Array(randomBytes(32)));
  txids[1234] = sha256d(stripped);
  const header = new Uint8Array(80);
  header.set(merkleRootOfBlock(txids), 36);
  const block = { height: 900_001, hash: '00'.repeat(32), header, txids };
  once(`proofs for ${n.toLocaleString('en-US')} commitments (tx + 2,000-tx block)`, () => buildBitcoinProofs(commitments, stripped, block));
}

const { result: node } = await onceAsync('embedded regtest node start (500 blocks)', () => EmbeddedNode.start());
await onceAsync('embedded node: mine 100 blocks', () => node.mine(100));
await node.close();
void blackhole;

async function onceAsync<T>(name: string, fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await fn();
  const ms = performance.now() - start;
  console.log(`${name.padEnd(48)} ${ms.toFixed(0).padStart(12)} ms`);
  return { result, ms };
}

function merkleRootOfBlock(txids: Uint8Array[]): Uint8Array {
  let level = txids;
  while (level.length > 1) {
    if (level.length % 2 === 1) level = [...level, level[level.length - 1]!];
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const pair = new Uint8Array(64);
      pair.set(level[i]!, 0);
      pair.set(level[i + 1]!, 32);
      next.push(sha256d(pair));
    }
    level = next;
  }
  return level[0]!;
}
