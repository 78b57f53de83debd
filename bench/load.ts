// Closed-loop HTTP load for bench/server.bench.ts: N keep-alive connections, each sending its next
// request as soon as the last is answered. Uses wrk (C, epoll; Debian package `wrk`) when it is on
// PATH, else autocannon. The load generator shares the 2 cores with the server, and per request wrk
// costs ~26 µs of CPU where autocannon costs ~63 µs (measured against a bare node:http server,
// docs/benchmarks.md): with autocannon the generator, not the server, sets the ceiling near 15,000/s.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

/** What to send: one POST body to one URL, or GETs cycling over `paths`. */
export interface LoadOptions {
  origin: string;
  method: 'GET' | 'POST';
  /** POST: the path and its body. */
  path?: string;
  body?: string;
  /** GET: the paths each connection cycles through. */
  paths?: string[];
  connections: number;
  seconds: number;
  timeoutSeconds: number;
}

/** The summary both generators report; latencies in ms. */
export interface LoadResult {
  tool: string;
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU the generator itself used (the closed loop measures it; wrk and autocannon do not). */
  generatorCpuMs?: number;
}

/** `BENCH_LOADGEN=wrk|autocannon` forces one; default wrk when installed. */
export function loadGenerator(): 'wrk' | 'autocannon' {
  const forced = process.env.BENCH_LOADGEN;
  if (forced === 'wrk' || forced === 'autocannon') return forced;
  return spawnSync('wrk', ['--version']).error === undefined ? 'wrk' : 'autocannon';
}

export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return loadGenerator() === 'wrk' ? runWrk(opts) : runAutocannon(opts);
}

async function runWrk(opts: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ots-bench-wrk-'));
  try {
    const script = join(dir, 'load.lua');
    writeFileSync(script, wrkScript(opts));
    const url = opts.origin + (opts.method === 'POST' ? (opts.path ?? '/') : (opts.paths?.[0] ?? '/'));
    // One wrk thread: a second would take CPU from the server on a 2-core machine.
    const args = ['-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, `--timeout`, `${opts.timeoutSeconds}s`, '-s', script, url];
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
    });
    const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
    if (line === undefined) throw new Error(`no summary from wrk:\n${out}`);
    const s = JSON.parse(line) as Record<string, number>;
    return {
      tool: 'wrk 1 thread',
      seconds: s.duration_us! / 1e6,
      ok: s.requests! - s.status!,
      non2xx: s.status!,
      errors: s.connect! + s.read! + s.write! + s.timeout!,
      timeouts: s.timeout!,
      p50: s.p50! / 1000,
      p99: s.p99! / 1000,
      max: s.max! / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Lua that sets the request(s) and prints one JSON summary line (latencies in µs). */
function wrkScript(opts: LoadOptions): string {
  const lines: string[] = [];
  if (opts.method === 'POST') {
    lines.push('wrk.method = "POST"', `wrk.body = ${JSON.stringify(opts.body ?? '')}`, 'wrk.headers["Content-Type"] = "application/octet-stream"');
  } else {
    // Requests formatted once per thread; each call hands out the next (no formatting under load).
    lines.push(
      `local paths = {${(opts.paths ?? ['/']).map((p) => JSON.stringify(p)).join(',')}}`,
      'local reqs = {}',
      'local i = 0',
      'init = function() for k, p in ipairs(paths) do reqs[k] = wrk.format("GET", p) end end',
      'request = function() i = i % #reqs + 1; return reqs[i] end',
    );
  }
  lines.push(
    'done = function(s, latency, r)',
    '  io.write(string.format(\'{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p99":%d,"max":%d}\\n\',',
    '    s.requests, s.duration, s.errors.connect, s.errors.read, s.errors.write, s.errors.status, s.errors.timeout,',
    '    latency:percentile(50), latency:percentile(99), latency.max))',
    'end',
  );
  return lines.join('\n') + '\n';
}

interface CannonResult {
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}

function runAutocannon(opts: LoadOptions): Promise<LoadResult> {
  const target =
    opts.method === 'POST'
      ? // 32 ASCII bytes: a string survives the hand-over to autocannon's worker threads, a Buffer does not.
        { url: opts.origin + (opts.path ?? '/'), method: 'POST', body: opts.body }
      : // A fixed request list built once; a setupRequest callback would rebuild every request.
        { url: opts.origin, requests: (opts.paths ?? ['/']).map((path) => ({ method: 'GET', path })) };
  return new Promise((resolve, reject) => {
    autocannon({ ...target, connections: opts.connections, duration: opts.seconds, timeout: opts.timeoutSeconds }, (err: Error | null, r: CannonResult) => {
      if (err) return reject(err);
      resolve({
        tool: 'autocannon',
        seconds: r.duration,
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        p50: r.latency.p50,
        p99: r.latency.p99,
        max: r.latency.max,
      });
    });
  });
}
