// The raw lane on a real Node server on 127.0.0.1: what it answers itself, when it hands a connection to
// Node's HTTP server (whose handler here marks its answers), and how it keeps Node's connection rules:
// order of pipelined answers, Connection: close, idle timeout, shutdown, clients that do not read.
// That its answers are byte for byte those of the fastify routes is fast-path.test.ts's table.
import assert from 'node:assert/strict';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import type { Answer } from './answer.js';
import { createNodeServer, DEFAULT_TIMEOUTS, type ServerTimeouts } from './build-server.js';
import type { FastPathOptions } from './fast-path.js';
import { parseResponse } from '../../test/support/raw-http.js';

const PROOF: Answer = { status: 200, type: 'application/octet-stream', body: Buffer.from('proof') };
const STORED: Answer = { status: 200, type: 'application/octet-stream', cacheControl: 'public, max-age=3600', etag: '"e"', body: Buffer.from('stored') };

/** A lane over canned answers; digests are answered `roundMs` after they arrive. */
function startLane(t: TestContext, opts: { roundMs?: number; timeouts?: Partial<ServerTimeouts>; accepting?: () => boolean } = {}) {
  const submitted: string[] = [];
  const viaNode: string[] = [];
  const errors: unknown[] = [];
  const hot: FastPathOptions = {
    submit: (digest, _url, done) => {
      submitted.push(digest.toString('latin1'));
      setTimeout(() => done(PROOF), opts.roundMs ?? 10);
    },
    timestamp: (hex) => {
      if (hex === 'b00b') throw new Error('a bug in an answer');
      return hex === 'aa' ? STORED : { status: 404, type: 'text/plain', cacheControl: 'public, max-age=60', body: 'Not found' };
    },
    isAccepting: opts.accepting ?? (() => true),
    observe: () => {},
    onError: (err) => void errors.push(err),
  };
  // Node's side answers every request it gets with a marker, after reading the whole body.
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      viaNode.push(`${req.method} ${req.url} ${body}`);
      const text = `node saw ${body.length} bytes`;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': text.length, 'x-via': 'node' });
      res.end(text);
    });
  };
  const server = createNodeServer(handler, 16 * 1024, { ...DEFAULT_TIMEOUTS, ...opts.timeouts }, hot);
  return new Promise<{ server: Server; port: number; submitted: string[]; viaNode: string[]; errors: unknown[] }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      t.after(() => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))));
      resolve({ server, port: (server.address() as { port: number }).port, submitted, viaNode, errors });
    });
  });
}

