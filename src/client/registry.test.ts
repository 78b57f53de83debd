import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '../../test/support/temp.js';
import { makeWhitelist } from './calendars.js';
import { esploraHeaderSource } from './header-source.js';
import { anchorUpTo, loadContent, proofPath, registryHash, type RegistryPaths, snapshotPath } from './registry.js';
import { anchorCurrentMonth, runRegistry } from './registry-run.js';
import { verifyRegistry } from './registry-verify.js';
import { startTestCalendar, startTestEsplora, testChain } from './testing-servers.js';

async function setup(t: TestContext) {
  const dir = tempDir(t, 'ots-registry-');
  const cal = await startTestCalendar();
  t.after(() => cal.close());
  const paths: RegistryPaths = { registryDir: join(dir, 'registries'), proofsDir: join(dir, 'proofs') };
  let now = new Date('2026-01-10T12:00:00Z');
  const base = { paths, calendars: [cal.url], content: { members: ['alice', 'bob'] }, now: () => now };
  return { dir, cal, paths, base, setNow: (iso: string) => (now = new Date(iso)) };
}

describe('registry anchoring', () => {
  it('builds a chain of three months: null first link, then sha256 of each previous file', async (t) => {
    const { paths, base, setNow } = await setup(t);
    for (const iso of ['2026-01-10T12:00:00Z', '2026-02-10T12:00:00Z', '2026-03-10T12:00:00Z']) {
      setNow(iso);
      await anchorCurrentMonth(base);
    }
    const jan = readFileSync(snapshotPath(paths, '2026-01'));
    const feb = JSON.parse(readFileSync(snapshotPath(paths, '2026-02'), 'utf8')) as Record<string, unknown>;
    assert.equal((JSON.parse(jan.toString()) as Record<string, unknown>).previous_registry_hash, null);
    assert.equal(feb.previous_registry_hash, registryHash(jan));
    assert.deepEqual(Object.keys(feb).slice(0, 4), ['version', 'timestamp', 'previous_registry_hash', 'members']);
    assert.equal(feb.timestamp, '2026-02-10T12:00:00.000Z');
    const result = await verifyRegistry({ paths });
    assert.equal(result.ok, true);
    assert.deepEqual(result.months.map((m) => m.status), ['pending', 'pending', 'pending']);
  });

  it('detects a tampered month at that month', async (t) => {
    const { paths, base, setNow } = await setup(t);
    for (const iso of ['2026-01-10T12:00:00Z', '2026-02-10T12:00:00Z', '2026-03-10T12:00:00Z']) {
      setNow(iso);
      await anchorCurrentMonth(base);
    }
    const file = snapshotPath(paths, '2026-02');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"bob"', '"mallory"'));
    const result = await verifyRegistry({ paths });
    assert.equal(result.ok, false);
    assert.equal(result.broken?.month, '2026-02');
    assert.equal(result.broken?.reason, 'proof-digest-mismatch');
    // the next month's link is broken too, but the first break is what is named
    assert.equal(result.months[2]?.reason, 'hash-mismatch');
  });

  it('names a missing month, a missing proof and a corrupt proof', async (t) => {
    const { paths, base, setNow } = await setup(t);
    for (const iso of ['2026-01-10T12:00:00Z', '2026-02-10T12:00:00Z', '2026-03-10T12:00:00Z', '2026-04-10T12:00:00Z']) {
      setNow(iso);
      await anchorCurrentMonth(base);
    }
    writeFileSync(proofPath(paths, '2026-04'), 'not a proof');
    rmSync(proofPath(paths, '2026-03'));
    rmSync(snapshotPath(paths, '2026-02'));
    const result = await verifyRegistry({ paths });
    assert.deepEqual(
      result.months.map((m) => [m.month, m.reason]),
      [
        ['2026-01', undefined],
        ['2026-02', 'missing-month'],
        ['2026-03', 'hash-mismatch'],
        ['2026-04', 'corrupt-proof'],
      ],
    );
    assert.equal(result.broken?.month, '2026-02');
  });

  it('reports a missing proof', async (t) => {
    const { paths, base } = await setup(t);
    await anchorCurrentMonth(base);
    rmSync(proofPath(paths, '2026-01'));
    assert.equal((await verifyRegistry({ paths })).broken?.reason, 'missing-proof');
  });

  it('refuses to anchor a month twice', async (t) => {
    const { base } = await setup(t);
    await anchorCurrentMonth(base);
    await assert.rejects(anchorCurrentMonth(base), { code: 'OTS_ERR_REGISTRY_MONTH_EXISTS' });
  });

  it('run: waits for the anchor day, is idempotent, and catches up missed months in order', async (t) => {
    const { paths, base, setNow } = await setup(t);
    const run = () => runRegistry({ ...base, enabled: true, anchorDay: 5 });
    setNow('2026-01-03T00:00:00Z');
    assert.equal((await run()).action, 'up-to-date'); // a new registry starts at its first due day
    setNow('2026-01-05T00:00:00Z');
    assert.deepEqual((await run()).anchored, ['2026-01']);
    assert.equal((await run()).action, 'up-to-date');
    setNow('2026-04-02T00:00:00Z'); // February and March were missed; April is not due yet
    assert.deepEqual((await run()).anchored, ['2026-02', '2026-03']);
    setNow('2026-04-06T00:00:00Z');
    assert.deepEqual((await run()).anchored, ['2026-04']);
    assert.equal((await verifyRegistry({ paths })).ok, true);
    assert.equal((await runRegistry({ ...base, enabled: false, anchorDay: 1 })).action, 'disabled');
  });

  it('run: stamps a snapshot whose proof was lost in an interrupted run', async (t) => {
    const { paths, base } = await setup(t);
    await anchorCurrentMonth(base);
    rmSync(proofPath(paths, '2026-01'));
    const result = await runRegistry({ ...base, enabled: true, anchorDay: 1 });
    assert.deepEqual(result.repaired, ['2026-01']);
    assert.equal((await verifyRegistry({ paths })).ok, true);
  });

  it('verify upgrades pending proofs and checks them against block headers', async (t) => {
    const { paths, base, cal, setNow } = await setup(t);
    await anchorCurrentMonth(base);
    setNow('2026-02-10T12:00:00Z');
    await anchorCurrentMonth(base);
    const chain = testChain();
    cal.complete(chain, 42);
    const esplora = await startTestEsplora(chain);
    t.after(() => esplora.close());
    const result = await verifyRegistry({
      paths,
      upgrade: { whitelist: makeWhitelist([cal.url], false) },
      headerSource: esploraHeaderSource(esplora.url),
    });
    assert.deepEqual(result.months.map((m) => [m.status, m.height]), [['verified', 42], ['verified', 42]]);
  });

  it('anchorUpTo writes nothing when the calendars fail', async (t) => {
    const { paths, base } = await setup(t);
    await assert.rejects(anchorUpTo('2026-01', { ...base, calendars: ['http://127.0.0.1:1'] }), { code: 'OTS_ERR_STAMP_TOO_FEW_CALENDARS' });
    assert.equal((await verifyRegistry({ paths })).months.length, 0);
  });
});

describe('loadContent', () => {
  it('merges a directory of JSON files keyed by file name', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'c'));
    writeFileSync(join(dir, 'c', 'members.json'), '["alice"]');
    writeFileSync(join(dir, 'c', 'rules.json'), '{"quorum": 3}');
    writeFileSync(join(dir, 'c', 'notes.txt'), 'ignored');
    assert.deepEqual(await loadContent(join(dir, 'c')), { members: ['alice'], rules: { quorum: 3 } });
  });

  it('rejects reserved keys, non-objects and broken JSON', async (t) => {
    const dir = tempDir(t);
    const cases: [string, string][] = [
      ['reserved.json', '{"version": "x"}'],
      ['array.json', '[1]'],
      ['broken.json', '{'],
    ];
    for (const [name, text] of cases) {
      writeFileSync(join(dir, name), text);
      await assert.rejects(loadContent(join(dir, name)), { code: 'OTS_ERR_REGISTRY_CONTENT_INVALID' });
    }
    await assert.rejects(loadContent(join(dir, 'absent.json')), { code: 'OTS_ERR_REGISTRY_CONTENT_INVALID' });
  });
});
