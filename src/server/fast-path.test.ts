// The fast path (fast-path.ts) must be invisible: for every request it takes or declines, a server with
// it answers with the same status, headers and body as the same server built without it.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createNodeServer, DEFAULT_TIMEOUTS } from './build-server.js';
import { createFastPath } from './fast-path.js';
import { openTestCalendar, startTestServer } from '../../test/support/calendar-server.js';
import { rawRequest } from '../../test/support/raw-http.js';
import { comparable, describeSameAnswers, get, length, post } from '../../test/support/same-answers.js';

describeSameAnswers('fast path answers exactly as fastify does', async (scope, calendar) => ({
  ours: (await startTestServer(scope, calendar)).port,
  theirs: (await startTestServer(scope, calendar, { fastPath: false })).port,
}));

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

  it('closes the connection of a request whose answer throws (a bug), reports it, and serves others', async (t) => {
    const errors: unknown[] = [];
    const fastPath = createFastPath({
      submit: () => {},
      timestamp: (hex) => {
        if (hex === 'b00b') throw new Error('a bug in an answer');
        return { status: 404, type: 'text/plain', body: 'Not found' };
      },
      isAccepting: () => true,
      observe: () => {},
      onError: (err) => void errors.push(err),
    });
    // No raw lane: Node's server parses, the fast path answers.
    const server = createNodeServer((req, res) => void (fastPath(req, res) || res.end()), 16 * 1024, DEFAULT_TIMEOUTS);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const { port } = server.address() as AddressInfo;
    await assert.rejects(rawRequest(port, get('/timestamp/b00b'), 2000), /no HTTP response/);
    assert.equal((errors[0] as Error).message, 'a bug in an answer');
    assert.equal((await rawRequest(port, get('/timestamp/00'))).status, 404);
  });
});
