// Test support (not exported from index.ts): tiny real node:http servers on 127.0.0.1:0 that play a
// calendar (SPEC §9.1/§9.2, with misbehaviour modes) and an Esplora block-header API over a fake chain.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256 } from '@noble/hashes/sha2.js';
import { bitcoinAttestation, makeMerkleTree, ops, pendingAttestation, reverseBytes, sha256d, Timestamp, toHex } from '../core/index.js';

/** How a test calendar misbehaves. */
export type CalendarMode = 'ok' | 'garbage' | 'lying' | 'hang' | 'huge' | 'error500';

/** A running test calendar. `complete(height)` makes every commitment seen so far answer with a Bitcoin proof. */
export interface TestCalendar {
  url: string;
  mode: CalendarMode;
  /** Commitments handed out (hex), in order. */
  commitments: string[];
  /** Commitment hex -> bare timestamp bytes served by GET /timestamp. */
  store: Map<string, Uint8Array>;
  /** The 404 text for unknown commitments. */
  pendingText: string;
  /** In 'lying' mode, GET answers with a proof for another commitment, attested in this chain. */
  lieChain?: TestChain;
  lieHeight: number;
  /** Attests every known commitment in a block at `height` of `chain`. */
  complete(chain: TestChain, height: number): void;
  close(): Promise<void>;
}

/** A fake chain of 80-byte headers whose merkle roots are chosen by the test. */
export interface TestChain {
  headers: Map<number, Uint8Array>;
  /** Adds a block at `height` whose merkle root is `root` (internal order) and time `time`. */
  addBlock(height: number, root: Uint8Array, time?: number): void;
}

/** A chain with no blocks yet. */
export function testChain(): TestChain {
  const headers = new Map<number, Uint8Array>();
  return {
    headers,
    addBlock(height, root, time = 1_700_000_000 + height * 600) {
      const header = new Uint8Array(80);
      header[0] = 1;
      header.set(root, 36);
      new DataView(header.buffer).setUint32(68, time, true);
      headers.set(height, header);
    },
  };
}

/** Starts a calendar: POST /digest answers digest -sha256-> commitment + Pending(url). */
export async function startTestCalendar(mode: CalendarMode = 'ok'): Promise<TestCalendar> {
  const sockets = new Set<import('node:net').Socket>();
  const cal: TestCalendar = {
    url: '',
    mode,
    commitments: [],
    store: new Map(),
    pendingText: 'Pending confirmation in Bitcoin blockchain',
    lieHeight: 7,
    complete(chain, height) {
      // all commitments so far share one block, through a merkle tree as a real stamper builds it
      const roots = cal.commitments.map((c) => new Timestamp(Buffer.from(c, 'hex')));
      const tip = makeMerkleTree(roots.map((r) => r.add(ops.sha256)));
      tip.addAttestation(bitcoinAttestation(height));
      chain.addBlock(height, tip.msg);
      for (const r of roots) cal.store.set(toHex(r.msg), r.toBytes());
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    void handle(cal, req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cal.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return cal;
}

async function handle(cal: TestCalendar, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  if (cal.mode === 'hang') return; // never answers; the client's timeout must fire
  if (cal.mode === 'error500') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
  if (cal.mode === 'huge') return void res.writeHead(200).end(Buffer.alloc(20000, 0xff));
  if (cal.mode === 'garbage') return void res.writeHead(200).end(Buffer.from('<html>not a timestamp</html>'));
  if (req.method === 'POST' && req.url === '/digest') {
    // a lying calendar commits to some other digest: its path does not start from what we sent
    const msg = cal.mode === 'lying' ? sha256(Buffer.from('another digest')) : body;
    const t = new Timestamp(msg);
    const commitment = t.add(ops.sha256);
    commitment.addAttestation(pendingAttestation(cal.url));
    cal.commitments.push(toHex(commitment.msg));
    return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(t.toBytes());
  }
  const m = /^\/timestamp\/([0-9a-f]+)$/.exec(req.url ?? '');
  if (req.method === 'GET' && m) {
    const stored = cal.store.get(m[1]!);
    if (cal.mode === 'lying' && cal.lieChain) {
      // a well-formed proof for another commitment: it parses over ours but attests a root no block has
      const other = new Timestamp(sha256(Buffer.from('another commitment')));
      const root = other.add(ops.sha256);
      root.addAttestation(bitcoinAttestation(cal.lieHeight));
      cal.lieChain.addBlock(cal.lieHeight, root.msg);
      return void res.writeHead(200).end(other.toBytes());
    }
    if (stored) return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(stored);
    return void res.writeHead(404, { 'content-type': 'text/plain' }).end(cal.pendingText);
  }
  res.writeHead(404).end('Not found');
}

/** An Esplora-style API over `chain`: /block-height/<h>, /block/<hash>/header and /block/<hash> (JSON). */
export async function startTestEsplora(chain: TestChain): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const h = /^\/block-height\/(\d+)$/.exec(req.url ?? '');
    if (h) {
      const header = chain.headers.get(Number(h[1]));
      if (!header) return void res.writeHead(404).end('Block not found');
      return void res.writeHead(200).end(toHex(reverseBytes(sha256d(header))));
    }
    const b = /^\/block\/([0-9a-f]{64})(\/header)?$/.exec(req.url ?? '');
    if (b) {
      for (const header of chain.headers.values()) {
        if (toHex(reverseBytes(sha256d(header))) !== b[1]) continue;
        if (b[2]) return void res.writeHead(200).end(toHex(header));
        // the JSON block summary the npm opentimestamps package reads (merkle root in display order)
        const summary = {
          merkle_root: toHex(reverseBytes(header.subarray(36, 68))),
          timestamp: new DataView(header.buffer, header.byteOffset).getUint32(68, true),
        };
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(summary));
      }
    }
    res.writeHead(404).end('Not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
