// A mirror following a real upstream calendar over loopback (SPEC §9.6): sync from scratch, live
// following, upstream restarts, truncated and tampered chunks, a locked store, identical GET answers.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { truncateSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { pino } from 'pino';
import { encodeChunk, Mirror, parseChunk } from '../../src/calendar/index.js';
import { toHex } from '../../src/core/index.js';
import { buildMirrorServer } from '../../src/server/index.js';
import { tempDir } from '../support/temp.js';
import { startProxy, startUpstream, TestChain } from './mirror-support.js';

const CHUNK = 4;
const log = pino({ level: 'silent' });

async function openMirror(t: TestContext, upstream: string, opts: { dir?: string; chain?: TestChain } = {}) {
  const mirror = await Mirror.open({
    dir: opts.dir ?? tempDir(t, 'ots-mirror-'),
    upstream,
    logger: log,
    chunkSize: CHUNK,
    headers: opts.chain,
    pollMs: 10,
    backoffMinMs: 5,
    backoffMaxMs: 40,
    fetchTimeoutMs: 5_000,
  });
  t.after(() => mirror.close());
  return mirror;
}

/** Resolves with the next 'problem' error of the mirror. */
function nextProblem(mirror: Mirror): Promise<{ code: string }> {
  return once(mirror, 'problem').then(([err]) => err as { code: string });
}

async function waitForChunk(mirror: Mirror, n: number): Promise<void> {
  while (mirror.status().nextChunk <= n) await once(mirror, 'chunk');
}

