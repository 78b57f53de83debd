// Property tests for the tree and the proof file (SPEC §3, §4): random trees with every op and every
// attestation type round-trip byte for byte; random damage to valid files ends in a parse or a coded
// OtsError, nothing else; merging is idempotent and commutative. Fixed seed, bounded runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { treeToVector } from '../../test/support/vector-tree.js';
import {
  BITCOIN_TAG,
  decodeAttestation,
  ETHEREUM_TAG,
  LITECOIN_TAG,
  PENDING_TAG,
  type Attestation,
} from './attestation.js';
import { equalBytes, toHex } from './bytes.js';
import { isOtsError } from './errors.js';
import { ops, type Op } from './op.js';
import { newProof, readProof, writeProof } from './proof-file.js';
import { Timestamp } from './timestamp.js';

/** Fixed seed so a failure reproduces; run counts keep the whole file to a few seconds. */
const SETTINGS = { seed: 20241125, numRuns: 300 } as const;

const URI_CHARS = 'ABCXYZabcxyz0189-._/:'.split('');
const KNOWN_TAGS = [PENDING_TAG, BITCOIN_TAG, LITECOIN_TAG, ETHEREUM_TAG];

const heightArb = fc.bigInt({ min: 0n, max: 2n ** 70n });
const attestationArb: fc.Arbitrary<Attestation> = fc.oneof(
  fc.array(fc.constantFrom(...URI_CHARS), { maxLength: 40 }).map((cs) => ({ type: 'pending' as const, uri: cs.join('') })),
  heightArb.map((height) => ({ type: 'bitcoin' as const, height })),
  heightArb.map((height) => ({ type: 'litecoin' as const, height })),
  heightArb.map((height) => ({ type: 'ethereum' as const, height })),
  fc
    .record({
      tag: fc.uint8Array({ minLength: 8, maxLength: 8 }).filter((t) => !KNOWN_TAGS.some((k) => equalBytes(k, t))),
      payload: fc.uint8Array({ maxLength: 24 }),
    })
    .map(({ tag, payload }) => decodeAttestation(tag, payload)),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constantFrom(ops.sha1, ops.ripemd160, ops.sha256, ops.keccak256, ops.reverse, ops.hexlify),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => ops.append(a)),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => ops.prepend(a)),
);

/** A tree described as data; materialised over a real message by `build`. */
interface NodeSpec {
  attestations: Attestation[];
  children: { op: Op; node: NodeSpec }[];
}
function nodeArb(depth: number): fc.Arbitrary<NodeSpec> {
  const children: fc.Arbitrary<NodeSpec['children']> =
    depth === 0 ? fc.constant([]) : fc.array(fc.record({ op: opArb, node: nodeArb(depth - 1) }), { maxLength: 3 });
  return fc.record({ attestations: fc.array(attestationArb, { maxLength: 3 }), children });
}

/** Builds the tree; ops whose limits refuse the message are left out; empty nodes get an attestation. */
function build(spec: NodeSpec, node: Timestamp): Timestamp {
  for (const a of spec.attestations) node.addAttestation(a);
  for (const { op, node: childSpec } of spec.children) {
    let child: Timestamp;
    try {
      child = node.add(op);
    } catch (err) {
      if (isOtsError(err)) continue;
      throw err;
    }
    build(childSpec, child);
  }
  if (node.attestations.length === 0 && node.opCount === 0) node.addAttestation({ type: 'bitcoin', height: 1n });
  return node;
}

const digestArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const proofBytesArb = fc.tuple(digestArb, nodeArb(4)).map(([digest, spec]) => {
  const proof = newProof('sha256', digest);
  build(spec, proof.timestamp);
  return writeProof(proof);
});

/** Parses, or fails only with a coded OtsError; anything else fails the property. */
function parseOrCode(bytes: Uint8Array): string {
  try {
    const proof = readProof(bytes);
    writeProof(proof);
    return 'ok';
  } catch (err) {
    if (isOtsError(err)) return err.code;
    throw err;
  }
}

