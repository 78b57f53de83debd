// The small interfaces the Bitcoin side works through (SPEC §7, §10): a node+wallet backend and the
// slice of a calendar the stamper needs. Core JSON-RPC and the embedded regtest node implement the first.
import type { Timestamp } from '../core/index.js';

/** A block as the stamper needs it: header bytes and txids in internal byte order. */
export interface BlockInfo {
  height: number;
  /** Block hash, display (RPC) hex. */
  hash: string;
  /** The 80-byte header; the merkle root is bytes 36..67 in internal order. */
  header: Uint8Array;
  /** Transaction ids in block order, internal byte order (as hashed into the merkle tree). */
  txids: Uint8Array[];
}

/** A wallet output the stamper can spend. */
export interface Utxo {
  /** Display (RPC) hex of the funding txid. */
  txid: string;
  vout: number;
  amountSat: bigint;
  /** The output's scriptPubKey (needed to sign segwit inputs). */
  script: Uint8Array;
}

/** An unconfirmed stamp tx found in the wallet/mempool at start-up. */
export interface PendingStampTx {
  /** The signed tx as broadcast. */
  raw: Uint8Array;
  /** The wallet output it spends. */
  utxo: Utxo;
  feeSat: bigint;
}

/** Chain, mempool and wallet access; every call may throw an OtsError with an OTS_ERR_RPC_* code. */
export interface BitcoinBackend {
  /** Network name as Core's getblockchaininfo.chain says it: 'main', 'test', 'regtest', 'signet'. */
  readonly network: string;
  /** Checks the node is reachable, synced and on the right network; throws a coded error if not. */
  check(): Promise<void>;
  /** Height of the best chain tip. */
  tipHeight(): Promise<number>;
  /** Display hex hash of the best-chain block at `height`. */
  blockHash(height: number): Promise<string>;
  /** Header and txids of the best-chain block at `height`. */
  block(height: number): Promise<BlockInfo>;
  /** True when the node's mempool holds `txid` (display hex). */
  mempoolHas(txid: string): Promise<boolean>;
  /** The wallet's largest confirmed spendable output above the dust limit, if any. */
  largestUtxo(): Promise<Utxo | undefined>;
  /** A fresh wallet change output script (native segwit where the network allows). */
  changeScript(): Promise<Uint8Array>;
  /** Signs the unsigned tx `raw` whose single input spends `utxo`; returns the full signed tx. */
  sign(raw: Uint8Array, utxo: Utxo): Promise<Uint8Array>;
  /** Broadcasts; returns the txid (display hex). Throws OTS_ERR_STAMP_REJECTED when refused. */
  broadcast(raw: Uint8Array): Promise<string>;
  /**
   * The wallet's unconfirmed stamp tx (one input from the wallet, an OP_RETURN with 32 bytes) if one
   * is in the mempool, so a restarted stamper replaces it instead of anchoring in a second tx.
   */
  unconfirmedStampTx(): Promise<PendingStampTx | undefined>;
  /** Fee rate estimate in sat/vB for `confTarget` blocks, or undefined when the node has none. */
  estimateFeeRate(confTarget: number): Promise<number | undefined>;
  /** Releases connections (and for the embedded node, the node itself). */
  close(): Promise<void>;
}

/**
 * What the stamper needs from a calendar; src/calendar satisfies it structurally. Pending commitments
 * are 44-byte (or legacy 36-byte) journal records not yet stored with a Bitcoin proof.
 */
export interface StamperCalendar {
  /** Unstamped commitments in journal order. */
  pendingCommitments(limit?: number): Uint8Array[];
  /** Stores finished proofs (one write batch); they then leave the pending set. */
  saveTimestamps(timestamps: Timestamp[]): Promise<void>;
  /** Puts commitments back to pending after a reorg (optional: pending is whatever is not stored). */
  markUnstamped?(commitments: Uint8Array[]): void;
  /** Called with each newly journaled batch, so the stamper can react without waiting for its tick. */
  onCommitted?(listener: (commitments: Uint8Array[]) => void): () => void;
}
