// One table of requests asked of two servers over the same calendar, whose answers must match byte for
// byte (date aside): the fast path against fastify alone, HTTP fronts against the daemon alone.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { Calendar } from '../../src/calendar/index.js';
import { fromHex, Timestamp, toHex } from '../../src/core/index.js';
import { openTestCalendar, suiteScope } from './calendar-server.js';
import { rawRequest, type RawResponse } from './raw-http.js';

/** Starts the two servers to compare over `calendar`; returns their ports. */
export type StartPair = (scope: Pick<TestContext, 'after'>, calendar: Calendar) => Promise<{ ours: number; theirs: number }>;

/** A stored proof (the recorded vector's shape) and the message it is stored under. */
const PROOF = fromHex('08f020222222222222222222222222222222222222222222222222222222222222222208000588960d73d719010380ea30');
const STAMPED = fromHex('11'.repeat(44));

export const get = (path: string, headers = '') => [`GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`];
export const post = (path: string, headers: string, ...body: (string | Uint8Array)[]) => [
  `POST ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`,
  ...body,
];
export const length = (n: number) => `Content-Length: ${n}\r\n`;

/** Defines a suite asking every request of both servers. */
export function describeSameAnswers(title: string, startPair: StartPair): void {
  describe(title, () => {
    let fast = 0; // ours
    let slow = 0; // theirs
    let pending = '';
    let etag = '';
    const scope = suiteScope(after);
    before(async () => {
      const calendar = await openTestCalendar(scope, { randomNonce: () => new Uint8Array(16).fill(0x5a) });
      ({ ours: fast, theirs: slow } = await startPair(scope, calendar));
      await calendar.saveTimestamps([Timestamp.fromBytes(PROOF, STAMPED)]);
      const digest = new Uint8Array(32).fill(7);
      pending = toHex([...Timestamp.fromBytes(await calendar.submit(digest), digest).allAttestations()][0]!.msg);
      etag = (await rawRequest(slow, get(`/timestamp/${toHex(STAMPED)}`))).headers.etag!;
    });

    const stamped = () => toHex(STAMPED);
    const cases: [string, () => (string | Uint8Array)[]][] = [
      ['a stored proof', () => get(`/timestamp/${stamped()}`)],
      ['a stored proof by upper-case hex', () => get(`/timestamp/${stamped().toUpperCase()}`)],
      ['an inner node of a stored proof', () => get(`/timestamp/${toHex(createHash('sha256').update(STAMPED).digest())}`)],
      ['a matching If-None-Match', () => get(`/timestamp/${stamped()}`, `If-None-Match: ${etag}\r\n`)],
      ['a weak matching If-None-Match', () => get(`/timestamp/${stamped()}`, `If-None-Match: W/${etag}\r\n`)],
      ['If-None-Match: *', () => get(`/timestamp/${stamped()}`, 'If-None-Match: *\r\n')],
      ['another ETag', () => get(`/timestamp/${stamped()}`, 'If-None-Match: "other"\r\n')],
      ['a pending commitment', () => get(`/timestamp/${pending}`)],
      ['an unknown commitment', () => get(`/timestamp/${'00'.repeat(32)}`)],
      ['non-hex', () => get('/timestamp/zz')],
      ['odd-length hex', () => get('/timestamp/abc')],
      ['an empty commitment', () => get('/timestamp/')],
      ['hex with a query string', () => get('/timestamp/00ff?x=1')],
      ['percent-encoded hex', () => get('/timestamp/%30%30')],
      ['hex past the message limit', () => get(`/timestamp/${'00'.repeat(4097)}`)],
      ['HEAD on a stored proof', () => [`HEAD /timestamp/${stamped()} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]],
      ['a 32-byte digest', () => post('/digest', length(32), new Uint8Array(32))],
      ['an empty digest', () => post('/digest', length(0))],
      ['a 64-byte digest', () => post('/digest', length(64), new Uint8Array(64))],
      ['a 65-byte digest', () => post('/digest', length(65), new Uint8Array(65))],
      ['a digest labelled JSON', () => post('/digest', `Content-Type: application/json\r\n${length(2)}`, '{}')],
      ['a digest sent in two parts', () => post('/digest', length(32), new Uint8Array(10), new Uint8Array(22))],
      ['a chunked digest', () => post('/digest', 'Transfer-Encoding: chunked\r\n', '20\r\n', new Uint8Array(32), '\r\n0\r\n\r\n')],
      ['a digest without Content-Length', () => post('/digest', '')],
      ['POST /digest?x', () => post('/digest?x', length(1), 'a')],
      ['POST to a timestamp path', () => post('/timestamp/00', length(0))],
      ['an OPTIONS preflight', () => [`OPTIONS /digest HTTP/1.1\r\nHost: x\r\nOrigin: https://a.example\r\nConnection: close\r\n\r\n`]],
    ];

    for (const [name, request] of cases) {
      it(`answers ${name} the same`, async () => {
        const [ours, theirs] = [await rawRequest(fast, request()), await rawRequest(slow, request())];
        assert.deepEqual(comparable(ours), comparable(theirs));
      });
    }
  });
}

/** What must match between the two paths: status, headers but the date, body (proof bytes masked). */
export function comparable(res: RawResponse): object {
  const { date: _date, ...headers } = res.headers;
  // A proof's round index and MAC depend on the clock: compare its length and fixed parts only.
  const body = res.status === 200 && res.headers['cache-control'] === 'no-store' ? res.body.length : res.body.toString('hex');
  return { status: res.status, headers, body };
}
