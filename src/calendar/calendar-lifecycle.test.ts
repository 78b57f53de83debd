import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { bitcoinAttestation, makeMerkleTree, ops, Timestamp, toHex } from '../core/index.js';
import { tempDir } from '../../test/support/temp.js';
import { Calendar } from './calendar.js';
import { initCalendarDir } from './calendar-dir.js';

const silent = pino({ level: 'silent' });

async function newCalendar(t: Parameters<typeof tempDir>[0], extra: Partial<Parameters<typeof Calendar.open>[0]> = {}) {
  const dir = tempDir(t);
  await initCalendarDir(dir, { uri: 'https://cal.example.org', donationAddr: 'bcrt1qexample' });
  const calendar = await Calendar.open({ dir, logger: silent, roundMs: 5, ...extra });
  t.after(() => calendar.close());
  return { dir, calendar };
}

/** Runs `n` rounds of one digest each; returns the commitments in journal order. */
async function rounds(calendar: Calendar, n: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const digest = Uint8Array.of(i, 1, 2, 3);
    const body = await calendar.submit(digest);
    out.push([...Timestamp.fromBytes(body, digest).allAttestations()][0]!.msg);
  }
  return out;
}

/** What the stamper hands over: commitment -> sha256 -> merkle tree -> tip [Bitcoin(height)]. */
function anchored(commitments: Uint8Array[], height: number): Timestamp[] {
  const roots = commitments.map((c) => new Timestamp(c));
  makeMerkleTree(roots.map((r) => r.add(ops.sha256))).addAttestation(bitcoinAttestation(height));
  return roots;
}

