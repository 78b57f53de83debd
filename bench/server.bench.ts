// HTTP API under load (SPEC §9, issue #4 benchmark): a real calendar + server in a child process on
// loopback, driven by wrk or autocannon (bench/load.ts: keep-alive connections, each resubmitting as
// soon as it is answered). Run: node --import tsx bench/server.bench.ts   (or npm run bench:server)
// Sizes: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (10, POST scenarios), BENCH_CLIENTS_SLOW (10000), BENCH_CLIENTS_FAST (2000), BENCH_GET_CLIENTS (100),
// BENCH_PROOFS (10000), BENCH_GET_PATHS (100), BENCH_PENDING (1000000); BENCH_ONLY=base,a,b,c,d picks
// scenarios (base: a bare node:http server, what this machine and load generator allow at all);
// BENCH_LOADGEN=wrk|autocannon; BENCH_FAST_PATH=0 serves through fastify only; BENCH_RAW_LANE=0 without the raw lane; BENCH_FRONTS=N adds N HTTP
// front processes (BENCH_DAEMON_SERVES=0: only they accept). RSS and CPU are the daemon's alone.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Calendar, initCalendarDir, Journal, MacChecker } from '../src/calendar/index.js';
import { Timestamp, toHex } from '../src/core/index.js';
import { buildServer, startHttpFronts } from '../src/server/index.js';
import { closedLoop } from './closed-loop.js';
import { loadGenerator, type LoadResult, runLoad } from './load.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = env('BENCH_SECONDS', 10);
const ONLY = (process.env.BENCH_ONLY ?? 'base,a,b,c,d').split(',');
const WARMUP = env('BENCH_WARMUP_SECONDS', 10);
const FRONTS = env('BENCH_FRONTS', 0);

/** What the parent asks the server child to set up. */
interface ServeConfig {
  roundMs: number;
  proofs: number;
  pending: number;
  maxPending: number;
  /** Serve a bare node:http answer instead of the calendar (the machine's ceiling). */
  bare?: boolean;
  /** A calendar directory the parent made (and filled); otherwise the child makes a fresh one. */
  dir?: string;
}

if (process.env.BENCH_SERVE) await serve(JSON.parse(process.env.BENCH_SERVE) as ServeConfig);
else await main();

async function main(): Promise<void> {
  console.log(
    `server benchmark — node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, ${SECONDS} s per scenario, ` +
      `load generator ${loadGenerator()}, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  if (ONLY.includes('base')) await bareScenario();
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
    const body = randomBytes(16).toString('hex');
    if (process.env.BENCH_LOADGEN === undefined) {
      // Default: our closed loop, whose connections stay open from the warm-up into the measured window.
      const phases = closedLoop({ port: server.port, request: digestRequest(body), connections: clients, warmupSeconds: WARMUP, seconds: SECONDS, timeoutSeconds: 10 });
      // CPU is counted from the end of the warm-up.
      setTimeout(() => void server.mark(), WARMUP * 1000);
      const { warmup, measured } = await phases;
      report(`   warm-up, ${WARMUP} s (connections opening; not counted)`, warmup);
      report(title, measured, await server.rss());
      return;
    }
    const load = (seconds: number) =>
      runLoad({ origin: `http://127.0.0.1:${server.port}`, method: 'POST', path: '/digest', body, connections: clients, seconds, timeoutSeconds: 10 });
    if (WARMUP > 0) {
      // wrk and autocannon close their connections between runs: this warm-up only warms the server.
      await server.mark();
      report(`   warm-up, ${WARMUP} s (not counted)`, await load(WARMUP), await server.rss());
    }
    await server.mark();
    report(title, await load(SECONDS), await server.rss());
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
    const paths = server.paths.slice(0, env('BENCH_GET_PATHS', 100));
    await server.mark();
    const result = await runLoad({
      origin: `http://127.0.0.1:${server.port}`,
      method: 'GET',
      paths,
      connections: clients,
      seconds: SECONDS,
      timeoutSeconds: 10,
    });
    report(`c) GET /timestamp on ${proofs} stored proofs (cycling over ${paths.length}), ${clients} clients (target >= 15000 req/s)`, result, await server.rss());
  } finally {
    await server.stop();
  }
}

async function pendingRssScenario(): Promise<void> {
  const pending = env('BENCH_PENDING', 1_000_000);
  // The journal is filled here, not in the server: the server's RSS is then that of a daemon opening
  // such a calendar, without the filler's garbage and heap fragments.
  const dir = await newCalendarDir();
  const t0 = performance.now();
  await fillJournal(dir, pending);
  const t1 = performance.now();
  const server = await startChild({ roundMs: 1000, proofs: 0, pending, maxPending: 100_000, dir });
  try {
    const { rss } = await server.rss();
    console.log(
      `d) ${pending} commitments pending (journal filled in ${((t1 - t0) / 1000).toFixed(1)} s, server started on it in ${((performance.now() - t1) / 1000).toFixed(1)} s, checking every MAC on this first open)`,
    );
    console.log(`   server RSS after GC: ${(rss / 2 ** 20).toFixed(0)} MB (target <= 300 MB); pendingCount ${server.pendingCount}`);
  } finally {
    await server.stop();
  }
}

