// A log mirror following a log that begins with a snapshot (docs/replication.md): the replication log
// turned on for a calendar that already has stamped proofs. Snapshot records list nodes in key order,
// so their completeness is checked at the snapshot's end marker; a tampered snapshot is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { encodeRecord, GENESIS_CHAIN, LogMirror, parseRecords, REPLICATION_LOG_MAGIC } from '../../src/calendar/index.js';
import { decodeNodeValue } from '../../src/calendar/store-codec.js';
import { applyOp, toHex } from '../../src/core/index.js';
import { startLogUpstream, startProxy, TestChain } from './mirror-support.js';

const log = pino({ level: 'silent' });

/** A calendar stamped twice WITHOUT a log, then given one (a snapshot of 5 puts per record). */
function snapshottedUpstream(t: TestContext, chain: TestChain) {
  return startLogUpstream(t, chain, {
    uri: 'https://snap.calendar.example.org',
    firstHeight: 801_000,
    digestTag: 7,
    stampBeforeLog: [4, 3],
    snapshotPuts: 5,
  });
}

const openMirror = (dir: string, upstream: string, chain: TestChain) => LogMirror.open({ dir, upstream, logger: log, headers: chain, pollMs: 10, backoffMinMs: 5, backoffMaxMs: 40 });

describe('log mirror of a snapshot-started log', () => {
  it('syncs from scratch, serves GET /timestamp identically, and keeps following after the snapshot', async (t) => {
    const chain = new TestChain();
    const up = await snapshottedUpstream(t, chain);
    const body = (await up.app.inject({ method: 'GET', url: '/experimental/log?from=8' })).rawPayload;
    const records = parseRecords(body, REPLICATION_LOG_MAGIC.length, GENESIS_CHAIN).records;
    assert.equal(records[0]!.puts.length, 0, 'the snapshot opens with an empty marker record');
    const end = records.findIndex((r, i) => i > 0 && r.puts.length === 0);
    assert.ok(end > 2);
    // The case the per-record check refused: a snapshot node whose op leads to a node in a later record.
    let forward = false;
    const earlier = new Set<string>();
    for (const r of records.slice(1, end)) {
      for (const p of r.puts) earlier.add(toHex(p.key));
      for (const p of r.puts) for (const op of decodeNodeValue(p.value).ops) if (!earlier.has(toHex(applyOp(op, p.key)))) forward = true;
    }
    assert.ok(forward, 'some op leads forward across snapshot records');

    const dir = mkdtempSync(join(tmpdir(), 'ots-logmirror-'));
    let mirror = await openMirror(dir, up.base, chain);
    assert.equal(await mirror.syncOnce(), records.length);
    const after = await up.stamp(2);
    assert.equal(await mirror.syncOnce(), 1);
    await mirror.close();
    mirror = await openMirror(dir, up.base, chain); // a restart finds the snapshot closed
    t.after(async () => {
      await mirror.close();
      rmSync(dir, { recursive: true, force: true });
    });
    assert.equal(await mirror.syncOnce(), 0);
    for (const msg of [...up.before, ...after]) {
      const url = `/timestamp/${toHex(msg)}`;
      const a = await up.app.inject({ method: 'GET', url });
      assert.equal(a.statusCode, 200);
      assert.equal(toHex((await mirror.getTimestamp(msg))!), a.rawPayload.toString('hex'));
    }
  });

  it('refuses a snapshot whose rewritten record leads nowhere, and serves nothing from it', async (t) => {
    const chain = new TestChain();
    const up = await snapshottedUpstream(t, chain);
    const proxy = await startProxy(t, () => up.base);
    proxy.mode = 'tamper';
    let edited = false;
    proxy.tamper = (body) => {
      // A dishonest upstream: change an op argument in one snapshot record, recompute every chain after it.
      const records = parseRecords(body, REPLICATION_LOG_MAGIC.length, GENESIS_CHAIN).records;
      if (records.length === 0) return body; // not an answer from byte 8
      let prev: Uint8Array = GENESIS_CHAIN;
      const out: Buffer[] = [];
      for (const r of records) {
        const puts = r.puts.map((p) => ({ key: p.key, value: new Uint8Array(p.value) }));
        const victim = edited ? undefined : puts.find((p) => toHex(p.value).startsWith('0001f020'));
        if (victim) {
          victim.value[10]! ^= 1;
          edited = true;
        }
        const enc = encodeRecord(prev, puts);
        out.push(Buffer.from(enc.bytes));
        prev = enc.chain;
      }
      return Buffer.concat(out);
    };
    const dir = mkdtempSync(join(tmpdir(), 'ots-logmirror-'));
    let mirror = await openMirror(dir, proxy.base, chain);
    await assert.rejects(mirror.syncOnce(), { code: 'OTS_ERR_BACKUP_CHUNK_INVALID', message: /snapshot leads to a node it does not hold/ });
    assert.ok(edited);
    for (const msg of up.before) assert.equal(await mirror.getTimestamp(msg), undefined);
    await mirror.close();
    mirror = await openMirror(dir, proxy.base, chain); // still inside the unchecked snapshot after a restart
    t.after(async () => {
      await mirror.close();
      rmSync(dir, { recursive: true, force: true });
    });
    for (const msg of up.before) assert.equal(await mirror.getTimestamp(msg), undefined);
    // Our copy now continues the forged chain: the honest end marker does not link up; still refused.
    await assert.rejects(mirror.syncOnce(), { code: 'OTS_ERR_BACKUP_CHUNK_INVALID' });
  });
});
