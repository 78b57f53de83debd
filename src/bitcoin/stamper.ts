// The stamper (SPEC §10): at most one unconfirmed OP_RETURN tx over all pending commitments, RBF-bumped
// once per block; after min-confirmations the proofs (SPEC §7) are saved. All state is in memory.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { isOtsError, type Timestamp, toHex } from '../core/index.js';
import type { BitcoinBackend, BlockInfo, StamperCalendar } from './backend.js';
import { bitcoinErrors } from './errors.js';
import { adoptCycle, sendVersion, type StampCycle, startCycle } from './stamp-cycle.js';
import { buildBitcoinProofs, txidBytes } from './stamp-tx.js';
import { StamperHealth } from './stamper-health.js';

/** Stamper policy; names follow the reference's --btc-* flags. */
export interface StamperOptions {
  /** Blocks (including the one holding the tx) before proofs are stored; must be > 1 (reference: 6). */
  minConfirmations: number;
  /** Pause after a tx confirms before the next one starts, × uniform(1, 2) (reference: 6 h). */
  minTxIntervalMs: number;
  /** Upper bound of the total fee of one tx, in sat (reference: 0.001 BTC). */
  maxFeeSat: bigint;
  /** estimatesmartfee target for the first version (reference: 1008). */
  confTarget: number;
  /** Fee rate floor and per-block bump, sat/vB (reference: 1). */
  minRelayFeeRate: number;
  /** Loop period (reference: 1 s). */
  pollMs?: number;
  /** Blocks without confirmation after which health turns bad (default 72). */
  stuckAfterBlocks?: number;
  /** Cap of commitments per tx (reference --max-pending: 100000). */
  maxPending?: number;
  log: Logger;
}

interface Mined { txid: string; height: number; blockHash: string; commitments: Set<string>; timestamps: Timestamp[]; cycle: StampCycle }

/** Status of a commitment whose tx is mined but not yet deep enough (GET /timestamp 404 text). */
export interface MinedStatus { state: 'mined'; txid: string; confirmationsNeeded: number }

/**
 * Emits 'broadcast' (txid, version number), 'mined' (txid, height), 'saved' (count, height),
 * 'reorg' (height), 'problem' (OtsError) and 'tick' after every loop pass.
 */
export class Stamper extends EventEmitter {
  private readonly known = new Map<number, string>();
  private lastHeight = -1;
  private unconfirmed: StampCycle | undefined;
  private readonly mined: Mined[] = [];
  private nextTxAt = 0;
  private newBlock = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private unsubscribe: (() => void) | undefined;
  private anchored = 0;
  private lastSaved: { height: number; hash: string } | undefined;
  readonly health: StamperHealth;

  constructor(private readonly backend: BitcoinBackend, private readonly calendar: StamperCalendar, private readonly opts: StamperOptions) {
    super();
    if (!(opts.minConfirmations > 1)) throw bitcoinErrors.OTS_ERR_STAMP_BAD_OPTION('--btc-min-confirmations', 'must be greater than 1');
    this.health = new StamperHealth(opts.log);
  }

  /** Starts the loop; new commitments from the calendar trigger an early pass. */
  start(): void {
    this.stopped = false;
    this.unsubscribe = this.calendar.onCommitted?.(() => this.kick());
    this.kick();
  }

  /** Stops the loop and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs one pass now unless one is running; the loop continues afterwards. */
  kick(): void {
    if (this.running || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.running = this.tick().finally(() => {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => this.kick(), this.opts.pollMs ?? 1000);
    });
  }

  /** One pass: follow blocks, store deep-enough proofs, make or bump the tx. Never throws. */
  async tick(): Promise<void> {
    try {
      await this.followBlocks();
      await this.saveDeepEnough();
      await this.stamp();
      this.checkStuck();
      this.health.ok();
    } catch (err) {
      this.health.fail(err);
      this.emit('problem', err);
    }
    this.emit('tick');
  }

