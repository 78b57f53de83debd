// The two hot routes straight on Node's HTTP server, ahead of fastify: POST /digest with a plain
// Content-Length of at most 64 bytes, and GET /timestamp/<hex>. Under load, fastify's per-request work
// (routing, hook runner, reply object, body parser with its AsyncResource) cost about as much CPU as
// Node's HTTP parser and writer together; on 2 cores shared with the load generator that decided the
// throughput (docs/benchmarks.md). Everything unusual about a request (chunked or oversized bodies,
// odd paths, HEAD, OPTIONS, the server closing) is declined and goes through fastify unchanged, and the
// answers themselves come from the same functions as the fastify routes (answer.ts), so both paths
// send the same bytes (fast-path.test.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Answer, writeAnswer } from './answer.js';
import { MAX_DIGEST_BYTES } from './routes/digest.js';

/** What the fast path answers from: in the daemon the calendar itself, in an HTTP front its IPC link. */
export interface FastPathOptions {
  /**
   * Tells `done` the answer to a digest: its proof once the round is durable, or the coded refusal
   * (then possibly synchronously). A callback, not a promise: thousands wait across a round.
   */
  submit: (digest: Buffer, url: string, done: (answer: Answer) => void) => void;
  /** The answer to GET /timestamp/<hex> (`hex` is the raw rest of the path). Never rejects. */
  timestamp: (hex: string, ifNoneMatch: string | undefined, url: string) => Answer | Promise<Answer>;
  /** False once the server is closing: then fastify answers with its coded 503. */
  isAccepting: () => boolean;
  /** The HTTP histogram of /metrics, with the route patterns fastify reports. */
  observe: (route: string, method: string, status: number, seconds: number) => void;
  /** A throw while answering (a bug, never bad input): reported here; that connection is closed. */
  onError: (err: unknown, method: string, url: string) => void;
}

/** Answers `req` and returns true, or returns false without touching it (fastify takes it then). */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const TIMESTAMP_PREFIX = '/timestamp/';
const EMPTY = Buffer.alloc(0);

/** Builds the fast path. */
export function createFastPath(opts: FastPathOptions): FastPath {
  const { isAccepting, observe } = opts;

  const finish = (res: ServerResponse, answer: Answer, route: string, method: string, started: number): void => {
    try {
      writeAnswer(res, answer, method === 'POST');
      observe(route, method, answer.status, (performance.now() - started) / 1000);
    } catch (err) {
      opts.onError(err, method, route);
      res.destroy();
    }
  };

  const submit = (res: ServerResponse, digest: Buffer, started: number): void => {
    opts.submit(digest, '/digest', (answer) => finish(res, answer, '/digest', 'POST', started));
  };

  const takeDigest = (req: IncomingMessage, res: ServerResponse): boolean => {
    // Only the plain case; fastify keeps the reference's 400/404 answers and the 413 limit.
    if (req.url !== '/digest' || req.headers['transfer-encoding'] !== undefined) return false;
    const length = req.headers['content-length'];
    if (length === undefined) return false;
    // Node's parser has already refused a Content-Length that is not a plain decimal number.
    const expected = Number(length);
    if (!(expected <= MAX_DIGEST_BYTES)) return false;
    const started = performance.now();
    if (expected === 0) {
      submit(res, EMPTY, started);
      return true;
    }
    // The body is at most 64 bytes, nearly always one chunk. Submit once all of it is here rather than
    // on 'end', which Node emits a tick later; a client that leaves early submits nothing.
    let body: Buffer | undefined;
    req.on('data', (chunk: Buffer) => {
      body = body === undefined ? chunk : Buffer.concat([body, chunk]);
      if (body.length === expected) submit(res, body, started);
    });
    return true;
  };

  const takeTimestamp = (req: IncomingMessage, res: ServerResponse, url: string): boolean => {
    const started = performance.now();
    const answer = opts.timestamp(url.slice(TIMESTAMP_PREFIX.length), req.headers['if-none-match'], url);
    if (answer instanceof Promise) void answer.then((a) => finish(res, a, '/timestamp/*', 'GET', started));
    else finish(res, answer, '/timestamp/*', 'GET', started);
    return true;
  };

  return (req, res) => {
    if (!isAccepting()) return false;
    const url = req.url ?? '';
    try {
      if (req.method === 'POST') return takeDigest(req, res);
      if (req.method === 'GET' && url.startsWith(TIMESTAMP_PREFIX)) return takeTimestamp(req, res, url);
    } catch (err) {
      // One request's bug must not take the server down with every connection it holds.
      opts.onError(err, req.method ?? '', url);
      res.destroy();
      return true;
    }
    return false;
  };
}
