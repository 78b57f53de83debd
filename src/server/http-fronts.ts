// HTTP fronts (`otsd run --http-fronts N`): N extra processes that accept connections on the daemon's
// own listening socket. Node serves HTTP on one core per process, and under load Node's HTTP parser
// and writer, not the calendar, take the CPU (docs/benchmarks.md); the fronts spread that work over
// cores while the calendar, its journal and the store stay in this one process. A front answers
// POST /digest and GET /timestamp with this process's answers over IPC and forwards every other request
// to this process's handler on a private Unix socket (front-proxy.ts).
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Answer } from './answer.js';
import type { ServerTimeouts } from './build-server.js';
import { pack, type ToFront, type ToHost, unpack } from './front-protocol.js';

/** What buildServer hands over so fronts answer exactly as the daemon does. */
export interface FrontHostParts {
  submit: (digest: Buffer, url: string) => Promise<Answer>;
  timestamp: (hex: string, ifNoneMatch: string | undefined, url: string) => Answer | Promise<Answer>;
  observe: (route: string, method: string, status: number, seconds: number) => void;
  log: Logger;
  maxHeaderBytes: number;
  maxBodyBytes: number;
  timeouts: ServerTimeouts;
  /** buildServer's preClose/onClose hooks call these; set while fronts run. */
  running?: RunningFronts | undefined;
}

/** Options of startHttpFronts. */
export interface HttpFrontOptions {
  /** Front processes to start (>= 1). */
  count: number;
  /**
   * Whether this process keeps accepting connections too (default true: on 2 cores, one front plus
   * the daemon). False leaves all HTTP to the fronts.
   */
  daemonServes?: boolean;
  /**
   * The accept-queue length the daemon listened with. A front listens on the same socket again, and a
   * second listen() sets the queue length anew (Node's default is 511): pass the daemon's, or a burst
   * of thousands of (re)connecting clients overflows the queue and waits for TCP retransmits.
   */
  backlog?: number;
  /** Where the daemon's private socket goes (default: the system's temporary directory). */
  socketDir?: string;
}

/** The fronts of one server, stopped by the server's close. */
export interface RunningFronts {
  /** Process ids of the fronts running now. */
  pids(): number[];
  /** Fronts stop accepting and finish what they hold (the calendar must still be running). */
  drain(): Promise<void>;
  /** Closes the private socket (after drain). */
  close(): Promise<void>;
}

/** Node's own default accept-queue length. */
const DEFAULT_BACKLOG = 511;
/** A front that exits unexpectedly is restarted after this. */
const RESTART_DELAY_MS = 1000;
/** A front still running this long after 'drain' is killed. */
const DRAIN_KILL_MS = 20_000;

const parts = new WeakMap<FastifyInstance, FrontHostParts>();

/** Called by buildServer: what startHttpFronts needs from the server it built. */
export function registerFrontHost(app: FastifyInstance, host: FrontHostParts): void {
  parts.set(app, host);
}

