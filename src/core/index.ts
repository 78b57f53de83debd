// The protocol core as other areas see it. Pure: no I/O, no timers, only @noble/hashes.
export { OtsError, coreErrors, defineError, isOtsError, type ErrorFactory, type OtsCode } from './errors.js';
export {
  compareBytes,
  concatByteList,
  concatBytes,
  equalBytes,
  fromHex,
  indexOfBytes,
  isHex,
  reverseBytes,
  toHex,
  utf8,
} from './bytes.js';
export { decodeVaruint, encodeVaruint, type DecodedVaruint } from './varuint.js';
export { BytesReader, BytesWriter } from './reader.js';
export {
  applyOp,
  compareOps,
  formatOp,
  HASH_DIGEST_LENGTH,
  isHashOp,
  MAX_HEXLIFY_MSG_LENGTH,
  MAX_MSG_LENGTH,
  MAX_OP_ARG_LENGTH,
  OP_TAG,
  opNameOf,
  ops,
  readOpAfterTag,
  unaryOp,
  writeOp,
  type BinaryOpName,
  type HashOpName,
  type Op,
  type OpName,
} from './op.js';
export {
  attestationPayload,
  attestationTag,
  bitcoinAttestation,
  BITCOIN_TAG,
  compareAttestations,
  decodeAttestation,
  ETHEREUM_TAG,
  formatAttestation,
  isValidPendingUri,
  LITECOIN_TAG,
  MAX_ATTESTATION_PAYLOAD_LENGTH,
  MAX_PENDING_URI_LENGTH,
  PENDING_TAG,
  pendingAttestation,
  readAttestationBody,
  validatePendingUri,
  writeAttestationBody,
  type Attestation,
} from './attestation.js';
export { MAX_OPS_DEPTH, Timestamp, type AttestedMessage, type OpEdge } from './timestamp.js';
export {
  fileHashOpOf,
  hashStream,
  HEADER_MAGIC,
  MAJOR_VERSION,
  newProof,
  proofDigest,
  readProof,
  writeProof,
  type DetachedProof,
} from './proof-file.js';
export { bitcoinMerklePath, catSha256, makeMerkleTree, merklePaths, merkleRoot, sha256d } from './merkle-tree.js';
export {
  COMMITMENT_LENGTH,
  commitmentMac,
  deriveKey,
  encodeIdx,
  LEGACY_COMMITMENT_LENGTH,
  MAC_LENGTH,
  makeCommitment,
  newNonce,
  NONCE_LENGTH,
} from './commitment.js';
export { renderProof, renderTimestamp, type RenderOptions } from './render.js';
export { looksLikeTransaction } from './transaction.js';
