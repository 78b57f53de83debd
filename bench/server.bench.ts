// HTTP API under load (SPEC §9, issue #4 benchmark): a real calendar + server in a child process on
// loopback, driven by autocannon (keep-alive connections, each resubmitting as soon as it is answered).
// Run: node --import tsx bench/server.bench.ts   (or npm run bench:server)
// Sizes: BENCH_SECONDS (10), BENCH_CLIENTS_SLOW (10000), BENCH_CLIENTS_FAST (2000), BENCH_GET_CLIENTS (100),
// BENCH_PROOFS (10000), BENCH_GET_PATHS (100), BENCH_PENDING (1000000), BENCH_WORKERS (0); BENCH_ONLY=a,b,c,d picks scenarios.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { pino } from 'pino';
import { Calendar, initCalendarDir, Journal, MacChecker } from '../src/calendar/index.js';
import { Timestamp, toHex } from '../src/core/index.js';
import { buildServer } from '../src/server/index.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = env('BENCH_SECONDS', 10);
const ONLY = (process.env.BENCH_ONLY ?? 'a,b,c,d').split(',');
const WORKERS = env('BENCH_WORKERS', 0);

/** What the parent asks the server child to set up. */
interface ServeConfig {
  roundMs: number;
  proofs: number;
  pending: number;
  maxPending: number;
}

if (process.env.BENCH_SERVE) await serve(JSON.parse(process.env.BENCH_SERVE) as ServeConfig);
else await main();

async function main(): Promise<void> {
  console.log(`server benchmark — node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, ${SECONDS} s per scenario`);
  if (ONLY.includes('a')) {
    const clients = env('BENCH_CLIENTS_SLOW', 10_000);
    await postScenario(`a) POST /digest, ${clients} clients, 1 s rounds (ceiling ${clients}/s)`, clients, 1000);
  }
  if (ONLY.includes('b')) {
    const clients = env('BENCH_CLIENTS_FAST', 2000);
    await postScenario(`b) POST /digest, ${clients} clients, 0.1 s rounds (ceiling ${clients * 10}/s, target >= 12000/s)`, clients, 100);
  }
  if (ONLY.includes('c')) await getScenario();
  if (ONLY.includes('d')) await pendingRssScenario();
}

async function postScenario(title: string, clients: number, roundMs: number): Promise<void> {
  const server = await startChild({ roundMs, proofs: 0, pending: 0, maxPending: clients * 2 });
  try {
    await server.mark();
    const result = await cannon({
      url: `http://127.0.0.1:${server.port}/digest`,
      method: 'POST',
      // 32 ASCII bytes: a string survives the hand-over to autocannon's worker threads, a Buffer does not.
      body: randomBytes(16).toString('hex'),
      connections: clients,
      duration: SECONDS,
      timeout: 10,
      // Worker threads spread the load generator over cores (POST scenarios only).
      ...(WORKERS > 0 ? { workers: WORKERS } : {}),
    });
    report(title, result, await server.rss());
  } finally {
    await server.stop();
  }
}

async function getScenario(): Promise<void> {
  const proofs = env('BENCH_PROOFS', 10_000);
  const clients = env('BENCH_GET_CLIENTS', 100);
  const server = await startChild({ roundMs: 1000, proofs, pending: 0, maxPending: 100_000 });
  try {
    // A fixed request list that autocannon builds once and each connection cycles through: a
    // setupRequest callback would rebuild every request in the load generator, which shares the 2 cores
    // with the server. Autocannon builds the whole list for every connection before that connection's
    // load counts (1,000 paths x 100 connections stalled the start by ~1.5 s), so it is capped
    // (BENCH_GET_PATHS). Every path is a stored proof either way, served from the server's proof cache
    // after its first GET, as the 10,000 cycled paths were before.
    const requests = server.paths.slice(0, env('BENCH_GET_PATHS', 100)).map((path) => ({ method: 'GET', path }));
    await server.mark();
    const result = await cannon({
      url: `http://127.0.0.1:${server.port}`,
      connections: clients,
      duration: SECONDS,
      requests,
    });
    report(`c) GET /timestamp on ${proofs} stored proofs (cycling over ${requests.length}), ${clients} clients (target >= 15000 req/s)`, result, await server.rss());
  } finally {
    await server.stop();
  }
}

async function pendingRssScenario(): Promise<void> {
  const pending = env('BENCH_PENDING', 1_000_000);
  const t0 = performance.now();
  const server = await startChild({ roundMs: 1000, proofs: 0, pending, maxPending: 100_000 });
  try {
    const openSeconds = (performance.now() - t0) / 1000;
    const { rss } = await server.rss();
    console.log(`d) ${pending} commitments pending (journal filled, then opened: ${openSeconds.toFixed(1)} s incl. fill)`);
    console.log(`   server RSS after GC: ${(rss / 2 ** 20).toFixed(0)} MB (target <= 300 MB); pendingCount ${server.pendingCount}`);
  } finally {
    await server.stop();
  }
}

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}

