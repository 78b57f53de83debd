// The backup export of the reference (SPEC §9.6): chunk n = every node reachable from journal records
// [n*size, n*size+size), each value freshly re-encoded (§8.3), sorted by key; cached once complete.
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { applyOp, isOtsError, MAX_OPS_DEPTH } from '../core/index.js';
import { type BackupEntry, encodeChunk, latin1, sortEntries } from './backup-codec.js';
import { calendarErrors } from './errors.js';
import { decodeNodeValue, encodeNodeValue } from './store-codec.js';

/** Journal records per chunk in the reference; chunk numbers mean the same thing on both servers. */
export const BACKUP_CHUNK_SIZE = 1000;

/** Parallel multi-gets per tree level (libuv's default thread pool has 4 threads). */
const READ_SLICES = 4;
/** Levels smaller than twice this are read in one multi-get. */
const MIN_SLICE = 128;

/** What the exporter reads: the journal and the store (the Calendar facade's parts satisfy it). */
export interface BackupSource {
  journal: { readonly length: number; readRange(start: number, count: number): Promise<Uint8Array[]> };
  store: { hasMany(keys: Uint8Array[]): Promise<boolean[]>; getValues(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> };
}

/** Exporter settings. */
export interface BackupOptions {
  /** Records per chunk; only tests change it (the vector's example uses 3). */
  chunkSize?: number;
  /** Where finished chunks are cached (the calendar's backup_cache/); no cache when absent. */
  cacheDir?: string | undefined;
  logger?: Logger | undefined;
}

/** Builds (and caches) backup chunks. One instance per calendar; concurrent requests share work. */
export class BackupExporter {
  readonly chunkSize: number;
  private readonly inFlight = new Map<number, Promise<Uint8Array | undefined>>();
  /** Chunks below this are known to be cached (or were built by prebuild()). */
  private prebuiltUpTo = 0;
  private prebuilding: Promise<number> | undefined;

  constructor(
    private readonly source: BackupSource,
    private readonly opts: BackupOptions = {},
  ) {
    this.chunkSize = opts.chunkSize ?? BACKUP_CHUNK_SIZE;
  }

  /** Chunks whose journal records all exist (an upper bound of what can be served: some may be unstamped). */
  chunkCount(): number {
    return Math.floor(this.source.journal.length / this.chunkSize);
  }

  /** Journal records written so far (mirrors use it to report how far behind they are). */
  journalLength(): number {
    return this.source.journal.length;
  }

  /** The body of chunk `n`, or undefined while a record is missing or not yet stamped (404). */
  chunk(n: number): Promise<Uint8Array | undefined> {
    if (!Number.isSafeInteger(n) || n < 0 || n >= this.chunkCount()) return Promise.resolve(undefined);
    let job = this.inFlight.get(n);
    if (!job) {
      job = this.load(n).finally(() => this.inFlight.delete(n));
      this.inFlight.set(n, job);
    }
    return job;
  }

  /** The entries of chunk `n` (same rule as chunk()), for tests and in-process copies. */
  async entries(n: number): Promise<BackupEntry[] | undefined> {
    const commitments = await this.source.journal.readRange(n * this.chunkSize, this.chunkSize);
    if (commitments.length < this.chunkSize) return undefined;
    const stamped = await this.source.store.hasMany(commitments);
    if (!stamped.every(Boolean)) return undefined;
    return sortEntries(await this.collect(commitments));
  }

  /**
   * Builds and caches every complete chunk not cached yet, oldest first, one at a time; stops at the
   * first chunk that is not complete (unstamped records). Returns how many it built. With a cache,
   * mirrors then always get cached bytes instead of waiting for a build (docs/benchmarks.md#mirror).
   */
  prebuild(): Promise<number> {
    if (this.opts.cacheDir === undefined) return Promise.resolve(0);
    this.prebuilding ??= (async () => {
      let built = 0;
      try {
        for (let n = this.prebuiltUpTo; n < this.chunkCount(); n++) {
          const path = this.cachePath(n)!;
          if (!(await stat(path).catch(() => undefined))) {
            if ((await this.chunk(n)) === undefined) break;
            built++;
          }
          this.prebuiltUpTo = n + 1;
        }
      } finally {
        this.prebuilding = undefined;
      }
      if (built > 0) this.opts.logger?.info({ built, upTo: this.prebuiltUpTo }, 'backup chunks prebuilt');
      return built;
    })();
    return this.prebuilding;
  }

