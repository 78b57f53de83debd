// The two hot routes answered straight off the TCP socket, below Node's HTTP server. A connection starts
// here; while it sends complete, plain hot requests (hot-request.ts) they are answered from the same
// Answer functions as every other path (fast-path.ts), with the bytes Node's writer would send. The
// first request that is anything else, or is still incomplete after one more read, hands the
// connection with the bytes read so far to Node's HTTP server for good, where the fast path and
// fastify take it as before.
//
// Why: Node's per-request HTTP objects (IncomingMessage, ServerResponse, header objects, stream state)
// cost about as much CPU again as everything else in an answer. On the 2 cores the benchmark shares
// with its load generator, that stretched the burst of 10,000 answers at each round's end and capped
// short rounds at ~11,000 digests/s (docs/benchmarks.md).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Answer } from './answer.js';
import type { FastPathOptions } from './fast-path.js';
import { DECLINED, type HotRequest, INCOMPLETE, parseHotRequest } from './hot-request.js';
import { RawResponses } from './raw-response.js';

/** What the lane answers from (as the fast path), plus the server's limits it must keep. */
export interface RawLaneOptions extends FastPathOptions {
  maxHeaderBytes: number;
  /** An idle keep-alive connection is closed after this (as Node's `keepAliveTimeout`). */
  keepAliveMs: number;
  /** A connection whose answer has not come after this is closed (as Node's socket timeout). */
  idleMs: number;
}

/** How long a request cut short may wait for its next bytes before Node's parser takes it over. */
const CUT_SHORT_WAIT_MS = 250;
/** Bytes a client may pipeline while its answer is pending before the lane stops reading. */
const PIPELINE_LIMIT = 64 * 1024;

type ConnectionListener = (this: Server, socket: Socket) => void;

/**
 * Puts the raw lane in front of `server`'s own connection handling. `closeIdleConnections` and
 * `closeAllConnections` (server.close calls the first) cover the lane's connections too.
 */
export function attachRawLane(server: Server, opts: RawLaneOptions): void {
  const toNode = server.listeners('connection') as ConnectionListener[];
  server.removeAllListeners('connection');
  const handOff = (socket: Socket, read: Buffer | undefined): void => {
    for (const listener of toNode) listener.call(server, socket);
    // Node's parser now reads the socket; the bytes already read go to it first, synchronously,
    // before the next read can deliver anything after them.
    if (read !== undefined) socket.emit('data', read);
  };
  const connections = new Set<RawConnection>();
  const responses = new RawResponses(opts.keepAliveMs);
  server.on('connection', (socket: Socket) => {
    const connection = new RawConnection(socket, opts, responses, () => server.listening, (read) => {
      connections.delete(connection);
      handOff(socket, read);
    });
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });
  const closeIdle = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    for (const connection of connections) if (connection.isIdle()) connection.socket.destroy();
    closeIdle();
  };
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    for (const connection of connections) connection.socket.destroy();
    closeAll();
  };
}

/** One connection while the lane serves it: one request at a time, answers in order. */
class RawConnection {
  private read: Buffer | undefined;
  /** Set while an answer is pending; requests after it wait in `read`. */
  private busySince = 0;
  private closeAfter = false;
  private waitingForDrain = false;
  /** The length of `read` when it ended in a cut-short request: the next read must complete it. */
  private cutShortAt = 0;
  private cutShortTimer: NodeJS.Timeout | undefined;
  /** True inside serve(): an answer given synchronously lets the loop go on instead of recursing. */
  private serving = false;
  private readonly onData = (chunk: Buffer): void => {
    this.read = this.read === undefined ? chunk : Buffer.concat([this.read, chunk]);
    if (this.busySince === 0) this.serve();
    else if (this.read.length > PIPELINE_LIMIT) this.socket.pause();
  };
  private readonly onEnd = (): void => {
    // The client will send nothing more: answer what is pending, then close.
    if (this.busySince === 0) this.socket.end();
    else this.closeAfter = true;
  };
  private readonly onTimeout = (): void => {
    if (this.busySince === 0 || performance.now() - this.busySince > this.opts.idleMs) this.socket.destroy();
    else this.socket.setTimeout(this.opts.keepAliveMs);
  };
  private readonly onError = (): void => {
    this.socket.destroy();
  };

