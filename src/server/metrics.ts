// Prometheus metrics at GET /metrics (beyond SPEC §9): digests, rounds, round sizes, journal fsync latency,
// pending commitments, stamper state, fee, confirmations and HTTP latency. One Registry per server (no
// global default registry), so tests and embedders can build several servers in one process.
import type { FastifyPluginAsync } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BitcoinApi, CalendarApi } from './calendar-api.js';
import { RequestHistogram } from './metrics-http.js';
import { collectStats } from './stats.js';

/** Prefix of every metric we define; process_* and nodejs_* defaults keep their usual names. */
export const METRIC_PREFIX = 'otsd_';

/** Round sizes in digests: one lone client up to the 100k back-pressure cap. */
const ROUND_SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];
/** fsync latency in seconds: a few hundred µs on SSD, tens of ms on spinning disks, worse when failing. */
const FSYNC_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** HTTP latency in seconds: GETs in µs-ms, POST /digest waits for its round (up to roundMs + fsync). */
const HTTP_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10];

/** What the metrics read: the calendar (with its per-round event when it has one) and the stamper. */
export interface MetricsSources {
  calendar: CalendarApi & { onCommitted?(listener: (commitments: Uint8Array[]) => void): () => void };
  bitcoin?: BitcoinApi | undefined;
  version: string;
}

/** Metrics of one server instance. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Records one HTTP answer; `route` is the route pattern, never the raw URL (bounded label values). */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** Reads the sources and returns the Prometheus text exposition. */
  render(): Promise<string>;
  /** Stops listening to the calendar's rounds. */
  close(): void;
}

/** Options of createMetrics. */
export interface MetricsOptions {
  /** Adds prom-client's process_* and nodejs_* metrics (the daemon wants them; tests need not). */
  processMetrics?: boolean;
}

/** Creates the registry and its metrics; rounds are observed as the calendar commits them. */
export function createMetrics(src: MetricsSources, opts: MetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  const m = defineMetrics(registry, src.bitcoin !== undefined);
  m.buildInfo.set({ version: src.version }, 1);

  // Per-round histograms: the calendar calls its listeners just before it updates its counters in the
  // same synchronous step, so read them a microtask later. Rounds missed that way are caught at scrape.
  let seenRounds = roundsOf(src.calendar);
  const observeRounds = () => {
    const c = src.calendar.stats() as Record<string, unknown>;
    const rounds = typeof c.rounds === 'number' ? c.rounds : seenRounds;
    if (rounds <= seenRounds) return;
    seenRounds = rounds;
    if (typeof c.lastRoundSize === 'number') m.roundSize.observe(c.lastRoundSize);
    if (typeof c.lastFsyncMs === 'number') m.fsync.observe(c.lastFsyncMs / 1000);
    m.lastRound.set(Date.now() / 1000);
  };
  const unsubscribe = src.calendar.onCommitted?.(() => queueMicrotask(observeRounds));

  return {
    registry,
    observeRequest(route, method, status, seconds) {
      m.http.observe(route, method, status, seconds);
    },
    async render() {
      if (!unsubscribe) observeRounds();
      refresh(m, src);
      return registry.metrics();
    },
    close() {
      unsubscribe?.();
    },
  };
}

