// The replication log end to end (docs/replication.md): a calendar logs its stamps, serves the log by
// offset with a checkable chain, and `otsd reindex` rebuilds a db/ that answers the same proofs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { attachReplicationLog, Calendar, GENESIS_CHAIN, initCalendarDir, parseRecords, REPLICATION_LOG_MAGIC } from '../../src/calendar/index.js';
import { toHex } from '../../src/core/index.js';
import { buildServer } from '../../src/server/index.js';
import { runOtsd } from '../support/otsd-process.js';
import { tempDir } from '../support/temp.js';
import { stampTrees } from './mirror-support.js';

const log = pino({ level: 'silent' });

describe('replication log', () => {
  it('is served by offset, checks out, and rebuilds db/ with otsd reindex', async (t) => {
    const dir = tempDir(t, 'ots-cal-');
    await initCalendarDir(dir, { uri: 'https://replicated.calendar.example.org' });
    const calendar = await Calendar.open({ dir, roundMs: 5, logger: log });
    const attached = await attachReplicationLog(dir, calendar.store, log);
    const app = buildServer({ calendar, replicationLog: attached.log, version: 'test' });
    const stamped: Uint8Array[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) await calendar.submit(Uint8Array.of(round, i));
      const commitments = calendar.pendingCommitments();
      await calendar.saveTimestamps(stampTrees(commitments, 800_300 + round));
      stamped.push(...commitments);
    }
    const proofs = stamped.map((c) => toHex(calendar.store.get(c)!.toBytes()));

    const all = await app.inject({ method: 'GET', url: '/experimental/log?from=0' });
    assert.equal(all.statusCode, 200);
    assert.equal(Number(all.headers['x-ots-log-length']), all.rawPayload.length);
    const parsed = parseRecords(all.rawPayload.subarray(REPLICATION_LOG_MAGIC.length), REPLICATION_LOG_MAGIC.length, GENESIS_CHAIN);
    assert.equal(parsed.records.length, 3, 'one record per stamper batch');
    assert.equal(parsed.torn, false);
    const tail = await app.inject({ method: 'GET', url: `/experimental/log?from=${parsed.records[1]!.offset}` });
    assert.equal(parseRecords(tail.rawPayload, parsed.records[1]!.offset, parsed.records[0]!.chain).records.length, 2);
    assert.equal((await app.inject({ method: 'GET', url: '/experimental/log?from=99999999' })).statusCode, 416);
    assert.equal((await app.inject({ method: 'GET', url: '/experimental/log?from=x' })).statusCode, 400);
    await app.close();
    await calendar.close();
    await attached.close();

    const reindex = await runOtsd(t, ['reindex', '-c', dir]);
    assert.equal(reindex.code, 0, reindex.stderr);
    assert.match(reindex.stdout, /rebuilt from 3 log records/);
    const reopened = await Calendar.open({ dir, roundMs: 5, logger: log });
    t.after(() => reopened.close());
    assert.deepEqual(stamped.map((c) => toHex(reopened.store.get(c)!.toBytes())), proofs);
    assert.equal(reopened.pendingCount(), 0);
    assert.ok(existsSync(join(dir, 'replication.log')));
  });
});
