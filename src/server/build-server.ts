// The HTTP API (SPEC §9) as a fastify app: one plugin per route group, the error handler and the
// header hooks in one place each, and the Node server limits (timeouts, header size) set here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { BitcoinApi, CalendarApi } from './calendar-api.js';
import type { Answer } from './answer.js';
import { errorAnswer, sendError } from './error-handler.js';
import { serverErrors } from './errors.js';
import { createFastPath, type FastPathOptions } from './fast-path.js';
import { attachRawLane } from './raw-lane.js';
import { type FrontHostParts, registerFrontHost } from './http-fronts.js';
import { ALLOWED_METHODS, headerHooks } from './hooks.js';
import { createMetrics, metricsRoute } from './metrics.js';
import { welcomeRoute } from './pages/welcome-route.js';
import { CACHE, sendPlain } from './plain.js';
import { type BackupApi, backupRoute } from './routes/backup.js';
import { type ReplicationLogApi, replicationLogRoute } from './routes/replication-log.js';
import { digestRoute, proofAnswer } from './routes/digest.js';
import { healthRoute } from './routes/health.js';
import { timestampRoute } from './routes/timestamp.js';
import { tipRoute } from './routes/tip.js';
import { storeLoader, TimestampAnswers } from './timestamp-answers.js';

/** Limits on slow or idle clients; each guards a connection slot against a different stall. */
export interface ServerTimeouts {
  /** Whole request headers must arrive within this (Node `headersTimeout`). */
  headersMs: number;
  /** Whole request (headers and body) must arrive within this (Node `requestTimeout`). */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** A socket with no traffic at all is destroyed after this; must exceed a round plus its fsync. */
  idleMs: number;
  /** How often Node checks the two request timeouts. */
  checkIntervalMs: number;
}

/** Defaults: generous for a 1 s round, tight enough that a slow client cannot hold a slot for long. */
export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  idleMs: 60_000,
  checkIntervalMs: 1_000,
};

/** A request body past this is refused with 413 from its Content-Length, never buffered. */
export const DEFAULT_MAX_BODY_BYTES = 1024;
/** Node's default header limit; larger headers get 431. */
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

/** What the server is built from: the calendar, the optional Bitcoin side, a logger, limits. */
export interface ServerOptions {
  calendar: CalendarApi;
  bitcoin?: BitcoinApi | undefined;
  /** The backup exporter (SPEC §9.6); without it every chunk answers 404 like an incomplete one. */
  backup?: BackupApi | undefined;
  /** The replication log (docs/replication.md), served at GET /experimental/log when given. */
  replicationLog?: ReplicationLogApi | undefined;
  /** pino logger for errors and refusals (default: silent); per-request logging stays off (hot path). */
  logger?: Logger | undefined;
  version: string;
  /** The calendar's donation_addr, shown with a QR code on the welcome page. */
  donationAddress?: string | undefined;
  /** Network named on the welcome page when no stamper reports one. */
  network?: string | undefined;
  /** Adds prom-client's process_* and nodejs_* series to /metrics (the daemon; tests leave it off). */
  processMetrics?: boolean;
  maxBodyBytes?: number;
  maxHeaderBytes?: number;
  timeouts?: Partial<ServerTimeouts>;
  /**
   * Answers POST /digest and GET /timestamp straight on Node's server, ahead of fastify (fast-path.ts;
   * default true). Off, fastify answers them with the same bytes; tests compare the two.
   */
  fastPath?: boolean;
  /**
   * Answers plain keep-alive requests to the two hot routes straight off the socket, below Node's HTTP
   * server (raw-lane.ts; default true, and off whenever `fastPath` is off).
   */
  rawLane?: boolean;
}

