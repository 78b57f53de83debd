// /metrics and /health over real parts: a calendar in a temp dir, the HTTP server on 127.0.0.1:0, and a
// stamper on the embedded regtest node reached through a Core-shaped JSON-RPC server we can stop.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import pino from 'pino';
import { CoreBackend, EmbeddedNode, RpcClient, Stamper } from '../bitcoin/index.js';
import { openTestCalendar, suiteScope } from '../../test/support/calendar-server.js';
import { type CoreRpcAdapter, startCoreRpcAdapter } from '../../test/support/core-rpc-adapter.js';
import { buildServer } from './build-server.js';
import type { BitcoinApi, CalendarApi } from './calendar-api.js';
import { createMetrics } from './metrics.js';
import { RequestHistogram } from './metrics-http.js';
import { Registry } from 'prom-client';

/** Sample values of a Prometheus text exposition, keyed `name{labels}` as printed. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** What `otsd run` hands the server for a stamper (the shape of src/cli/bitcoin-wiring.ts's handle). */
function stamperHandle(stamper: Stamper): BitcoinApi {
  return {
    statusSource: stamper,
    health: () => {
      const problem = stamper.stats().problem as { message: string } | null;
      return { ok: stamper.health.isOk, components: { stamper: { ok: stamper.health.isOk, detail: problem?.message ?? 'stamping' } } };
    },
    stats: () => stamper.stats(),
    tip: () => stamper.tip(),
  };
}

