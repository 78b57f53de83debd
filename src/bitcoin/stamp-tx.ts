// Stamp transactions (SPEC §7.2) and the proof from a commitment to a block's merkle root (SPEC §7.1,
// §7.3): commitment -sha256-> leaf -calendar tree-> tip -prepend/append tx bytes-> sha256d -> block path.
import { sha256 } from '@noble/hashes/sha2.js';
import { Script, Transaction } from '@scure/btc-signer';
import {
  bitcoinAttestation,
  bitcoinMerklePath,
  equalBytes,
  fromHex,
  indexOfBytes,
  makeMerkleTree,
  merkleRoot,
  ops,
  reverseBytes,
  sha256d,
  Timestamp,
  toHex,
} from '../core/index.js';
import type { BlockInfo, Utxo } from './backend.js';

/** BIP125 opt-in replace-by-fee signal (< 0xfffffffe). The reference uses 0xfffffffe and relies on full-RBF. */
export const RBF_SEQUENCE = 0xfffffffd;
/** Outputs at or below this are dust; the reference skips such wallet outputs (SPEC §7.2). */
export const DUST_LIMIT_SAT = 546n;

/** The tip of the calendar tree over `commitments` (each hashed once first, SPEC §7.1). */
export function commitmentsTip(commitments: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(commitments.map((c) => sha256(c)));
}

/** Inputs of one stamp transaction version. */
export interface StampTxPlan {
  utxo: Utxo;
  changeScript: Uint8Array;
  changeSat: bigint;
  tip: Uint8Array;
  lockTime: number;
}

/** Unsigned stamp tx: version 1, one input signalling BIP125, vout0 change, vout1 OP_RETURN <tip>. */
export function buildStampTx(plan: StampTxPlan): Uint8Array {
  const tx = new Transaction({ version: 1, lockTime: plan.lockTime, allowUnknownOutputs: true, allowUnknownInputs: true });
  tx.addInput({ txid: plan.utxo.txid, index: plan.utxo.vout, sequence: RBF_SEQUENCE });
  tx.addOutput({ script: plan.changeScript, amount: plan.changeSat });
  tx.addOutput({ script: Script.encode(['RETURN', plan.tip]), amount: 0n });
  return tx.unsignedTx;
}

/** Facts of a signed tx the stamper needs: witness-stripped bytes, txid and virtual size. */
export interface SignedTxInfo {
  stripped: Uint8Array;
  /** Display hex. */
  txid: string;
  vsize: number;
}

/** Parses a signed tx: the serialization without witness (what the txid commits to), txid, vsize. */
export function inspectSignedTx(raw: Uint8Array): SignedTxInfo {
  const tx = Transaction.fromRaw(raw, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
  const stripped = tx.toBytes(true, false);
  return { stripped, txid: toHex(reverseBytes(sha256d(stripped))), vsize: tx.vsize };
}

/** Tip, spent outpoint and change script of a tx shaped like ours (SPEC §7.2), or undefined if it is not. */
export function readStampTx(
  raw: Uint8Array,
): { tip: Uint8Array; txid: string; vout: number; changeScript: Uint8Array } | undefined {
  const tx = Transaction.fromRaw(raw, { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
  if (tx.inputsLength !== 1 || tx.outputsLength !== 2) return undefined;
  const change = tx.getOutput(0).script;
  const script = tx.getOutput(1).script;
  if (!change || !script || script.length !== 34 || script[0] !== 0x6a || script[1] !== 0x20) return undefined;
  const input = tx.getInput(0);
  return { tip: script.slice(2), txid: toHex(input.txid!), vout: input.index!, changeScript: change };
}

/** The tx path of SPEC §7.3: prefix before the first occurrence of the tip, suffix after it. */
export function splitAroundTip(stripped: Uint8Array, tip: Uint8Array): { prefix: Uint8Array; suffix: Uint8Array } {
  const at = indexOfBytes(stripped, tip);
  if (at < 0) throw new RangeError('the stamp transaction does not contain its tip');
  return { prefix: stripped.slice(0, at), suffix: stripped.slice(at + tip.length) };
}

/**
 * Builds, for each commitment, the complete timestamp ending in a Bitcoin attestation at `block`.
 * Checks the computed merkle root against the header so a wrong block can never be stored.
 */
export function buildBitcoinProofs(commitments: readonly Uint8Array[], stripped: Uint8Array, block: BlockInfo): Timestamp[] {
  const roots = commitments.map((c) => new Timestamp(c));
  const tipNode = makeMerkleTree(roots.map((r) => r.add(ops.sha256)));
  const { prefix, suffix } = splitAroundTip(stripped, tipNode.msg);
  const txidNode = tipNode.addPath([ops.prepend(prefix), ops.append(suffix), ops.sha256, ops.sha256]);
  const index = block.txids.findIndex((id) => equalBytes(id, txidNode.msg));
  if (index < 0) throw new RangeError(`block ${block.hash} does not contain the stamp transaction`);
  const { root, path } = bitcoinMerklePath(block.txids, index);
  const rootNode = txidNode.addPath(path);
  if (!equalBytes(root, block.header.slice(36, 68)) || !equalBytes(rootNode.msg, root)) {
    throw new RangeError(`merkle root mismatch for block ${block.hash}`);
  }
  rootNode.addAttestation(bitcoinAttestation(block.height));
  return roots;
}

/** Internal-order txid bytes from display hex. */
export function txidBytes(display: string): Uint8Array {
  return reverseBytes(fromHex(display));
}