/** Builds the app; call `listen` on it. Closing it stops accepting and waits for answers in flight. */
export function buildServer(opts: ServerOptions): FastifyInstance {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxHeaderBytes = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const log = opts.logger ?? pino({ level: 'silent' });
  const { calendar, bitcoin } = opts;
  const metrics = createMetrics({ calendar, bitcoin, version: opts.version }, { processMetrics: opts.processMetrics ?? false });
  const answers = new TimestampAnswers(storeLoader(calendar, bitcoin));
  let isAccepting = true;
  const submit = (digest: Buffer, url: string): Promise<Answer> =>
    calendar.submit(digest).then(proofAnswer, (err: Error) => errorAnswer(err, 'POST', url, log));
  const timestamp = (hex: string, ifNoneMatch: string | undefined, url: string): Answer | Promise<Answer> => {
    const answer = answers.answer(hex, ifNoneMatch);
    return answer instanceof Promise ? answer.catch((err: Error) => errorAnswer(err, 'GET', url, log)) : answer;
  };
  const submitWith = (digest: Buffer, url: string, done: (answer: Answer) => void): void =>
    calendar.submitWith(digest, (err, proof) => done(err === undefined ? proofAnswer(proof!) : errorAnswer(err, 'POST', url, log)));
  const hot: FastPathOptions = {
    submit: submitWith,
    timestamp,
    isAccepting: () => isAccepting,
    observe: metrics.observeRequest,
    onError: (err, method, url) => log.error({ err, method, url }, 'the hot path failed on a request; its connection was closed'),
  };
  const fastPath = opts.fastPath === false ? undefined : createFastPath(hot);
  const lane = fastPath !== undefined && opts.rawLane !== false ? hot : undefined;
  const app = Fastify({
    // No per-request logger: fastify would build a pino child for every request (hot path). Errors
    // are logged by the error handler with the logger given here.
    logger: false,
    bodyLimit: maxBodyBytes,
    return503OnClosing: false,
    clientErrorHandler: (err, socket) => answerClientError(err, socket, maxHeaderBytes),
    // The Node server (its limits and timeouts) is made here, not from fastify's server options.
    serverFactory: (handler) =>
      createNodeServer(fastPath === undefined ? handler : (req, res) => fastPath(req, res) || handler(req, res), maxHeaderBytes, timeouts, lane),
  });
  const frontHost: FrontHostParts = { submit, timestamp, observe: metrics.observeRequest, log, maxHeaderBytes, maxBodyBytes, timeouts };
  registerFrontHost(app, frontHost);
  app.addHook('preClose', async () => {
    isAccepting = false;
    // HTTP fronts finish their requests while the calendar still runs rounds (it closes after us).
    await frontHost.running?.drain();
  });
  app.addHook('onClose', async () => {
    await frontHost.running?.close();
  });

  app.setErrorHandler((err: FastifyError, req, reply) => sendError(err, req, reply, log));
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'POST') return sendPlain(reply, 404, 'not found', CACHE.unknownPath);
    if (req.method === 'GET' || req.method === 'HEAD') {
      // Without a backup exporter (SPEC §9.6) every chunk reads as incomplete, as in the reference.
      if (req.url.startsWith('/experimental/backup/')) return sendPlain(reply, 404, '', CACHE.pending);
      return sendPlain(reply, 404, 'Not found', CACHE.unknownPath);
    }
    reply.header('allow', ALLOWED_METHODS);
    throw serverErrors.OTS_ERR_HTTP_METHOD_NOT_ALLOWED(req.method);
  });

  // The closing check lives in the header hooks' onRequest (one app-wide hook instead of two).
  app.register(headerHooks, { isAccepting: () => isAccepting });
  app.register(digestRoute, { calendar, maxBodyBytes });
  app.register(timestampRoute, { answers });
  app.register(tipRoute, { bitcoin });
  const { version, donationAddress, network } = opts;
  app.register(welcomeRoute, { calendar, bitcoin, version, donationAddress, network });
  app.register(metricsRoute, { metrics });
  app.register(healthRoute, { bitcoin, isAccepting: () => isAccepting });
  if (opts.backup) app.register(backupRoute, { backup: opts.backup });
  if (opts.replicationLog) app.register(replicationLogRoute, { log: opts.replicationLog });
  return app;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Node's HTTP server with the API's limits: header size (431 past it) and every timeout, and, given
 * `lane`, the raw lane in front of it. The daemon's server (behind fastify's serverFactory) and an HTTP
 * front's are made here alike.
 */
export function createNodeServer(handler: Handler, maxHeaderBytes: number, timeouts: ServerTimeouts, lane?: FastPathOptions): Server {
  const server = createServer(
    { maxHeaderSize: maxHeaderBytes, headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkIntervalMs },
    handler,
  );
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.requestTimeout = timeouts.requestMs;
  server.setTimeout(timeouts.idleMs);
  if (lane !== undefined) attachRawLane(server, { ...lane, maxHeaderBytes, keepAliveMs: timeouts.keepAliveMs, idleMs: timeouts.idleMs });
  return server;
}

/** Answers protocol-level refusals (before fastify routes) with our coded JSON, then closes. */
export function answerClientError(err: Error & { code?: string }, socket: Socket, maxHeaderBytes: number): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? serverErrors.OTS_ERR_HTTP_TIMEOUT()
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? serverErrors.OTS_ERR_HTTP_HEADERS_TOO_LARGE(maxHeaderBytes)
        : serverErrors.OTS_ERR_HTTP_MALFORMED();
  const body = JSON.stringify({ code: error.code, message: error.message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${error.statusCode} ${STATUS_TEXT[error.statusCode] ?? 'Error'}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
