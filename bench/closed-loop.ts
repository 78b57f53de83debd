// A closed-loop HTTP/1.1 load generator for the POST scenarios of bench/server.bench.ts: N keep-alive
// connections, each sending the same request again as soon as its answer is in. Unlike wrk and
// autocannon it keeps its connections from the warm-up into the measured window, so the measured
// window is the steady state the targets describe; the warm-up (connection storm, cold JIT,
// first rounds) is reported on its own line. Answers must carry Content-Length (ours always do).
import { connect, type Socket } from 'node:net';
import type { LoadResult } from './load.js';

/** What to send and for how long. */
export interface ClosedLoopOptions {
  port: number;
  /** The raw request bytes, sent unchanged every time. */
  request: Buffer;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  timeoutSeconds: number;
}

/** Counts of one phase; latencies in ms. */
class Phase {
  readonly latencies: number[] = [];
  /** The generator's own CPU (user + system) when the phase began. */
  private readonly cpuAtStart = process.cpuUsage();
  ok = 0;
  non2xx = 0;
  errors = 0;
  timeouts = 0;

  constructor(readonly startMs: number) {}

  result(tool: string, endMs: number): LoadResult {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const sorted = Float64Array.from(this.latencies).sort();
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return {
      tool,
      seconds: (endMs - this.startMs) / 1000,
      ok: this.ok,
      non2xx: this.non2xx,
      errors: this.errors + this.timeouts,
      timeouts: this.timeouts,
      p50: at(0.5),
      p99: at(0.99),
      max: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
      generatorCpuMs: (cpu.user + cpu.system) / 1000,
    };
  }
}

/** Runs the warm-up, then the measured window on the same connections; resolves with both. */
export async function closedLoop(opts: ClosedLoopOptions): Promise<{ warmup: LoadResult; measured: LoadResult }> {
  const start = performance.now();
  const warmup = new Phase(start);
  /** The phase answers count in now: the warm-up, then the measured window. */
  let current = warmup;
  let stopped = false;
  const sockets = new Set<Socket>();
  /** One read buffer for all connections: each read is handled before the next one lands. */
  const readBuffer = Buffer.allocUnsafe(64 * 1024);

  /** One connection's loop: send, read one answer, record it, send again. */
  const open = (): void => {
    let sentAt = 0;
    let buffered: Buffer | undefined;
    const send = () => {
      sentAt = performance.now();
      socket.write(opts.request);
    };
    /** `bytes` is a view of the shared read buffer: whatever must outlive this call is copied. */
    const onAnswerBytes = (bytes: Buffer): true => {
      const data = buffered === undefined ? bytes : Buffer.concat([buffered, bytes]);
      const answer = parseAnswer(data);
      if (answer === undefined) {
        buffered = Buffer.from(data);
        return true;
      }
      buffered = answer.rest.length > 0 ? Buffer.from(answer.rest) : undefined;
      const now = performance.now();
      // An answer counts in the window it arrives in (answers per second of that window, as wrk and
      // autocannon count); its latency is measured from its own request, whenever that was sent.
      if (answer.status >= 200 && answer.status < 300) current.ok++;
      else current.non2xx++;
      current.latencies.push(now - sentAt);
      if (!stopped) send();
      return true;
    };
    // `onread` hands each read straight to us in one reused buffer, without the readable-stream
    // machinery: the generator shares the machine's 2 cores with the server, so its cost per answer
    // shows up in the server's numbers (docs/benchmarks.md).
    const socket = connect({
      port: opts.port,
      host: '127.0.0.1',
      noDelay: true,
      onread: { buffer: readBuffer, callback: (n: number, buf: Uint8Array) => onAnswerBytes(Buffer.from(buf.buffer, buf.byteOffset, n)) },
    });
    sockets.add(socket);
    socket.on('connect', send);
    socket.on('error', () => {
      current.errors++;
    });
    socket.on('close', () => {
      sockets.delete(socket);
      if (!stopped) setTimeout(open, 100);
    });
    // A request unanswered this long counts as a timeout; the connection starts over.
    socket.setTimeout(opts.timeoutSeconds * 1000, () => {
      current.timeouts++;
      socket.destroy();
    });
  };

  for (let i = 0; i < opts.connections; i++) open();
  await sleep(opts.warmupSeconds * 1000);
  const warmupEnd = performance.now();
  const measured = new Phase(warmupEnd);
  current = measured;
  await sleep(opts.seconds * 1000);
  stopped = true;
  const end = performance.now();
  for (const socket of sockets) socket.destroy();
  return { warmup: warmup.result('closed-loop (warm-up)', warmupEnd), measured: measured.result('closed-loop, warm connections', end) };
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** How our server spells it; any other spelling takes the slower general match. */
const CONTENT_LENGTH = Buffer.from('\r\ncontent-length: ');

/** Status and the bytes after one complete answer, or undefined while it is incomplete. */
function parseAnswer(data: Buffer): { status: number; rest: Buffer } | undefined {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const end = headEnd + 4 + contentLength(data, headEnd);
  if (data.length < end) return undefined;
  return { status: (data[9]! - 48) * 100 + (data[10]! - 48) * 10 + (data[11]! - 48), rest: data.subarray(end) };
}

function contentLength(data: Buffer, headEnd: number): number {
  const at = data.indexOf(CONTENT_LENGTH);
  if (at < 0 || at > headEnd) {
    const match = /\r\ncontent-length: *(\d+)/i.exec(data.toString('latin1', 0, headEnd));
    return match ? Number(match[1]) : 0;
  }
  let length = 0;
  for (let i = at + CONTENT_LENGTH.length; data[i]! >= 48 && data[i]! <= 57; i++) length = length * 10 + data[i]! - 48;
  return length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
