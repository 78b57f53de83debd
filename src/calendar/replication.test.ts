import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { tempDir } from '../../test/support/temp.js';
import { bitcoinAttestation, ops, Timestamp, toHex } from '../core/index.js';
import { GENESIS_CHAIN, parseRecords, REPLICATION_LOG_FILE, REPLICATION_LOG_MAGIC, ReplicationLog } from './replication-log.js';
import { attachReplicationLog, reindexFromLog } from './replication.js';
import { CalendarStore } from './store.js';

const log = pino({ level: 'silent' });
const openStore = (path: string) => CalendarStore.open(path, log);

/** A small complete tree: commitment → sha256 → append → sha256, attested at `height`. */
function tree(seed: number, height: number): Timestamp {
  const root = new Timestamp(new Uint8Array(44).fill(seed));
  root.add(ops.sha256).add(ops.append(Uint8Array.of(seed, 1))).add(ops.sha256).addAttestation(bitcoinAttestation(height));
  return root;
}

async function storeIn(t: TestContext, dir: string): Promise<CalendarStore> {
  const store = await openStore(join(dir, 'db'));
  t.after(() => store.close());
  return store;
}

describe('replication log', () => {
  it('logs every store batch and rebuilds an identical db/ from it (reindex)', async (t) => {
    const dir = tempDir(t);
    const store = await storeIn(t, dir);
    const attached = await attachReplicationLog(dir, store, log);
    const trees = [tree(1, 10), tree(2, 11), tree(3, 12)];
    await store.add(trees.slice(0, 2));
    await store.add(trees[2]!);
    await store.add(tree(1, 13)); // merges a second attestation into existing nodes
    const before = trees.map((tr) => toHex(store.get(tr.msg)!.toBytes()));
    await attached.close();
    await store.close();

    const report = await reindexFromLog(dir, openStore, log);
    assert.equal(report.records, 3);
    assert.ok(report.previousDb && existsSync(report.previousDb));
    const rebuilt = await storeIn(t, dir);
    assert.deepEqual(trees.map((tr) => toHex(rebuilt.get(tr.msg)!.toBytes())), before);
  });

  it('snapshots a store that predates the log, so it becomes reindexable', async (t) => {
    const dir = tempDir(t);
    const store = await storeIn(t, dir);
    await store.add([tree(4, 20), tree(5, 21)]);
    const before = toHex(store.get(tree(4, 20).msg)!.toBytes());
    const attached = await attachReplicationLog(dir, store, log);
    await attached.close();
    await store.close();
    await reindexFromLog(dir, openStore, log);
    const rebuilt = await storeIn(t, dir);
    assert.equal(toHex(rebuilt.get(tree(4, 20).msg)!.toBytes()), before);
  });

  it('frames the snapshot with empty marker records and finishes one cut by a crash', async (t) => {
    const dir = tempDir(t);
    const store = await storeIn(t, dir);
    await store.add([tree(7, 40), tree(8, 41)]);
    const entries: { key: Uint8Array; value: Uint8Array }[] = [];
    for await (const [key, value] of store.entries()) entries.push({ key, value });
    // The process died while snapshotting: start marker and one record written, no end marker.
    const { log: raw } = await ReplicationLog.open(dir, log);
    await raw.append([]);
    await raw.append(entries.slice(0, 2));
    await raw.close();
    const attached = await attachReplicationLog(dir, store, log, { snapshotPuts: 3 });
    await attached.close();
    const bytes = readFileSync(join(dir, REPLICATION_LOG_FILE));
    const { records } = parseRecords(bytes.subarray(REPLICATION_LOG_MAGIC.length), REPLICATION_LOG_MAGIC.length, GENESIS_CHAIN);
    assert.deepEqual(
      records.map((r) => r.puts.length),
      [0, 2, ...Array.from({ length: Math.ceil(entries.length / 3) }, (_, i) => Math.min(3, entries.length - 3 * i)), 0],
    );
  });

  it('replays a logged batch that never reached the store (crash between log fsync and LevelDB)', async (t) => {
    const dir = tempDir(t);
    const store = await storeIn(t, dir);
    const first = await attachReplicationLog(dir, store, log);
    await store.add(tree(6, 30));
    await first.close();
    // The process dies after appending the next record, before its LevelDB batch.
    const { log: raw } = await ReplicationLog.open(dir, log);
    await raw.append([{ key: Uint8Array.of(9, 9), value: Uint8Array.of(1, 0x05, 0x88, 0x96, 0x0d, 0x73, 0xd7, 0x19, 0x01, 1, 5, 0) }]);
    await raw.close();
    assert.equal(await store.has(Uint8Array.of(9, 9)), false);
    const again = await attachReplicationLog(dir, store, log);
    assert.equal(again.replayed, 1);
    assert.equal(await store.has(Uint8Array.of(9, 9)), true);
    await again.close();
  });

  it('drops a torn last record and refuses a broken hash chain', async (t) => {
    const dir = tempDir(t);
    const store = await storeIn(t, dir);
    const attached = await attachReplicationLog(dir, store, log);
    await store.add(tree(7, 40));
    await store.add(tree(8, 41));
    await attached.close();
    const path = join(dir, REPLICATION_LOG_FILE);
    const good = readFileSync(path);
    appendFileSync(path, Buffer.from([0, 0, 0, 50, 1, 2, 3]));
    const { log: reopened } = await ReplicationLog.open(dir, log);
    assert.equal(reopened.length, good.length);
    await reopened.close();
    assert.equal(readFileSync(path).length, good.length);

    const damaged = Buffer.from(good);
    damaged[20]! ^= 0xff;
    writeFileSync(path, damaged);
    await assert.rejects(ReplicationLog.open(dir, log), { code: 'OTS_ERR_REPLOG_DAMAGED' });
  });

  it('serves whole records by offset so a follower can check the chain', async (t) => {
    const dir = tempDir(t);
    const store = await storeIn(t, dir);
    const attached = await attachReplicationLog(dir, store, log);
    for (let i = 0; i < 5; i++) await store.add(tree(10 + i, 50 + i));
    const all = await attached.log.readFrom(0, 1 << 20);
    assert.equal(all.length, attached.log.length);
    const part = await attached.log.readFrom(0, all.length - 1);
    assert.ok(part.length < all.length - 1 && part.length > 8, 'cut back to a record boundary');
    const rest = await attached.log.readFrom(part.length, 1 << 20);
    assert.equal(part.length + rest.length, all.length);
    const parsed = parseRecords(all.subarray(REPLICATION_LOG_MAGIC.length), REPLICATION_LOG_MAGIC.length, GENESIS_CHAIN);
    assert.equal(parsed.records.length, 5);
    assert.deepEqual(parsed.chain, attached.log.chain);
    await attached.close();
  });

  it('refuses to reindex without a log, and while the store is open', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(reindexFromLog(dir, openStore, log), { code: 'OTS_ERR_REPLOG_MISSING' });
    const store = await storeIn(t, dir);
    const attached = await attachReplicationLog(dir, store, log);
    await assert.rejects(reindexFromLog(dir, openStore, log), { code: 'OTS_ERR_STORE_LOCKED' });
    await attached.close();
  });
});
