// A mirror of a calendar (ours or a Python otsd): follows its backup chunks (SPEC §9.6) from the saved
// offset, verifies each before one synchronous store batch, polls for new ones with bounded backoff,
// and answers lookups like the calendar's own store (§8.3, §9.2).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isOtsError } from '../core/index.js';
import { BACKUP_CHUNK_SIZE, BackupExporter } from './backup.js';
import { backupErrors } from './backup-errors.js';
import { type HeaderSource, type VerifiedChunk, verifyChunk } from './backup-verify.js';
import { fetchChunk } from './mirror-fetch.js';
import { MirrorFollower, type MirrorLastError } from './mirror-follow.js';
import { MIRROR_FILES, MirrorJournal, type MirrorProgress, readProgress, writeProgress } from './mirror-state.js';
import { CalendarStore } from './store.js';

/** How to run a mirror. */
export interface MirrorOptions {
  /** Mirror directory: db/ (calendar layout), journal, mirror.json. Created if missing. */
  dir: string;
  /** Base URL of the upstream calendar, e.g. https://alice.btc.calendar.opentimestamps.org */
  upstream: string;
  logger: Logger;
  /** Checks Bitcoin attestations when given; otherwise they are counted as unverified. */
  headers?: HeaderSource | undefined;
  /** Records per chunk; 1000 like the reference (tests use fewer). */
  chunkSize?: number;
  /** Wait after catching up before asking again; the reference says 60 s on its 404s. */
  pollMs?: number;
  /** First retry delay after a failure; doubles per failure up to backoffMaxMs. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** One chunk download must finish within this (the reference needs ~10 s to build one). */
  fetchTimeoutMs?: number;
  /** A chunk body larger than this is refused before it fills memory. */
  maxChunkBytes?: number;
}

/** Lag and health of a mirror, for /mirror/stats and metrics. */
export interface MirrorStatus {
  upstream: string;
  chunkSize: number;
  nextChunk: number;
  commitments: number;
  /** Chunks the upstream has records for (its hint header), or null for a Python upstream. */
  upstreamChunks: number | null;
  chunksBehind: number | null;
  commitmentsBehind: number | null;
  caughtUp: boolean;
  lastSyncAt: string | null;
  secondsSinceLastSync: number | null;
  chunksStored: number;
  rejectedChunks: number;
  failedFetches: number;
  verifiedAttestations: number;
  unverifiedAttestations: number;
  verifiesAttestations: boolean;
  lastError: MirrorLastError;
}

/** Defaults: poll like the reference's cache hint, back off from 1 s to 5 min. */
export const MIRROR_DEFAULTS = { pollMs: 60_000, backoffMinMs: 1_000, backoffMaxMs: 300_000, fetchTimeoutMs: 120_000, maxChunkBytes: 64 << 20 };

/** Follows one upstream. Emits 'chunk' ({ chunk, commitments }), 'idle' (caught up) and 'problem' (error). */
export class Mirror extends MirrorFollower<typeof MIRROR_DEFAULTS & { chunkSize: number }, MirrorStatus> {
  private readonly counters = { chunksStored: 0, rejectedChunks: 0, failedFetches: 0, verifiedAttestations: 0, unverifiedAttestations: 0 };

  private constructor(
    private readonly opts: MirrorOptions,
    store: CalendarStore,
    private readonly journal: MirrorJournal,
    private progress: MirrorProgress,
    log: Logger,
  ) {
    super(progress.upstream, { ...MIRROR_DEFAULTS, ...definedOnly(opts), chunkSize: progress.chunkSize }, store, log);
  }