/** POST /digest with `body` as the digest, as a client library sends it. */
function digestRequest(body: string): Buffer {
  return Buffer.from(`POST /digest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
}

/** The same loads against a node:http server that answers at once: the most this machine gives. */
async function bareScenario(): Promise<void> {
  const server = await startChild({ roundMs: 0, proofs: 0, pending: 0, maxPending: 0, bare: true });
  try {
    const origin = `http://127.0.0.1:${server.port}`;
    await server.mark();
    const post = await runLoad({ origin, method: 'POST', path: '/digest', body: randomBytes(16).toString('hex'), connections: env('BENCH_CLIENTS_FAST', 2000), seconds: 5, timeoutSeconds: 10 });
    report(`base) bare node:http, POST from ${env('BENCH_CLIENTS_FAST', 2000)} clients, answered at once`, post, await server.rss());
    await server.mark();
    const get = await runLoad({ origin, method: 'GET', paths: ['/timestamp/00'], connections: env('BENCH_GET_CLIENTS', 100), seconds: 5, timeoutSeconds: 10 });
    report(`base) bare node:http, GET from ${env('BENCH_GET_CLIENTS', 100)} clients`, get, await server.rss());
  } finally {
    await server.stop();
  }
}

function report(title: string, r: LoadResult, server?: { rss: number; cpuMs: number }): void {
  const answered = r.ok + r.non2xx;
  console.log(title);
  console.log(
    `   ${(r.ok / r.seconds).toFixed(0)} ok/s (${r.tool}), ` +
      `latency p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, max ${r.max.toFixed(0)} ms, ` +
      `errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}` +
      (server ? `, ${FRONTS > 0 ? 'daemon' : 'server'} peak RSS ${(server.rss / 2 ** 20).toFixed(0)} MB` : ''),
  );
  if (r.generatorCpuMs !== undefined) {
    console.log(`   load generator CPU ${((r.generatorCpuMs * 1000) / Math.max(1, answered)).toFixed(0)} µs per answer`);
  }
  if (server === undefined) return;
  // CPU per answer says what one core could sustain, whatever else shares the machine. With fronts it
  // is the daemon's alone (the fronts' HTTP work is not in it).
  const usPerReq = (server.cpuMs * 1000) / Math.max(1, answered);
  console.log(
    `   ${FRONTS > 0 ? 'daemon' : 'server'} CPU ${usPerReq.toFixed(0)} µs per answer (~${(1e6 / usPerReq).toFixed(0)} answers/s per core), load average ${loadavg()[0]!.toFixed(1)}`,
  );
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
  if (config.bare) return serveBare();
  const dir = config.dir ?? (await newCalendarDir());
  const logger = pino({ level: 'warn' });
  const calendar = await Calendar.open({ dir, roundMs: config.roundMs, maxPending: config.maxPending, logger });
  const paths = config.proofs > 0 ? await storeProofs(calendar, config.proofs) : [];
  const app = buildServer({ calendar, version: 'bench', logger, fastPath: process.env.BENCH_FAST_PATH !== '0', rawLane: process.env.BENCH_RAW_LANE !== '0' });
  await app.listen({ port: 0, host: '127.0.0.1', backlog: 16_384 });
  const address = app.server.address();
  if (FRONTS > 0) await startHttpFronts(app, { count: FRONTS, daemonServes: process.env.BENCH_DAEMON_SERVES !== '0', backlog: 16_384 });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  answerParent(
    { port: typeof address === 'object' && address ? address.port : 0, paths, pendingCount: calendar.pendingCount() },
    () => {
      (globalThis as { gc?: () => void }).gc?.();
      const now = process.memoryUsage().rss;
      return config.pending > 0 ? now : Math.max(peakRss, now);
    },
    async () => {
      clearInterval(sampler);
      await app.close();
      await calendar.close();
      rmSync(dir, { recursive: true, force: true });
    },
  );
}

/**
 * Child side of the parent's messages: 'mark' restarts the CPU count, 'rss' answers with RSS and the
 * CPU since the mark, 'stop' stops the server and exits. Sends `ready` first.
 */
function answerParent(ready: { port: number; paths: string[]; pendingCount: number }, rss: () => number, stop: () => Promise<void>): void {
  let cpuMark = process.cpuUsage();
  process.send!(ready);
  process.on('message', async (msg) => {
    if (msg === 'mark') {
      cpuMark = process.cpuUsage();
      process.send!({ marked: true });
    } else if (msg === 'rss') {
      const cpu = process.cpuUsage(cpuMark);
      process.send!({ rss: rss(), cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (msg === 'stop') {
      await stop();
      process.exit(0);
    }
  });
}

/** Child side of the base scenario: 84 bytes (a proof's size) to every request, nothing else. */
function serveBare(): void {
  const body = Buffer.alloc(84, 1);
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, ['content-type', 'application/octet-stream', 'content-length', '84']);
      res.end(body);
    });
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 16_384 }, () => {
    const address = server.address();
    answerParent(
      { port: typeof address === 'object' && address ? address.port : 0, paths: [], pendingCount: 0 },
      () => process.memoryUsage().rss,
      async () => {
        server.close();
        server.closeAllConnections();
      },
    );
  });
}

/** Appends `count` valid journal records (as rounds of 10,000) before the calendar opens. */
async function newCalendarDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ots-bench-server-'));
  await initCalendarDir(dir, { uri: 'https://bench.calendar.example.org' });
  return dir;
}

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