function cannon(opts: Record<string, unknown>): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err: Error | null, result: CannonResult) => (err ? reject(err) : resolve(result)));
  });
}

function report(title: string, r: CannonResult, server: { rss: number; cpuMs: number }): void {
  const answered = r['2xx'] + r.non2xx;
  console.log(title);
  console.log(
    `   ${(r['2xx'] / r.duration).toFixed(0)} ok/s (${r.requests.average.toFixed(0)} req/s avg), ` +
      `latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, ` +
      `errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}, server peak RSS ${(server.rss / 2 ** 20).toFixed(0)} MB`,
  );
  // CPU per answer says what one core could sustain, whatever else shares the machine.
  const usPerReq = (server.cpuMs * 1000) / Math.max(1, answered);
  console.log(`   server CPU ${usPerReq.toFixed(0)} µs per answer (~${(1e6 / usPerReq).toFixed(0)} answers/s per core), load average ${loadavg()[0]!.toFixed(1)}`);
}

interface Child {
  port: number;
  paths: string[];
  pendingCount: number;
  /** Starts counting the server's CPU time (call right before the load). */
  mark(): Promise<void>;
  /** Server RSS (peak during load, or after GC for the pending scenario) and CPU ms since mark(). */
  rss(): Promise<{ rss: number; cpuMs: number }>;
  stop(): Promise<void>;
}

/** Forks this file in serve mode and waits for its port. */
function startChild(config: ServeConfig): Promise<Child> {
  const file = fileURLToPath(import.meta.url);
  const child: ChildProcess = fork(file, [], {
    // BENCH_CHILD_ARGS adds node flags to the server child only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_CHILD_ARGS ?? '').split(' ').filter(Boolean)],
    env: { ...process.env, BENCH_SERVE: JSON.stringify(config) },
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}`)));
    child.once('message', (msg: { port: number; paths: string[]; pendingCount: number }) => {
      resolve({
        ...msg,
        mark: () =>
          new Promise((res) => {
            child.once('message', () => res());
            child.send('mark');
          }),
        rss: () =>
          new Promise((res) => {
            child.once('message', (m: { rss: number; cpuMs: number }) => res(m));
            child.send('rss');
          }),
        stop: () =>
          new Promise((res) => {
            child.removeAllListeners('exit');
            child.once('exit', () => res());
            child.send('stop');
          }),
      });
    });
  });
}

/** Child side: calendar + server in a temp dir, optional stored proofs and pending journal. */
async function serve(config: ServeConfig): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ots-bench-server-'));
  const logger = pino({ level: 'warn' });
  await initCalendarDir(dir, { uri: 'https://bench.calendar.example.org' });
  if (config.pending > 0) await fillJournal(dir, config.pending);
  const calendar = await Calendar.open({ dir, roundMs: config.roundMs, maxPending: config.maxPending, logger });
  const paths = config.proofs > 0 ? await storeProofs(calendar, config.proofs) : [];
  const app = buildServer({ calendar, version: 'bench', logger });
  await app.listen({ port: 0, host: '127.0.0.1', backlog: 16_384 });
  let peakRss = process.memoryUsage().rss;
  let cpuMark = process.cpuUsage();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const address = app.server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0, paths, pendingCount: calendar.pendingCount() });
  process.on('message', async (msg) => {
    if (msg === 'mark') {
      cpuMark = process.cpuUsage();
      process.send!({ marked: true });
    } else if (msg === 'rss') {
      const cpu = process.cpuUsage(cpuMark);
      (globalThis as { gc?: () => void }).gc?.();
      const now = process.memoryUsage().rss;
      process.send!({ rss: config.pending > 0 ? now : Math.max(peakRss, now), cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (msg === 'stop') {
      clearInterval(sampler);
      await app.close();
      await calendar.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
  });
}

/** Appends `count` valid journal records (as rounds of 10,000) before the calendar opens. */
async function fillJournal(dir: string, count: number): Promise<void> {
  const hmacKey = new Uint8Array(readFileSync(join(dir, 'hmac-key')));
  const journal = await Journal.open(join(dir, 'journal'), { hmacKey, logger: pino({ level: 'silent' }) });
  const macs = new MacChecker(hmacKey);
  const idx = Math.floor(Date.now() / 1000);
  for (let done = 0; done < count; done += 10_000) {
    const n = Math.min(10_000, count - done);
    await journal.append(Array.from({ length: n }, () => macs.commit(idx, randomBytes(32))));
  }
  await journal.close();
}

/** Stores `count` complete proofs (the recorded vector's shape) and returns their GET paths. */
async function storeProofs(calendar: Calendar, count: number): Promise<string[]> {
  const body = Buffer.from('08f020222222222222222222222222222222222222222222222222222222222222222208000588960d73d719010380ea30', 'hex');
  const paths: string[] = [];
  for (let done = 0; done < count; done += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - done) }, () => Timestamp.fromBytes(body, randomBytes(44)));
    await calendar.saveTimestamps(batch);
    for (const ts of batch) paths.push(`/timestamp/${toHex(ts.msg)}`);
  }
  return paths;
}