describe('mirror', () => {
  it('syncs from scratch and answers GET /timestamp exactly like the upstream', async (t) => {
    const chain = new TestChain();
    const up = await startUpstream(t, { chunkSize: CHUNK, chain });
    const stamped = [...(await up.addStamped(5, 800_001)), ...(await up.addStamped(5, 800_002))];
    const mirror = await openMirror(t, up.base, { chain });
    assert.equal(await mirror.syncOnce(), 2);
    const status = mirror.status();
    assert.equal(status.nextChunk, 2);
    assert.equal(status.commitments, 8);
    assert.equal(status.chunksBehind, 0);
    assert.equal(status.commitmentsBehind, 2, 'two stamped commitments wait for a full chunk');
    assert.ok(status.verifiedAttestations >= 2);
    assert.equal(status.unverifiedAttestations, 0);

    const app = buildMirrorServer({ mirror, backup: mirror.exporter(), version: 'test' });
    t.after(() => app.close());
    const tree = up.calendar.store.get(stamped[0]!)!;
    const probes = [...stamped.slice(0, 8), ...[...tree.nodes()].slice(1, 6).map((n) => n.msg), stamped[9]!, new Uint8Array(32)];
    for (const msg of probes) {
      const url = `/timestamp/${toHex(msg)}`;
      const [a, b] = await Promise.all([up.app.inject({ method: 'GET', url }), app.inject({ method: 'GET', url })]);
      if (msg === stamped[9]) {
        assert.equal(a.statusCode, 200);
        assert.equal(b.statusCode, 404, 'its chunk is not complete upstream yet');
        continue;
      }
      assert.equal(b.statusCode, a.statusCode, url);
      assert.equal(b.rawPayload.toString('hex'), a.rawPayload.toString('hex'), url);
      assert.equal(b.headers['cache-control'], a.headers['cache-control']);
    }
    for (const n of [0, 1, 2]) {
      const url = `/experimental/backup/${n}`;
      const [a, b] = await Promise.all([up.app.inject({ method: 'GET', url }), app.inject({ method: 'GET', url })]);
      assert.equal(b.statusCode, a.statusCode, url);
      assert.equal(b.rawPayload.toString('hex'), a.rawPayload.toString('hex'), `a mirror serves the upstream's chunk ${n} byte for byte`);
    }
    const post = await app.inject({ method: 'POST', url: '/digest', payload: Buffer.alloc(32), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(post.statusCode, 503);
    assert.equal(post.json().code, 'OTS_ERR_MIRROR_READ_ONLY');
    const stats = await app.inject({ method: 'GET', url: '/mirror/stats' });
    assert.equal(stats.json().nextChunk, 2);
    const metrics = await app.inject({ method: 'GET', url: '/mirror/metrics' });
    assert.match(metrics.body, /^otsd_mirror_commitments_behind 2$/m);
    assert.match(metrics.body, /^otsd_mirror_next_chunk 2$/m);
  });

  it('follows new rounds live, survives an upstream restart and resumes from its saved offset', async (t) => {
    const chain = new TestChain();
    const up = await startUpstream(t, { chunkSize: CHUNK, chain });
    await up.addStamped(4, 800_010);
    const dir = tempDir(t, 'ots-mirror-');
    const mirror = await openMirror(t, up.base, { dir, chain });
    mirror.start();
    await waitForChunk(mirror, 0);

    await up.addStamped(4, 800_011);
    await waitForChunk(mirror, 1);

    await up.stop();
    assert.equal((await nextProblem(mirror)).code, 'OTS_ERR_MIRROR_UPSTREAM_UNREACHABLE');
    const again = await startUpstream(t, { chunkSize: CHUNK, chain, dir: up.dir, port: up.port });
    await again.addStamped(4, 800_012);
    await waitForChunk(mirror, 2);
    assert.equal(mirror.status().lastError?.code, 'OTS_ERR_MIRROR_UPSTREAM_UNREACHABLE');

    await mirror.close();
    const reopened = await openMirror(t, up.base, { dir, chain });
    assert.equal(reopened.status().nextChunk, 3);
    assert.equal(reopened.status().commitments, 12);
    assert.equal(await reopened.syncOnce(), 0);
    await reopened.close();

    // A journal that lost its last chunk and a half (an older copy put back): those chunks are fetched again.
    truncateSync(join(dir, 'journal'), 6 * 44);
    const behind = await openMirror(t, up.base, { dir, chain });
    assert.equal(behind.status().nextChunk, 1);
    assert.equal(await behind.syncOnce(), 2);
    assert.equal(behind.status().commitments, 12);
  });

  it('retries truncated chunks and stores nothing of them', async (t) => {
    const chain = new TestChain();
    const up = await startUpstream(t, { chunkSize: CHUNK, chain });
    const commitments = await up.addStamped(4, 800_020);
    const proxy = await startProxy(t, () => up.base);
    const mirror = await openMirror(t, proxy.base, { chain });
    for (const mode of ['cut-connection', 'cut-clean'] as const) {
      proxy.mode = mode;
      await assert.rejects(mirror.syncOnce(), (err: { code: string }) => /^OTS_ERR_BACKUP_CHUNK_(TRUNCATED|INCOMPLETE)$/.test(err.code));
      assert.equal(mirror.status().nextChunk, 0);
      assert.equal(await mirror.getTimestamp(commitments[0]!), undefined, 'nothing of a refused chunk is stored');
    }
    assert.equal(mirror.status().rejectedChunks, 2);
    proxy.mode = 'down';
    await assert.rejects(mirror.syncOnce(), { code: 'OTS_ERR_MIRROR_UPSTREAM_STATUS' });
    proxy.mode = 'pass';
    mirror.start();
    await waitForChunk(mirror, 0);
    assert.ok(await mirror.getTimestamp(commitments[0]!));
  });

  it('refuses a tampered merkle path and a tampered Bitcoin attestation', async (t) => {
    const chain = new TestChain();
    const up = await startUpstream(t, { chunkSize: CHUNK, chain });
    await up.addStamped(4, 800_030);
    const proxy = await startProxy(t, () => up.base);
    const mirror = await openMirror(t, proxy.base, { chain });
    proxy.mode = 'tamper';
    const rewrite = (pick: (hex: string) => boolean, edit: (v: Uint8Array) => void) => (body: Buffer) => {
      const entries = parseChunk(body).map((e) => ({ key: e.key, value: new Uint8Array(e.value) }));
      edit(entries.find((e) => pick(toHex(e.value)))!.value);
      return Buffer.from(encodeChunk(entries));
    };
    // An append with a 32-byte argument is a merkle path step: flip a bit of the sibling hash.
    proxy.tamper = rewrite((h) => h.startsWith('0001f020'), (v) => (v[10]! ^= 1));
    await assert.rejects(mirror.syncOnce(), { code: 'OTS_ERR_BACKUP_CHUNK_INCOMPLETE' });
    // Move the attestation to the next block: every op still evaluates, only the header check sees it.
    chain.roots.set(800_031, new Uint8Array(32).fill(9));
    proxy.tamper = rewrite((h) => h.startsWith('010588960d73d719'), (v) => (v[v.length - 4]! += 1));
    await assert.rejects(mirror.syncOnce(), { code: 'OTS_ERR_BACKUP_ATTESTATION_MISMATCH' });
    assert.equal(mirror.status().nextChunk, 0);
    assert.equal(mirror.status().rejectedChunks, 2);
    proxy.mode = 'pass';
    assert.equal(await mirror.syncOnce(), 1);
  });

  it('follows an upstream that answers like the Python otsd (HTTP/1.0, no Content-Length, no hints)', async (t) => {
    const chain = new TestChain();
    const up = await startUpstream(t, { chunkSize: CHUNK, chain });
    await up.addStamped(8, 800_040);
    // The reference's BaseHTTPRequestHandler: status line, headers, body delimited by closing the socket.
    const python = createServer((socket) => {
      socket.once('data', async (request: Buffer) => {
        const n = Number(/^GET \/experimental\/backup\/(\d+) /.exec(request.toString('latin1'))?.[1] ?? NaN);
        const body = Number.isInteger(n) ? await up.exporter.chunk(n) : undefined;
        if (body === undefined) {
          socket.end('HTTP/1.0 404 Not Found\r\nServer: BaseHTTP/0.6 Python/3.11\r\nContent-type: text/plain\r\nCache-Control: public, max-age=60\r\n\r\n');
          return;
        }
        socket.write('HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11\r\nContent-type: application/octet-stream\r\nCache-Control: public, max-age=31536000\r\n\r\n');
        socket.end(Buffer.from(body));
      });
    });
    await new Promise<void>((resolve) => python.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => python.close(() => resolve())));
    const mirror = await openMirror(t, `http://127.0.0.1:${(python.address() as AddressInfo).port}`, { chain });
    assert.equal(await mirror.syncOnce(), 2);
    assert.equal(mirror.status().commitmentsBehind, null, 'a Python upstream sends no journal length');
    assert.equal(mirror.status().chunksBehind, 0, 'caught up: its next chunk answered 404');
  });

  it('says the store is locked when another mirror holds the directory', async (t) => {
    const dir = tempDir(t, 'ots-mirror-');
    await openMirror(t, 'http://127.0.0.1:9', { dir });
    await assert.rejects(openMirror(t, 'http://127.0.0.1:9', { dir }), { code: 'OTS_ERR_STORE_LOCKED' });
  });

  it('refuses to follow another upstream in the same directory', async (t) => {
    const dir = tempDir(t, 'ots-mirror-');
    const first = await openMirror(t, 'http://127.0.0.1:9', { dir });
    await first.close();
    await assert.rejects(openMirror(t, 'http://127.0.0.1:10', { dir }), { code: 'OTS_ERR_MIRROR_UPSTREAM_CHANGED' });
  });
});
