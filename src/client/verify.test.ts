import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { bitcoinAttestation, newProof, ops, pendingAttestation, reverseBytes, sha256d, toHex } from '../core/index.js';
import { coreRpcHeaderSource, esploraHeaderSource, firstReachable } from './header-source.js';
import { startTestEsplora, type TestChain, testChain } from './testing-servers.js';
import { verifyProof } from './verify.js';

const digest = sha256(Buffer.from('verify me'));

/** A proof: digest -sha256-> root [Bitcoin(height)] (+ a pending branch). */
function proofAt(height: number) {
  const proof = newProof('sha256', digest);
  const root = proof.timestamp.add(ops.sha256);
  root.addAttestation(bitcoinAttestation(height));
  proof.timestamp.add(ops.append(Uint8Array.of(1))).addAttestation(pendingAttestation('https://x.example'));
  return { proof, root: root.msg };
}

/** A Bitcoin Core look-alike answering getblockhash / getblockheader from `chain`, with basic auth. */
async function startRpc(t: TestContext, chain: TestChain) {
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`) return void res.writeHead(401).end();
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { id, method, params } = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      const reply = (result: unknown, error: unknown = null) => res.writeHead(200).end(JSON.stringify({ id, result, error }));
      if (method === 'getblockhash') {
        const header = chain.headers.get(params[0] as number);
        if (!header) return reply(null, { code: -8, message: 'Block height out of range' });
        return reply(toHex(reverseBytes(sha256d(header))));
      }
      for (const header of chain.headers.values()) {
        if (toHex(reverseBytes(sha256d(header))) === params[0]) return reply(toHex(header));
      }
      reply(null, { code: -5, message: 'Block not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  return `http://u:p@127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function esplora(t: TestContext, chain: TestChain) {
  const srv = await startTestEsplora(chain);
  t.after(() => srv.close());
  return esploraHeaderSource(srv.url);
}

describe('verifyProof', () => {
  it('verifies against an Esplora API and returns height and block time', async (t) => {
    const { proof, root } = proofAt(5);
    const chain = testChain();
    chain.addBlock(5, root, 1234567890);
    const result = await verifyProof(proof, digest, await esplora(t, chain));
    assert.deepEqual([result.status, result.height, result.time], ['verified', 5, 1234567890]);
    assert.deepEqual(result.pendingUris, ['https://x.example']);
  });

  it('verifies against Bitcoin Core JSON-RPC with credentials in the URL', async (t) => {
    const { proof, root } = proofAt(9);
    const chain = testChain();
    chain.addBlock(9, root);
    const result = await verifyProof(proof, digest, coreRpcHeaderSource(await startRpc(t, chain), 'regtest'));
    assert.equal(result.status, 'verified');
    assert.equal(result.height, 9);
  });

  it('names a failed RPC login without the password', async (t) => {
    const url = (await startRpc(t, testChain())).replace('u:p', 'u:wrong');
    await assert.rejects(coreRpcHeaderSource(url, 'regtest').headerAt(1), (err: Error & { code: string }) => {
      assert.equal(err.code, 'OTS_ERR_VERIFY_NODE_ERROR');
      assert.ok(!err.message.includes('wrong'));
      return true;
    });
  });

  it('is pending while the block is unknown to the source', async (t) => {
    const { proof } = proofAt(50);
    const result = await verifyProof(proof, digest, await esplora(t, testChain()));
    assert.equal(result.status, 'pending');
  });

  it('fails when the block has another merkle root', async (t) => {
    const { proof } = proofAt(5);
    const chain = testChain();
    chain.addBlock(5, new Uint8Array(32).fill(7));
    const result = await verifyProof(proof, digest, await esplora(t, chain));
    assert.equal(result.status, 'failed');
    assert.equal(result.bitcoin[0]?.status, 'mismatch');
  });

  it('is pending for a proof with only pending attestations', async () => {
    const proof = newProof('sha256', digest);
    proof.timestamp.addAttestation(pendingAttestation('https://x.example'));
    assert.equal((await verifyProof(proof, digest, undefined)).status, 'pending');
  });

  it('rejects another file with OTS_ERR_VERIFY_DIGEST_MISMATCH', async () => {
    const { proof } = proofAt(5);
    await assert.rejects(verifyProof(proof, sha256(Buffer.from('other')), undefined), { code: 'OTS_ERR_VERIFY_DIGEST_MISMATCH' });
  });

  it('falls back to the next source when the first is unreachable', async (t) => {
    const { proof, root } = proofAt(3);
    const chain = testChain();
    chain.addBlock(3, root);
    const source = firstReachable([coreRpcHeaderSource('http://u:p@127.0.0.1:1', 'regtest'), await esplora(t, chain)]);
    assert.equal((await verifyProof(proof, digest, source)).status, 'verified');
  });

  it('refuses a header that does not hash to its block hash', async (t) => {
    const chain = testChain();
    chain.addBlock(1, new Uint8Array(32));
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/block-height/')) return void res.writeHead(200).end('00'.repeat(32));
      res.writeHead(200).end(toHex(chain.headers.get(1)!));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => server.close(r)));
    const source = esploraHeaderSource(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await assert.rejects(source.headerAt(1), { code: 'OTS_ERR_VERIFY_NODE_ERROR' });
  });
});
