import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ClassicLevel } from 'classic-level';
import { pino } from 'pino';
import { loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { tempDir } from '../../test/support/temp.js';
import { toHex } from '../core/index.js';
import { parseChunk } from './backup-codec.js';
import { BackupExporter } from './backup.js';
import { Journal } from './journal.js';
import { CalendarStore } from './store.js';

interface Flow {
  hmac_key: string;
  journal_file: string;
  leveldb: { key: string; value: string }[];
  backup_chunk: { entries_per_chunk_in_this_example: number; chunk_index: number; body: string };
}
const flow = loadVector<Flow>('calendar_flow.json');
const log = pino({ level: 'silent' });

/** The reference's calendar of the vector: its LevelDB pairs written raw, its journal file as-is. */
async function vectorCalendar(t: Parameters<typeof tempDir>[0], journalHex = flow.journal_file) {
  const dir = tempDir(t);
  const raw = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, 'db'), { keyEncoding: 'view', valueEncoding: 'view' });
  await raw.batch(flow.leveldb.map((e) => ({ type: 'put' as const, key: Buffer.from(e.key, 'hex'), value: Buffer.from(e.value, 'hex') })));
  await raw.close();
  writeFileSync(join(dir, 'journal'), Buffer.from(journalHex, 'hex'));
  const store = await CalendarStore.open(join(dir, 'db'), log);
  const journal = await Journal.open(join(dir, 'journal'), { hmacKey: Buffer.from(flow.hmac_key, 'hex'), logger: log });
  t.after(async () => {
    await journal.close();
    await store.close();
  });
  return { dir, store, journal };
}

describe('BackupExporter (SPEC §9.6)', { skip: SHARED_SKIP }, () => {
  it('reproduces the reference chunk of calendar_flow.json byte for byte', async (t) => {
    const { store, journal, dir } = await vectorCalendar(t);
    const size = flow.backup_chunk.entries_per_chunk_in_this_example;
    const exporter = new BackupExporter({ store, journal }, { chunkSize: size, cacheDir: join(dir, 'backup_cache') });
    const body = await exporter.chunk(flow.backup_chunk.chunk_index);
    assert.ok(body);
    assert.equal(toHex(body), flow.backup_chunk.body);
    assert.equal(parseChunk(body).length, flow.leveldb.length);
  });

  it('caches a finished chunk atomically and serves the cached bytes', async (t) => {
    const { store, journal, dir } = await vectorCalendar(t);
    const cacheDir = join(dir, 'backup_cache');
    const exporter = new BackupExporter({ store, journal }, { chunkSize: 3, cacheDir });
    await exporter.chunk(0);
    const path = join(cacheDir, 'size-3', '000', '000000');
    assert.equal(readFileSync(path).toString('hex'), flow.backup_chunk.body);
    writeFileSync(path, Buffer.from('cached'));
    assert.equal(Buffer.from((await exporter.chunk(0))!).toString(), 'cached');
  });

  it('uses the reference cache layout backup_cache/<3 digits>/<6 digits> for 1000-record chunks', async (t) => {
    const { store, dir } = await vectorCalendar(t);
    const commitment = Buffer.from(flow.journal_file.slice(0, 88), 'hex');
    const journal = { length: 1000, readRange: async (_s: number, count: number) => Array.from({ length: count }, () => commitment) };
    const exporter = new BackupExporter({ store, journal }, { cacheDir: join(dir, 'backup_cache') });
    assert.ok(await exporter.chunk(0));
    assert.ok(existsSync(join(dir, 'backup_cache', '000', '000000')));
  });

  it('prebuilds every complete chunk into the cache and stops at the first incomplete one', async (t) => {
    const unstamped = '6553f1ff' + '11'.repeat(32) + '22'.repeat(8);
    const { store, journal, dir } = await vectorCalendar(t, flow.journal_file + unstamped);
    const cacheDir = join(dir, 'backup_cache');
    const exporter = new BackupExporter({ store, journal }, { chunkSize: 1, cacheDir });
    assert.equal(await exporter.prebuild(), 3);
    for (const n of ['000000', '000001', '000002']) assert.ok(existsSync(join(cacheDir, 'size-1', '000', n)), n);
    assert.equal(existsSync(join(cacheDir, 'size-1', '000', '000003')), false);
    assert.equal(await exporter.prebuild(), 0, 'nothing new to build');
  });

  it('answers undefined while a record is missing or not yet stamped', async (t) => {
    const unstamped = '6553f1ff' + '11'.repeat(32) + '22'.repeat(8);
    const { store, journal } = await vectorCalendar(t, flow.journal_file + unstamped);
    const exporter = new BackupExporter({ store, journal }, { chunkSize: 2 });
    assert.ok(await exporter.chunk(0));
    assert.equal(await exporter.chunk(1), undefined, 'record 3 is not stamped');
    assert.equal(await exporter.chunk(2), undefined, 'records 4-5 do not exist');
    assert.equal(await exporter.chunk(-1), undefined);
    assert.equal(exporter.chunkCount(), 2);
  });
});
