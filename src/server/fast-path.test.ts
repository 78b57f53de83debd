// The fast path (fast-path.ts) must be invisible: for every request it takes or declines, a server with
// it answers with the same status, headers and body as the same server built without it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fromHex, Timestamp, toHex } from '../core/index.js';
import { openTestCalendar, startTestServer, suiteScope } from '../../test/support/calendar-server.js';
import { rawRequest, type RawResponse } from '../../test/support/raw-http.js';

/** A stored proof (the recorded vector's shape) and the message it is stored under. */
const PROOF = fromHex('08f020222222222222222222222222222222222222222222222222222222222222222208000588960d73d719010380ea30');
const STAMPED = fromHex('11'.repeat(44));

const get = (path: string, headers = '') => [`GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`];
const post = (path: string, headers: string, ...body: (string | Uint8Array)[]) => [
  `POST ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`,
  ...body,
];
const length = (n: number) => `Content-Length: ${n}\r\n`;

describe('fast path answers exactly as fastify does', () => {
  let fast = 0;
  let slow = 0;
  let pending = '';
  let etag = '';
  const scope = suiteScope(after);
  before(async () => {
    const calendar = await openTestCalendar(scope, { randomNonce: () => new Uint8Array(16).fill(0x5a) });
    fast = (await startTestServer(scope, calendar)).port;
    slow = (await startTestServer(scope, calendar, { fastPath: false })).port;
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

describe('fast path refusals', () => {
  it('refuses digests past --max-pending with the coded 503 and Retry-After, as fastify does', async (t) => {
    // A 1 s round holds the first digest, so the second one finds the queue full.
    const calendar = await openTestCalendar(t, { roundMs: 1000, maxPending: 1 });
    const fast = (await startTestServer(t, calendar)).port;
    const slow = (await startTestServer(t, calendar, { fastPath: false })).port;
    const first = rawRequest(fast, post('/digest', length(1), 'a'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [ours, theirs] = [await rawRequest(fast, post('/digest', length(1), 'b')), await rawRequest(slow, post('/digest', length(1), 'c'))];
    assert.equal(ours.status, 503);
    assert.equal(ours.headers['retry-after'], '1');
    assert.equal(JSON.parse(ours.body.toString('utf8')).code, 'OTS_ERR_CALENDAR_BUSY');
    assert.deepEqual(comparable(ours), comparable(theirs));
    assert.equal((await first).status, 200);
  });

  it('counts fast-path answers in /metrics under the route patterns fastify uses', async (t) => {
    const calendar = await openTestCalendar(t);
    const { port, base } = await startTestServer(t, calendar);
    await rawRequest(port, post('/digest', length(1), 'a'));
    await rawRequest(port, get('/timestamp/00'));
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /otsd_http_request_duration_seconds_count\{route="\/digest",method="POST",status="200"\} 1/);
    assert.match(text, /otsd_http_request_duration_seconds_count\{route="\/timestamp\/\*",method="GET",status="404"\} 1/);
  });
});

/** What must match between the two paths: status, headers but the date, body (proof bytes masked). */
function comparable(res: RawResponse): object {
  const { date: _date, ...headers } = res.headers;
  // A proof's round index and MAC depend on the clock: compare its length and fixed parts only.
  const body = res.status === 200 && res.headers['cache-control'] === 'no-store' ? res.body.length : res.body.toString('hex');
  return { status: res.status, headers, body };
}
