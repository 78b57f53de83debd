// A mirror that follows an upstream's replication log by byte offset (docs/replication.md) instead of
// backup chunks (SPEC §9.6): new stamps arrive as soon as they are saved, not once 1000 are complete.
// Each answer must continue the local copy's hash chain; every record is checked before it is stored.
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { applyOp, equalBytes, isOtsError } from '../core/index.js';
import { latin1 } from './backup-codec.js';
import { backupErrors } from './backup-errors.js';
import type { HeaderSource } from './backup-verify.js';
import { MIRROR_DEFAULTS, normalizeUpstream } from './mirror.js';
import { fetchLog } from './mirror-fetch.js';
import { MirrorFollower, type MirrorLastError } from './mirror-follow.js';
import { MIRROR_FILES } from './mirror-state.js';
import { type AttachedLog, attachReplicationLog } from './replication.js';
import { encodeRecord, type LogRecord, parseRecords, REPLICATION_LOG_MAGIC } from './replication-log.js';
import { decodeNodeValue } from './store-codec.js';
import { CalendarStore } from './store.js';

/** How to run a log mirror (the same knobs as a chunk mirror, without chunk size). */
export interface LogMirrorOptions {
  dir: string;
  upstream: string;
  logger: Logger;
  headers?: HeaderSource | undefined;
  pollMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  fetchTimeoutMs?: number;
  /** Most bytes accepted in one answer (the upstream sends at most 4 MiB). */
  maxBytes?: number;
}

/** Lag and health of a log mirror, for /mirror/stats and metrics. */
export interface LogMirrorStatus {
  upstream: string;
  mode: 'log';
  logOffset: number;
  upstreamLogLength: number | null;
  logBytesBehind: number | null;
  caughtUp: boolean;
  lastSyncAt: string | null;
  secondsSinceLastSync: number | null;
  recordsStored: number;
  rejectedAnswers: number;
  failedFetches: number;
  verifiedAttestations: number;
  unverifiedAttestations: number;
  verifiesAttestations: boolean;
  lastError: MirrorLastError;
}

/** Follows one upstream's replication log. Emits 'record', 'idle' and 'problem' like Mirror. */
export class LogMirror extends MirrorFollower<typeof MIRROR_DEFAULTS, LogMirrorStatus> {
  private readonly counters = { recordsStored: 0, rejectedAnswers: 0, failedFetches: 0, verifiedAttestations: 0, unverifiedAttestations: 0 };
  /** Inside a snapshot (stored, completeness not yet checked): where its records start, and the chain there. */
  private snapshot: { from: number; chain: Uint8Array } | null = null;

  private constructor(
    private readonly opts: LogMirrorOptions,
    store: CalendarStore,
    private readonly attached: AttachedLog,
    log: Logger,
  ) {
    super(normalizeUpstream(opts.upstream), { ...MIRROR_DEFAULTS }, store, log);
    for (const k of ['pollMs', 'backoffMinMs', 'backoffMaxMs', 'fetchTimeoutMs'] as const) if (opts[k] !== undefined) this.settings[k] = opts[k];
    if (opts.maxBytes !== undefined) this.settings.maxChunkBytes = opts.maxBytes;
  }

