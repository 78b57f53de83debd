// The calendar facade (SPEC §6, §8, §10): opens a calendar directory (drop-in with reference otsd),
// runs the aggregator, answers lookups, and is what the HTTP server and the Bitcoin stamper talk to.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Timestamp } from '../core/index.js';
import { CALENDAR_FILES, readCalendarConfig, writeKnownGood } from './calendar-dir.js';
import { Aggregator, type SubmitCallback } from './aggregator.js';
import { Journal } from './journal.js';
import { MacChecker } from './mac-checker.js';
import type { PendingSet } from './pending-set.js';
import { loadUnstamped, type Recovered } from './recovery.js';
import { CalendarStore } from './store.js';

/** How to open a calendar. */
export interface CalendarOptions {
  /** Calendar directory: uri, hmac-key, journal, journal.known-good, db/. */
  dir: string;
  /** Aggregation round length; default 1000 (reference). */
  roundMs?: number;
  /** Back-pressure: digests queued for the next round beyond this are refused (OTS_ERR_CALENDAR_BUSY). */
  maxPending?: number;
  logger: Logger;
  /** Clock (tests): a round's idx is floor(nowMs()/1000) when it is committed. */
  nowMs?: () => number;
  /** Nonce source (tests only); default: the CSPRNG. */
  randomNonce?: () => Uint8Array;
}

/** Default back-pressure limit: ~8 s of the 12,000 digests/s target, ~70 MB of responses at most. */
export const DEFAULT_MAX_QUEUED = 100_000;
/** Recently stamped commitments remembered with their journal index, for markUnstamped after a reorg. */
const RECENT_STAMPED = 100_000;

/** Counters the server exposes on its stats page and metrics. */
export interface CalendarStats {
  pendingCommitments: number;
  journalLength: number;
  queuedDigests: number;
  rounds: number;
  digests: number;
  lastRoundSize: number;
  lastRoundMs: number;
  lastFsyncMs: number;
  startedAt: number;
  knownGood: number;
  damagedJournalRecords: number;
}

/**
 * One open calendar directory. The HTTP server uses submit/getTimestamp/isPending/stats; the stamper
 * uses pendingCommitments/onCommitted/saveTimestamps/markUnstamped (structurally, via its own interface).
 */
export class Calendar {
  private readonly listeners = new Set<(commitments: Uint8Array[]) => void>();
  private readonly recentStamped = new Map<string, number>();
  private committedLength: number;
  private knownGoodWrite: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private readonly startedAt = Date.now();
  private aggregator!: Aggregator;

  private constructor(
    readonly dir: string,
    readonly uri: string,
    readonly journal: Journal,
    readonly store: CalendarStore,
    private readonly pending: PendingSet,
    private knownGood: number,
    private readonly log: Logger,
  ) {
    this.committedLength = journal.length;
  }

  /** Opens `opts.dir`: validates uri and hmac-key, opens store and journal, loads unstamped commitments. */
  static async open(opts: CalendarOptions): Promise<Calendar> {
    const log = opts.logger.child({ area: 'calendar' });
    const { uri, hmacKey } = await readCalendarConfig(opts.dir);
    if (hmacKey.length !== 32) log.warn({ bytes: hmacKey.length }, 'hmac-key is not 32 bytes; using it as is, like the reference');
    const macs = new MacChecker(hmacKey);
    const store = await CalendarStore.open(join(opts.dir, CALENDAR_FILES.db), log);
    let journal: Journal;
    try {
      journal = await Journal.open(join(opts.dir, CALENDAR_FILES.journal), { hmacKey, logger: log });
    } catch (err) {
      await store.close();
      throw err;
    }
    const t0 = performance.now();
    let recovered: Recovered;
    try {
      recovered = await loadUnstamped(opts.dir, journal, store, log);
    } catch (err) {
      await journal.close();
      await store.close();
      throw err;
    }
    const { pending, knownGood } = recovered;
    const calendar = new Calendar(opts.dir, uri, journal, store, pending, knownGood, log);
    calendar.aggregator = new Aggregator({
      roundMs: opts.roundMs ?? 1000,
      maxQueued: opts.maxPending ?? DEFAULT_MAX_QUEUED,
      nowMs: opts.nowMs ?? Date.now,
      ...(opts.randomNonce ? { randomNonce: opts.randomNonce } : {}),
      macs,
      uri,
      journal,
      logger: log,
      onDurable: (c, i) => calendar.committed(c, i),
    });
    await calendar.advanceKnownGood();
    log.info(
      { journalLength: journal.length, knownGood, pending: pending.size, damaged: journal.damagedRecords, ms: Math.round(performance.now() - t0) },
      'calendar opened',
    );
    calendar.aggregator.start();
    return calendar;
  }

