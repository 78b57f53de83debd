import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { fromHex, toHex } from '../core/index.js';
import { encodeChunk, parseChunk } from './backup-codec.js';
import { type HeaderSource, verifyChunk } from './backup-verify.js';

interface Flow {
  bitcoin: { block_height: number; merkleroot_internal: string };
  backup_chunk: { entries_per_chunk_in_this_example: number; body: string };
}
const flow = loadVector<Flow>('calendar_flow.json');

/** Headers of the vector's block, plus a neighbour whose root differs (for a moved attestation). */
function headers(): HeaderSource {
  const roots = new Map([
    [flow.bitcoin.block_height, fromHex(flow.bitcoin.merkleroot_internal)],
    [flow.bitcoin.block_height + 1, new Uint8Array(32).fill(7)],
  ]);
  return { merkleRootAt: async (height) => roots.get(height) };
}

describe('verifyChunk', { skip: SHARED_SKIP }, () => {
  const body = fromHex(flow.backup_chunk.body);
  const commitments = flow.backup_chunk.entries_per_chunk_in_this_example;

  it('accepts the reference chunk and checks its attestation against the block header', async () => {
    const ok = await verifyChunk(body, { commitments, headers: headers() });
    assert.equal(ok.commitments.length, 3);
    assert.equal(ok.verifiedAttestations, 1);
    assert.equal(ok.unverifiedAttestations, 0);
  });

  it('marks attestations unverified without a header source', async () => {
    const ok = await verifyChunk(body, { commitments });
    assert.equal(ok.verifiedAttestations, 0);
    assert.equal(ok.unverifiedAttestations, 1);
  });

  it('refuses every truncation of the chunk', async () => {
    for (let cut = 0; cut < body.length; cut++) {
      await assert.rejects(verifyChunk(body.subarray(0, cut), { commitments }), (err: { code: string }) => {
        assert.match(err.code, /^OTS_ERR_BACKUP_CHUNK_(TRUNCATED|INCOMPLETE|INVALID)$/, `cut at ${cut}`);
        return true;
      });
    }
  });

  it('refuses a tampered merkle path (an op argument changed)', async () => {
    const entries = parseChunk(body).map((e) => ({ key: e.key, value: new Uint8Array(e.value) }));
    const withArg = entries.find((e) => toHex(e.value).startsWith('0001f020'))!;
    withArg.value[10]! ^= 1;
    await assert.rejects(verifyChunk(encodeChunk(entries), { commitments }), { code: 'OTS_ERR_BACKUP_CHUNK_INCOMPLETE' });
  });

  it('refuses a Bitcoin attestation moved to another block', async () => {
    const entries = parseChunk(body).map((e) => ({ key: e.key, value: new Uint8Array(e.value) }));
    const attested = entries.find((e) => toHex(e.value).startsWith('010588960d73d719'))!;
    attested.value[attested.value.length - 4]! += 1; // low 7 bits of the height: 800000 → 800001
    await assert.rejects(verifyChunk(encodeChunk(entries), { commitments, headers: headers() }), { code: 'OTS_ERR_BACKUP_ATTESTATION_MISMATCH' });
  });

  it('refuses entries out of key order', async () => {
    const entries = parseChunk(body);
    [entries[0], entries[1]] = [entries[1]!, entries[0]!];
    await assert.rejects(verifyChunk(encodeChunk(entries), { commitments }), { code: 'OTS_ERR_BACKUP_CHUNK_UNSORTED' });
  });

  it('refuses a chunk that holds fewer or more commitments than its size', async () => {
    await assert.rejects(verifyChunk(body, { commitments: 4 }), { code: 'OTS_ERR_BACKUP_CHUNK_INCOMPLETE' });
    await assert.rejects(verifyChunk(body, { commitments: 2 }), { code: 'OTS_ERR_BACKUP_CHUNK_INVALID' });
  });

  it('refuses a value that does not decode', async () => {
    const entries = parseChunk(body).map((e) => ({ key: e.key, value: new Uint8Array(e.value) }));
    entries[3]!.value = Uint8Array.of(0x05);
    await assert.rejects(verifyChunk(encodeChunk(entries), { commitments }), { code: 'OTS_ERR_BACKUP_CHUNK_INVALID' });
  });
});
