// Checks a backup chunk (SPEC §9.6) from its bytes alone before a mirror stores it: every value decodes
// (§8.3), every op evaluates to a node the chunk carries, the roots are exactly the chunk's commitments,
// every path ends in an attestation, and Bitcoin attestations match block headers when a node is known.
import { applyOp, type Attestation, COMMITMENT_LENGTH, equalBytes, isOtsError, LEGACY_COMMITMENT_LENGTH, MAX_OPS_DEPTH, type Op } from '../core/index.js';
import { type BackupEntry, latin1, parseChunk } from './backup-codec.js';
import { backupErrors } from './backup-errors.js';
import { decodeNodeValue } from './store-codec.js';

/** Block headers as the verifier needs them (the cli passes a Bitcoin Core RPC-backed one). */
export interface HeaderSource {
  /** The merkle root of the block at `height` in internal byte order, or undefined when unknown. */
  merkleRootAt(height: number): Promise<Uint8Array | undefined>;
}

/** A chunk that passed every check, ready to store. */
export interface VerifiedChunk {
  entries: BackupEntry[];
  /** The chunk's commitments (its roots), in key order. */
  commitments: Uint8Array[];
  /** Distinct Bitcoin attestations checked against a header (0 without a header source). */
  verifiedAttestations: number;
  /** Distinct Bitcoin attestations left unchecked (no header source). */
  unverifiedAttestations: number;
}

/** Verification settings. */
export interface VerifyOptions {
  /** Commitments the chunk must hold: 1000 for the reference's chunks. */
  commitments: number;
  headers?: HeaderSource | undefined;
}

/** Parses and checks `body`; throws an OTS_ERR_BACKUP_* error and stores nothing on any doubt. */
export async function verifyChunk(body: Uint8Array, opts: VerifyOptions): Promise<VerifiedChunk> {
  const entries = parseChunk(body);
  const nodes = new Map<string, Node>();
  for (const entry of entries) nodes.set(latin1(entry.key), decodeEntry(entry));

  const referenced = new Set<Node>();
  for (const node of nodes.values()) {
    for (const edge of node.edges) {
      const child = nodes.get(latin1(edge.msg));
      if (child === undefined) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INCOMPLETE('an op leads to a node the chunk does not carry');
      edge.child = child;
      referenced.add(child);
    }
  }
  const roots = [...nodes.values()].filter((n) => !referenced.has(n));
  if (roots.length !== opts.commitments) {
    const why = `${roots.length} commitments where ${opts.commitments} were expected`;
    throw roots.length < opts.commitments ? backupErrors.OTS_ERR_BACKUP_CHUNK_INCOMPLETE(why) : backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID(why);
  }
  for (const root of roots) {
    const length = root.key.length;
    if (length !== COMMITMENT_LENGTH && length !== LEGACY_COMMITMENT_LENGTH) {
      throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID(`a commitment is ${length} bytes long, not 44 (or 36 for legacy records)`);
    }
  }

  const bitcoin: BitcoinSeen = new Map();
  let reached = 0;
  const walk = (node: Node, depth: number, onPath: Set<Node>): void => {
    if (node.height !== undefined) {
      // A shared node reached again deeper than before must still respect the limit below it.
      if (depth + node.height > MAX_OPS_DEPTH) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID(`a path is longer than ${MAX_OPS_DEPTH} ops`);
      return;
    }
    if (depth > MAX_OPS_DEPTH) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID(`a path is longer than ${MAX_OPS_DEPTH} ops`);
    if (onPath.has(node)) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('the ops form a cycle');
    onPath.add(node);
    let height = 0;
    let reachesBitcoin = false;
    for (const a of node.attestations) {
      if (a.type !== 'bitcoin') continue;
      reachesBitcoin = true;
      bitcoin.set(`${a.height}:${latin1(node.key)}`, { height: a.height, msg: node.key });
    }
    for (const edge of node.edges) {
      const child = edge.child!;
      walk(child, depth + 1, onPath);
      height = Math.max(height, 1 + child.height!);
      reachesBitcoin ||= child.reachesBitcoin === true;
    }
    onPath.delete(node);
    node.height = height;
    node.reachesBitcoin = reachesBitcoin;
    reached++;
  };
  for (const root of roots) {
    walk(root, 0, new Set());
    if (!root.reachesBitcoin) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INCOMPLETE('a commitment has no Bitcoin attestation');
  }
  // Every entry must belong to some commitment's tree: anything else is padding or a detached cycle.
  if (reached !== nodes.size) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('some entries are not reachable from any commitment');

  let verified = 0;
  if (opts.headers) {
    for (const { height, msg } of bitcoin.values()) {
      if (height > BigInt(Number.MAX_SAFE_INTEGER)) throw backupErrors.OTS_ERR_BACKUP_ATTESTATION_MISMATCH(String(height));
      const root = await opts.headers.merkleRootAt(Number(height));
      if (root === undefined) throw backupErrors.OTS_ERR_BACKUP_HEADER_UNAVAILABLE(String(height));
      if (!equalBytes(root, msg)) throw backupErrors.OTS_ERR_BACKUP_ATTESTATION_MISMATCH(String(height));
      verified++;
    }
  }
  return {
    entries,
    commitments: roots.map((r) => r.key),
    verifiedAttestations: verified,
    unverifiedAttestations: bitcoin.size - verified,
  };
}

type BitcoinSeen = Map<string, { height: bigint; msg: Uint8Array }>;

interface Edge {
  op: Op;
  msg: Uint8Array;
  child?: Node;
}

interface Node {
  key: Uint8Array;
  attestations: Attestation[];
  edges: Edge[];
  /** Ops on the longest path below this node, once built. */
  height?: number;
  reachesBitcoin?: boolean;
}

function decodeEntry(entry: BackupEntry): Node {
  let decoded;
  try {
    decoded = decodeNodeValue(entry.value);
  } catch (err) {
    throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('a value is not a valid node encoding').causedBy(err);
  }
  const edges = decoded.ops.map((op) => {
    try {
      return { op, msg: applyOp(op, entry.key) };
    } catch (err) {
      if (!isOtsError(err)) throw err;
      throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID(`an op does not evaluate: ${err.message}`).causedBy(err);
    }
  });
  if (edges.length === 0 && decoded.attestations.length === 0) {
    throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('a path ends without an attestation');
  }
  return { key: entry.key, attestations: decoded.attestations, edges };
}