  /** Tip of the latest unconfirmed version (GET /tip), if any. */
  tip(): Uint8Array | undefined {
    return this.unconfirmed?.versions.at(-1)?.tip;
  }

  /** 'mined' while the commitment's tx waits for confirmations. */
  lookup(commitment: Uint8Array): MinedStatus | undefined {
    const key = toHex(commitment);
    const rec = this.mined.find((m) => m.commitments.has(key));
    return rec && { state: 'mined', txid: rec.txid, confirmationsNeeded: this.opts.minConfirmations };
  }

  /** Facts for /stats and logs. */
  stats(): Record<string, unknown> {
    const latest = this.unconfirmed?.versions.at(-1);
    const last = this.mined.at(-1);
    return {
      ...this.health.report(),
      network: this.backend.network,
      height: this.lastHeight,
      unconfirmedTxid: latest?.txid ?? null,
      unconfirmedVersions: this.unconfirmed?.versions.length ?? 0,
      unconfirmedFeeSat: latest ? Number(latest.feeSat) : 0,
      unconfirmedCommitments: latest?.commitments.length ?? 0,
      txsWaitingForConfirmation: this.mined.length,
      commitmentsAnchored: this.anchored,
      unconfirmedFeeRateSatVb: this.unconfirmed?.feeRate ?? null,
      lastMined: last && { txid: last.txid, height: last.height, hash: last.blockHash, commitments: last.timestamps.length,
        confirmations: this.lastHeight - last.height + 1 },
      lastAnchoredBlock: this.lastSaved ?? null,
      bestBlock: { height: this.lastHeight, hash: this.known.get(this.lastHeight) ?? null },
      nextTxAt: this.nextTxAt ? new Date(this.nextTxAt).toISOString() : null,
    };
  }

  private async followBlocks(): Promise<void> {
    // the first sync also checks network and sync state; until it passes the stamper stays unhealthy
    if (this.lastHeight < 0) await this.backend.check();
    const tipHeight = await this.backend.tipHeight();
    if (this.lastHeight < 0) {
      const hash = await this.backend.blockHash(tipHeight);
      // after a restart: replace our tx still in the mempool rather than anchor its commitments twice
      // (before lastHeight is set, so a failure here is retried by the next pass)
      this.unconfirmed ??= await adoptCycle(this.backend, this.opts, tipHeight);
      if (this.unconfirmed) this.newBlock = true;
      this.known.set(tipHeight, hash);
      this.lastHeight = tipHeight;
      return;
    }
    // reorg: pop every known block that is no longer on the best chain (SPEC §10)
    while (this.known.has(this.lastHeight) &&
      (this.lastHeight > tipHeight || this.known.get(this.lastHeight) !== (await this.backend.blockHash(this.lastHeight)))) {
      this.popBlock(this.lastHeight--);
    }
    for (let h = this.lastHeight + 1; h <= tipHeight; h++) {
      const block = await this.backend.block(h);
      this.known.set(h, block.hash);
      this.known.delete(h - 1000);
      this.lastHeight = h;
      this.newBlock = true;
      this.onBlock(block);
    }
  }

  private popBlock(height: number): void {
    this.known.delete(height);
    for (let i = this.mined.length - 1; i >= 0; i--) {
      const rec = this.mined[i]!;
      if (rec.height < height) continue;
      this.mined.splice(i, 1);
      this.calendar.markUnstamped?.(rec.timestamps.map((t) => t.msg));
      if (!this.unconfirmed) {
        // the tx is unconfirmed again (and may be back in mempools): replace it, spending the same
        // input, rather than start a second tx that would anchor the same commitments twice
        this.unconfirmed = rec.cycle;
        this.newBlock = true;
      }
      this.opts.log.warn({ txid: rec.txid, height, commitments: rec.commitments.size }, 'stamp tx left the best chain; commitments back to pending');
    }
    this.emit('reorg', height);
  }

