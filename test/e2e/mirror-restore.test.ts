// Restoring a lost calendar from its mirror (issue #8 item 4): the restored calendar serves the same
// GET /timestamp answers and byte-identical backup chunks, and makes new timestamps.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { BackupExporter, Calendar, Mirror, restoreFromMirror } from '../../src/calendar/index.js';
import { toHex } from '../../src/core/index.js';
import { buildServer } from '../../src/server/index.js';
import { tempDir } from '../support/temp.js';
import { startUpstream, TestChain } from './mirror-support.js';

const CHUNK = 4;
const log = pino({ level: 'silent' });

describe('restore a calendar from a mirror', () => {
  it('serves identical proofs and backup chunks, and keeps stamping', async (t) => {
    const chain = new TestChain();
    const up = await startUpstream(t, { chunkSize: CHUNK, chain });
    const commitments = [...(await up.addStamped(3, 800_100)), ...(await up.addStamped(5, 800_101))];
    const mirrorDir = tempDir(t, 'ots-mirror-');
    const mirror = await Mirror.open({ dir: mirrorDir, upstream: up.base, logger: log, chunkSize: CHUNK, headers: chain });
    assert.equal(await mirror.syncOnce(), 2);

    // The operator's own backup of the calendar's small secrets: uri and hmac-key.
    const target = tempDir(t, 'ots-restored-');
    mkdirSync(target, { recursive: true });
    for (const name of ['uri', 'hmac-key']) copyFileSync(join(up.dir, name), join(target, name));
    await assert.rejects(restoreFromMirror({ mirrorDir, calendarDir: target, logger: log }), { code: 'OTS_ERR_STORE_LOCKED' });
    await mirror.close();
    assert.deepEqual(await restoreFromMirror({ mirrorDir, calendarDir: target, logger: log }), { commitments: 8, chunks: 2 });
    await assert.rejects(restoreFromMirror({ mirrorDir, calendarDir: target, logger: log }), { code: 'OTS_ERR_MIRROR_RESTORE_TARGET_USED' });

    const restored = await Calendar.open({ dir: target, roundMs: 5, logger: log });
    t.after(() => restored.close());
    assert.equal(restored.pendingCount(), 0);
    assert.equal(restored.stats().damagedJournalRecords, 0, 'the hmac-key still verifies every record');
    const backup = new BackupExporter(restored, { chunkSize: CHUNK });
    const app = buildServer({ calendar: restored, backup, version: 'test' });
    t.after(() => app.close());

    const nodes = [...up.calendar.store.get(commitments[0]!)!.nodes()].map((n) => n.msg);
    for (const msg of [...commitments, ...nodes]) {
      const url = `/timestamp/${toHex(msg)}`;
      const [a, b] = await Promise.all([up.app.inject({ method: 'GET', url }), app.inject({ method: 'GET', url })]);
      assert.equal(b.statusCode, a.statusCode, url);
      assert.equal(b.rawPayload.toString('hex'), a.rawPayload.toString('hex'), url);
    }
    for (const n of [0, 1, 2]) {
      const url = `/experimental/backup/${n}`;
      const [a, b] = await Promise.all([up.app.inject({ method: 'GET', url }), app.inject({ method: 'GET', url })]);
      assert.equal(b.statusCode, a.statusCode, url);
      assert.equal(b.rawPayload.toString('hex'), a.rawPayload.toString('hex'), url);
    }

    await restored.submit(Uint8Array.of(1, 2, 3));
    assert.equal(restored.journal.length, 9);
    assert.equal(restored.pendingCount(), 1);
  });
});
