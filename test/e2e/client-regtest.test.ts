// End to end against OUR calendar on the embedded regtest node (otsd dev): the `ots` CLI stamps, sees
// the proof pending, the node mines, `ots upgrade` completes it and `ots verify` names the block.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startDev } from '../../src/cli/otsd-dev.js';
import { ots } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';

/** A port that was free a moment ago: the dev calendar names its own URL in pending attestations. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('ots against our calendar on the embedded regtest node', () => {
  it('stamp -> pending -> mined -> upgrade -> verify reports the block height', { timeout: 280_000 }, async (t) => {
    const dir = tempDir(t, 'ots-regtest-');
    const port = await freePort();
    const dev = await startDev({
      calendar: join(dir, 'calendar'),
      rpcPort: port,
      rpcAddress: '127.0.0.1',
      blockMs: 300,
      btcMinConfirmations: 2,
      logLevel: 'error',
    });
    t.after(() => dev.stop());
    const node = dev.bitcoin.embedded!;
    // an Esplora-style header API over the embedded node, for `ots verify --esplora`
    const byHash = new Map<string, Uint8Array>();
    const esplora = createHttpServer((req, res) => {
      const h = /^\/block-height\/(\d+)$/.exec(req.url ?? '');
      const b = /^\/block\/([0-9a-f]{64})\/header$/.exec(req.url ?? '');
      const work = h
        ? node.block(Number(h[1])).then((block) => {
            byHash.set(block.hash, block.header);
            res.writeHead(200).end(block.hash);
          })
        : b && byHash.has(b[1]!)
          ? Promise.resolve(res.writeHead(200).end(Buffer.from(byHash.get(b[1]!)!).toString('hex')))
          : Promise.reject(new Error('not found'));
      work.catch(() => res.writeHead(404).end('Block not found'));
    });
    await new Promise<void>((r) => esplora.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => esplora.close(r)));
    const esploraUrl = `http://127.0.0.1:${(esplora.address() as AddressInfo).port}`;

    writeFileSync(join(dir, 'hello.txt'), 'hello regtest\n');
    const stamp = await ots(['stamp', '-c', dev.url, 'hello.txt'], dir);
    assert.equal(stamp.code, 0, stamp.stderr);
    const info = JSON.parse((await ots(['info', '--json', 'hello.txt.ots'], dir)).stdout) as {
      attestations: { type: string; uri?: string; commitment: string }[];
    };
    assert.equal(info.attestations[0]?.type, 'pending');
    assert.equal(info.attestations[0]?.uri, dev.url);

    const early = await ots(['upgrade', '--btc-regtest', '-l', dev.url, 'hello.txt.ots'], dir);
    assert.ok(early.code === 3 || early.code === 0, early.stderr);

    // wait until the calendar serves the complete proof (the dev node mines while the tx waits)
    const commitment = info.attestations[0]!.commitment;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const res = await fetch(`${dev.url}/timestamp/${commitment}`);
      await res.arrayBuffer();
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const upgrade = await ots(['upgrade', '--btc-regtest', '-l', dev.url, '--esplora', esploraUrl, 'hello.txt.ots'], dir);
    assert.equal(upgrade.code, 0, upgrade.stderr);
    const done = JSON.parse((await ots(['info', '--json', 'hello.txt.ots'], dir)).stdout) as {
      attestations: { type: string; height?: number }[];
    };
    const height = done.attestations.find((a) => a.type === 'bitcoin')?.height;
    assert.ok(height !== undefined && height > 500, `a Bitcoin attestation above the initial chain: ${height}`);

    const verify = await ots(['verify', '--btc-regtest', '--esplora', esploraUrl, 'hello.txt.ots'], dir);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, new RegExp(`Success! Bitcoin block ${height} attests existence`));

    // the same through JSON-RPC: bcoin's own HTTP server answers getblockhash / getblockheader like Core
    const rpc = await ots(['verify', '--btc-regtest', '--bitcoin-node', node.bcoinRpcUrl, 'hello.txt.ots'], dir);
    assert.equal(rpc.code, 0, rpc.stderr);
    assert.match(rpc.stdout, new RegExp(`Success! Bitcoin block ${height} attests existence`));

    writeFileSync(join(dir, 'hello.txt'), 'tampered\n');
    const wrong = await ots(['verify', '--btc-regtest', '--esplora', esploraUrl, 'hello.txt.ots'], dir);
    assert.equal(wrong.code, 4);
    assert.ok(readFileSync(join(dir, 'hello.txt.ots')).length > 0);
  });
});