interface Parsed {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One connection: writes each step (bytes, or a pause in ms), then reads `count` answers or until close. */
async function converse(port: number, steps: (string | number)[], count: number, opts: { readAfterMs?: number } = {}) {
  const socket = connect(port, '127.0.0.1');
  const answers: Parsed[] = [];
  let data = Buffer.alloc(0);
  let closed = false;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out with ${answers.length} of ${count} answers`)), 5000);
    const take = () => {
      for (;;) {
        const parsed = parseOne(data);
        if (parsed === undefined) break;
        answers.push(parsed.answer);
        data = data.subarray(parsed.end);
      }
      if (answers.length >= count || closed) {
        clearTimeout(timer);
        resolve();
      }
    };
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      take();
    });
    socket.on('close', () => {
      closed = true;
      take();
    });
    socket.on('error', () => {});
  });
  if (opts.readAfterMs !== undefined) {
    socket.pause();
    setTimeout(() => socket.resume(), opts.readAfterMs);
  }
  await new Promise((resolve) => socket.once('connect', resolve));
  for (const step of steps) {
    if (typeof step === 'number') await new Promise((resolve) => setTimeout(resolve, step));
    else socket.write(step, 'latin1');
  }
  await done;
  return { answers, socket, closed: () => closed };
}

/** The first complete answer in `data` (every answer here carries Content-Length), with where it ends. */
function parseOne(data: Buffer): { answer: Parsed; end: number } | undefined {
  const parsed = parseResponse(data);
  if (!parsed?.complete) return undefined;
  return { answer: { status: parsed.status, headers: parsed.headers, body: parsed.body.toString('latin1') }, end: parsed.end };
}

const digest = (body: string, headers = '') => `POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n${headers}\r\n${body}`;
const lookup = (hex: string, headers = '') => `GET /timestamp/${hex} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`;
const options = 'OPTIONS /digest HTTP/1.1\r\nHost: x\r\n\r\n';

describe('raw lane', () => {
  it('answers pipelined hot requests itself, in order, keeping the connection open', async (t) => {
    const lane = await startLane(t, { roundMs: 30 });
    const { answers, socket, closed } = await converse(lane.port, [digest('d1') + lookup('aa') + digest('d2') + lookup('bb')], 4);
    socket.destroy();
    assert.deepEqual(
      answers.map((a) => [a.status, a.body]),
      [
        [200, 'proof'],
        [200, 'stored'],
        [200, 'proof'],
        [404, 'Not found'],
      ],
    );
    assert.deepEqual(lane.viaNode, []);
    assert.deepEqual(lane.submitted, ['d1', 'd2']);
    assert.equal(closed(), false);
    const first = answers[0]!.headers;
    assert.equal(first.connection, 'keep-alive');
    assert.equal(first['keep-alive'], `timeout=${DEFAULT_TIMEOUTS.keepAliveMs / 1000}`);
    assert.equal(first['cache-control'], 'no-store');
    assert.equal(first['access-control-allow-origin'], '*');
    assert.match(first.date!, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.equal(answers[1]!.headers.etag, '"e"');
  });

  it('hands the connection to Node at the first other request, with the bytes already read', async (t) => {
    const lane = await startLane(t);
    const { answers, socket } = await converse(lane.port, [lookup('aa'), 50, options + digest('d1') + lookup('aa')], 4);
    socket.destroy();
    assert.deepEqual(
      answers.map((a) => [a.status, a.headers['x-via'] ?? 'lane']),
      [
        [200, 'lane'],
        [200, 'node'],
        [200, 'node'],
        [200, 'node'],
      ],
    );
    assert.deepEqual(lane.viaNode, ['OPTIONS /digest ', 'POST /digest d1', 'GET /timestamp/aa ']);
  });

  it('waits one read for the rest of a request cut short (a body sent after its headers)', async (t) => {
    const lane = await startLane(t);
    const request = digest('y'.repeat(32));
    const { answers, socket } = await converse(lane.port, [request.slice(0, -32), 30, request.slice(-32)], 1);
    socket.destroy();
    assert.equal(answers[0]!.body, 'proof');
    assert.deepEqual(lane.submitted, ['y'.repeat(32)]);
    assert.deepEqual(lane.viaNode, []);
  });

  it('hands over a request whose bytes trickle in over more reads, and Node reads all of them', async (t) => {
    const lane = await startLane(t);
    const request = digest('x'.repeat(32));
    const { answers, socket } = await converse(lane.port, [request.slice(0, 20), 30, request.slice(20, -5), 30, request.slice(-5)], 1);
    socket.destroy();
    assert.equal(answers[0]!.body, 'node saw 32 bytes');
    assert.deepEqual(lane.viaNode, [`POST /digest ${'x'.repeat(32)}`]);
  });

  it('answers Connection: close with Connection: close, closes, and ignores what follows', async (t) => {
    const lane = await startLane(t);
    const { answers, closed } = await converse(lane.port, [digest('d1', 'Connection: close\r\n') + digest('d2')], 2);
    assert.equal(answers.length, 1);
    assert.equal(answers[0]!.headers.connection, 'close');
    assert.equal(closed(), true);
    assert.deepEqual(lane.submitted, ['d1']);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async (t) => {
    const lane = await startLane(t, { timeouts: { keepAliveMs: 150 } });
    const started = performance.now();
    const { answers, closed } = await converse(lane.port, [lookup('aa')], 2);
    assert.equal(answers.length, 1);
    assert.equal(closed(), true);
    assert.ok(performance.now() - started >= 140, 'not before the timeout');
  });

  it('declines while the server is not accepting, so Node (fastify: the coded 503) answers', async (t) => {
    const lane = await startLane(t, { accepting: () => false });
    const { answers, socket } = await converse(lane.port, [digest('d1')], 1);
    socket.destroy();
    assert.equal(answers[0]!.headers['x-via'], 'node');
    assert.deepEqual(lane.submitted, []);
  });

  it('on close: idle connections end at once, a pending digest is answered with Connection: close', async (t) => {
    const lane = await startLane(t, { roundMs: 200 });
    const idle = await converse(lane.port, [lookup('aa')], 1);
    const pending = converse(lane.port, [digest('d1')], 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = new Promise<void>((resolve) => lane.server.close(() => resolve()));
    const { answers, closed } = await pending;
    await closing;
    assert.equal(answers[0]!.status, 200);
    assert.equal(answers[0]!.headers.connection, 'close');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(closed(), true);
    assert.equal(idle.closed(), true);
  });

  it('stops reading from a client that does not read its answers, and answers all once it does', async (t) => {
    const lane = await startLane(t);
    // 3,000 pipelined lookups, about 1 MB of answers: more than the socket buffers hold.
    const many = lookup('aa').repeat(3000);
    const { answers, socket } = await converse(lane.port, [many], 3000, { readAfterMs: 300 });
    socket.destroy();
    assert.equal(answers.length, 3000);
    assert.deepEqual([...new Set(answers.map((a) => `${a.status} ${a.body} ${a.headers['x-via']}`))], ['200 stored undefined']);
    assert.deepEqual(lane.viaNode, []);
  });

  it('submits the digest of a client that leaves before its answer, and goes on serving others', async (t) => {
    const lane = await startLane(t, { roundMs: 50 });
    const socket: Socket = connect(lane.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.end(digest('gone'));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { answers, socket: other } = await converse(lane.port, [digest('d2')], 1);
    other.destroy();
    assert.equal(answers[0]!.status, 200);
    assert.deepEqual(lane.submitted, ['gone', 'd2']);
  });

  it('closes the connection of a request whose answer throws (a bug), reports it, and serves others', async (t) => {
    const lane = await startLane(t);
    const broken = await converse(lane.port, [lookup('b00b')], 1);
    assert.equal(broken.answers.length, 0);
    assert.equal(broken.closed(), true);
    assert.equal((lane.errors[0] as Error).message, 'a bug in an answer');
    const { answers, socket } = await converse(lane.port, [lookup('aa')], 1);
    socket.destroy();
    assert.equal(answers[0]!.body, 'stored');
  });
});
