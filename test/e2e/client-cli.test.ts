// The `ots` CLI as a user runs it (spawned): stamp, info, upgrade, verify and registry against loopback
// test calendars and an Esplora-style header API; failures give one coded line, an exit code, no damage.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { startTestCalendar, startTestEsplora, testChain } from '../../src/client/testing-servers.js';
import { ots, type Run } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';

function assertNoStack(run: Run): void {
  assert.doesNotMatch(run.stderr, /^\s+at /m, `no stack trace expected:\n${run.stderr}`);
}

async function world(t: TestContext) {
  const dir = tempDir(t, 'ots-cli-');
  const cal = await startTestCalendar();
  t.after(() => cal.close());
  const chain = testChain();
  const esplora = await startTestEsplora(chain);
  t.after(() => esplora.close());
  writeFileSync(join(dir, 'a.txt'), 'first file\n');
  writeFileSync(join(dir, 'b.txt'), 'second file\n');
  return { dir, cal, chain, esplora };
}

describe('ots CLI', () => {
  it('stamp -> info -> upgrade (pending, then complete) -> verify', async (t) => {
    const { dir, cal, chain, esplora } = await world(t);
    const stamp = await ots(['stamp', '-c', cal.url, 'a.txt', 'b.txt'], dir);
    assert.equal(stamp.code, 0, stamp.stderr);
    assert.match(stamp.stderr, /hashed 2\/2 files/);
    assert.equal(cal.commitments.length, 1, 'one request for both files');

    const info = await ots(['info', '--json', 'a.txt.ots'], dir);
    assert.equal(info.code, 0, info.stderr);
    const listing = JSON.parse(info.stdout) as { fileHashOp: string; attestations: { type: string; uri: string; commitment: string }[] };
    assert.equal(listing.fileHashOp, 'sha256');
    assert.deepEqual(listing.attestations.map((a) => [a.type, a.uri, a.commitment]), [['pending', cal.url, cal.commitments[0]]]);
    assert.match((await ots(['info', 'a.txt.ots'], dir)).stdout, /^File sha256 hash: /);

    const hex = 'ab'.repeat(32);
    assert.equal((await ots(['stamp', '-c', cal.url, '-d', hex, '-o', 'digest.ots'], dir)).code, 0);
    assert.equal((JSON.parse((await ots(['info', '--json', 'digest.ots'], dir)).stdout) as { fileDigest: string }).fileDigest, hex);

    const before = readFileSync(join(dir, 'a.txt.ots'));
    const pending = await ots(['upgrade', '-l', cal.url, 'a.txt.ots'], dir);
    assert.equal(pending.code, 3, pending.stderr);
    assert.match(pending.stderr, /Pending confirmation in Bitcoin blockchain/);
    assert.deepEqual(readFileSync(join(dir, 'a.txt.ots')), before);

    const early = await ots(['verify', '-l', cal.url, '--esplora', esplora.url, 'a.txt.ots'], dir);
    assert.equal(early.code, 3, early.stderr);

    cal.complete(chain, 100);
    const upgraded = await ots(['upgrade', '-l', cal.url, 'a.txt.ots'], dir);
    assert.equal(upgraded.code, 0, upgraded.stderr);
    assert.deepEqual(readFileSync(join(dir, 'a.txt.ots.bak')), before);
    assert.notDeepEqual(readFileSync(join(dir, 'a.txt.ots')), before);

    const verified = await ots(['verify', '--esplora', esplora.url, 'a.txt.ots'], dir);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, /Success! Bitcoin block 100 attests existence as of /);

    // b.txt.ots is still pending on disk; verify upgrades it in memory only
    const b = readFileSync(join(dir, 'b.txt.ots'));
    const inMemory = await ots(['verify', '-l', cal.url, '--esplora', esplora.url, 'b.txt.ots'], dir);
    assert.equal(inMemory.code, 0, inMemory.stderr);
    assert.deepEqual(readFileSync(join(dir, 'b.txt.ots')), b);

    const wrong = await ots(['verify', '--esplora', esplora.url, '-f', 'b.txt', 'a.txt.ots'], dir);
    assert.equal(wrong.code, 4);
    assert.match(wrong.stderr, /^ots: .*\(OTS_ERR_VERIFY_DIGEST_MISMATCH\)\n$/);
    assertNoStack(wrong);
  });

  it('refuses to overwrite an existing proof, and replaces it with --force', async (t) => {
    const { dir, cal } = await world(t);
    assert.equal((await ots(['stamp', '-c', cal.url, 'a.txt'], dir)).code, 0);
    const first = readFileSync(join(dir, 'a.txt.ots'));
    const again = await ots(['stamp', '-c', cal.url, 'a.txt', 'b.txt'], dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /OTS_ERR_STAMP_PROOF_EXISTS/);
    assert.deepEqual(readFileSync(join(dir, 'a.txt.ots')), first);
    assert.equal(existsSync(join(dir, 'b.txt.ots')), false, 'nothing written when one target exists');
    assert.equal((await ots(['stamp', '--force', '-c', cal.url, 'a.txt'], dir)).code, 0);
    assert.notDeepEqual(readFileSync(join(dir, 'a.txt.ots')), first);
  });

  it('fails cleanly when no calendar is reachable, writing nothing', async (t) => {
    const { dir } = await world(t);
    const run = await ots(['stamp', '-c', 'http://127.0.0.1:1', 'a.txt'], dir);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /OTS_ERR_CLIENT_CALENDAR_UNREACHABLE/);
    assert.match(run.stderr, /OTS_ERR_STAMP_TOO_FEW_CALENDARS/);
    assertNoStack(run);
    assert.equal(existsSync(join(dir, 'a.txt.ots')), false);
  });

  it('refuses a lying calendar during upgrade when a header source is given, leaving the proof untouched', async (t) => {
    const { dir, cal, chain, esplora } = await world(t);
    assert.equal((await ots(['stamp', '-c', cal.url, 'a.txt'], dir)).code, 0);
    const before = readFileSync(join(dir, 'a.txt.ots'));
    cal.mode = 'lying';
    cal.lieChain = chain;
    chain.addBlock(cal.lieHeight, new Uint8Array(32));
    const run = await ots(['upgrade', '-l', cal.url, '--esplora', esplora.url, 'a.txt.ots'], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /OTS_ERR_CLIENT_CALENDAR_LYING/);
    assert.deepEqual(readFileSync(join(dir, 'a.txt.ots')), before);
    assert.equal(existsSync(join(dir, 'a.txt.ots.bak')), false);
  });

  it('reports a corrupt proof with its code, for every subcommand, without touching it', async (t) => {
    const { dir } = await world(t);
    writeFileSync(join(dir, 'a.txt.ots'), Buffer.from('\x00OpenTimestamps\x00\x00Proof\x00garbage'));
    const bytes = readFileSync(join(dir, 'a.txt.ots'));
    for (const args of [['info', 'a.txt.ots'], ['upgrade', 'a.txt.ots'], ['verify', 'a.txt.ots']]) {
      const run = await ots(args, dir);
      assert.equal(run.code, 1, `${args[0]}: ${run.stderr}`);
      assert.match(run.stderr, /^ots: .*\(OTS_ERR_PROOF_[A-Z_]+\)\n$/);
      assertNoStack(run);
    }
    assert.deepEqual(readFileSync(join(dir, 'a.txt.ots')), bytes);
    const missing = await ots(['info', 'nope.ots'], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /OTS_ERR_CLIENT_FILE_UNREADABLE/);
    assert.doesNotMatch(missing.stderr, /nope\.ots|\/tmp\//, 'no paths in messages');
  });

  it('exits 2 on usage errors', async (t) => {
    const { dir } = await world(t);
    for (const args of [['stamp'], ['frobnicate'], ['info'], ['stamp', '--bogus', 'a.txt'], ['stamp', '-m', 'x', 'a.txt']]) {
      assert.equal((await ots(args, dir)).code, 2, args.join(' '));
    }
    assert.equal((await ots(['--help'], dir)).code, 0);
  });

  it('registry: anchor, verify, then a tampered snapshot is named and exits 4', async (t) => {
    const { dir, cal } = await world(t);
    writeFileSync(join(dir, 'state.json'), '{"members": ["alice", "bob"]}');
    writeFileSync(join(dir, 'ots.toml'), `[ots]\nenabled = true\naggregator_url = "${cal.url}"\ncontent_path = "state.json"\n`);
    const anchor = await ots(['registry', 'anchor', '--config', 'ots.toml'], dir);
    assert.equal(anchor.code, 0, anchor.stderr);
    const again = await ots(['registry', 'anchor', '--config', 'ots.toml'], dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /OTS_ERR_REGISTRY_MONTH_EXISTS/);
    const run = await ots(['registry', 'run', '--config', 'ots.toml'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /up to date/);
    const verify = await ots(['registry', 'verify', '--no-check', '-l', cal.url, '--config', 'ots.toml'], dir);
    assert.equal(verify.code, 3, verify.stderr); // intact but still pending
    const month = verify.stdout.split(' ')[0]!;
    const file = join(dir, 'registries', `${month}.json`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('bob', 'eve'));
    const broken = await ots(['registry', 'verify', '--no-check', '--no-upgrade', '--config', 'ots.toml'], dir);
    assert.equal(broken.code, 4);
    assert.match(broken.stderr, new RegExp(`broken at ${month}: proof-digest-mismatch`));
    const badConfig = join(dir, 'bad.toml');
    writeFileSync(badConfig, '[ots]\nmonthly_anchor_day = 40\n');
    const bad = await ots(['registry', 'run', '--config', 'bad.toml'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /OTS_ERR_REGISTRY_CONFIG_INVALID/);
  });
});
