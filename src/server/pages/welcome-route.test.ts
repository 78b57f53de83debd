import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import Fastify from 'fastify';
import { openTestCalendar } from '../../../test/support/calendar-server.js';
import type { CalendarStats } from '../stats.js';
import { welcomeRoute } from './welcome-route.js';

/** The route plugin alone over a real calendar in a temp dir (the daemon's server registers the same). */
async function appWithCalendar(t: TestContext) {
  const calendar = await openTestCalendar(t, { uri: 'https://bob.example.org' });
  const app = Fastify();
  app.register(welcomeRoute, { calendar, version: '4.5.6', donationAddress: 'bc1qexampleexampleexample', startedAtMs: Date.now() - 90_000 });
  t.after(() => app.close());
  return { app, calendar };
}

describe('GET / and GET /stats', () => {
  it('answers browsers with the HTML page, cacheable for 5 s and varying on Accept', async (t) => {
    const { app, calendar } = await appWithCalendar(t);
    await Promise.all([calendar.submit(randomBytes(32)), calendar.submit(randomBytes(32))]);
    const res = await app.inject({ url: '/', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/html', 'the reference\'s header (vectors/http.json)');
    assert.match(res.body, /^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">/, 'UTF-8 declared first');
    assert.equal(res.headers['cache-control'], 'public, max-age=5');
    assert.equal(res.headers.vary, 'Accept');
    assert.match(res.body, /ots stamp -c https:\/\/bob\.example\.org file\.txt/);
    assert.match(res.body, /<dt>Pending commitments<\/dt><dd>1<\/dd>/, 'two digests in one round: one commitment');
    assert.match(res.body, /<dt>Uptime<\/dt><dd>1 min 30 s<\/dd>/);
    assert.match(res.body, /aria-label="QR code of the donation address bc1qexampleexampleexample"/);
  });

  it('answers `Accept: application/json` exactly with the reference keys, still labelled text/html', async (t) => {
    const { app, calendar } = await appWithCalendar(t);
    await calendar.submit(randomBytes(32));
    const res = await app.inject({ url: '/', headers: { accept: 'application/json' } });
    assert.equal(res.headers['content-type'], 'text/html');
    assert.equal(res.headers.vary, 'Accept');
    assert.ok(res.body.startsWith('{\n    "version": "4.5.6"'), 'indent 4, as the reference');
    const json = JSON.parse(res.body) as Record<string, unknown>;
    assert.equal(json.pending_commitments, '1');
    assert.equal(json.address, 'bc1qexampleexampleexample');
    assert.equal(json.most_recent_tx, 'None');
    const loose = await app.inject({ url: '/', headers: { accept: 'application/json, */*' } });
    assert.match(loose.body, /^<!doctype html>/, 'anything but the exact value gets the page');
  });

  it('serves our own schema at /stats', async (t) => {
    const { app, calendar } = await appWithCalendar(t);
    await calendar.submit(randomBytes(32));
    const res = await app.inject({ url: '/stats' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'public, max-age=5');
    const stats = res.json() as CalendarStats;
    assert.equal(stats.schema, 1);
    assert.equal(stats.uri, 'https://bob.example.org');
    assert.equal(stats.calendar.pendingCommitments, 1);
    assert.equal(stats.calendar.digests, 1);
    assert.equal(stats.stamper, null);
    assert.equal(stats.health.ok, true);
    assert.ok(stats.uptimeSeconds >= 90);
  });
});