/** Starts `count` fronts on `app`'s listening socket; resolves once every front accepts connections. */
export async function startHttpFronts(app: FastifyInstance, opts: HttpFrontOptions): Promise<RunningFronts> {
  const host = parts.get(app);
  if (host === undefined) throw new Error('startHttpFronts needs a server made by buildServer');
  if (!app.server.listening) throw new Error('startHttpFronts needs a listening server');
  const internalPath = join(opts.socketDir ?? tmpdir(), `otsd-front-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  // Every route, hooks included, for the requests fronts forward; no timeouts: a log follower's
  // answer streams for as long as it follows, and the fronts' own servers time out slow clients.
  const internal = createServer({ maxHeaderSize: host.maxHeaderBytes + 1024 }, app.routing);
  internal.requestTimeout = 0;
  internal.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => internal.once('error', reject).listen(internalPath, resolve));
  // Only this user's processes (the fronts) may reach the daemon past the fronts' own limits.
  chmodSync(internalPath, 0o600);

  const config = { internalPath, maxHeaderBytes: host.maxHeaderBytes, maxBodyBytes: host.maxBodyBytes, timeouts: host.timeouts, backlog: opts.backlog ?? DEFAULT_BACKLOG };
  const fronts = new Set<ChildProcess>();
  let draining = false;
  const spawnFront = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = fork(workerEntry(), [], { serialization: 'advanced', execArgv: frontExecArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      fronts.add(child);
      child.on('message', (msg: ToHost) => (msg.t === 'ready' ? resolve() : handle(child, msg, host)));
      child.once('exit', (code, signal) => {
        fronts.delete(child);
        reject(new Error(`HTTP front exited before it was ready (code ${code}, signal ${signal})`));
        if (draining) return;
        if (opts.daemonServes === false) {
          // The daemon closed its copy of the listening socket: there is nothing to hand a new front.
          host.log.error({ code, signal, front: child.pid }, 'HTTP front exited; not restarted (daemonServes is off)');
          return;
        }
        host.log.error({ code, signal, front: child.pid }, 'HTTP front exited; restarting it');
        setTimeout(() => {
          if (!draining) void spawnFront().catch((err: Error) => host.log.error({ err }, 'HTTP front restart failed'));
        }, RESTART_DELAY_MS).unref();
      });
      child.send({ t: 'start', config } satisfies ToFront, app.server);
    });
  const stopAll = async (): Promise<void> => {
    draining = true;
    await Promise.all(
      [...fronts].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            const kill = setTimeout(() => child.kill('SIGKILL'), DRAIN_KILL_MS);
            child.once('exit', () => clearTimeout(kill));
            if (child.connected) child.send({ t: 'drain' } satisfies ToFront);
            else child.kill('SIGKILL');
          }),
      ),
    );
  };
  const closeInternal = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => internal.close(() => resolve()));
    internal.closeAllConnections();
    await closed;
    rmSync(internalPath, { force: true });
  };
  try {
    await Promise.all(Array.from({ length: opts.count }, spawnFront));
  } catch (err) {
    // None half-started: the fronts that did start are stopped, the private socket removed.
    await stopAll();
    await closeInternal();
    throw err;
  }
  // The fronts hold their own copies of the listening socket; closing ours leaves theirs open.
  if (opts.daemonServes === false) app.server.close();
  host.log.info({ fronts: [...fronts].map((c) => c.pid), daemonServes: opts.daemonServes !== false }, 'HTTP fronts started');

  const running: RunningFronts = {
    pids: () => [...fronts].map((child) => child.pid!).filter((pid) => pid !== undefined),
    drain: stopAll,
    close: closeInternal,
  };
  host.running = running;
  return running;
}

/** Answers one front's batch; the answers of a round go back in one message. */
function handle(child: ChildProcess, msg: ToHost, host: FrontHostParts): void {
  switch (msg.t) {
    case 'submit':
      reply(child, msg.ids, unpack(msg.digests).map((digest) => host.submit(digest, '/digest')), true);
      break;
    case 'timestamp':
      // Asked without If-None-Match: the front caches the whole proof and compares ETags itself.
      reply(child, msg.ids, msg.hexes.map((hex) => host.timestamp(hex, undefined, `/timestamp/${hex}`)), false);
      break;
    case 'observed':
      for (const [route, method, status, seconds] of msg.rows) host.observe(route, method, status, seconds);
      break;
    case 'log':
      host.log[msg.level](msg.obj, msg.msg);
      break;
    default:
      break;
  }
}

/** Sends each answer as it settles, gathered per event-loop turn (a round's digests settle together). */
function reply(child: ChildProcess, ids: number[], answers: (Answer | Promise<Answer>)[], digests: boolean): void {
  answers.forEach((answer, i) => {
    if (answer instanceof Promise) void answer.then((a) => queue(child, ids[i]!, a, digests));
    else queue(child, ids[i]!, answer, digests);
  });
}

/** Answers settled this turn, per front: pending proofs packed, anything else as it is. */
interface Outgoing {
  proofIds: number[];
  proofs: Buffer[];
  ids: number[];
  answers: Answer[];
}
const outbox = new Map<ChildProcess, Outgoing>();

function queue(child: ChildProcess, id: number, answer: Answer, digest: boolean): void {
  let batch = outbox.get(child);
  if (batch === undefined) {
    const fresh: Outgoing = { proofIds: [], proofs: [], ids: [], answers: [] };
    outbox.set(child, (batch = fresh));
    setImmediate(() => {
      outbox.delete(child);
      if (!child.connected) return;
      if (fresh.proofIds.length > 0) child.send({ t: 'proofs', ids: fresh.proofIds, proofs: pack(fresh.proofs) } satisfies ToFront);
      if (fresh.ids.length > 0) child.send({ t: 'answers', ids: fresh.ids, answers: fresh.answers } satisfies ToFront);
    });
  }
  // The front rebuilds a digest's 200 from its bytes (proofAnswer), so only the bytes travel.
  if (digest && answer.status === 200 && Buffer.isBuffer(answer.body)) {
    batch.proofIds.push(id);
    batch.proofs.push(answer.body);
  } else {
    batch.ids.push(id);
    batch.answers.push(answer);
  }
}

/** The worker's file next to this one (.ts from a checkout through tsx, .js when compiled). */
function workerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return join(here, '..', `http-front-worker${extname(here)}`);
}

/** The front runs TypeScript like this process: through tsx, loaded by flag if not already. */
function frontExecArgv(): string[] {
  const args = process.execArgv;
  return extname(fileURLToPath(import.meta.url)) === '.ts' && !args.some((a) => a.includes('tsx')) ? [...args, '--import', 'tsx'] : args;
}
