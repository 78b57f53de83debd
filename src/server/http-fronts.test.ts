// HTTP fronts (http-fronts.ts) are real child processes on the daemon's listening socket. With the
// daemon not accepting itself, every request below goes through a front: its answers must be the
// daemon's, byte for byte, and the daemon's durability rule must hold across the IPC hop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openTestCalendar, startTestServer } from '../../test/support/calendar-server.js';
import { rawRequest } from '../../test/support/raw-http.js';
import { describeSameAnswers, get, length, post } from '../../test/support/same-answers.js';
import { startHttpFronts } from './http-fronts.js';

describeSameAnswers('an HTTP front answers exactly as the daemon does', async (scope, calendar) => {
  const fronted = await startTestServer(scope, calendar);
  await startHttpFronts(fronted.app, { count: 1, daemonServes: false });
  return { ours: fronted.port, theirs: (await startTestServer(scope, calendar)).port };
});

describe('HTTP fronts', () => {
  it('answer digests only once their round is durable, and count them in the daemon\'s /metrics', async (t) => {
    const calendar = await openTestCalendar(t, { roundMs: 200 });
    const { app, port } = await startTestServer(t, calendar);
    await startHttpFronts(app, { count: 2, daemonServes: false });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => rawRequest(port, post('/digest', length(1), String.fromCharCode(65 + i)))));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    // Observations reach the daemon once a second.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const metrics = (await rawRequest(port, get('/metrics'))).body.toString('utf8');
    assert.match(metrics, /otsd_http_request_duration_seconds_count\{route="\/digest",method="POST",status="200"\} 20/);
  });

  it('restarts a front that dies, and keeps answering meanwhile', async (t) => {
    const calendar = await openTestCalendar(t);
    const { app, port } = await startTestServer(t, calendar);
    const fronts = await startHttpFronts(app, { count: 1 });
    const [first] = fronts.pids();
    process.kill(first!, 'SIGKILL');
    // The daemon still accepts while the front is down.
    assert.equal((await rawRequest(port, post('/digest', length(1), 'a'))).status, 200);
    for (let i = 0; i < 60 && (fronts.pids().length === 0 || fronts.pids()[0] === first); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(fronts.pids().length, 1);
    assert.notEqual(fronts.pids()[0], first);
  });

  it('a start that cannot complete fails with the reason and leaves the server as it was', async (t) => {
    const calendar = await openTestCalendar(t);
    const { app, port } = await startTestServer(t, calendar);
    await assert.rejects(startHttpFronts(app, { count: 1, socketDir: '/nonexistent/otsd-test' }), /listen E[A-Z]+/);
    assert.equal((await rawRequest(port, post('/digest', length(1), 'a'))).status, 200);
  });

  it('drain on close: the server closes with fronts running and their processes exit', async (t) => {
    const calendar = await openTestCalendar(t);
    const { app, port } = await startTestServer(t, calendar);
    await startHttpFronts(app, { count: 1, daemonServes: false });
    assert.equal((await rawRequest(port, post('/digest', length(1), 'a'))).status, 200);
    await app.close();
    await assert.rejects(rawRequest(port, get('/timestamp/00'), 500));
  });
});