  private onBlock(block: BlockInfo): void {
    const u = this.unconfirmed;
    if (!u) return;
    const version = u.versions.find((v) => block.txids.some((id) => toHex(id) === toHex(txidBytes(v.txid))));
    if (!version) return;
    if (version.commitments.length === 0) {
      // an adopted tx from before a restart confirmed before we replaced it: its commitments are
      // unknown, they are still pending and go into a new tx at once
      this.unconfirmed = undefined;
      this.nextTxAt = 0;
      this.opts.log.warn({ txid: version.txid, height: block.height }, 'adopted stamp tx mined before replacement; re-stamping');
      return;
    }
    const timestamps = buildBitcoinProofs(version.commitments, version.stripped, block);
    this.mined.push({ txid: version.txid, height: block.height, blockHash: block.hash, timestamps,
      commitments: new Set(version.commitments.map(toHex)), cycle: u });
    this.unconfirmed = undefined;
    this.nextTxAt = Date.now() + this.opts.minTxIntervalMs * (1 + Math.random());
    this.opts.log.info({ txid: version.txid, height: block.height, commitments: version.commitments.length }, 'stamp tx mined');
    this.emit('mined', version.txid, block.height);
  }

  private async saveDeepEnough(): Promise<void> {
    for (const rec of [...this.mined]) {
      if (this.lastHeight - rec.height + 1 < this.opts.minConfirmations) continue;
      // never store from a stale block: re-check the hash right before writing
      if ((await this.backend.blockHash(rec.height)) !== rec.blockHash) continue;
      await this.calendar.saveTimestamps(rec.timestamps);
      this.mined.splice(this.mined.indexOf(rec), 1);
      this.anchored += rec.timestamps.length;
      this.lastSaved = { height: rec.height, hash: rec.blockHash };
      this.opts.log.info({ txid: rec.txid, height: rec.height, commitments: rec.timestamps.length }, 'proofs saved');
      this.emit('saved', rec.timestamps.length, rec.height);
    }
  }

  private async stamp(): Promise<void> {
    if (this.unconfirmed) {
      // replacements happen at most once per block, as in the reference
      if (!this.newBlock) return;
      const pending = this.pendingNotMined();
      if (pending.length === 0) return;
      try {
        await this.send(this.unconfirmed, pending);
      } catch (err) {
        // e.g. its input was spent elsewhere after a reorg: give the cycle up, the next pass starts anew
        if (isOtsError(err, 'OTS_ERR_STAMP_REJECTED')) this.unconfirmed = undefined;
        throw err;
      }
      return;
    }
    if (Date.now() < this.nextTxAt) return;
    const pending = this.pendingNotMined();
    if (pending.length === 0) return;
    const cycle = await startCycle(this.backend, this.opts, this.lastHeight);
    await this.send(cycle, pending);
    this.unconfirmed = cycle;
  }

  /** Pending commitments of the calendar minus those in a mined tx that waits for confirmations. */
  private pendingNotMined(): Uint8Array[] {
    const pending = this.calendar.pendingCommitments(this.opts.maxPending ?? 100_000);
    if (this.mined.length === 0) return pending;
    return pending.filter((c) => !this.mined.some((m) => m.commitments.has(toHex(c))));
  }

  private async send(cycle: StampCycle, commitments: Uint8Array[]): Promise<void> {
    const version = await sendVersion(this.backend, cycle, commitments, this.opts, this.lastHeight);
    this.newBlock = false;
    this.emit('broadcast', version.txid, cycle.versions.length);
  }

  private checkStuck(): void {
    const u = this.unconfirmed;
    const limit = this.opts.stuckAfterBlocks ?? 72;
    if (u && this.lastHeight - u.firstHeight >= limit) throw bitcoinErrors.OTS_ERR_STAMP_STUCK(this.lastHeight - u.firstHeight);
  }
}