  /** Opens the directory: the store first (its LOCK keeps a second mirror out), then progress and journal. */
  static async open(opts: MirrorOptions): Promise<Mirror> {
    const log = opts.logger.child({ area: 'mirror' });
    await mkdir(opts.dir, { recursive: true });
    const store = await CalendarStore.open(join(opts.dir, MIRROR_FILES.db), log);
    try {
      const upstream = normalizeUpstream(opts.upstream);
      const chunkSize = opts.chunkSize ?? BACKUP_CHUNK_SIZE;
      const saved = await readProgress(opts.dir);
      if (saved && (saved.upstream !== upstream || saved.chunkSize !== chunkSize)) throw backupErrors.OTS_ERR_MIRROR_UPSTREAM_CHANGED();
      const progress = saved ?? { upstream, chunkSize, nextChunk: 0, lastChunkAt: null };
      let journal = await MirrorJournal.open(opts.dir, progress.nextChunk * chunkSize);
      if (journal.length < progress.nextChunk * chunkSize) {
        // The journal lost records (restored from an older copy?): fetch the missing chunks again.
        log.warn({ nextChunk: progress.nextChunk, journalRecords: journal.length }, 'mirror journal is behind its progress; refetching');
        progress.nextChunk = Math.floor(journal.length / chunkSize);
        await journal.close();
        journal = await MirrorJournal.open(opts.dir, progress.nextChunk * chunkSize);
        await writeProgress(opts.dir, progress);
      }
      if (!saved) await writeProgress(opts.dir, progress);
      log.info({ upstream, nextChunk: progress.nextChunk, verifies: opts.headers !== undefined }, 'mirror opened');
      return new Mirror(opts, store, journal, progress, log);
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  /**
   * Fetches and stores chunks until the upstream has no complete next chunk; returns how many were
   * stored. Chunk n+1 is downloaded and checked while chunk n is written and fsynced.
   */
  async syncOnce(): Promise<number> {
    let stored = 0;
    let next = this.fetchVerified(this.progress.nextChunk);
    // Marked handled at once: a prefetch may fail while the previous chunk is stored; it is awaited after.
    next.catch(() => undefined);
    while (!this.abort.signal.aborted) {
      const n = this.progress.nextChunk;
      const verified = await next;
      if (verified === undefined) {
        this.markIdle();
        return stored;
      }
      this.caughtUp = false;
      next = this.fetchVerified(n + 1);
      next.catch(() => undefined);
      await this.storeChunk(n, verified);
      stored++;
    }
    return stored;
  }

  /** Downloads and checks chunk n; undefined when the upstream has no complete chunk n yet. */
  private async fetchVerified(n: number): Promise<VerifiedChunk | undefined> {
    const body = await this.fetch(n);
    if (body === undefined) return undefined;
    try {
      return await verifyChunk(body, { commitments: this.settings.chunkSize, headers: this.opts.headers });
    } catch (err) {
      if (isOtsError(err) && err.code.startsWith('OTS_ERR_BACKUP_')) this.counters.rejectedChunks++;
      throw err;
    }
  }

  private async storeChunk(n: number, verified: VerifiedChunk): Promise<void> {
    await this.store.putValues(verified.entries);
    await this.journal.append(verified.commitments);
    this.progress = { ...this.progress, nextChunk: n + 1, lastChunkAt: new Date().toISOString() };
    await writeProgress(this.opts.dir, this.progress);
    this.counters.chunksStored++;
    this.counters.verifiedAttestations += verified.verifiedAttestations;
    this.counters.unverifiedAttestations += verified.unverifiedAttestations;
    this.lastSyncMs = Date.now();
    this.log.info({ chunk: n, commitments: verified.commitments.length, nodes: verified.entries.length }, 'chunk mirrored');
    this.emit('chunk', { chunk: n, commitments: verified.commitments.length });
  }

  /** Lag and counters right now. */
  status(): MirrorStatus {
    const { chunkSize, nextChunk } = this.progress;
    const upstreamChunks = this.hints.chunks ?? null;
    const chunksBehind = upstreamChunks !== null ? Math.max(0, upstreamChunks - nextChunk) : this.caughtUp ? 0 : null;
    const commitmentsBehind = this.hints.journalLength !== undefined ? Math.max(0, this.hints.journalLength - this.journal.length) : null;
    return {
      upstream: this.uri,
      chunkSize,
      nextChunk,
      commitments: this.journal.length,
      upstreamChunks,
      chunksBehind,
      commitmentsBehind,
      ...this.syncTimes(),
      ...this.counters,
      verifiesAttestations: this.opts.headers !== undefined,
      lastError: this.lastError,
    };
  }

  /**
   * A backup exporter over what this mirror holds: its chunks are byte-identical to the upstream's
   * (same commitments per chunk), so Python otsd-backup or another mirror can follow this one.
   */
  exporter(cacheDir?: string): BackupExporter {
    return new BackupExporter({ journal: this.journal, store: this.store }, { chunkSize: this.settings.chunkSize, cacheDir, logger: this.log });
  }

  protected async closeOwn(): Promise<void> {
    await this.journal.close();
  }

  protected failureLog(): { msg: string; fields: Record<string, unknown> } {
    return { msg: 'mirror sync failed; will retry', fields: { chunk: this.progress.nextChunk } };
  }

  private async fetch(n: number): Promise<Uint8Array | undefined> {
    try {
      return await fetchChunk(this.opts.upstream.replace(/\/+$/, ''), n, this.fetchOptions());
    } catch (err) {
      // A body cut in transit is a refused chunk; no answer at all is a failed fetch.
      if (isOtsError(err) && err.code.startsWith('OTS_ERR_BACKUP_')) this.counters.rejectedChunks++;
      else this.counters.failedFetches++;
      throw err;
    }
  }
}

/** Base URL without trailing slashes or credentials (they must not reach logs or stats). */
export function normalizeUpstream(upstream: string): string {
  const url = new URL(upstream);
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/+$/, '');
}

function definedOnly(opts: MirrorOptions): Partial<typeof MIRROR_DEFAULTS> {
  const out: Partial<typeof MIRROR_DEFAULTS> = {};
  for (const k of Object.keys(MIRROR_DEFAULTS) as (keyof typeof MIRROR_DEFAULTS)[]) {
    if (opts[k] !== undefined) out[k] = opts[k];
  }
  return out;
}
