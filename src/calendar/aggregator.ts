// The aggregation loop (SPEC §10): digests queue up; every roundMs the queue is drained into one round
// (round.ts), its commitment is appended to the journal with one datasync, and only then are the
// waiting submitters answered (group commit). Empty rounds do nothing.
import type { Logger } from 'pino';
import { calendarErrors } from './errors.js';
import type { Journal } from './journal.js';
import type { MacChecker } from './mac-checker.js';
import { commitRound, MAX_DIGEST_LENGTH, NoncePool, RoundBatch } from './round.js';

/** Everything the loop needs, passed in by the calendar facade. */
export interface AggregatorOptions {
  roundMs: number;
  maxQueued: number;
  nowMs: () => number;
  randomNonce?: () => Uint8Array;
  macs: MacChecker;
  uri: string;
  journal: Journal;
  logger: Logger;
  /** Called once the round's record is durable at `journalIndex`, before submitters are answered. */
  onDurable: (commitment: Uint8Array, journalIndex: number) => void;
}

/** Counters for stats(). */
export interface AggregatorStats {
  rounds: number;
  digests: number;
  lastRoundSize: number;
  lastRoundMs: number;
  lastFsyncMs: number;
}

/**
 * Told once: the digest's bare pending proof when its round is durable, or the coded error. Called
 * synchronously for refusals (closed, too long, busy).
 */
export type SubmitCallback = (err: Error | undefined, proof?: Uint8Array) => void;

/** The round loop: queue, timer, group commit to the journal, answers. One per calendar. */
export class Aggregator {
  private batch = new RoundBatch();
  private readonly nonces = new NoncePool();
  private waiters: SubmitCallback[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private closed = false;
  readonly counters: AggregatorStats = { rounds: 0, digests: 0, lastRoundSize: 0, lastRoundMs: 0, lastFsyncMs: 0 };

  constructor(private readonly opts: AggregatorOptions) {}

  /** Digests waiting for the next round. */
  get queued(): number {
    return this.batch.count;
  }

  /** Starts the round timer. */
  start(): void {
    this.schedule(this.opts.roundMs);
  }

  /** Queues `digest`; resolves with its proof body once its round is durable. */
  submit(digest: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => this.submitWith(digest, (err, proof) => (err === undefined ? resolve(proof!) : reject(err))));
  }

  /**
   * submit() without a promise: the HTTP hot path holds thousands of digests across a round, and one
   * callback per digest is less for the garbage collector to copy than a chain of promises.
   */
  submitWith(digest: Uint8Array, done: SubmitCallback): void {
    if (this.closed) return done(calendarErrors.OTS_ERR_CALENDAR_CLOSED());
    if (digest.length > MAX_DIGEST_LENGTH) return done(calendarErrors.OTS_ERR_DIGEST_TOO_LONG(digest.length, MAX_DIGEST_LENGTH));
    if (this.batch.count >= this.opts.maxQueued) return done(calendarErrors.OTS_ERR_CALENDAR_BUSY(this.batch.count));
    // Nonce and hash now (the batch copies the bytes), so the round itself only builds the tree.
    this.batch.add(digest, this.opts.randomNonce ? this.opts.randomNonce() : this.nonces.next());
    // Keep the process alive only while someone waits for a round.
    if (this.batch.count === 1) this.timer?.ref();
    this.waiters.push(done);
  }

  /** Runs a round now with whatever is queued (used by close(); tests may call it directly). */
  flush(): Promise<void> {
    const run = this.inFlight.then(() => this.round());
    this.inFlight = run.catch(() => undefined);
    return run;
  }

  /** Stops the timer, answers everything queued (one last round), waits for it. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.flush().finally(() => this.schedule(Math.max(0, this.opts.roundMs - (Date.now() - started))));
    }, delayMs);
    if (this.batch.count === 0) this.timer.unref();
  }

  private async round(): Promise<void> {
    const batch = this.batch;
    const waiters = this.waiters;
    if (batch.count === 0) return;
    this.batch = new RoundBatch();
    this.waiters = [];
    const t0 = performance.now();
    let proofs: Uint8Array[];
    try {
      const idx = Math.floor(this.opts.nowMs() / 1000);
      const built = commitRound(batch, idx, this.opts.macs, this.opts.uri);
      const t1 = performance.now();
      const journalIndex = await this.opts.journal.append([built.commitment]);
      const t2 = performance.now();
      this.opts.onDurable(built.commitment, journalIndex);
      Object.assign(this.counters, {
        rounds: this.counters.rounds + 1,
        digests: this.counters.digests + batch.count,
        lastRoundSize: batch.count,
        lastRoundMs: t2 - t0,
        lastFsyncMs: t2 - t1,
      });
      this.opts.logger.debug({ digests: batch.count, journalIndex, buildMs: t1 - t0, fsyncMs: t2 - t1 }, 'round committed');
      proofs = built.responses;
    } catch (err) {
      this.opts.logger.error({ err, digests: batch.count }, 'round failed; submitters get an error');
      const e = err instanceof Error ? err : new Error(String(err));
      for (const done of waiters) this.tell(done, e);
      return;
    }
    for (let i = 0; i < waiters.length; i++) this.tell(waiters[i]!, undefined, proofs[i]!);
  }

  /** Calls one submitter back; a callback that throws must not keep the rest of its round unanswered. */
  private tell(done: SubmitCallback, err: Error | undefined, proof?: Uint8Array): void {
    try {
      done(err, proof);
    } catch (thrown) {
      this.opts.logger.error({ err: thrown }, 'a submitter callback threw; the rest of the round is answered');
    }
  }
}