describe('Calendar lifecycle', () => {
  it('stamps commitments, advances journal.known-good and restarts from it without rescanning', async (t) => {
    const { dir, calendar } = await newCalendar(t);
    const cs = await rounds(calendar, 5);
    assert.equal(calendar.pendingCount(), 5);
    await calendar.saveTimestamps(anchored(cs.slice(0, 2), 100));
    assert.deepEqual(calendar.pendingCommitments().map(toHex), cs.slice(2).map(toHex));
    assert.equal(readFileSync(join(dir, 'journal.known-good'), 'utf8').trim(), '2');
    // Stamping a later one alone does not move known-good past the still-pending record 2.
    await calendar.saveTimestamps(anchored([cs[3]!], 101));
    assert.equal(calendar.stats().knownGood, 2);
    assert.ok((await calendar.getTimestamp(cs[3]!))!.length > 0);
    await calendar.close();

    // Damage a record before known-good: a restart that rescanned would report it.
    const journal = readFileSync(join(dir, 'journal'));
    journal[44 + 10]! ^= 1;
    writeFileSync(join(dir, 'journal'), journal);
    const again = await Calendar.open({ dir, logger: silent, roundMs: 5 });
    t.after(() => again.close());
    assert.equal(again.stats().damagedJournalRecords, 0);
    assert.deepEqual(again.pendingCommitments().map(toHex), [cs[2]!, cs[4]!].map(toHex));
    assert.equal(again.isPending(cs[3]!), false);
    assert.ok(await again.getTimestamp(cs[0]!));
  });

  it('puts commitments back to pending after a reorg and moves known-good back', async (t) => {
    const { dir, calendar } = await newCalendar(t);
    const cs = await rounds(calendar, 3);
    await calendar.saveTimestamps(anchored(cs, 7));
    assert.equal(calendar.pendingCount(), 0);
    assert.equal(readFileSync(join(dir, 'journal.known-good'), 'utf8').trim(), '3');
    calendar.markUnstamped([cs[1]!, cs[2]!]);
    assert.deepEqual(calendar.pendingCommitments().map(toHex), [cs[1]!, cs[2]!].map(toHex));
    await calendar.close();
    assert.equal(readFileSync(join(dir, 'journal.known-good'), 'utf8').trim(), '1');
  });

  it('refuses digests over 64 bytes, accepts an empty one, and pushes back when the queue is full', async (t) => {
    const { calendar } = await newCalendar(t, { maxPending: 3 });
    await assert.rejects(calendar.submit(new Uint8Array(65)), { code: 'OTS_ERR_DIGEST_TOO_LONG', statusCode: 400 });
    const accepted = [calendar.submit(new Uint8Array(0)), calendar.submit(new Uint8Array(64)), calendar.submit(Uint8Array.of(1))];
    await assert.rejects(calendar.submit(Uint8Array.of(2)), { code: 'OTS_ERR_CALENDAR_BUSY', statusCode: 503 });
    const bodies = await Promise.all(accepted);
    assert.equal(bodies.length, 3);
    assert.ok(Timestamp.fromBytes(bodies[0]!, new Uint8Array(0)));
  });

  it('answers queued digests on close, then refuses new ones; close is idempotent', async (t) => {
    const { calendar } = await newCalendar(t, { roundMs: 60_000 });
    const waiting = calendar.submit(Uint8Array.of(9));
    await Promise.all([calendar.close(), calendar.close()]);
    assert.ok((await waiting).length > 0);
    await assert.rejects(calendar.submit(Uint8Array.of(1)), { code: 'OTS_ERR_CALENDAR_CLOSED' });
    assert.equal(calendar.stats().journalLength, 1);
  });

  it('answers a digest only once its round is in the journal file', async (t) => {
    const { dir, calendar } = await newCalendar(t);
    const digest = Uint8Array.of(1, 2, 3);
    const body = await calendar.submit(digest);
    const commitment = [...Timestamp.fromBytes(body, digest).allAttestations()][0]!.msg;
    // Read the file itself (not our in-memory state) right after the answer.
    assert.equal(toHex(readFileSync(join(dir, 'journal'))), toHex(commitment));
  });

  it('fails every digest of a round whose journal write fails, with OTS_ERR_JOURNAL_WRITE_FAILED', async (t) => {
    const { calendar } = await newCalendar(t);
    await calendar.journal.close(); // the disk "goes away" under the aggregator
    const results = await Promise.allSettled([calendar.submit(Uint8Array.of(1)), calendar.submit(Uint8Array.of(2))]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.equal((r as PromiseRejectedResult).reason.code, 'OTS_ERR_JOURNAL_WRITE_FAILED');
    }
    assert.equal(calendar.pendingCount(), 0);
    assert.equal(calendar.stats().rounds, 0);
  });

  it('writes nothing for empty rounds', async (t) => {
    const { dir, calendar } = await newCalendar(t, { roundMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(calendar.stats().rounds, 0);
    assert.equal(statSync(join(dir, 'journal')).size, 0);
  });

  it('refuses a second opener of the same directory with OTS_ERR_STORE_LOCKED and keeps the first working', async (t) => {
    const { dir, calendar } = await newCalendar(t);
    await assert.rejects(Calendar.open({ dir, logger: silent }), { code: 'OTS_ERR_STORE_LOCKED' });
    assert.equal((await rounds(calendar, 1)).length, 1);
  });
});

describe('calendar directory', () => {
  it('creates uri, donation_addr and a private 32-byte hmac-key, and never overwrites the key', async (t) => {
    const dir = join(tempDir(t), 'cal');
    await initCalendarDir(dir, { uri: 'https://a.example.org', donationAddr: 'bc1qxyz' });
    const key = readFileSync(join(dir, 'hmac-key'));
    assert.equal(key.length, 32);
    assert.equal(statSync(join(dir, 'hmac-key')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, 'uri'), 'utf8'), 'https://a.example.org\n');
    assert.equal(readFileSync(join(dir, 'donation_addr'), 'utf8').trim(), 'bc1qxyz');
    await assert.rejects(initCalendarDir(dir, { uri: 'https://b.example.org' }), { code: 'OTS_ERR_CALENDAR_KEY_EXISTS' });
    assert.deepEqual(readFileSync(join(dir, 'hmac-key')), key);
    assert.equal(readFileSync(join(dir, 'uri'), 'utf8'), 'https://a.example.org\n');
  });

  it('refuses URIs that cannot go into a pending attestation', async (t) => {
    const dir = tempDir(t);
    for (const uri of ['ftp://a.example', 'https://a.example/?q', 'https://a b', 'cal.example.org', 'https://' + 'a'.repeat(1000)]) {
      await assert.rejects(initCalendarDir(dir, { uri }), { code: 'OTS_ERR_CALENDAR_URI_INVALID' }, uri);
    }
  });

  it('reports a missing or bad uri and a missing or empty key with coded errors', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(Calendar.open({ dir, logger: silent }), { code: 'OTS_ERR_CALENDAR_URI_MISSING' });
    writeFileSync(join(dir, 'uri'), ' https://x.example?bad \n');
    await assert.rejects(Calendar.open({ dir, logger: silent }), { code: 'OTS_ERR_CALENDAR_URI_INVALID' });
    writeFileSync(join(dir, 'uri'), ' https://x.example \n');
    await assert.rejects(Calendar.open({ dir, logger: silent }), { code: 'OTS_ERR_CALENDAR_KEY_MISSING' });
    writeFileSync(join(dir, 'hmac-key'), '');
    await assert.rejects(Calendar.open({ dir, logger: silent }), { code: 'OTS_ERR_CALENDAR_KEY_INVALID' });
    rmSync(join(dir, 'hmac-key'));
    await initCalendarDir(join(dir, 'x'), { uri: 'https://x.example' });
    const calendar = await Calendar.open({ dir: join(dir, 'x'), logger: silent });
    await calendar.close();
    assert.equal(calendar.uri, 'https://x.example');
  });
});