/** Registers GET /metrics and an app-wide onResponse hook timing every answer. */
export const metricsRoute: FastifyPluginAsync<{ metrics: ServerMetrics }> = shareScope(async (app, opts) => {
  const { metrics } = opts;
  // A callback hook, not an async one: no promise per request on the POST /digest hot path.
  app.addHook('onResponse', (req, reply, done) => {
    metrics.observeRequest(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.addHook('onClose', async () => metrics.close());
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.render();
    return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(text);
  });
});

type Metrics = ReturnType<typeof defineMetrics>;

function defineMetrics(registry: Registry, hasStamper: boolean) {
  const p = METRIC_PREFIX;
  const registers = [registry];
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name: p + name, help, labelNames, registers });
  // Without Bitcoin the stamper series are not exposed at all (an unlabelled gauge would read 0).
  const stamperGauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name: p + name, help, labelNames, registers: hasStamper ? registers : [] });
  return {
    counted: { digests: { value: 0 }, rounds: { value: 0 } },
    buildInfo: gauge('build_info', 'Always 1; the label says which version runs.', ['version']),
    digests: new Counter({ name: `${p}digests_total`, help: 'Digests accepted into durable rounds.', registers }),
    rounds: new Counter({ name: `${p}rounds_total`, help: 'Aggregation rounds written to the journal.', registers }),
    roundSize: new Histogram({ name: `${p}round_size_digests`, help: 'Digests per aggregation round.', buckets: ROUND_SIZE_BUCKETS, registers }),
    fsync: new Histogram({ name: `${p}journal_fsync_seconds`, help: 'Journal write + fsync time per round.', buckets: FSYNC_BUCKETS, registers }),
    lastRound: gauge('last_round_timestamp_seconds', 'Unix time of the last round this process committed.'),
    pending: gauge('pending_commitments', 'Journaled commitments not yet stored with a Bitcoin proof.'),
    journal: gauge('journal_records', 'Records in the journal (every commitment ever made).'),
    queued: gauge('queued_digests', 'Digests waiting for the next round.'),
    damaged: gauge('journal_damaged_records', 'Journal records whose MAC does not verify.'),
    stamperUp: stamperGauge('stamper_up', '1 while the stamper makes progress, 0 when it is stuck; absent without Bitcoin.'),
    stamperState: stamperGauge('stamper_state', 'Stamper state: 1 for the current state label.', ['state']),
    // Labelled by txid so that the series vanish (rather than read 0) while no transaction is current.
    feeSat: stamperGauge('stamper_tx_fee_sat', 'Fee of the current timestamp transaction, in sat.', ['txid']),
    confirmations: stamperGauge('stamper_tx_confirmations', 'Confirmations of the current timestamp transaction.', ['txid']),
    versions: stamperGauge('stamper_tx_versions', 'Versions (RBF bumps + 1) of the current transaction.', ['txid']),
    waiting: stamperGauge('stamper_txs_waiting_for_confirmation', 'Mined timestamp transactions short of min confirmations.'),
    height: stamperGauge('stamper_block_height', 'Best block height the stamper has seen.'),
    http: new RequestHistogram(registry, `${p}http_request_duration_seconds`, 'HTTP answer time by route pattern, method and status.', HTTP_BUCKETS),
  };
}

/** Copies the current figures into the gauges and catches the counters up. */
function refresh(m: Metrics, src: MetricsSources): void {
  const s = collectStats({ calendar: src.calendar, bitcoin: src.bitcoin, version: src.version, startedAtMs: 0 });
  const c = s.calendar;
  catchUp(m.digests, m.counted.digests, c.digests);
  catchUp(m.rounds, m.counted.rounds, c.rounds);
  m.pending.set(c.pendingCommitments);
  setOrReset(m.journal, c.journalLength);
  setOrReset(m.queued, c.queuedDigests);
  const raw = src.calendar.stats() as Record<string, unknown>;
  setOrReset(m.damaged, typeof raw.damagedJournalRecords === 'number' ? raw.damagedJournalRecords : null);
  const st = s.stamper;
  if (!st) return;
  m.stamperUp.set(st.ok ? 1 : 0);
  m.stamperState.reset();
  m.stamperState.set({ state: st.state }, 1);
  const tx = st.currentTx;
  for (const g of [m.feeSat, m.confirmations, m.versions]) g.reset();
  if (tx) {
    const labels = { txid: tx.txid };
    if (tx.feeSat !== null) m.feeSat.set(labels, tx.feeSat);
    m.confirmations.set(labels, tx.confirmations);
    m.versions.set(labels, tx.priorVersions + 1);
  }
  m.waiting.set(st.txsWaitingForConfirmation);
  setOrReset(m.height, st.bestBlock?.height ?? null);
}

/** Counters only go up: add what the calendar counted since the last scrape (it restarts at 0 too). */
function catchUp(counter: Counter, counted: { value: number }, total: number | null): void {
  if (total === null || total <= counted.value) return;
  counter.inc(total - counted.value);
  counted.value = total;
}

function setOrReset(g: Gauge, value: number | null): void {
  if (value === null) g.reset();
  else g.set(value);
}

function roundsOf(calendar: CalendarApi): number {
  const r = (calendar.stats() as Record<string, unknown>).rounds;
  return typeof r === 'number' ? r : 0;
}

/** Marks a plugin so its hooks apply to the whole app (what the fastify-plugin package does). */
function shareScope<T extends FastifyPluginAsync<{ metrics: ServerMetrics }>>(plugin: T): T {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
