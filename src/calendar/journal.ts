// The append-only journal of commitments (SPEC §8.1): record i is the 44-byte commitment at offset 44*i,
// legacy records (all-zero MAC) read as 36 bytes. One write + datasync per round (group commit).
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { COMMITMENT_LENGTH, LEGACY_COMMITMENT_LENGTH } from '../core/index.js';
import { calendarErrors } from './errors.js';
import { MacChecker } from './mac-checker.js';

/** Bytes per journal record: the full commitment idx(4) || root(32) || mac(8). */
export const JOURNAL_RECORD_LENGTH = COMMITMENT_LENGTH;
/** Records read per disk read while scanning (64 KiB-ish chunks). */
const SCAN_CHUNK_RECORDS = 1500;
/** Damaged records logged one by one per scan; beyond that, one summary line (a wrong key damages all). */
const DAMAGE_LOG_LIMIT = 1000;

/** What a scan reports for each record: its index, the commitment and whether its MAC verified. */
export interface JournalRecord {
  index: number;
  commitment: Uint8Array;
  /** false when the MAC is present (non-zero) but does not verify under the calendar key. */
  macOk: boolean;
}

/** The open journal file: append-only writer with group commit, reader and MAC-checking scanner. */
export class Journal {
  private size: number;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Records seen damaged (bad MAC, not legacy) by scans so far. */
  damagedRecords = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly macs: MacChecker,
    private readonly log: Logger,
    size: number,
  ) {
    this.size = size;
  }

  /**
   * Opens (creating if missing) the journal at `path`. A size that is not a multiple of 44 means the
   * last append was torn by a crash: it is truncated back to the last whole record. The reference pads
   * it with zeros instead, but a torn record was never acknowledged (waiters are answered only after
   * the datasync of the whole round), so dropping it loses nothing and avoids stamping garbage.
   */
  static async open(path: string, opts: { hmacKey: Uint8Array; logger: Logger }): Promise<Journal> {
    let handle: FileHandle;
    try {
      handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o644);
    } catch (err) {
      throw calendarErrors.OTS_ERR_JOURNAL_OPEN_FAILED((err as NodeJS.ErrnoException).code ?? 'unknown error').causedBy(err);
    }
    try {
      const { size } = await handle.stat();
      const whole = size - (size % JOURNAL_RECORD_LENGTH);
      if (whole !== size) {
        opts.logger.warn({ path, size, bytesDropped: size - whole }, 'journal ends in a torn record; truncating it');
        await handle.truncate(whole);
        await handle.datasync();
      }
      if (size === 0) await syncDir(dirname(path));
      return new Journal(handle, new MacChecker(opts.hmacKey), opts.logger, whole / JOURNAL_RECORD_LENGTH);
    } catch (err) {
      await handle.close();
      throw calendarErrors.OTS_ERR_JOURNAL_OPEN_FAILED((err as NodeJS.ErrnoException).code ?? 'unknown error').causedBy(err);
    }
  }

  /** Number of whole records. */
  get length(): number {
    return this.size;
  }

  /** Commitment `index` (44 bytes, or 36 for a legacy zero-MAC record). */
  async read(index: number): Promise<Uint8Array> {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw calendarErrors.OTS_ERR_JOURNAL_INDEX_RANGE(index, this.size);
    }
    const [commitment] = await this.readRange(index, 1);
    return commitment!;
  }

  /** Commitments `[start, start+count)` clipped to the journal length. */
  async readRange(start: number, count: number): Promise<Uint8Array[]> {
    const end = Math.min(this.size, start + count);
    if (start >= end) return [];
    const buf = Buffer.alloc((end - start) * JOURNAL_RECORD_LENGTH);
    const { bytesRead } = await this.handle.read(buf, 0, buf.length, start * JOURNAL_RECORD_LENGTH);
    const out: Uint8Array[] = [];
    for (let at = 0; at + JOURNAL_RECORD_LENGTH <= bytesRead; at += JOURNAL_RECORD_LENGTH) {
      out.push(recordToCommitment(buf.subarray(at, at + JOURNAL_RECORD_LENGTH)));
    }
    return out;
  }

  /**
   * Reads every record from `start` to the end, checking MACs. A damaged record is logged at error
   * level with its index and counted (`damagedRecords`), and still reported: the caller decides.
   */
  async *scan(start: number): AsyncGenerator<JournalRecord> {
    let damaged = 0;
    let lastDamaged = -1;
    for (let index = start; index < this.size; ) {
      const chunk = await this.readRange(index, SCAN_CHUNK_RECORDS);
      if (chunk.length === 0) break;
      for (const commitment of chunk) {
        const macOk = this.macs.verify(commitment);
        if (!macOk) {
          this.damagedRecords++;
          lastDamaged = index;
          if (++damaged <= DAMAGE_LOG_LIMIT) {
            this.log.error(
              { index, record: Buffer.from(commitment).toString('hex') },
              'journal record MAC does not verify; record is damaged or from another key',
            );
          }
        }
        yield { index, commitment, macOk };
        index++;
      }
    }
    if (damaged > DAMAGE_LOG_LIMIT) {
      this.log.error({ damaged, lastIndex: lastDamaged, logged: DAMAGE_LOG_LIMIT }, 'many journal records failed their MAC check; is hmac-key the right one?');
    }
  }

  /**
   * Appends whole records (each 44 bytes) in ONE write and ONE datasync; resolves with the index of the
   * first once they are durable. Appends are serialized; a failed write leaves the length unchanged so
   * the next append overwrites the partial bytes.
   */
  append(records: readonly Uint8Array[]): Promise<number> {
    const run = async (): Promise<number> => {
      if (this.closed) throw calendarErrors.OTS_ERR_JOURNAL_WRITE_FAILED();
      const buf = Buffer.alloc(records.length * JOURNAL_RECORD_LENGTH);
      records.forEach((r, i) => buf.set(r, i * JOURNAL_RECORD_LENGTH));
      const first = this.size;
      try {
        let done = 0;
        while (done < buf.length) {
          const { bytesWritten } = await this.handle.write(buf, done, buf.length - done, first * JOURNAL_RECORD_LENGTH + done);
          done += bytesWritten;
        }
        await this.handle.datasync();
      } catch (err) {
        this.log.error({ err, records: records.length }, 'journal append failed');
        throw calendarErrors.OTS_ERR_JOURNAL_WRITE_FAILED().causedBy(err);
      }
      this.size = first + records.length;
      return first;
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Waits for pending appends, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.tail;
    this.closed = true;
    await this.handle.close();
  }
}

/** The commitment a 44-byte record stands for: legacy zero-MAC records are the 36-byte idx || root. */
export function recordToCommitment(record: Uint8Array): Uint8Array {
  const mac = record.subarray(LEGACY_COMMITMENT_LENGTH, JOURNAL_RECORD_LENGTH);
  const copy = new Uint8Array(record.subarray(0, mac.every((b) => b === 0) ? LEGACY_COMMITMENT_LENGTH : JOURNAL_RECORD_LENGTH));
  return copy;
}

async function syncDir(dir: string): Promise<void> {
  // A new file's directory entry must be durable too, or a crash can lose the whole journal.
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } catch {
    // some filesystems refuse fsync on a directory; the data file itself is still synced
  } finally {
    await d.close();
  }
}
