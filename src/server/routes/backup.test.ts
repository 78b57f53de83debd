import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ClassicLevel } from 'classic-level';
import { pino } from 'pino';
import { loadVector, SHARED_SKIP } from '../../../test/support/fixtures.js';
import { tempDir } from '../../../test/support/temp.js';
import { BackupExporter, CalendarStore, Journal } from '../../calendar/index.js';
import { buildServer } from '../build-server.js';
import type { CalendarApi } from '../calendar-api.js';

interface Flow {
  hmac_key: string;
  journal_file: string;
  leveldb: { key: string; value: string }[];
  backup_chunk: { entries_per_chunk_in_this_example: number; body: string };
}
const flow = loadVector<Flow>('calendar_flow.json');
const log = pino({ level: 'silent' });

/** The routes other than backup are not under test: a calendar that holds nothing. */
const emptyCalendar: CalendarApi = {
  uri: 'https://alice.btc.calendar.example.org',
  submit: async () => new Uint8Array(0),
  submitWith: (_digest, done) => done(undefined, new Uint8Array(0)),
  getTimestamp: async () => undefined,
  isPending: () => false,
  pendingCount: () => 0,
  stats: () => ({}),
};

describe('GET /experimental/backup/<n> (SPEC §9.6)', { skip: SHARED_SKIP }, () => {
  it('serves the reference chunk, then 404 with the reference headers for chunks not complete', async (t) => {
    const dir = tempDir(t);
    const raw = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, 'db'), { keyEncoding: 'view', valueEncoding: 'view' });
    await raw.batch(flow.leveldb.map((e) => ({ type: 'put' as const, key: Buffer.from(e.key, 'hex'), value: Buffer.from(e.value, 'hex') })));
    await raw.close();
    writeFileSync(join(dir, 'journal'), Buffer.from(flow.journal_file, 'hex'));
    const store = await CalendarStore.open(join(dir, 'db'), log);
    const journal = await Journal.open(join(dir, 'journal'), { hmacKey: Buffer.from(flow.hmac_key, 'hex'), logger: log });
    const backup = new BackupExporter({ store, journal }, { chunkSize: flow.backup_chunk.entries_per_chunk_in_this_example });
    const app = buildServer({ calendar: emptyCalendar, backup, version: 'test' });
    t.after(async () => {
      await app.close();
      await journal.close();
      await store.close();
    });

    const ok = await app.inject({ method: 'GET', url: '/experimental/backup/0' });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['content-type'], 'application/octet-stream');
    assert.equal(ok.headers['cache-control'], 'public, max-age=31536000');
    assert.equal(ok.rawPayload.toString('hex'), flow.backup_chunk.body);
    assert.equal(ok.headers['x-ots-backup-chunks'], '1');
    assert.equal(ok.headers['x-ots-journal-length'], '3');

    for (const url of ['/experimental/backup/1', '/experimental/backup/x', '/experimental/backup/-1', '/experimental/backup/']) {
      const missing = await app.inject({ method: 'GET', url });
      assert.equal(missing.statusCode, 404, url);
      assert.match(String(missing.headers['content-type']), /^text\/plain/);
      assert.equal(missing.headers['cache-control'], 'public, max-age=60');
      assert.equal(missing.body, '');
    }
    const python = await app.inject({ method: 'GET', url: '/experimental/backup/+0' });
    assert.equal(python.statusCode, 200, 'int() accepts a sign, like the reference');
  });
});
