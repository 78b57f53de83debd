// Downloads one backup chunk (SPEC §9.6) with a deadline and a size cap, and classifies what went
// wrong: unreachable, unexpected status, or a body cut short (all retried by the mirror).
import { concatByteList } from '../core/index.js';
import { backupErrors } from './backup-errors.js';

/** What an upstream of ours tells about itself in headers (a Python otsd sends neither). */
export interface UpstreamHints {
  chunks?: number;
  journalLength?: number;
  /** Length of the upstream's replication log (log followers). */
  logLength?: number;
}

/** Download settings; `hints` is updated in place from the answer's headers. */
export interface FetchChunkOptions {
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  hints: UpstreamHints;
}

/** The body of chunk `n`, or undefined on 404 (not complete yet). Throws coded errors otherwise. */
export async function fetchChunk(base: string, n: number, opts: FetchChunkOptions): Promise<Uint8Array | undefined> {
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]);
  let res: Response;
  try {
    res = await fetch(`${base}/experimental/backup/${n}`, { signal });
  } catch (err) {
    throw backupErrors.OTS_ERR_MIRROR_UPSTREAM_UNREACHABLE(reasonOf(err)).causedBy(err);
  }
  readHints(res.headers, opts.hints);
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 404) return undefined;
    throw backupErrors.OTS_ERR_MIRROR_UPSTREAM_STATUS(res.status);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > opts.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID(`the upstream announces ${declared} bytes, more than the ${opts.maxBytes} accepted`);
  }
  return readCapped(res, opts.maxBytes);
}

/** Whole replication log records from byte `from` (docs/replication.md); hints.logLength from the header. */
export async function fetchLog(base: string, from: number, opts: FetchChunkOptions): Promise<Uint8Array> {
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]);
  let res: Response;
  try {
    res = await fetch(`${base}/experimental/log?from=${from}`, { signal });
  } catch (err) {
    throw backupErrors.OTS_ERR_MIRROR_UPSTREAM_UNREACHABLE(reasonOf(err)).causedBy(err);
  }
  const logLength = Number(res.headers.get('x-ots-log-length') ?? NaN);
  if (Number.isSafeInteger(logLength) && logLength >= 0) opts.hints.logLength = logLength;
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    throw backupErrors.OTS_ERR_MIRROR_UPSTREAM_STATUS(res.status);
  }
  return readCapped(res, opts.maxBytes);
}

async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID(`the chunk is larger than the ${maxBytes} bytes accepted`);
      }
      parts.push(value);
    }
  } catch (err) {
    if (err instanceof Error && 'code' in err && String(err.code).startsWith('OTS_ERR_')) throw err;
    // The connection ended before Content-Length bytes arrived, or the deadline passed mid-body.
    throw backupErrors.OTS_ERR_BACKUP_CHUNK_TRUNCATED(`the download stopped after ${total} bytes: ${reasonOf(err)}`).causedBy(err);
  }
  return concatByteList(parts);
}

function readHints(headers: Headers, hints: UpstreamHints): void {
  const chunks = Number(headers.get('x-ots-backup-chunks') ?? NaN);
  const journalLength = Number(headers.get('x-ots-journal-length') ?? NaN);
  if (Number.isSafeInteger(chunks) && chunks >= 0) hints.chunks = chunks;
  if (Number.isSafeInteger(journalLength) && journalLength >= 0) hints.journalLength = journalLength;
}

function reasonOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer before the deadline';
  if (err instanceof Error && err.name === 'AbortError') return 'stopped';
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
