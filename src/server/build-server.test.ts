// What the API adds beyond the reference (issue #4 item 5): cache headers, ETag/304, CORS,
// back-pressure with Retry-After, the mined-status text, /health and /ready. Real calendar throughout.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, Timestamp, toHex } from '../core/index.js';
import { openTestCalendar, startTestServer } from '../../test/support/calendar-server.js';
import { buildServer, type BitcoinApi } from './index.js';

const STORED_PROOF = fromHex('08f020222222222222222222222222222222222222222222222222222222222222222208000588960d73d719010380ea30');

function bitcoinStub(over: Partial<BitcoinApi> = {}): BitcoinApi {
  return {
    statusSource: { lookup: () => undefined },
    health: () => ({ ok: true, components: { node: { ok: true, detail: 'synced' } } }),
    stats: () => ({ height: 1 }),
    ...over,
  };
}

describe('HTTP API beyond the reference', () => {
  it('serves a stored proof immutable with a strong ETag, and 304 on If-None-Match', async (t) => {
    const calendar = await openTestCalendar(t);
    const msg = fromHex('ab'.repeat(44));
    await calendar.saveTimestamps([Timestamp.fromBytes(STORED_PROOF, msg)]);
    const app = buildServer({ calendar, version: 'test' });
    t.after(() => app.close());
    const first = await app.inject({ url: `/timestamp/${toHex(msg)}` });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['cache-control'], 'public, max-age=31536000, immutable');
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[^"]+"$/);
    const again = await app.inject({ url: `/timestamp/${toHex(msg)}`, headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    const other = await app.inject({ url: `/timestamp/${toHex(msg)}`, headers: { 'if-none-match': '"nope"' } });
    assert.equal(other.statusCode, 200);
  });

  it('answers POST /digest with no-store and CORS, and a preflight with 204', async (t) => {
    const calendar = await openTestCalendar(t);
    const { base } = await startTestServer(t, calendar);
    const res = await fetch(`${base}/digest`, { method: 'POST', body: new Uint8Array(32), headers: { origin: 'https://a.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    const proof = new Uint8Array(await res.arrayBuffer());
    const [attested] = [...Timestamp.fromBytes(proof, new Uint8Array(32)).allAttestations()];
    assert.equal(attested?.attestation.type, 'pending');
    const pre = await fetch(`${base}/digest`, { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 204);
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
  });

  it('answers back-pressure with 503 OTS_ERR_CALENDAR_BUSY and Retry-After: 1', async (t) => {
    const calendar = await openTestCalendar(t, { maxPending: 2, roundMs: 300 });
    const { base } = await startTestServer(t, calendar);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => fetch(`${base}/digest`, { method: 'POST', body: new Uint8Array(32).fill(i) })),
    );
    const busy = answers.filter((r) => r.status === 503);
    assert.ok(busy.length > 0, 'some submissions are refused');
    assert.ok(answers.some((r) => r.status === 200), 'the first ones are accepted');
    assert.equal(busy[0]!.headers.get('retry-after'), '1');
    assert.equal(((await busy[0]!.json()) as { code: string }).code, 'OTS_ERR_CALENDAR_BUSY');
    await Promise.all(answers.map((r) => r.arrayBuffer().catch(() => undefined)));
  });

  it('tells a mined commitment apart from a pending one', async (t) => {
    const calendar = await openTestCalendar(t);
    const mined = fromHex('cd'.repeat(44));
    const txid = 'ef'.repeat(32);
    const bitcoin = bitcoinStub({
      statusSource: { lookup: (c) => (toHex(c) === toHex(mined) ? { state: 'mined', txid, confirmationsNeeded: 6 } : undefined) },
    });
    const app = buildServer({ calendar, bitcoin, version: 'test' });
    t.after(() => app.close());
    const res = await app.inject({ url: `/timestamp/${toHex(mined)}` });
    assert.equal(res.statusCode, 404);
    assert.equal(res.body, `Timestamped by transaction ${txid}; waiting for 6 confirmations`);
    assert.equal(res.headers['cache-control'], 'public, max-age=60');
  });

  it('reports health 503 when the Bitcoin side is down and 200 when it is up', async (t) => {
    const calendar = await openTestCalendar(t);
    const down = bitcoinStub({ health: () => ({ ok: false, components: { node: { ok: false, detail: 'unreachable' } } }) });
    const app = buildServer({ calendar, bitcoin: down, version: 'test' });
    const health = await app.inject({ url: '/health' });
    assert.equal(health.statusCode, 503);
    assert.equal((health.json() as { ok: boolean }).ok, false);
    assert.equal((await app.inject({ url: '/ready' })).statusCode, 200);
    await app.close();

    const up = buildServer({ calendar, bitcoin: bitcoinStub(), version: 'test' });
    t.after(() => up.close());
    assert.equal((await up.inject({ url: '/health' })).statusCode, 200);
  });

  it('serves GET / as JSON (labelled text/html) only for Accept: application/json exactly', async (t) => {
    const calendar = await openTestCalendar(t);
    const app = buildServer({ calendar, version: '9.9.9' });
    t.after(() => app.close());
    const json = await app.inject({ url: '/', headers: { accept: 'application/json' } });
    assert.equal(json.headers['content-type'], 'text/html');
    assert.equal(json.headers.vary, 'Accept');
    assert.equal((JSON.parse(json.body) as { version: string }).version, '9.9.9');
    const page = await app.inject({ url: '/', headers: { accept: 'application/json, */*' } });
    assert.match(page.body, /<html/);
  });
});
