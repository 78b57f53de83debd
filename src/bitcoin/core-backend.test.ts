// CoreBackend over real HTTP against test/support/core-rpc-adapter.ts (Core's method names and reply
// shapes over the embedded regtest node): stamping end to end, auth, network check, node down and back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { equalBytes, toHex } from '../core/index.js';
import { type CoreRpcAdapter, startCoreRpcAdapter } from '../../test/support/core-rpc-adapter.js';
import { MemoryCalendar } from '../../test/support/memory-calendar.js';
import { CoreBackend } from './core-backend.js';
import { EmbeddedNode } from './embedded-node.js';
import { RpcClient } from './rpc-client.js';
import { inspectSignedTx } from './stamp-tx.js';
import { Stamper } from './stamper.js';

describe('CoreBackend against a Core-shaped JSON-RPC server', () => {
  let node: EmbeddedNode;
  let adapter: CoreRpcAdapter;
  let backend: CoreBackend;
  before(async () => {
    node = await EmbeddedNode.start();
    adapter = await startCoreRpcAdapter(node);
    backend = new CoreBackend(new RpcClient(adapter, { timeoutMs: 5000, retries: 1 }), 'regtest');
  });
  after(async () => {
    await adapter.stop();
    await node.close();
  });

  it('reads the chain like the embedded node does', async () => {
    await backend.check();
    const height = await backend.tipHeight();
    assert.equal(height, await node.tipHeight());
    const block = await backend.block(height);
    const direct = await node.block(height);
    assert.equal(block.hash, direct.hash);
    assert.ok(equalBytes(block.header, direct.header));
    assert.deepEqual(block.txids.map(toHex), direct.txids.map(toHex));
    assert.equal(await backend.estimateFeeRate(1008), undefined);
    assert.equal(await backend.mempoolHas('00'.repeat(32)), false);
  });

  it('refuses the wrong network and bad credentials with codes', async () => {
    await assert.rejects(new CoreBackend(new RpcClient(adapter), 'main').check(), { code: 'OTS_ERR_RPC_WRONG_NETWORK' });
    const wrong = new CoreBackend(new RpcClient({ ...adapter, password: 'nope' }), 'regtest');
    await assert.rejects(wrong.tipHeight(), { code: 'OTS_ERR_RPC_AUTH' });
  });

  it('stamps through the RPC backend and stores proofs matching the header merkle root', async () => {
    const cal = new MemoryCalendar();
    cal.add(3);
    const log = pino({ level: 'silent' });
    const stamper = new Stamper(backend, cal, { minConfirmations: 2, minTxIntervalMs: 0, maxFeeSat: 100_000n, confTarget: 1008, minRelayFeeRate: 1, log });
    await stamper.tick();
    const txid = stamper.stats().unconfirmedTxid as string;
    assert.ok(await backend.mempoolHas(txid));
    await node.mine(2);
    await stamper.tick();
    assert.equal(cal.store.size, 3);
    for (const t of cal.store.values()) {
      const att = [...t.allAttestations()].find((a) => a.attestation.type === 'bitcoin')!;
      const height = Number((att.attestation as { height: bigint }).height);
      assert.ok(equalBytes(att.msg, (await backend.block(height)).header.slice(36, 68)));
    }
  });

  it('finds its unconfirmed stamp tx after a restart and replaces it', async () => {
    const cal = new MemoryCalendar();
    cal.add(2);
    const opts = { minConfirmations: 2, minTxIntervalMs: 0, maxFeeSat: 100_000n, confTarget: 1008, minRelayFeeRate: 1, log: pino({ level: 'silent' }) };
    const first = new Stamper(backend, cal, opts);
    await first.tick();
    const old = first.stats().unconfirmedTxid as string;
    const found = await backend.unconfirmedStampTx();
    assert.equal(found && inspectSignedTx(found.raw).txid, old);
    const second = new Stamper(backend, cal, opts);
    await second.tick();
    assert.equal(second.stats().unconfirmedVersions, 2);
    assert.equal(await backend.mempoolHas(old), false);
    await node.mine(2);
    await second.tick();
    assert.equal(cal.store.size, 2);
  });

  it('turns unhealthy while the node is unreachable and recovers when it is back', async () => {
    const cal = new MemoryCalendar();
    cal.add(1);
    const stamper = new Stamper(backend, cal, {
      minConfirmations: 2, minTxIntervalMs: 0, maxFeeSat: 100_000n, confTarget: 1008, minRelayFeeRate: 1, log: pino({ level: 'silent' }),
    });
    await adapter.stop();
    await stamper.tick();
    assert.equal(stamper.health.isOk, false);
    assert.equal((stamper.stats().problem as { code: string }).code, 'OTS_ERR_RPC_UNREACHABLE');
    await adapter.restart();
    await stamper.tick();
    assert.equal(stamper.health.isOk, true);
    await stamper.tick();
    assert.ok(stamper.stats().unconfirmedTxid);
    await node.mine(2);
    await stamper.tick();
    assert.equal(cal.store.size, 1);
  });
});
