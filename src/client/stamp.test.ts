import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, isOtsError, readProof, Timestamp, writeProof } from '../core/index.js';
import { stampDigests, stampStream } from './stamp.js';
import { type CalendarMode, startTestCalendar } from './testing-servers.js';

async function calendar(t: TestContext, mode: CalendarMode = 'ok') {
  const cal = await startTestCalendar(mode);
  t.after(() => cal.close());
  return cal;
}

/** A loopback URL nobody listens on: bind a port, then close it. */
async function closedPort(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return `http://127.0.0.1:${port}`;
}

const digest = (s: string) => sha256(Buffer.from(s));

describe('stampDigests', () => {
  it('covers several files with one request per calendar and a nonce per file', async (t) => {
    const a = await calendar(t);
    const b = await calendar(t);
    const items = ['one', 'two', 'three'].map((s) => ({ fileHashOp: 'sha256' as const, digest: digest(s) }));
    const { proofs, calendars } = await stampDigests(items, { calendars: [a.url, b.url] });
    assert.deepEqual(calendars.map((c) => c.ok), [true, true]);
    assert.equal(a.commitments.length, 1);
    assert.equal(b.commitments.length, 1);
    for (const [i, proof] of proofs.entries()) {
      assert.ok(equalBytes(proof.timestamp.msg, items[i]!.digest));
      // first op is append(16-byte nonce), then sha256: the calendar never sees the file digest
      const [first] = proof.timestamp.ops;
      assert.equal(first?.op.name, 'append');
      assert.equal(first?.op.name === 'append' && first.op.arg.length, 16);
      const uris = [...proof.timestamp.allAttestations()].map((x) => x.attestation.type === 'pending' && x.attestation.uri).sort();
      assert.deepEqual(uris, [a.url, b.url].sort());
      // round-trips through the file format
      assert.deepEqual(writeProof(readProof(writeProof(proof))), writeProof(proof));
    }
  });

  it('uses a fresh nonce each time, so the same file gives different commitments', async (t) => {
    const a = await calendar(t);
    await stampDigests([{ fileHashOp: 'sha256', digest: digest('same') }], { calendars: [a.url] });
    await stampDigests([{ fileHashOp: 'sha256', digest: digest('same') }], { calendars: [a.url] });
    assert.notEqual(a.commitments[0], a.commitments[1]);
  });

  it('succeeds with m-of-n when one calendar is unreachable, and reports that calendar', async (t) => {
    const a = await calendar(t);
    const down = await closedPort();
    const { calendars } = await stampDigests([{ fileHashOp: 'sha256', digest: digest('x') }], { calendars: [a.url, down], minimum: 1 });
    const failed = calendars.find((c) => !c.ok);
    assert.equal(failed && !failed.ok && failed.error.code, 'OTS_ERR_CLIENT_CALENDAR_UNREACHABLE');
  });

  it('fails with OTS_ERR_STAMP_TOO_FEW_CALENDARS below the minimum', async (t) => {
    const a = await calendar(t);
    const down = await closedPort();
    await assert.rejects(stampDigests([{ fileHashOp: 'sha256', digest: digest('x') }], { calendars: [a.url, down], minimum: 2 }), {
      code: 'OTS_ERR_STAMP_TOO_FEW_CALENDARS',
    });
  });

  it('refuses a minimum that cannot be met', async () => {
    await assert.rejects(stampDigests([{ fileHashOp: 'sha256', digest: digest('x') }], { calendars: ['http://127.0.0.1:1'], minimum: 2 }), {
      code: 'OTS_ERR_STAMP_BAD_MINIMUM',
    });
  });

  const misbehaving: [CalendarMode, string][] = [
    ['hang', 'OTS_ERR_CLIENT_CALENDAR_TIMEOUT'],
    ['huge', 'OTS_ERR_CLIENT_CALENDAR_TOO_LARGE'],
    ['garbage', 'OTS_ERR_CLIENT_CALENDAR_LYING'],
    ['error500', 'OTS_ERR_CLIENT_CALENDAR_BAD_RESPONSE'],
  ];
  for (const [mode, code] of misbehaving) {
    it(`names a ${mode} calendar with ${code} and merges nothing from it`, async (t) => {
      const good = await calendar(t);
      const bad = await calendar(t, mode);
      const { proofs, calendars } = await stampDigests([{ fileHashOp: 'sha256', digest: digest(mode) }], {
        calendars: [good.url, bad.url],
        minimum: 1,
        timeoutMs: 3000, // only the hanging calendar waits this long; the good one must not be cut off on a busy machine
      });
      const failed = calendars.find((c) => c.url === bad.url);
      assert.equal(failed && !failed.ok && failed.error.code, code);
      const uris = [...proofs[0]!.timestamp.allAttestations()].map((x) => x.attestation.type === 'pending' && x.attestation.uri);
      assert.deepEqual(uris, [good.url]);
    });
  }

  it('stamps a stream', async (t) => {
    const a = await calendar(t);
    async function* chunks() {
      yield Buffer.from('hello ');
      yield Buffer.from('world');
    }
    const proof = await stampStream(chunks(), { calendars: [a.url] });
    assert.ok(equalBytes(proof.timestamp.msg, digest('hello world')));
  });

  it('exposes the per-calendar outcomes on the error', async () => {
    const down = await closedPort();
    try {
      await stampDigests([{ fileHashOp: 'sha256', digest: digest('x') }], { calendars: [down], minimum: 1 });
      assert.fail('expected a rejection');
    } catch (err) {
      assert.ok(isOtsError(err, 'OTS_ERR_STAMP_TOO_FEW_CALENDARS'));
      assert.equal((err as unknown as { calendars: unknown[] }).calendars.length, 1);
    }
  });
});

describe('Timestamp from a calendar', () => {
  it('is a bare timestamp over what was sent', async (t) => {
    const a = await calendar(t);
    const { proofs } = await stampDigests([{ fileHashOp: 'sha256', digest: digest('y') }], { calendars: [a.url] });
    assert.ok(proofs[0]!.timestamp instanceof Timestamp);
  });
});