/** The daemon's server (it registers the metrics plugin), listening on 127.0.0.1:0; returns its base URL. */
async function listenWithMetrics(t: Pick<TestContext, 'after'>, calendar: CalendarApi, bitcoin: BitcoinApi | undefined, version: string): Promise<string> {
  const app = buildServer({ calendar, bitcoin, version });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function scrape(base: string): Promise<Map<string, number>> {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
}

describe('RequestHistogram', () => {
  it('prints cumulative buckets with le (a value equal to a bound counts in it), sum and count', async () => {
    const registry = new Registry();
    const h = new RequestHistogram(registry, 'x_seconds', 'test', [0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3]) h.observe('/digest', 'POST', 200, v);
    h.observe('/', 'GET', 404, 0.01);
    const m = parseMetrics(await registry.metrics());
    const l = 'route="/digest",method="POST",status="200"';
    assert.equal(m.get(`x_seconds_bucket{${l},le="0.1"}`), 2);
    assert.equal(m.get(`x_seconds_bucket{${l},le="1"}`), 3);
    assert.equal(m.get(`x_seconds_bucket{${l},le="+Inf"}`), 4);
    assert.equal(m.get(`x_seconds_sum{${l}}`), 3.65);
    assert.equal(m.get(`x_seconds_count{${l}}`), 4);
    assert.equal(m.get('x_seconds_count{route="/",method="GET",status="404"}'), 1);
    assert.match(await registry.metrics(), /# TYPE x_seconds histogram/);
  });
});

describe('/metrics for a calendar without Bitcoin', () => {
  it('counts submitted digests, rounds, round sizes, fsyncs, pending and HTTP answers', async (t) => {
    const calendar = await openTestCalendar(t);
    const mbase = await listenWithMetrics(t, calendar, undefined, '1.2.3');

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${mbase}/digest`, { method: 'POST', body: new Uint8Array(randomBytes(32)) })),
    );
    assert.deepEqual(answers.map((r) => r.status), [200, 200, 200, 200, 200]);
    await Promise.all(answers.map((r) => r.arrayBuffer()));
    const m = await scrape(mbase);
    const rounds = calendar.stats().rounds;
    assert.equal(m.get('otsd_build_info{version="1.2.3"}'), 1);
    assert.equal(m.get('otsd_digests_total'), 5);
    assert.equal(m.get('otsd_rounds_total'), rounds);
    assert.equal(m.get('otsd_round_size_digests_count'), rounds);
    assert.equal(m.get('otsd_round_size_digests_sum'), 5);
    assert.equal(m.get('otsd_journal_fsync_seconds_count'), rounds);
    assert.equal(m.get('otsd_pending_commitments'), rounds);
    assert.equal(m.get('otsd_journal_records'), rounds);
    assert.equal(m.get('otsd_http_request_duration_seconds_count{route="/digest",method="POST",status="200"}'), 5);
    assert.equal(m.has('otsd_stamper_up'), false, 'no stamper, no stamper metrics');
  });

  it('keeps one registry per server, so two servers live in one process', async (t) => {
    const calendar = await openTestCalendar(t);
    const a = createMetrics({ calendar, version: 'a' }, { processMetrics: true });
    const b = createMetrics({ calendar, version: 'b' }, { processMetrics: true });
    t.after(() => {
      a.close();
      b.close();
    });
    a.observeRequest('/', 'GET', 200, 0.001);
    const [ta, tb] = await Promise.all([a.render(), b.render()]);
    assert.match(ta, /otsd_http_request_duration_seconds_count\{route="\/",method="GET",status="200"\} 1/);
    assert.doesNotMatch(tb, /otsd_http_request_duration_seconds_count\{/);
    assert.match(tb, /process_resident_memory_bytes/);
  });
});

describe('/metrics and /health with a stamper', () => {
  let node: EmbeddedNode;
  let adapter: CoreRpcAdapter;
  const scope = suiteScope(after);
  before(async () => {
    node = await EmbeddedNode.start();
    scope.after(() => node.close());
    adapter = await startCoreRpcAdapter(node);
    scope.after(() => adapter.stop());
  });

  it('reflects the stamper: tx and fee, then 503 while the node is unreachable, 200 once it is back', async (t) => {
    const calendar = await openTestCalendar(t);
    const backend = new CoreBackend(new RpcClient(adapter, { timeoutMs: 2000, retries: 0 }), 'regtest');
    const stamper = new Stamper(backend, calendar, {
      minConfirmations: 2, minTxIntervalMs: 0, maxFeeSat: 100_000n, confTarget: 1008, minRelayFeeRate: 1, log: pino({ level: 'silent' }),
    });
    const base = await listenWithMetrics(t, calendar, stamperHandle(stamper), 'test');

    const answer = await fetch(`${base}/digest`, { method: 'POST', body: new Uint8Array(randomBytes(32)) });
    assert.equal(answer.status, 200);
    await stamper.tick(); // first pass learns the tip; the next one broadcasts
    await stamper.tick();
    let m = await scrape(base);
    assert.equal(m.get('otsd_stamper_up'), 1);
    assert.equal(m.get('otsd_stamper_state{state="ok"}'), 1);
    const txid = stamper.stats().unconfirmedTxid as string;
    assert.equal(m.get(`otsd_stamper_tx_confirmations{txid="${txid}"}`), 0);
    assert.equal(m.get(`otsd_stamper_tx_versions{txid="${txid}"}`), 1);
    assert.ok((m.get(`otsd_stamper_tx_fee_sat{txid="${txid}"}`) ?? 0) > 0, 'fee of the stamp tx');
    assert.equal(m.get('otsd_stamper_block_height'), await node.tipHeight());
    assert.equal((await fetch(`${base}/health`)).status, 200);

    await adapter.stop();
    await stamper.tick();
    const down = await fetch(`${base}/health`);
    assert.equal(down.status, 503);
    const report = (await down.json()) as { ok: boolean; components: Record<string, { ok: boolean }> };
    assert.equal(report.ok, false);
    assert.equal(report.components.stamper?.ok, false);
    m = await scrape(base);
    assert.equal(m.get('otsd_stamper_up'), 0);
    assert.equal(m.get('otsd_stamper_state{state="failing"}'), 1);
    assert.equal(m.has('otsd_stamper_state{state="ok"}'), false);

    await adapter.restart();
    await stamper.tick();
    assert.equal((await fetch(`${base}/health`)).status, 200);
    assert.equal((await scrape(base)).get('otsd_stamper_up'), 1);
  });
});