  constructor(
    readonly socket: Socket,
    private readonly opts: RawLaneOptions,
    private readonly responses: RawResponses,
    private readonly serverListening: () => boolean,
    private readonly handOff: (read: Buffer | undefined) => void,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('timeout', this.onTimeout);
    socket.setTimeout(opts.keepAliveMs);
  }

  /** No answer pending and no request begun: safe to close when the server shuts down. */
  isIdle(): boolean {
    return this.busySince === 0 && this.read === undefined;
  }

  /** Answers complete hot requests in `read` until one is pending or something else comes. */
  private serve(): void {
    this.serving = true;
    try {
      this.serveRead();
    } catch (err) {
      this.fail(err);
    } finally {
      this.serving = false;
    }
  }

  /** A throw while answering is a bug: report it and close this connection, never the server. */
  private fail(err: unknown): void {
    this.opts.onError(err, 'lane', '');
    this.socket.destroy();
  }

  private serveRead(): void {
    while (this.read !== undefined && this.busySince === 0 && !this.waitingForDrain) {
      const request = this.opts.isAccepting() ? parseHotRequest(this.read, this.opts.maxHeaderBytes) : DECLINED;
      if (request === INCOMPLETE) {
        // Pipelined requests are often split across reads, and some clients send a body after its
        // headers: wait briefly for one more read. A client that trickles its bytes slower than that goes
        // to Node, whose header and request timeouts are made for it.
        if (this.cutShortAt === 0) {
          this.cutShortAt = this.read.length;
          this.cutShortTimer = setTimeout(() => this.leave(), CUT_SHORT_WAIT_MS).unref();
        }
        if (this.cutShortAt === this.read.length) return;
        return this.leave();
      }
      if (request === DECLINED) return this.leave();
      if (this.cutShortAt !== 0) {
        clearTimeout(this.cutShortTimer);
        this.cutShortAt = 0;
      }
      this.read = request.end < this.read.length ? this.read.subarray(request.end) : undefined;
      if (request.close) {
        // Node ignores whatever a client sends after asking to close; so does the lane.
        this.closeAfter = true;
        this.read = undefined;
      }
      this.busySince = performance.now();
      this.answer(request);
    }
  }

  private answer(request: HotRequest): void {
    const started = this.busySince;
    if (request.kind === 'digest') {
      this.opts.submit(request.body, '/digest', (answer) => this.respond(answer, '/digest', 'POST', started));
      return;
    }
    const answer = this.opts.timestamp(request.hex, request.ifNoneMatch, request.url);
    if (answer instanceof Promise) void answer.then((a) => this.respond(a, '/timestamp/*', 'GET', started));
    else this.respond(answer, '/timestamp/*', 'GET', started);
  }

  private respond(answer: Answer, route: string, method: string, started: number): void {
    try {
      this.send(answer, route, method, started);
    } catch (err) {
      this.fail(err);
    }
  }

  private send(answer: Answer, route: string, method: string, started: number): void {
    this.busySince = 0;
    this.opts.observe(route, method, answer.status, (performance.now() - started) / 1000);
    // A client that left still had its digest submitted; there is just no one to tell.
    if (this.socket.destroyed) return;
    const close = this.closeAfter || !this.serverListening();
    const flushed = this.socket.write(this.responses.format(answer, method === 'POST', close));
    if (close) {
      this.read = undefined;
      this.socket.end(() => this.socket.destroy());
      return;
    }
    if (!flushed) {
      // The client is not reading its answers: stop reading its requests until it does.
      this.waitingForDrain = true;
      this.socket.pause();
      this.socket.once('drain', () => {
        this.waitingForDrain = false;
        this.socket.resume();
        this.serve();
      });
      return;
    }
    if (this.socket.isPaused()) this.socket.resume();
    if (!this.serving) this.serve();
  }

  /** Gives the connection to Node's HTTP server with what it has sent so far. */
  private leave(): void {
    const { socket } = this;
    clearTimeout(this.cutShortTimer);
    if (socket.destroyed) return;
    socket.removeListener('data', this.onData);
    socket.removeListener('end', this.onEnd);
    socket.removeListener('error', this.onError);
    socket.removeListener('timeout', this.onTimeout);
    socket.setTimeout(0);
    const read = this.read;
    this.read = undefined;
    this.handOff(read);
  }
}
