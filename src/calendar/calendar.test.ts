import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { fromHex, Timestamp, toHex } from '../core/index.js';
import { loadVector, SHARED_SKIP, sharedPath } from '../../test/support/fixtures.js';
import { tempDir } from '../../test/support/temp.js';
import { Calendar } from './calendar.js';
import { initCalendarDir } from './calendar-dir.js';
import { MacChecker } from './mac-checker.js';

const silent = pino({ level: 'silent' });

interface Flow {
  hmac_key: string;
  uri: string;
  journal_file: string;
  rounds: { time: number; journal_record: string; submissions: { digest: string; nonce: string; post_digest_response: string }[] }[];
}

interface Expected {
  journal: { records_hex: string[] };
  rounds: { journal_index: number; commitment: string; state: string }[];
  get_answers: { path: string; status: number; body_hex?: string | null; after_reopen: unknown }[];
}

describe('Calendar aggregation', { skip: SHARED_SKIP }, () => {
  it('reproduces calendar_flow POST bodies and journal bytes with a fixed clock and nonces', async (t) => {
    const flow = loadVector<Flow>('calendar_flow.json');
    const dir = tempDir(t);
    await initCalendarDir(dir, { uri: flow.uri, hmacKey: fromHex(flow.hmac_key) });
    const nonces = flow.rounds.flatMap((r) => r.submissions.map((s) => fromHex(s.nonce)));
    let now = 0;
    const calendar = await Calendar.open({ dir, logger: silent, roundMs: 5, nowMs: () => now, randomNonce: () => nonces.shift()! });
    t.after(() => calendar.close());
    const seen: string[] = [];
    calendar.onCommitted((cs) => seen.push(...cs.map(toHex)));
    for (const round of flow.rounds) {
      now = round.time * 1000 + 999;
      // Submitted in one tick, so they land in one round, in this order.
      const bodies = await Promise.all(round.submissions.map((s) => calendar.submit(fromHex(s.digest))));
      assert.deepEqual(bodies.map(toHex), round.submissions.map((s) => s.post_digest_response));
    }
    assert.equal(toHex(readFileSync(join(dir, 'journal'))), flow.journal_file);
    assert.deepEqual(seen, flow.rounds.map((r) => r.journal_record));
    assert.equal(calendar.pendingCount(), 3);
    for (const r of flow.rounds) assert.ok(calendar.isPending(fromHex(r.journal_record)));
    assert.deepEqual(calendar.pendingCommitments().map(toHex), seen);
    assert.deepEqual(calendar.pendingCommitments(2).map(toHex), seen.slice(0, 2));
    const stats = calendar.stats();
    assert.equal(stats.rounds, 3);
    assert.equal(stats.digests, 8);
    assert.equal(stats.journalLength, 3);
  });

  it('answers many concurrent submits in one round with distinct proofs of one commitment', async (t) => {
    const dir = tempDir(t);
    await initCalendarDir(dir, { uri: 'https://cal.example.org' });
    const calendar = await Calendar.open({ dir, logger: silent, roundMs: 10 });
    t.after(() => calendar.close());
    const digests = Array.from({ length: 500 }, (_, i) => Uint8Array.of(i >> 8, i & 0xff));
    const bodies = await Promise.all(digests.map((d) => calendar.submit(d)));
    assert.equal(new Set(bodies.map(toHex)).size, 500);
    const commitments = new Set(bodies.map((b, i) => toHex([...Timestamp.fromBytes(b, digests[i]!).allAttestations()][0]!.msg)));
    assert.equal(commitments.size, 1);
    assert.equal(calendar.stats().journalLength, 1);
    assert.ok(calendar.isPending(fromHex([...commitments][0]!)));
  });
});