  /** Opens the directory (store LOCK first). A chunk mirror's directory is refused: its log would differ. */
  static async open(opts: LogMirrorOptions): Promise<LogMirror> {
    const log = opts.logger.child({ area: 'mirror', mode: 'log' });
    await mkdir(opts.dir, { recursive: true });
    const store = await CalendarStore.open(join(opts.dir, MIRROR_FILES.db), log);
    try {
      const isChunkMirror = await access(join(opts.dir, MIRROR_FILES.state)).then(() => true, () => false);
      if (isChunkMirror) throw backupErrors.OTS_ERR_MIRROR_UPSTREAM_CHANGED();
      const attached = await attachReplicationLog(opts.dir, store, log, { follower: true });
      const mirror = new LogMirror(opts, store, attached, log);
      await mirror.findOpenSnapshot();
      return mirror;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  /** Fetches and stores records until the upstream has nothing new; returns how many were stored. */
  async syncOnce(): Promise<number> {
    let stored = 0;
    while (!this.abort.signal.aborted) {
      const from = this.attached.log.length;
      let body: Uint8Array;
      try {
        body = await fetchLog(this.opts.upstream.replace(/\/+$/, ''), from, this.fetchOptions());
      } catch (err) {
        if (isOtsError(err) && err.code.startsWith('OTS_ERR_BACKUP_')) this.counters.rejectedAnswers++;
        else this.counters.failedFetches++;
        throw err;
      }
      if (body.length === 0) {
        this.markIdle();
        return stored;
      }
      this.caughtUp = false;
      const parsed = parseRecords(body, from, this.attached.log.chain);
      if (parsed.problem || parsed.torn || parsed.records.length === 0) {
        this.counters.rejectedAnswers++;
        throw parsed.problem
          ? backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID(`the log answer does not continue our copy: ${parsed.problem}`)
          : backupErrors.OTS_ERR_BACKUP_CHUNK_TRUNCATED('the log answer ends inside a record');
      }
      for (const record of parsed.records) {
        await this.storeRecord(record);
        stored++;
      }
    }
    return stored;
  }

  /** Serialized tree rooted at `msg`; nothing while a snapshot is stored but not yet checked complete. */
  override async getTimestamp(msg: Uint8Array): Promise<Uint8Array | undefined> {
    return this.snapshot ? undefined : super.getTimestamp(msg);
  }

  /** After a restart: is our copy inside a snapshot whose end marker has not arrived yet? */
  private async findOpenSnapshot(): Promise<void> {
    for await (const r of this.attached.log.scan()) {
      if (r.puts.length > 0 && r.offset === REPLICATION_LOG_MAGIC.length) return; // no snapshot
      if (r.puts.length > 0) continue;
      if (this.snapshot) {
        this.snapshot = null; // closed, so it was checked before its end marker was stored
        return;
      }
      this.snapshot = { from: r.end, chain: r.chain };
    }
  }

  /** Checks one record against what is stored, then stores it through the local log (same chain). */
  private async storeRecord(record: LogRecord): Promise<void> {
    try {
      if (!equalBytes(encodeRecord(this.attached.log.chain, record.puts).chain, record.chain)) {
        throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('a log record is not minimally encoded');
      }
      if (record.puts.length === 0) await this.checkMarker(record);
      else await this.check(record, this.snapshot === null);
    } catch (err) {
      this.counters.rejectedAnswers++;
      throw err;
    }
    if (record.puts.length > 0) await this.store.putValues(record.puts);
    else {
      // A snapshot marker: putValues writes nothing for no puts, so append it ourselves.
      await this.attached.log.append([]);
      this.snapshot = this.snapshot ? null : { from: record.end, chain: record.chain };
    }
    if (!equalBytes(this.attached.log.chain, record.chain)) {
      // Our merge produced other bytes than the upstream's: the copies diverged; stop rather than guess.
      throw backupErrors.OTS_ERR_REPLOG_DAMAGED('the local copy no longer matches the upstream log; start a new mirror directory');
    }
    this.counters.recordsStored++;
    this.lastSyncMs = Date.now();
    this.emit('record', { offset: record.offset, puts: record.puts.length });
  }

  /**
   * A snapshot's start marker must be the log's first record; its end marker closes it once every op of
   * every snapshot record (all stored by now, re-read from our copy) leads to a stored node.
   */
  private async checkMarker(record: LogRecord): Promise<void> {
    if (!this.snapshot) {
      if (record.offset !== REPLICATION_LOG_MAGIC.length) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('an empty log record outside a snapshot');
      return;
    }
    for await (const r of this.attached.log.scan(this.snapshot.from, this.snapshot.chain)) {
      // Values decoded and ops evaluated when each record was checked on arrival.
      const children = r.puts.flatMap((put) => decodeNodeValue(put.value).ops.map((op) => applyOp(op, put.key)));
      if (!(await this.store.hasMany(children)).every(Boolean)) {
        // Not CHUNK_INCOMPLETE ("nothing of it was stored"): these records are stored, never served.
        throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('an op in the snapshot leads to a node it does not hold; start a new mirror directory');
      }
    }
  }

  private async check(record: LogRecord, complete: boolean): Promise<void> {
    const keys = new Set(record.puts.map((p) => latin1(p.key)));
    const children: Uint8Array[] = [];
    const bitcoin: { height: bigint; msg: Uint8Array }[] = [];
    for (const put of record.puts) {
      let node;
      try {
        node = decodeNodeValue(put.value);
      } catch (err) {
        throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('a value is not a valid node encoding').causedBy(err);
      }
      if (node.ops.length === 0 && node.attestations.length === 0) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('a path ends without an attestation');
      for (const a of node.attestations) if (a.type === 'bitcoin') bitcoin.push({ height: a.height, msg: put.key });
      for (const op of node.ops) {
        let child: Uint8Array;
        try {
          child = applyOp(op, put.key);
        } catch (err) {
          throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('an op does not evaluate').causedBy(err);
        }
        if (!keys.has(latin1(child))) children.push(child);
      }
    }
    // A child outside the record must already be stored: a tampered path leads nowhere. Inside a snapshot
    // (nodes in key order, children anywhere in it) this waits for the end marker: checkMarker.
    if (complete && !(await this.store.hasMany(children)).every(Boolean)) {
      throw backupErrors.OTS_ERR_BACKUP_CHUNK_INCOMPLETE('an op leads to a node neither the record nor the mirror holds');
    }
    for (const { height, msg } of bitcoin) {
      if (!this.opts.headers) {
        this.counters.unverifiedAttestations++;
        continue;
      }
      const root = await this.opts.headers.merkleRootAt(Number(height));
      if (root === undefined) throw backupErrors.OTS_ERR_BACKUP_HEADER_UNAVAILABLE(String(height));
      if (!equalBytes(root, msg)) throw backupErrors.OTS_ERR_BACKUP_ATTESTATION_MISMATCH(String(height));
      this.counters.verifiedAttestations++;
    }
  }

  /** Lag and counters right now. */
  status(): LogMirrorStatus {
    const upstreamLogLength = this.hints.logLength ?? null;
    return {
      upstream: this.uri,
      mode: 'log',
      logOffset: this.attached.log.length,
      upstreamLogLength,
      logBytesBehind: upstreamLogLength === null ? null : Math.max(0, upstreamLogLength - this.attached.log.length),
      ...this.syncTimes(),
      ...this.counters,
      verifiesAttestations: this.opts.headers !== undefined,
      lastError: this.lastError,
    };
  }

  protected async closeOwn(): Promise<void> {
    await this.attached.close();
  }

  protected failureLog(): { msg: string; fields: Record<string, unknown> } {
    return { msg: 'log mirror sync failed; will retry', fields: {} };
  }
}
