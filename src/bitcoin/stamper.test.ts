// Stamper against a real in-process regtest node (bcoin); the calendar is a small in-memory one
// (test/support/memory-calendar.ts; the real calendar is exercised in test/e2e/stamping.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { equalBytes, type Timestamp, toHex } from '../core/index.js';
import { EmbeddedNode } from './embedded-node.js';
import { Stamper, type StamperOptions } from './stamper.js';
import { MemoryCalendar } from '../../test/support/memory-calendar.js';

const log = pino({ level: 'silent' });
const policy: StamperOptions = { minConfirmations: 2, minTxIntervalMs: 0, maxFeeSat: 100_000n, confTarget: 1008, minRelayFeeRate: 1, log };

/** The Bitcoin attestation of a stored proof and the message it attests. */
function attested(t: Timestamp): { msg: Uint8Array; height: number } {
  for (const { msg, attestation } of t.allAttestations()) {
    if (attestation.type === 'bitcoin') return { msg, height: Number(attestation.height) };
  }
  throw new Error('no bitcoin attestation');
}

describe('Stamper on the embedded regtest node', () => {
  let node: EmbeddedNode;
  before(async () => {
    node = await EmbeddedNode.start();
  });
  after(() => node.close());

  async function assertAnchored(cal: MemoryCalendar, commitments: Uint8Array[]): Promise<void> {
    for (const c of commitments) {
      const t = cal.store.get(toHex(c));
      assert.ok(t, 'proof stored');
      const { msg, height } = attested(t);
      const header = (await node.block(height)).header;
      assert.ok(equalBytes(msg, header.slice(36, 68)), 'attested message is the header merkle root');
    }
  }

  it('anchors pending commitments: tx in mempool, mined, stored after min-confirmations', async () => {
    const cal = new MemoryCalendar();
    const stamper = new Stamper(node, cal, policy);
    const commitments = cal.add(5);
    await stamper.tick();
    const txid = stamper.stats().unconfirmedTxid as string;
    assert.ok(await node.mempoolHas(txid));
    assert.equal(toHex(stamper.tip()!).length, 64);
    await node.mine(1);
    await stamper.tick();
    assert.deepEqual(stamper.lookup(commitments[0]!), { state: 'mined', txid, confirmationsNeeded: 2 });
    assert.equal(cal.store.size, 0, 'nothing stored before min-confirmations');
    assert.equal(stamper.tip(), undefined);
    await node.mine(1);
    await stamper.tick();
    assert.equal(stamper.lookup(commitments[0]!), undefined);
    await assertAnchored(cal, commitments);
    assert.equal(stamper.health.isOk, true);
  });

  it('bumps the tx by replace-by-fee when commitments arrive and a block passes without it', async () => {
    const cal = new MemoryCalendar();
    const stamper = new Stamper(node, cal, policy);
    const first = cal.add(2);
    await stamper.tick();
    const v1 = stamper.stats().unconfirmedTxid as string;
    const later = cal.add(3);
    await stamper.tick();
    assert.equal(stamper.stats().unconfirmedTxid, v1, 'no replacement without a new block');
    await node.mineEmpty(1);
    await stamper.tick();
    const v2 = stamper.stats().unconfirmedTxid as string;
    assert.notEqual(v2, v1);
    assert.equal(stamper.stats().unconfirmedVersions, 2);
    assert.equal(await node.mempoolHas(v1), false, 'old version replaced');
    assert.ok(await node.mempoolHas(v2));
    await node.mine(2);
    await stamper.tick();
    await assertAnchored(cal, [...first, ...later]);
  });

  it('returns commitments to pending on a reorg and anchors them again', async () => {
    const cal = new MemoryCalendar();
    const stamper = new Stamper(node, cal, { ...policy, minConfirmations: 3 });
    const commitments = cal.add(4);
    await stamper.tick();
    const forkFrom = await node.tipHeight();
    await node.mine(1);
    await stamper.tick();
    assert.equal(stamper.lookup(commitments[0]!)?.state, 'mined');
    let reorgs = 0;
    stamper.on('reorg', () => reorgs++);
    await node.mineEmpty(3, forkFrom); // a longer branch without the stamp tx
    await stamper.tick();
    assert.ok(reorgs > 0);
    assert.equal(stamper.lookup(commitments[0]!), undefined);
    assert.equal(cal.unstamped.length, 4);
    assert.ok(stamper.stats().unconfirmedTxid, 'a tx covers the commitments again');
    assert.equal(stamper.stats().unconfirmedVersions, 2, 'it replaces the reorged tx (same input), not a second tx');
    await node.mine(3);
    await stamper.tick();
    await assertAnchored(cal, commitments);
  });

  it('restarts mid-flight: replaces the tx it finds in the mempool, loses nothing, anchors once', async () => {
    const cal = new MemoryCalendar();
    const before = new Stamper(node, cal, policy);
    const commitments = cal.add(3);
    await before.tick();
    const old = before.stats().unconfirmedTxid as string;
    const after = new Stamper(node, cal, policy); // the old one's memory is gone, as after a crash
    const more = cal.add(2);
    await after.tick();
    assert.equal(after.stats().unconfirmedVersions, 2, 'the found tx was adopted and replaced');
    assert.equal(await node.mempoolHas(old), false);
    assert.equal(node.mempoolSize(), 1, 'one stamp tx, not two');
    commitments.push(...more);
    await node.mine(2);
    await after.tick();
    await assertAnchored(cal, commitments);
  });

  it('reports unhealthy when the fee cap stops it, and recovers', async () => {
    const cal = new MemoryCalendar();
    const stamper = new Stamper(node, cal, { ...policy, maxFeeSat: 10n });
    cal.add(1);
    await stamper.tick();
    assert.equal(stamper.health.isOk, false);
    assert.equal((stamper.stats().problem as { code: string }).code, 'OTS_ERR_STAMP_FEE_CAP');
    (stamper as unknown as { opts: StamperOptions }).opts.maxFeeSat = 100_000n;
    await stamper.tick();
    assert.equal(stamper.health.isOk, true);
    await node.mine(2);
    await stamper.tick();
    assert.equal(cal.pendingCommitments().length, 0);
  });

  it('refuses min-confirmations of 1', () => {
    assert.throws(() => new Stamper(node, new MemoryCalendar(), { ...policy, minConfirmations: 1 }), { code: 'OTS_ERR_STAMP_BAD_OPTION' });
  });
});
