// Detached proofs (SPEC §4, §4.1): every file in ots_files.json parses to the vector's tree and
// re-serializes canonically; noncanonical.json inputs are accepted and normalised; every case in
// malformed.json is refused with a coded OtsError. Also hashStream against one-shot hashing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hex, loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { treeToVector, type VectorTree } from '../../test/support/vector-tree.js';
import { toHex } from './bytes.js';
import { isOtsError } from './errors.js';
import { applyOp, ops, type HashOpName } from './op.js';
import { hashStream, HEADER_MAGIC, newProof, proofDigest, readProof, writeProof } from './proof-file.js';
import { pendingAttestation } from './attestation.js';
import { ripemd160, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

interface OtsFilesVector {
  magic_hex: string;
  major_version: number;
  files: {
    name: string;
    note: string;
    hex: string;
    file_hash_op: string;
    file_digest: string;
    canonical: boolean;
    canonical_hex: string;
    attestation_count: number;
    tree: VectorTree;
  }[];
}
interface NoncanonicalVector {
  cases: { name: string; note: string; hex: string; canonical_hex: string; tree: VectorTree }[];
}
interface MalformedVector {
  cases: { name: string; hex: string; reason: string; reference_error: string }[];
}

/**
 * The reference's exception classes mapped to our codes. DeserializationError covers many distinct
 * failures in the reference; for it any of the specific codes below is accepted.
 */
const CODES_FOR_REFERENCE_ERROR: Record<string, readonly string[]> = {
  BadMagicError: ['OTS_ERR_PROOF_BAD_MAGIC'],
  UnsupportedMajorVersion: ['OTS_ERR_PROOF_UNSUPPORTED_VERSION'],
  TruncationError: ['OTS_ERR_PROOF_TRUNCATED'],
  TrailingGarbageError: ['OTS_ERR_PROOF_TRAILING_BYTES'],
  RecursionLimitError: ['OTS_ERR_PROOF_DEPTH_EXCEEDED'],
  DeserializationError: [
    'OTS_ERR_PROOF_BAD_FILE_HASH_OP',
    'OTS_ERR_PROOF_UNKNOWN_OP',
    'OTS_ERR_OP_ARG_LENGTH',
    'OTS_ERR_OP_MSG_TOO_LONG',
    'OTS_ERR_OP_RESULT_TOO_LONG',
    'OTS_ERR_OP_EMPTY_MSG',
    'OTS_ERR_ATTESTATION_PAYLOAD_LENGTH',
    'OTS_ERR_ATTESTATION_BAD_URI',
  ],
};

/** Parses `bytes` expecting failure; returns the coded error (fails the test on anything else). */
function refusal(bytes: Uint8Array): string {
  try {
    readProof(bytes);
  } catch (err) {
    assert.ok(isOtsError(err), `expected an OtsError, got ${String(err)}`);
    return err.code;
  }
  assert.fail('the proof was accepted');
}

describe('ots_files.json: valid proofs', { skip: SHARED_SKIP }, () => {
  const v = loadVector<OtsFilesVector>('ots_files.json');
  it('uses the magic and major version of the vectors', () => {
    assert.equal(toHex(HEADER_MAGIC), v.magic_hex);
    assert.equal(v.major_version, 1);
  });
  for (const f of v?.files ?? []) {
    it(`${f.name}: parses to the reference tree and re-serializes canonically`, () => {
      const proof = readProof(hex(f.hex));
      assert.equal(proof.fileHashOp, f.file_hash_op);
      assert.equal(toHex(proofDigest(proof)), f.file_digest);
      assert.equal([...proof.timestamp.allAttestations()].length, f.attestation_count);
      assert.deepEqual(treeToVector(proof.timestamp), f.tree);
      assert.equal(toHex(writeProof(proof)), f.canonical_hex);
      assert.equal(f.hex === f.canonical_hex, f.canonical);
    });
  }
});

describe('noncanonical.json: accepted, normalised on write', { skip: SHARED_SKIP }, () => {
  const v = loadVector<NoncanonicalVector>('noncanonical.json');
  for (const c of v?.cases ?? []) {
    it(`${c.name}: ${c.note}`, () => {
      const proof = readProof(hex(c.hex));
      assert.deepEqual(treeToVector(proof.timestamp), c.tree);
      const canonical = writeProof(proof);
      assert.equal(toHex(canonical), c.canonical_hex);
      assert.equal(toHex(writeProof(readProof(canonical))), c.canonical_hex, 'canonical form is a fixed point');
    });
  }
});

describe('malformed.json: refused with a coded error', { skip: SHARED_SKIP }, () => {
  const v = loadVector<MalformedVector>('malformed.json');
  for (const c of v?.cases ?? []) {
    it(`${c.name} (${c.reason}) -> ${c.reference_error}`, () => {
      const allowed = CODES_FOR_REFERENCE_ERROR[c.reference_error];
      assert.ok(allowed, `no mapping for reference error ${c.reference_error}`);
      const code = refusal(hex(c.hex));
      assert.ok(allowed.includes(code), `${code} is not one of ${allowed.join(', ')}`);
    });
  }
});

describe('proof skeletons', () => {
  it('writes a new proof with one pending attestation and reads it back', () => {
    const digest = applyOp(ops.sha256, new TextEncoder().encode('hello'));
    const proof = newProof('sha256', digest);
    proof.timestamp.add(ops.append(hex('00112233'))).add(ops.sha256).addAttestation(pendingAttestation('https://a.example'));
    const back = readProof(writeProof(proof));
    assert.deepEqual(treeToVector(back.timestamp), treeToVector(proof.timestamp));
  });
  it('refuses a digest of the wrong length for the hash op', () => {
    assert.throws(() => newProof('sha1', new Uint8Array(32)), { code: 'OTS_ERR_PROOF_TRUNCATED' });
  });
  it('refuses to write a proof whose root has nothing under it', () => {
    assert.throws(() => writeProof(newProof('sha256', new Uint8Array(32))), { code: 'OTS_ERR_PROOF_EMPTY_NODE' });
  });
});

describe('hashStream', () => {
  // 1 MB of fixed pseudo-random bytes, compared with noble's one-shot functions (applyOp caps at 4096).
  const data = new Uint8Array(1_000_003);
  for (let i = 0; i < data.length; i++) data[i] = Math.imul(i, 2654435761) >>> 24;
  const oneShot: Record<HashOpName, (b: Uint8Array) => Uint8Array> = { sha1, ripemd160, sha256, keccak256: keccak_256 };
  async function* unevenChunks() {
    let at = 0;
    for (const size of [0, 1, 63, 64, 65, 4096, 100_000]) {
      yield data.subarray(at, at + size);
      at += size;
    }
    for (; at < data.length; at += 65_537) yield data.subarray(at, at + 65_537);
  }
  for (const op of Object.keys(oneShot) as HashOpName[]) {
    it(`hashes ${op} in uneven chunks exactly like one-shot hashing`, async () => {
      assert.equal(toHex(await hashStream(op, unevenChunks())), toHex(oneShot[op](data)));
    });
  }
  it('hashes an empty stream like the empty message', async () => {
    assert.equal(toHex(await hashStream('sha256', [])), toHex(applyOp(ops.sha256, new Uint8Array(0))));
  });
});
