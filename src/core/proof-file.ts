// Detached timestamp files, `.ots` (SPEC §4.1): magic, major version 1, the file hash op, the file
// digest, then the timestamp tree over that digest. Trailing bytes are rejected.
import { equalBytes } from './bytes.js';
import { coreErrors } from './errors.js';
import { HASH_DIGEST_LENGTH, HASH_FACTORIES, type HashOpName, type Op, opNameOf, unaryOp } from './op.js';
import { BytesReader, BytesWriter } from './reader.js';
import { Timestamp } from './timestamp.js';

/** "\0OpenTimestamps\0\0Proof\0" followed by 8 binary bytes. */
export const HEADER_MAGIC = Uint8Array.of(
  0x00, 0x4f, 0x70, 0x65, 0x6e, 0x54, 0x69, 0x6d, 0x65, 0x73, 0x74, 0x61, 0x6d, 0x70, 0x73, 0x00, 0x00, 0x50, 0x72,
  0x6f, 0x6f, 0x66, 0x00, 0xbf, 0x89, 0xe2, 0xe8, 0x84, 0xe8, 0x92, 0x94,
);
export const MAJOR_VERSION = 1;

/** A parsed `.ots` file. */
export interface DetachedProof {
  readonly fileHashOp: HashOpName;
  readonly timestamp: Timestamp;
}

/** The file digest a proof commits to (its root message). */
export function proofDigest(proof: DetachedProof): Uint8Array {
  return proof.timestamp.msg;
}

/** Builds a proof skeleton for a file digest; attestations and ops are added to `timestamp`. */
export function newProof(fileHashOp: HashOpName, digest: Uint8Array): DetachedProof {
  if (digest.length !== HASH_DIGEST_LENGTH[fileHashOp]) {
    throw coreErrors.OTS_ERR_PROOF_TRUNCATED(`a ${fileHashOp} file digest`, HASH_DIGEST_LENGTH[fileHashOp], digest.length);
  }
  return { fileHashOp, timestamp: new Timestamp(digest) };
}

/** Parses a complete `.ots` file. Any malformed input ends in an OtsError with a coded reason. */
export function readProof(bytes: Uint8Array): DetachedProof {
  const r = new BytesReader(bytes);
  const magic = bytes.subarray(0, HEADER_MAGIC.length);
  if (!equalBytes(magic, HEADER_MAGIC)) throw coreErrors.OTS_ERR_PROOF_BAD_MAGIC();
  r.readBytes(HEADER_MAGIC.length);
  const version = r.readByte('the major version');
  if (version !== MAJOR_VERSION) throw coreErrors.OTS_ERR_PROOF_UNSUPPORTED_VERSION(version);
  const tag = r.readByte('the file hash op');
  const name = opNameOf(tag);
  if (name === undefined || !(name in HASH_DIGEST_LENGTH)) throw coreErrors.OTS_ERR_PROOF_BAD_FILE_HASH_OP(tag);
  const fileHashOp = name as HashOpName;
  const digest = Uint8Array.from(r.readBytes(HASH_DIGEST_LENGTH[fileHashOp], 'the file digest'));
  const timestamp = Timestamp.deserialize(r, digest);
  r.assertEnd('the proof');
  return { fileHashOp, timestamp };
}

/** Writes a `.ots` file in canonical form. */
export function writeProof(proof: DetachedProof): Uint8Array {
  const w = new BytesWriter(512);
  w.writeBytes(HEADER_MAGIC);
  w.writeByte(MAJOR_VERSION);
  w.writeByte(fileHashOpOf(proof).tag);
  w.writeBytes(proof.timestamp.msg);
  proof.timestamp.serialize(w);
  return w.finish();
}

export function fileHashOpOf(proof: DetachedProof): Op {
  return unaryOp(proof.fileHashOp);
}

/** Hashes a byte stream in constant memory (chunks of any size), e.g. a multi-GB file read as a stream. */
export async function hashStream(op: HashOpName, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const hasher = HASH_FACTORIES[op]();
  for await (const chunk of chunks) hasher.update(chunk);
  return hasher.digest();
}
