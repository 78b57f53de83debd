// A mirror following the upstream's replication log by offset (docs/replication.md): sync, live
// following, identical GET answers, and refusal of cut or rewritten answers.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { encodeRecord, GENESIS_CHAIN, LogMirror, parseRecords, REPLICATION_LOG_MAGIC } from '../../src/calendar/index.js';
import { toHex } from '../../src/core/index.js';
import { buildMirrorServer } from '../../src/server/index.js';
import { startLogUpstream, startProxy, TestChain } from './mirror-support.js';

const log = pino({ level: 'silent' });

function loggedUpstream(t: TestContext, chain: TestChain) {
  return startLogUpstream(t, chain, { uri: 'https://logged.calendar.example.org', firstHeight: 800_500, digestTag: 9 });
}

async function openLogMirror(t: TestContext, upstream: string, chain: TestChain) {
  const dir = mkdtempSync(join(tmpdir(), 'ots-logmirror-'));
  const mirror = await LogMirror.open({ dir, upstream, logger: log, headers: chain, pollMs: 10, backoffMinMs: 5, backoffMaxMs: 40 });
  t.after(async () => {
    await mirror.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return mirror;
}

describe('log mirror', () => {
  it('copies the log record by record, follows live and answers GET /timestamp like the upstream', async (t) => {
    const chain = new TestChain();
    const up = await loggedUpstream(t, chain);
    const first = await up.stamp(3);
    const mirror = await openLogMirror(t, up.base, chain);
    assert.equal(await mirror.syncOnce(), 1);
    assert.equal(mirror.status().logBytesBehind, 0);
    assert.ok(mirror.status().verifiedAttestations >= 1);
    mirror.start();
    const second = await up.stamp(2);
    while (mirror.status().recordsStored < 2) await once(mirror, 'record');
    const server = buildMirrorServer({ mirror, version: 'test' });
    t.after(() => server.close());
    for (const msg of [...first, ...second]) {
      const url = `/timestamp/${toHex(msg)}`;
      const [a, b] = await Promise.all([up.app.inject({ method: 'GET', url }), server.inject({ method: 'GET', url })]);
      assert.equal(b.statusCode, 200);
      assert.equal(b.rawPayload.toString('hex'), a.rawPayload.toString('hex'));
    }
    const metrics = await server.inject({ method: 'GET', url: '/mirror/metrics' });
    assert.match(metrics.body, new RegExp(`^otsd_mirror_log_offset ${mirror.status().logOffset}$`, 'm'));
    assert.match(metrics.body, /^otsd_mirror_next_chunk -1$/m, 'chunk figures are unknown in log mode');
  });

  it('refuses a cut answer and a rewritten record even when its chain was recomputed', async (t) => {
    const chain = new TestChain();
    const up = await loggedUpstream(t, chain);
    await up.stamp(3);
    const proxy = await startProxy(t, () => up.base);
    const mirror = await openLogMirror(t, proxy.base, chain);
    proxy.mode = 'tamper';
    proxy.tamper = (body) => body.subarray(0, body.length - 5);
    await assert.rejects(mirror.syncOnce(), { code: 'OTS_ERR_BACKUP_CHUNK_TRUNCATED' });
    // A dishonest upstream: change a merkle sibling and recompute the chain so it still links up.
    proxy.tamper = (body) => {
      // The mirror asks from byte 8 (after the header its own copy starts with).
      const [record] = parseRecords(body, REPLICATION_LOG_MAGIC.length, GENESIS_CHAIN).records;
      const puts = record!.puts.map((p) => ({ key: p.key, value: new Uint8Array(p.value) }));
      const edited = puts.find((p) => toHex(p.value).startsWith('0001f020'))!;
      edited.value[10]! ^= 1;
      return Buffer.from(encodeRecord(GENESIS_CHAIN, puts).bytes);
    };
    await assert.rejects(mirror.syncOnce(), { code: 'OTS_ERR_BACKUP_CHUNK_INCOMPLETE' });
    assert.equal(mirror.status().recordsStored, 0);
    proxy.mode = 'pass';
    assert.equal(await mirror.syncOnce(), 1);
  });
});