describe('Calendar on the reference otsd directory (drop-in)', { skip: SHARED_SKIP }, () => {
  it('serves every anchored proof byte for byte, verifies the journal and reports 6-9 as pending', async (t) => {
    const expected = JSON.parse(readFileSync(sharedPath('spec', 'reference-calendar', 'expected.json'), 'utf8')) as Expected;
    const dir = join(tempDir(t), 'calendar');
    cpSync(sharedPath('spec', 'reference-calendar', 'calendar'), dir, { recursive: true });
    mkdirSync(join(dir, 'backup_cache'), { recursive: true });
    const calendar = await Calendar.open({ dir, logger: silent });
    t.after(() => calendar.close());
    assert.equal(calendar.uri, 'http://127.0.0.1:14788');
    let served = 0;
    for (const answer of expected.get_answers) {
      const m = /^\/timestamp\/([0-9a-fA-F]+)$/.exec(answer.path);
      if (!m || answer.status !== 200 || answer.after_reopen !== 'identical') continue;
      const body = await calendar.getTimestamp(fromHex(m[1]!));
      assert.equal(body && toHex(body), answer.body_hex, answer.path);
      served++;
    }
    assert.ok(served >= 15, `served ${served}`);
    const macs = new MacChecker(new Uint8Array(readFileSync(join(dir, 'hmac-key'))));
    assert.equal(calendar.journal.length, 10);
    for (let i = 0; i < 10; i++) {
      const c = await calendar.journal.read(i);
      assert.equal(toHex(c), expected.journal.records_hex[i]);
      assert.ok(macs.verify(c), `MAC of record ${i}`);
    }
    assert.equal(calendar.stats().damagedJournalRecords, 0);
    for (const round of expected.rounds) {
      assert.equal(calendar.isPending(fromHex(round.commitment)), round.journal_index >= 6, `record ${round.journal_index}`);
    }
    assert.deepEqual(
      calendar.pendingCommitments().map(toHex),
      expected.rounds.filter((r) => r.journal_index >= 6).map((r) => r.commitment),
    );
    // The stamped prefix (records 0-5) is behind us: known-good moved to the first pending record.
    assert.equal(readFileSync(join(dir, 'journal.known-good'), 'utf8').trim(), '6');
  });
});

describe('Calendar.submitWith', () => {
  it('tells the callback the proof once the round is durable, and refusals at once', async (t) => {
    const dir = tempDir(t);
    await initCalendarDir(dir, { uri: 'https://cal.example.org' });
    const calendar = await Calendar.open({ dir, logger: silent, roundMs: 10, maxPending: 1 });
    t.after(() => calendar.close());
    const digest = new Uint8Array(32).fill(3);
    let told = 0;
    const answered = new Promise<{ err: Error | undefined; proof: Uint8Array | undefined; journalLength: number }>((resolve) =>
      calendar.submitWith(digest, (err, proof) => {
        told++;
        resolve({ err, proof, journalLength: calendar.stats().journalLength });
      }),
    );
    assert.equal(told, 0, 'not before the round');
    let refusal: Error | undefined;
    calendar.submitWith(new Uint8Array(32), (err) => (refusal = err));
    assert.equal((refusal as Error & { code?: string } | undefined)?.code, 'OTS_ERR_CALENDAR_BUSY', 'refused synchronously');
    const { err, proof, journalLength } = await answered;
    assert.equal(err, undefined);
    assert.equal(journalLength, 1, 'the round was journaled before the answer');
    const commitment = [...Timestamp.fromBytes(proof!, digest).allAttestations()][0]!.msg;
    assert.ok(calendar.isPending(commitment));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(told, 1, 'told once');
    await calendar.close();
    calendar.submitWith(digest, (e) => (refusal = e));
    assert.equal((refusal as Error & { code?: string }).code, 'OTS_ERR_CALENDAR_CLOSED');
  });
});

describe('Calendar.submitWith when a callback throws', () => {
  it('answers the rest of the round and logs the throw', async (t) => {
    const dir = tempDir(t);
    await initCalendarDir(dir, { uri: 'https://cal.example.org' });
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });
    const calendar = await Calendar.open({ dir, logger, roundMs: 10 });
    t.after(() => calendar.close());
    calendar.submitWith(new Uint8Array(32).fill(1), () => {
      throw new Error('a broken caller');
    });
    const second = new Promise<Uint8Array | undefined>((resolve) => calendar.submitWith(new Uint8Array(32).fill(2), (_err, proof) => resolve(proof)));
    assert.ok((await second) instanceof Uint8Array);
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /a submitter callback threw/);
  });
});
