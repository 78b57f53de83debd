// What a mirror keeps beside its db/ (SPEC §8 layout, §9.6 chunks): mirror.json (progress, replaced
// atomically) and a journal of the mirrored commitments, 44-byte records like the calendar's (§8.1).
import { constants } from 'node:fs';
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMITMENT_LENGTH } from '../core/index.js';
import { backupErrors } from './backup-errors.js';
import { recordToCommitment } from './journal.js';

/** Files of a mirror directory besides db/ (which has the calendar's layout). */
export const MIRROR_FILES = { state: 'mirror.json', journal: 'journal', db: 'db' } as const;

/** The persisted progress of a mirror. */
export interface MirrorProgress {
  /** Upstream base URL the directory follows (credentials stripped). */
  upstream: string;
  chunkSize: number;
  /** The next chunk to fetch; every chunk below it is stored. */
  nextChunk: number;
  /** ISO time the last chunk was stored, or null. */
  lastChunkAt: string | null;
}

/** Reads mirror.json, or undefined for a new mirror directory. */
export async function readProgress(dir: string): Promise<MirrorProgress | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MIRROR_FILES.state), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw backupErrors.OTS_ERR_MIRROR_STATE_INVALID('it cannot be read').causedBy(err);
  }
  let parsed: Partial<MirrorProgress>;
  try {
    parsed = JSON.parse(text) as Partial<MirrorProgress>;
  } catch (err) {
    throw backupErrors.OTS_ERR_MIRROR_STATE_INVALID('it is not JSON').causedBy(err);
  }
  const { upstream, chunkSize, nextChunk, lastChunkAt } = parsed;
  if (typeof upstream !== 'string' || !isCount(chunkSize) || chunkSize === 0 || !isCount(nextChunk)) {
    throw backupErrors.OTS_ERR_MIRROR_STATE_INVALID('upstream, chunkSize or nextChunk is missing or wrong');
  }
  return { upstream, chunkSize, nextChunk, lastChunkAt: typeof lastChunkAt === 'string' ? lastChunkAt : null };
}

/** Replaces mirror.json: temp file, fsync, rename; a crash leaves the old or the new progress. */
export async function writeProgress(dir: string, progress: MirrorProgress): Promise<void> {
  const path = join(dir, MIRROR_FILES.state);
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(progress, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** The mirror's journal: the commitments of every stored chunk, chunk after chunk. */
export class MirrorJournal {
  private constructor(
    private readonly handle: FileHandle,
    private records: number,
  ) {}

  /**
   * Opens (creating) the journal and cuts it back to `keepRecords`: records past the saved progress
   * come from a chunk whose progress write did not finish, and that chunk is fetched again.
   */
  static async open(dir: string, keepRecords: number): Promise<MirrorJournal> {
    const handle = await open(join(dir, MIRROR_FILES.journal), constants.O_RDWR | constants.O_CREAT, 0o644);
    const { size } = await handle.stat();
    const records = Math.floor(size / COMMITMENT_LENGTH);
    if (size !== Math.min(records, keepRecords) * COMMITMENT_LENGTH) {
      await handle.truncate(Math.min(records, keepRecords) * COMMITMENT_LENGTH);
      await handle.datasync();
    }
    return new MirrorJournal(handle, Math.min(records, keepRecords));
  }

  /** Whole records in the file. */
  get length(): number {
    return this.records;
  }

  /** Appends commitments as 44-byte records (36-byte legacy ones padded with a zero MAC, as §8.1 reads them). */
  async append(commitments: readonly Uint8Array[]): Promise<void> {
    const buf = Buffer.alloc(commitments.length * COMMITMENT_LENGTH);
    commitments.forEach((c, i) => buf.set(c, i * COMMITMENT_LENGTH));
    let done = 0;
    while (done < buf.length) {
      const { bytesWritten } = await this.handle.write(buf, done, buf.length - done, this.records * COMMITMENT_LENGTH + done);
      done += bytesWritten;
    }
    await this.handle.datasync();
    this.records += commitments.length;
  }

  /** Commitments `[start, start+count)` clipped to the length (36 bytes for legacy zero-MAC records). */
  async readRange(start: number, count: number): Promise<Uint8Array[]> {
    const end = Math.min(this.records, start + count);
    if (start >= end) return [];
    const buf = Buffer.alloc((end - start) * COMMITMENT_LENGTH);
    await this.handle.read(buf, 0, buf.length, start * COMMITMENT_LENGTH);
    const out: Uint8Array[] = [];
    for (let at = 0; at < buf.length; at += COMMITMENT_LENGTH) out.push(recordToCommitment(buf.subarray(at, at + COMMITMENT_LENGTH)));
    return out;
  }

  /** Closes the file (every append was already fsynced). */
  close(): Promise<void> {
    return this.handle.close();
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
