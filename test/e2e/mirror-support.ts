// Helpers for the mirror tests and benchmark: Bitcoin-attested trees built with core functions (no
// Bitcoin node), an upstream calendar serving backups on 127.0.0.1, and a proxy that damages chunks.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { attachReplicationLog, BackupExporter, Calendar, type HeaderSource, initCalendarDir } from '../../src/calendar/index.js';
import { bitcoinAttestation, bitcoinMerklePath, concatBytes, makeMerkleTree, ops, sha256d, Timestamp } from '../../src/core/index.js';
import { buildServer } from '../../src/server/index.js';
import { tempDir } from '../support/temp.js';

/** Block headers known to the tests: height → merkle root (internal order). */
export class TestChain implements HeaderSource {
  readonly roots = new Map<number, Uint8Array>();
  async merkleRootAt(height: number): Promise<Uint8Array | undefined> {
    return this.roots.get(height);
  }
}

/**
 * Complete trees for `commitments` as the stamper builds them (SPEC §7): sha256 of each commitment,
 * calendar merkle tree, tip inside a fake transaction, Bitcoin block merkle path, attestation at `height`.
 */
export function stampTrees(commitments: readonly Uint8Array[], height: number, chain?: TestChain): Timestamp[] {
  const roots = commitments.map((c) => new Timestamp(c));
  const tip = makeMerkleTree(roots.map((r) => r.add(ops.sha256)));
  const heightBytes = Uint8Array.of(height & 0xff, (height >> 8) & 0xff, (height >> 16) & 0xff, 0);
  const prefix = concatBytes(Uint8Array.of(1, 0, 0, 0, 1), new Uint8Array(36).fill(0x93), Uint8Array.of(0, 0xfe, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x22, 0x6a, 0x20));
  const txNode = tip.add(ops.prepend(prefix)).add(ops.append(heightBytes));
  const txid = txNode.add(ops.sha256).add(ops.sha256);
  const others = [1, 2, 3].map((i) => sha256d(Uint8Array.of(i, ...heightBytes)));
  const { root, path } = bitcoinMerklePath([others[0]!, txid.msg, others[1]!, others[2]!], 1);
  txid.addPath(path).addAttestation(bitcoinAttestation(height));
  chain?.roots.set(height, root);
  return roots;
}

/** A real calendar with rounds every 5 ms and a real server with the backup route, on 127.0.0.1:0. */
export interface Upstream {
  dir: string;
  calendar: Calendar;
  exporter: BackupExporter;
  app: FastifyInstance;
  base: string;
  port: number;
  /** Submits `count` digests in separate rounds (one commitment each), stamps them at `height`. */
  addStamped(count: number, height: number): Promise<Uint8Array[]>;
  /** Closes server and calendar (tests restart the upstream on the same dir and port). */
  stop(): Promise<void>;
}

let digestCounter = 0;

/** Starts an upstream; `dir`/`port` reuse a previous one (restart). */
export async function startUpstream(t: Pick<TestContext, 'after'>, opts: { chunkSize: number; chain: TestChain; dir?: string; port?: number }): Promise<Upstream> {
  let dir = opts.dir;
  if (dir === undefined) {
    dir = tempDir(t, 'ots-upstream-');
    await initCalendarDir(dir, { uri: 'https://upstream.calendar.example.org' });
  }
  const calendar = await Calendar.open({ dir, roundMs: 5, logger: pino({ level: 'silent' }) });
  const exporter = new BackupExporter(calendar, { chunkSize: opts.chunkSize, cacheDir: `${dir}/backup_cache` });
  const app = buildServer({ calendar, backup: exporter, version: 'test' });
  await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await calendar.close();
  };
  t.after(stop);
  const port = (app.server.address() as AddressInfo).port;
  return {
    dir,
    calendar,
    exporter,
    app,
    port,
    base: `http://127.0.0.1:${port}`,
    stop,
    async addStamped(count, height) {
      for (let i = 0; i < count; i++) await calendar.submit(Uint8Array.of(++digestCounter & 0xff, digestCounter >> 8, 7));
      const commitments = calendar.pendingCommitments();
      await calendar.saveTimestamps(stampTrees(commitments, height, opts.chain));
      return commitments;
    },
  };
}

