// Human-readable rendering of a timestamp tree, equivalent to the reference's `str_tree` used by
// `ots info`: linear chains stay at one indent, forks print ` -> ` and indent by four.
import { formatAttestation } from './attestation.js';
import { reverseBytes, toHex } from './bytes.js';
import { sha256d } from './merkle-tree.js';
import { applyOp, formatOp } from './op.js';
import type { DetachedProof } from './proof-file.js';
import { looksLikeTransaction } from './transaction.js';
import type { Timestamp } from './timestamp.js';
import { compareAttestations } from './attestation.js';

export interface RenderOptions {
  /** Append ` == <result hex>` to each op line (the reference's -v). */
  verbose?: boolean;
}

/** The tree as the reference prints it (without colour). */
export function renderTimestamp(t: Timestamp, options: RenderOptions = {}, indent = 0): string {
  const pad = ' '.repeat(indent);
  let out = '';
  for (const a of [...t.attestations].sort(compareAttestations)) {
    out += `${pad}verify ${formatAttestation(a)}\n`;
    if (a.type === 'bitcoin') out += `${pad}# Bitcoin block merkle root ${toHex(reverseBytes(t.msg))}\n`;
    if (a.type === 'litecoin') out += `${pad}# Litecoin block merkle root ${toHex(reverseBytes(t.msg))}\n`;
  }
  const edges = t.ops;
  const txid = edges.length > 0 && looksLikeTransaction(t.msg) ? toHex(reverseBytes(sha256d(t.msg))) : undefined;
  if (edges.length > 1) {
    for (const { op, child } of edges) {
      if (txid) out += `${pad}* Bitcoin transaction id ${txid}\n`;
      out += `${pad} -> ${formatOp(op)}${resultSuffix(options, op, t.msg)}\n`;
      out += renderTimestamp(child, options, indent + 4);
    }
  } else if (edges.length === 1) {
    const { op, child } = edges[0]!;
    if (txid) out += `${pad}# Bitcoin transaction id ${txid}\n`;
    out += `${pad}${formatOp(op)}${resultSuffix(options, op, t.msg)}\n`;
    out += renderTimestamp(child, options, indent);
  }
  return out;
}

/** `ots info` output for a detached proof. */
export function renderProof(proof: DetachedProof, options: RenderOptions = {}): string {
  return (
    `File ${proof.fileHashOp} hash: ${toHex(proof.timestamp.msg)}\n` + `Timestamp:\n` + renderTimestamp(proof.timestamp, options)
  );
}

function resultSuffix(options: RenderOptions, op: Parameters<typeof applyOp>[0], msg: Uint8Array): string {
  return options.verbose ? ` == ${toHex(applyOp(op, msg))}` : '';
}