describe('random trees', () => {
  it('serialize -> parse -> serialize is the identity, and the parsed tree equals the built one', () => {
    fc.assert(
      fc.property(digestArb, nodeArb(4), (digest, spec) => {
        const proof = newProof('sha256', digest);
        build(spec, proof.timestamp);
        const bytes = writeProof(proof);
        const back = readProof(bytes);
        assert.equal(toHex(writeProof(back)), toHex(bytes));
        assert.deepEqual(treeToVector(back.timestamp), treeToVector(proof.timestamp));
      }),
      SETTINGS,
    );
  });

  it('damaged files (bit flips, truncation, insertion, deletion) parse or fail with a coded error', () => {
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
    );
    fc.assert(
      fc.property(proofBytesArb, fc.array(damage, { minLength: 1, maxLength: 4 }), (bytes, damages) => {
        let b = Uint8Array.from(bytes);
        for (const d of damages) {
          const at = b.length === 0 ? 0 : d.at % b.length;
          if (d.kind === 'flip' && b.length > 0) b[at]! ^= 1 << d.bit;
          else if (d.kind === 'truncate') b = b.slice(0, at);
          else if (d.kind === 'insert') b = Uint8Array.of(...b.subarray(0, at), ...d.bytes, ...b.subarray(at));
          else if (d.kind === 'delete') b = Uint8Array.of(...b.subarray(0, at), ...b.subarray(at + d.length));
        }
        parseOrCode(b);
      }),
      SETTINGS,
    );
  });

  it('random bytes after a valid header parse or fail with a coded error', () => {
    // magic (31) + version (1) + file hash op (1) + digest (32)
    const header = writeProof(newProofWithAttestation()).subarray(0, 65);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        parseOrCode(Uint8Array.of(...header, ...tail));
      }),
      { ...SETTINGS, numRuns: 2000 },
    );
  });

  it('a huge length prefix is refused without allocating it', () => {
    const header = writeProof(newProofWithAttestation()).subarray(0, 65);
    // append with a 2^63-byte argument, then an attestation payload with a 2^63-byte length.
    const hugeVaruint = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    assert.equal(parseOrCode(Uint8Array.of(...header, 0xf0, ...hugeVaruint)), 'OTS_ERR_OP_ARG_LENGTH');
    assert.equal(parseOrCode(Uint8Array.of(...header, 0x00, ...BITCOIN_TAG, ...hugeVaruint)), 'OTS_ERR_ATTESTATION_PAYLOAD_LENGTH');
  });
});

describe('merge', () => {
  const pairArb = fc.tuple(digestArb, nodeArb(3), nodeArb(3));
  it('is idempotent: merging a tree with a copy of itself changes nothing', () => {
    fc.assert(
      fc.property(digestArb, nodeArb(3), (digest, spec) => {
        const a = build(spec, new Timestamp(digest));
        const before = toHex(a.toBytes());
        a.merge(Timestamp.fromBytes(a.toBytes(), digest));
        assert.equal(toHex(a.toBytes()), before);
      }),
      SETTINGS,
    );
  });
  it('is commutative: a+b and b+a serialize identically and keep every attestation of both', () => {
    fc.assert(
      fc.property(pairArb, ([digest, specA, specB]) => {
        const ab = build(specA, new Timestamp(digest)).merge(build(specB, new Timestamp(digest)));
        const ba = build(specB, new Timestamp(digest)).merge(build(specA, new Timestamp(digest)));
        assert.equal(toHex(ab.toBytes()), toHex(ba.toBytes()));
        const count = (t: Timestamp) => [...t.allAttestations()].length;
        assert.ok(count(ab) >= Math.max(count(build(specA, new Timestamp(digest))), count(build(specB, new Timestamp(digest)))));
      }),
      SETTINGS,
    );
  });
});

function newProofWithAttestation() {
  const proof = newProof('sha256', new Uint8Array(32));
  proof.timestamp.addAttestation({ type: 'bitcoin', height: 1n });
  return proof;
}