/** How the proxy treats backup chunk bodies. */
export type ProxyMode = 'pass' | 'cut-connection' | 'cut-clean' | 'tamper' | 'down';

/**
 * An HTTP proxy on 127.0.0.1:0 in front of `target`. 'cut-connection' sends half the body and resets the
 * socket; 'cut-clean' sends half with a matching Content-Length (like a close-delimited HTTP/1.0 answer
 * cut short); 'tamper' passes the body through `tamper`; 'down' answers 502.
 */
export async function startProxy(t: Pick<TestContext, 'after'>, target: () => string): Promise<{ base: string; mode: ProxyMode; tamper: (b: Buffer) => Buffer; server: Server }> {
  const state = { base: '', mode: 'pass' as ProxyMode, tamper: (b: Buffer) => b, server: undefined as unknown as Server };
  state.server = createServer((req, res) => {
    if (state.mode === 'down') return res.writeHead(502).end();
    const upstream = request(`${target()}${req.url}`, (up: IncomingMessage) => {
      const parts: Buffer[] = [];
      up.on('data', (d: Buffer) => parts.push(d));
      up.on('end', () => {
        let body: Buffer = Buffer.concat(parts);
        const isChunk = up.statusCode === 200 && req.url!.startsWith('/experimental/'); // backup chunks and log answers
        const headers = { ...up.headers };
        delete headers['content-length'];
        if (isChunk && state.mode === 'cut-connection') {
          res.writeHead(200, { ...headers, 'content-length': body.length });
          res.write(body.subarray(0, body.length >> 1));
          return setImmediate(() => res.socket?.destroy());
        }
        if (isChunk && state.mode === 'cut-clean') body = body.subarray(0, body.length >> 1);
        if (isChunk && state.mode === 'tamper') body = state.tamper(body);
        res.writeHead(up.statusCode ?? 502, { ...headers, 'content-length': body.length }).end(body);
      });
    });
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end();
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    state.server.closeAllConnections();
    state.server.close(() => resolve());
  }));
  state.base = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

/** What a calendar serving its replication log gives a log-mirror test. */
export interface LogUpstream {
  calendar: Calendar;
  app: FastifyInstance;
  base: string;
  /** Submits `count` digests, stamps them all into one block at the next height; returns the commitments. */
  stamp: (count: number) => Promise<Uint8Array[]>;
  /** Commitments stamped before the log was attached (the snapshot's content). */
  before: Uint8Array[];
}

/**
 * A real calendar + server serving GET /experimental/log (docs/replication.md). Rounds listed in
 * `stampBeforeLog` are stamped before the log is attached, so the log begins with a snapshot of them.
 */
export async function startLogUpstream(
  t: Pick<TestContext, 'after'>,
  chain: TestChain,
  opts: { uri: string; firstHeight: number; digestTag: number; stampBeforeLog?: number[]; snapshotPuts?: number },
): Promise<LogUpstream> {
  const log = pino({ level: 'silent' });
  const dir = mkdtempSync(join(tmpdir(), 'ots-cal-'));
  await initCalendarDir(dir, { uri: opts.uri });
  const calendar = await Calendar.open({ dir, roundMs: 5, logger: log });
  let height = opts.firstHeight;
  const stamp = async (count: number) => {
    for (let i = 0; i < count; i++) await calendar.submit(Uint8Array.of(height & 0xff, i, opts.digestTag));
    const commitments = calendar.pendingCommitments();
    await calendar.saveTimestamps(stampTrees(commitments, height++, chain));
    return commitments;
  };
  const before: Uint8Array[] = [];
  for (const count of opts.stampBeforeLog ?? []) before.push(...(await stamp(count)));
  const attached = await attachReplicationLog(dir, calendar.store, log, { snapshotPuts: opts.snapshotPuts });
  const app = buildServer({ calendar, replicationLog: attached.log, version: 'test' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    await calendar.close();
    await attached.close();
    rmSync(dir, { recursive: true, force: true }); // after the log's last write
  });
  return { calendar, app, stamp, before, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}