  /** Resolves with the bare pending proof for `digest` (0..64 bytes) once its round is durable. */
  submit(digest: Uint8Array): Promise<Uint8Array> {
    // After close() the aggregator refuses with OTS_ERR_CALENDAR_CLOSED.
    return this.aggregator.submit(digest);
  }

  /** submit() with a callback instead of a promise (the HTTP hot path; see Aggregator.submitWith). */
  submitWith(digest: Uint8Array, done: SubmitCallback): void {
    this.aggregator.submitWith(digest, done);
  }

  /** Canonical serialization of the stored tree rooted at `msg` (any stored node), or undefined. */
  async getTimestamp(msg: Uint8Array): Promise<Uint8Array | undefined> {
    return this.store.get(msg)?.toBytes();
  }

  /** True when `commitment` is journaled but not yet stamped into the store. */
  isPending(commitment: Uint8Array): boolean {
    return this.pending.has(commitment);
  }

  /** Unstamped commitments in journal order (36 or 44 bytes), at most `limit`. */
  pendingCommitments(limit?: number): Uint8Array[] {
    return this.pending.list(limit);
  }

  /** Number of unstamped commitments (for the stamper and the stats page). */
  pendingCount(): number {
    return this.pending.size;
  }

  /** Calls `listener` after each durable round with its new commitment(s). Returns an unsubscribe fn. */
  onCommitted(listener: (commitments: Uint8Array[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stores complete trees in one synchronous LevelDB batch (merged with what is there), then drops
   * every commitment found in them from the pending set and advances journal.known-good.
   */
  async saveTimestamps(timestamps: Timestamp[]): Promise<void> {
    await this.store.add(timestamps);
    const seen = new Set<Timestamp>();
    const stack = [...timestamps];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      // Only 44-byte (or legacy 36-byte) messages can be journal commitments.
      const index = node.msg.length === 44 || node.msg.length === 36 ? this.pending.indexOf(node.msg) : undefined;
      if (index !== undefined) {
        this.pending.delete(node.msg);
        this.rememberStamped(node.msg, index);
      }
      for (const { child } of node.ops) stack.push(child);
    }
    await this.advanceKnownGood();
  }

  /** Puts commitments back into the pending set (after a reorg), moving journal.known-good back if needed. */
  markUnstamped(commitments: Uint8Array[]): void {
    let lowest = Infinity;
    for (const c of commitments) {
      if (this.pending.has(c)) continue;
      const index = this.recentStamped.get(latin1(c));
      if (index === undefined) {
        // Not stamped in this process: the earliest place it can be is the current known-good cursor.
        this.log.warn({ commitment: Buffer.from(c).toString('hex') }, 'unstamped commitment has no known journal index');
      }
      const at = index ?? this.knownGood;
      this.pending.add(c, at);
      lowest = Math.min(lowest, at);
    }
    if (lowest < this.knownGood) this.setKnownGood(lowest);
  }

  /** Counters for the stats page and metrics; cheap enough to call per request. */
  stats(): CalendarStats {
    const c = this.aggregator.counters;
    return {
      pendingCommitments: this.pending.size,
      journalLength: this.journal.length,
      queuedDigests: this.aggregator.queued,
      rounds: c.rounds,
      digests: c.digests,
      lastRoundSize: c.lastRoundSize,
      lastRoundMs: c.lastRoundMs,
      lastFsyncMs: c.lastFsyncMs,
      startedAt: this.startedAt,
      knownGood: this.knownGood,
      damagedJournalRecords: this.journal.damagedRecords,
    };
  }

  /** Finishes the current round (answers its waiters), closes journal and store. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.aggregator.close();
      await this.knownGoodWrite;
      await this.journal.close();
      await this.store.close();
      this.log.info({}, 'calendar closed');
    })();
    return this.closing;
  }

  private committed(commitment: Uint8Array, journalIndex: number): void {
    this.pending.add(commitment, journalIndex);
    this.committedLength = journalIndex + 1;
    for (const listener of this.listeners) {
      try {
        listener([commitment]);
      } catch (err) {
        this.log.error({ err }, 'onCommitted listener failed');
      }
    }
  }

  private rememberStamped(commitment: Uint8Array, index: number): void {
    this.recentStamped.set(latin1(commitment), index);
    if (this.recentStamped.size > RECENT_STAMPED) {
      this.recentStamped.delete(this.recentStamped.keys().next().value!);
    }
  }

  /** known-good = first journal index still pending (or the committed length when none is). */
  private advanceKnownGood(): Promise<void> {
    const first = this.pending.firstIndex() ?? this.committedLength;
    if (first > this.knownGood) this.setKnownGood(first);
    return this.knownGoodWrite;
  }

  private setKnownGood(index: number): void {
    this.knownGood = index;
    this.knownGoodWrite = this.knownGoodWrite
      .then(() => writeKnownGood(this.dir, this.knownGood))
      .catch((err) => this.log.error({ err }, 'cannot write journal.known-good; restart will scan further back'));
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}