  private async load(n: number): Promise<Uint8Array | undefined> {
    const path = this.cachePath(n);
    if (path !== undefined) {
      const cached = await readFile(path).catch(() => undefined);
      if (cached !== undefined) return new Uint8Array(cached.buffer, cached.byteOffset, cached.byteLength);
    }
    const started = performance.now();
    const entries = await this.entries(n);
    if (entries === undefined) return undefined;
    const body = encodeChunk(entries);
    this.opts.logger?.debug({ chunk: n, entries: entries.length, bytes: body.length, ms: Math.round(performance.now() - started) }, 'backup chunk built');
    if (path !== undefined) await this.writeCache(path, body);
    return body;
  }

  /** Breadth-first walk from the commitments, one multi-get per level; shared nodes are read once. */
  private async collect(roots: Uint8Array[]): Promise<BackupEntry[]> {
    const seen = new Map<string, BackupEntry>();
    let frontier: Uint8Array[] = [];
    for (const key of roots) {
      const id = latin1(key);
      if (!seen.has(id)) {
        seen.set(id, { key, value: new Uint8Array(0) });
        frontier.push(key);
      }
    }
    for (let depth = 0; frontier.length > 0; depth++) {
      // A path longer than the protocol allows means a damaged store, not a proof.
      if (depth > MAX_OPS_DEPTH) throw calendarErrors.OTS_ERR_STORE_TREE_TOO_LARGE(`${MAX_OPS_DEPTH} ops on one path`);
      const values = await this.readLevel(frontier);
      const next: Uint8Array[] = [];
      frontier.forEach((key, i) => {
        const value = values[i];
        if (value === undefined) throw calendarErrors.OTS_ERR_STORE_CORRUPT('an op leads to a node that is not stored');
        const node = decodeNodeValue(value);
        seen.get(latin1(key))!.value = encodeNodeValue(node);
        for (const op of node.ops) {
          let child: Uint8Array;
          try {
            child = applyOp(op, key);
          } catch (err) {
            throw isOtsError(err) ? calendarErrors.OTS_ERR_STORE_CORRUPT(err.message).causedBy(err) : err;
          }
          const id = latin1(child);
          if (!seen.has(id)) {
            seen.set(id, { key: child, value: new Uint8Array(0) });
            next.push(child);
          }
        }
      });
      frontier = next;
    }
    return [...seen.values()];
  }

  /**
   * One level's values. A large level is split into READ_SLICES multi-gets that run in parallel on
   * the libuv thread pool: the reads are random (keys are hashes), so they are I/O- and CPU-bound.
   */
  private async readLevel(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    if (keys.length < 2 * MIN_SLICE) return this.source.store.getValues(keys);
    const size = Math.max(MIN_SLICE, Math.ceil(keys.length / READ_SLICES));
    const parts: Uint8Array[][] = [];
    for (let i = 0; i < keys.length; i += size) parts.push(keys.slice(i, i + size));
    return (await Promise.all(parts.map((part) => this.source.store.getValues(part)))).flat();
  }

  /** backup_cache/<first 3 digits>/<6-digit zero-padded n>, as the reference lays it out. */
  private cachePath(n: number): string | undefined {
    if (this.opts.cacheDir === undefined) return undefined;
    // Chunks of another size must never be mixed with the reference's 1000-record chunks.
    const dir = this.chunkSize === BACKUP_CHUNK_SIZE ? this.opts.cacheDir : join(this.opts.cacheDir, `size-${this.chunkSize}`);
    const padded = String(n).padStart(6, '0');
    return join(dir, padded.slice(0, 3), padded);
  }

  /** Write a temp file, fsync, rename: a reader sees no chunk or the whole chunk, never a part. */
  private async writeCache(path: string, body: Uint8Array): Promise<void> {
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
    } catch (err) {
      // The cache only saves work; a full disk must not turn a good chunk into an error.
      this.opts.logger?.warn({ err, path }, 'cannot write backup cache; serving the chunk uncached');
    }
  }
}
