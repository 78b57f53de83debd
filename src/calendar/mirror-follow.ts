// What both kinds of mirror share (SPEC §9.6, docs/replication.md): the follow loop with bounded
// backoff, close(), and the read-only calendar API over the mirrored store (§8.3).
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { isOtsError, type OtsError } from '../core/index.js';
import { backupErrors } from './backup-errors.js';
import type { FetchChunkOptions, UpstreamHints } from './mirror-fetch.js';
import type { CalendarStore } from './store.js';

/** The knobs the follow loop and its downloads read: poll after catching up, back off after failures, bound each answer. */
export interface FollowSettings {
  pollMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  fetchTimeoutMs: number;
  maxChunkBytes: number;
}

/** The last sync failure as stats show it. */
export type MirrorLastError = { code: string; message: string; at: string } | null;

/**
 * Follows one upstream in the background: calls syncOnce() until aborted, waits pollMs after
 * catching up and backs off (doubling from backoffMinMs to backoffMaxMs) after failures.
 * Subclasses fetch and store; they emit their own progress events, this emits 'problem'.
 */
export abstract class MirrorFollower<S extends FollowSettings, Status> extends EventEmitter {
  protected readonly abort = new AbortController();
  protected caughtUp = false;
  protected lastSyncMs: number | undefined;
  protected lastError: MirrorLastError = null;
  /** What the upstream's answers say about its size (filled by each download). */
  protected readonly hints: UpstreamHints = {};
  private running: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  protected constructor(
    /** Upstream base URL without credentials, as stats show it. */
    readonly uri: string,
    protected readonly settings: S,
    protected readonly store: CalendarStore,
    protected readonly log: Logger,
  ) {
    super();
  }

  /** Fetches and stores until the upstream has nothing new; returns how many items were stored. */
  abstract syncOnce(): Promise<number>;

  /** Lag and counters right now. */
  abstract status(): Status;

  /** Closes what the subclass holds besides the store (journal or log); the store is closed after. */
  protected abstract closeOwn(): Promise<void>;

  /** Message and extra fields of the warning logged when a sync fails. */
  protected abstract failureLog(): { msg: string; fields: Record<string, unknown> };

  /** Starts following in the background (idempotent). */
  start(): void {
    this.running ??= this.follow();
  }

  /** Serialized tree rooted at `msg`, exactly as the upstream's GET /timestamp serves it. */
  async getTimestamp(msg: Uint8Array): Promise<Uint8Array | undefined> {
    return this.store.get(msg)?.toBytes();
  }

  /** A mirror makes no timestamps. */
  submit(): Promise<Uint8Array> {
    return Promise.reject(backupErrors.OTS_ERR_MIRROR_READ_ONLY());
  }

  /** See submit(). */
  submitWith(_digest: Uint8Array, done: (err: Error) => void): void {
    done(backupErrors.OTS_ERR_MIRROR_READ_ONLY());
  }

  /** Unknown to a mirror: backups and the log carry stamped nodes only. */
  isPending(): boolean {
    return false;
  }

  /** Always 0: see isPending(). */
  pendingCount(): number {
    return 0;
  }

  /** The calendar API's stats hook: the mirror's status. */
  stats(): Status {
    return this.status();
  }

  /** Stops following (aborting a download in flight), then closes what the subclass holds and the store. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort();
      this.wake?.();
      await this.running;
      await this.closeOwn();
      await this.store.close();
    })();
    return this.closing;
  }

  /** The sync-time part of a status: caught up, last sync, seconds since. */
  protected syncTimes(): { caughtUp: boolean; lastSyncAt: string | null; secondsSinceLastSync: number | null } {
    return {
      caughtUp: this.caughtUp,
      lastSyncAt: this.lastSyncMs === undefined ? null : new Date(this.lastSyncMs).toISOString(),
      secondsSinceLastSync: this.lastSyncMs === undefined ? null : Math.round((Date.now() - this.lastSyncMs) / 1000),
    };
  }

  /** Deadline, size cap, abort signal and hints for one download from the upstream. */
  protected fetchOptions(): FetchChunkOptions {
    return { signal: this.abort.signal, timeoutMs: this.settings.fetchTimeoutMs, maxBytes: this.settings.maxChunkBytes, hints: this.hints };
  }

  /** Marks the upstream as caught up (nothing new) and says so with 'idle'. */
  protected markIdle(): void {
    this.caughtUp = true;
    this.lastSyncMs = Date.now();
    this.emit('idle');
  }

  private async follow(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      let delay = this.settings.pollMs;
      try {
        await this.syncOnce();
        failures = 0;
      } catch (err) {
        if (this.abort.signal.aborted) break;
        failures++;
        delay = Math.min(this.settings.backoffMaxMs, this.settings.backoffMinMs * 2 ** Math.min(failures - 1, 30));
        this.report(err, delay);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private report(err: unknown, retryMs: number): void {
    const coded = isOtsError(err) ? err : backupErrors.OTS_ERR_MIRROR_UPSTREAM_UNREACHABLE(String(err)).causedBy(err);
    this.lastError = { code: coded.code, message: coded.message, at: new Date().toISOString() };
    const { msg, fields } = this.failureLog();
    this.log.warn({ err: coded, code: coded.code, ...fields, retryMs }, msg);
    this.emit('problem', coded as OtsError);
  }
}
