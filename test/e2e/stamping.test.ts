// End to end on the embedded regtest node: real calendar (journal + LevelDB in a temp dir), real HTTP
// server on 127.0.0.1:0, real stamper. Digest -> tx -> blocks -> complete proof served by GET /timestamp.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type BitcoinBackend, CoreBackend, EmbeddedNode, RpcClient } from '../../src/bitcoin/index.js';
import { Calendar, initCalendarDir } from '../../src/calendar/index.js';
import { type BitcoinHandle, startBitcoin } from '../../src/cli/bitcoin-wiring.js';
import { equalBytes, fromHex, Timestamp, toHex } from '../../src/core/index.js';
import { buildServer } from '../../src/server/index.js';
import { startCoreRpcAdapter } from '../support/core-rpc-adapter.js';

const log = pino({ level: 'silent' });
const FLAGS = { btcMinConfirmations: 2, btcMinTxInterval: 0, btcPollMs: 50 };

interface Daemon { calendar: Calendar; bitcoin: BitcoinHandle; app: FastifyInstance; url: string }

async function startDaemon(dir: string, backend: BitcoinBackend): Promise<Daemon> {
  const calendar = await Calendar.open({ dir, logger: log, roundMs: 50 });
  const bitcoin = (await startBitcoin(FLAGS, calendar, log, backend))!;
  const app = buildServer({ calendar, bitcoin, version: 'test' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return { calendar, bitcoin, app, url: `http://127.0.0.1:${address.port}` };
}

async function stopDaemon(d: Daemon): Promise<void> {
  const closing = d.app.close();
  d.app.server.closeIdleConnections(); // fetch keeps connections alive; do not wait out their timeout
  await closing;
  await d.bitcoin.stop();
  await d.calendar.close();
}

/** POSTs a random digest; returns the commitment its pending proof leads to. */
async function submit(url: string): Promise<Uint8Array> {
  const digest = new Uint8Array(randomBytes(32));
  const res = await fetch(`${url}/digest`, { method: 'POST', body: digest });
  assert.equal(res.status, 200);
  const proof = Timestamp.fromBytes(new Uint8Array(await res.arrayBuffer()), digest);
  const pending = [...proof.allAttestations()].find((a) => a.attestation.type === 'pending');
  assert.ok(pending);
  return pending.msg;
}

async function getTimestamp(url: string, commitment: Uint8Array): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(`${url}/timestamp/${toHex(commitment)}`);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

/** Resolves after the stamper finished a pass in which `event` happened. */
async function waitFor(bitcoin: BitcoinHandle, event: string): Promise<unknown[]> {
  const args = await once(bitcoin.stamper, event);
  await once(bitcoin.stamper, 'tick');
  return args;
}

describe('stamping end to end on the embedded regtest node', () => {
  let node: EmbeddedNode;
  const root = mkdtempSync(join(tmpdir(), 'ots-stamping-'));
  const dir = join(root, 'calendar');
  let daemon: Daemon;
  before(async () => {
    node = await EmbeddedNode.start();
    await initCalendarDir(dir, { uri: 'http://127.0.0.1:14788' });
    daemon = await startDaemon(dir, node);
  });
  after(async () => {
    await stopDaemon(daemon);
    await node.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves a Bitcoin-attested proof whose merkle root is the block header field', async () => {
    const broadcast = once(daemon.bitcoin.stamper, 'broadcast');
    const commitments = await Promise.all([submit(daemon.url), submit(daemon.url), submit(daemon.url)]);
    const [txid] = (await broadcast) as [string];
    assert.ok(await node.mempoolHas(txid));
    const tip = await fetch(`${daemon.url}/tip`);
    assert.equal(tip.status, 200);
    const before = await getTimestamp(daemon.url, commitments[0]!);
    assert.equal(before.status, 404);
    assert.match(before.body.toString(), /Pending confirmation in Bitcoin blockchain/);

    const mined = waitFor(daemon.bitcoin, 'mined');
    await node.mine(1);
    await mined;
    const waiting = await getTimestamp(daemon.url, commitments[0]!);
    assert.equal(waiting.status, 404);
    assert.match(waiting.body.toString(), /^Timestamped by transaction [0-9a-f]{64}; waiting for 2 confirmations/);

    const saved = waitFor(daemon.bitcoin, 'saved');
    await node.mine(1);
    await saved;
    for (const c of commitments) {
      const got = await getTimestamp(daemon.url, c);
      assert.equal(got.status, 200);
      const proof = Timestamp.fromBytes(new Uint8Array(got.body), c);
      const att = [...proof.allAttestations()].find((a) => a.attestation.type === 'bitcoin')!;
      const height = Number((att.attestation as { height: bigint }).height);
      const header = (await node.block(height)).header;
      assert.ok(equalBytes(att.msg, header.slice(36, 68)), 'attested message equals the header merkle root');
    }
    assert.equal((await fetch(`${daemon.url}/health`)).status, 200);
  });

  it('bumps by RBF when digests arrive, and after a reorg re-anchors the commitments', async () => {
    const first = once(daemon.bitcoin.stamper, 'broadcast');
    const a = await submit(daemon.url);
    const [v1] = (await first) as [string];
    const b = await submit(daemon.url);
    const second = waitFor(daemon.bitcoin, 'broadcast');
    await node.mineEmpty(1); // a block without the tx: the stamper replaces it, covering b too
    const [v2, version] = (await second) as [string, number];
    assert.equal(version, 2);
    assert.notEqual(v2, v1);
    assert.equal(await node.mempoolHas(v1), false);

    const forkFrom = await node.tipHeight();
    const mined = waitFor(daemon.bitcoin, 'mined');
    await node.mine(1);
    await mined;
    const reorg = waitFor(daemon.bitcoin, 'reorg');
    await node.mineEmpty(2, forkFrom); // longer branch without the tx
    await reorg;
    const again = (await getTimestamp(daemon.url, a)).body.toString();
    assert.match(again, /Pending confirmation/);

    const saved = waitFor(daemon.bitcoin, 'saved');
    await node.mine(2);
    await saved;
    for (const c of [a, b]) assert.equal((await getTimestamp(daemon.url, c)).status, 200);
  });

  it('restarts mid-flight without losing commitments or anchoring them twice', async () => {
    const broadcast = once(daemon.bitcoin.stamper, 'broadcast');
    const c = await submit(daemon.url);
    await broadcast;
    await stopDaemon(daemon); // tx unconfirmed, nothing stored: the journal is the queue
    daemon = await startDaemon(dir, node);
    const [, version] = (await waitFor(daemon.bitcoin, 'broadcast')) as [string, number];
    assert.equal(version, 2, 'the tx from before the restart is replaced, not doubled');
    assert.equal(node.mempoolSize(), 1);
    const saved = waitFor(daemon.bitcoin, 'saved');
    await node.mine(2);
    await saved;
    const got = await getTimestamp(daemon.url, c);
    assert.equal(got.status, 200);
    assert.ok(Timestamp.fromBytes(new Uint8Array(got.body), c).isComplete);
    assert.deepEqual(fromHex(toHex(c)), c);
  });
  it('answers /health 503 while the node is unreachable (Core RPC backend) and 200 once it is back', async (t) => {
    const adapter = await startCoreRpcAdapter(node);
    t.after(() => adapter.stop());
    await stopDaemon(daemon); // one daemon per calendar directory; the suite's after() stops the new one
    daemon = await startDaemon(dir, new CoreBackend(new RpcClient(adapter, { timeoutMs: 2000, retries: 0 }), 'regtest'));
    const health = async () => (await fetch(`${daemon.url}/health`)).status;
    await once(daemon.bitcoin.stamper, 'tick');
    assert.equal(await health(), 200);
    const problem = once(daemon.bitcoin.stamper, 'problem');
    await adapter.stop();
    await problem;
    assert.equal(await health(), 503);
    await adapter.restart();
    await once(daemon.bitcoin.stamper, 'tick'); // a pass that may have started before the restart
    await once(daemon.bitcoin.stamper, 'tick');
    assert.equal(await health(), 200);
  });
});
