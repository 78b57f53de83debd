// An HTTP front process (started by http-fronts.ts): accepts connections on the daemon's own listening
// socket and answers the two hot routes itself, with the same fast path the daemon runs. Digests go to
// the daemon over IPC and are answered with the proof the daemon sends back once the round is durable,
// so a 200 here means what it means there. Stored proofs are cached here; everything else is forwarded
// to the daemon (front-proxy.ts). The front lives only as long as the daemon: if the IPC channel
// closes, it exits at once (its clients see a closed connection, never a 200 without durability).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { createFastPath, type FastPathOptions } from './fast-path.js';
import type { Answer } from './answer.js';
import { answerClientError, createNodeServer } from './build-server.js';
import { createProxy } from './front-proxy.js';
import { type FrontConfig, type FrontLogLevel, pack, revive, type ToFront, type ToHost, unpack } from './front-protocol.js';
import { proofAnswer } from './routes/digest.js';
import { TimestampAnswers } from './timestamp-answers.js';

/** How often observations for /metrics go to the daemon. */
const OBSERVE_FLUSH_MS = 1000;
/** A drained front exits after this even if a client still holds a request open. */
const DRAIN_LIMIT_MS = 15_000;

const send = (msg: ToHost): void => {
  if (process.connected) process.send!(msg);
};

/** Requests waiting for the daemon, by id; batched out once per event-loop turn. */
const waiting = new Map<number, (answer: Answer) => void>();
let nextId = 1;

/** One kind of request gathered for the next batch. */
class Outgoing<T> {
  ids: number[] = [];
  items: T[] = [];

  /** This turn's requests, leaving the batch empty. */
  take(): { ids: number[]; items: T[] } {
    const taken = { ids: this.ids, items: this.items };
    this.ids = [];
    this.items = [];
    return taken;
  }
}
const submits = new Outgoing<Buffer>();
const lookups = new Outgoing<string>();
let flushQueued = false;

function flushRequests(): void {
  flushQueued = false;
  const digests = submits.take();
  const hexes = lookups.take();
  if (digests.ids.length > 0) send({ t: 'submit', ids: digests.ids, digests: pack(digests.items) });
  if (hexes.ids.length > 0) send({ t: 'timestamp', ids: hexes.ids, hexes: hexes.items });
}

/** Queues `item` in `batch` and resolves with the daemon's answer to it. */
function ask<T>(batch: Outgoing<T>, item: T): Promise<Answer> {
  return new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    if (!flushQueued) {
      flushQueued = true;
      setImmediate(flushRequests);
    }
    batch.ids.push(id);
    batch.items.push(item);
  });
}

function settle(id: number, answer: Answer): void {
  const resolve = waiting.get(id);
  waiting.delete(id);
  resolve?.(answer);
}

const log = (level: FrontLogLevel, obj: Record<string, unknown>, msg: string): void => send({ t: 'log', level, obj: { ...obj, front: process.pid }, msg });

let server: Server | undefined;
let accepting = true;
let observed: [string, string, number, number][] = [];

function start(config: FrontConfig, handle: Server): void {
  // A stored proof the daemon sent is cached here like there; anything else is the daemon's answer.
  const answers = new TimestampAnswers(async (msg) => {
    const answer = await ask(lookups, msg.toString('hex'));
    return answer.status === 200 && answer.etag !== undefined && Buffer.isBuffer(answer.body) ? { body: answer.body, etag: answer.etag } : answer;
  });
  const hot: FastPathOptions = {
    submit: (digest, _url, done) => void ask(submits, digest).then(done),
    timestamp: (hex, ifNoneMatch) => answers.answer(hex, ifNoneMatch),
    isAccepting: () => accepting,
    observe: (route, method, status, seconds) => void observed.push([route, method, status, seconds]),
    onError: (err, method, url) => log('error', { err: { message: (err as Error).message }, method, url }, 'HTTP front failed on a request'),
  };
  const fastPath = createFastPath(hot);
  const proxy = createProxy(config.internalPath, config.maxBodyBytes, (err, req) =>
    log('error', { err: { message: err.message }, method: req.method, url: req.url }, 'forwarding to the daemon failed'),
  );
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      if (!fastPath(req, res)) proxy(req, res);
    } catch (err) {
      // Never let one request take the front down with every connection it holds.
      log('error', { err: { message: (err as Error).message }, method: req.method, url: req.url }, 'HTTP front failed on a request');
      res.destroy();
    }
  };
  const http = createNodeServer(handler, config.maxHeaderBytes, config.timeouts, hot);
  http.on('clientError', (err, socket) => answerClientError(err, socket as Socket, config.maxHeaderBytes));
  setInterval(flushObserved, OBSERVE_FLUSH_MS).unref();
  http.listen(handle, config.backlog, () => send({ t: 'ready' }));
  server = http;
}

function flushObserved(): void {
  if (observed.length === 0) return;
  send({ t: 'observed', rows: observed });
  observed = [];
}

/** Stops accepting, lets requests in flight finish (the daemon keeps its rounds going), then exits. */
function drain(): void {
  accepting = false;
  // The last observations go out before the process does (process.send is asynchronous).
  const exit = () => {
    if (observed.length > 0 && process.connected) process.send!({ t: 'observed', rows: observed } satisfies ToHost, () => process.exit(0));
    else process.exit(0);
  };
  if (server === undefined) return exit();
  const http = server as Server & { closeIdleConnections(): void };
  http.close(exit);
  // Connections go idle as their last answers leave; close them as they do.
  setInterval(() => http.closeIdleConnections(), 100).unref();
  setTimeout(exit, DRAIN_LIMIT_MS).unref();
}

process.on('message', (msg: ToFront, handle: unknown) => {
  if (msg.t === 'start') start(msg.config, handle as Server);
  else if (msg.t === 'proofs') unpack(msg.proofs).forEach((proof, i) => settle(msg.ids[i]!, proofAnswer(proof)));
  else if (msg.t === 'answers') msg.answers.forEach((answer, i) => settle(msg.ids[i]!, revive(answer)));
  else if (msg.t === 'drain') drain();
});
// The daemon is gone (or killed): nothing here can be answered truthfully any more.
process.on('disconnect', () => process.exit(0));
// A Ctrl-C or a service manager signals the whole process group: the daemon decides when a front
// stops ('drain', after its requests are answered), so the signals that would end it early are ignored.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
