// The replication log (docs/replication.md; the design the reference planned beside SPEC §8): every
// store batch is first appended here, hash-chained and fsynced, so db/ is an index of this file and
// can be rebuilt from it (otsd reindex), and mirrors can follow it by byte offset.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Logger } from 'pino';
import { BytesWriter, concatBytes, equalBytes } from '../core/index.js';
import { backupErrors } from './backup-errors.js';

/** File name inside the calendar directory. */
export const REPLICATION_LOG_FILE = 'replication.log';
/** First bytes of the file: "OTSRLOG" and format version 1. */
export const REPLICATION_LOG_MAGIC = Uint8Array.of(0x4f, 0x54, 0x53, 0x52, 0x4c, 0x4f, 0x47, 0x01);
/** Chain value before the first record. */
export const GENESIS_CHAIN = sha256(REPLICATION_LOG_MAGIC);
/** One record is one store batch; a stamper batch of 100k commitments is ~40 MB. Larger is damage. */
export const MAX_RECORD_BYTES = 256 << 20;
const CHAIN_LENGTH = 32;

/** One node write as logged (the value replaces or merges into the stored one). */
export interface LoggedPut {
  key: Uint8Array;
  value: Uint8Array;
}

/** A parsed record: where it lies in the file, its puts and the chain value after it. */
export interface LogRecord {
  offset: number;
  end: number;
  puts: LoggedPut[];
  chain: Uint8Array;
}

/** Encodes one record: u32be(len body) || body || sha256(prevChain || u32be(len) || body). */
export function encodeRecord(prevChain: Uint8Array, puts: readonly LoggedPut[]): { bytes: Uint8Array; chain: Uint8Array } {
  const w = new BytesWriter(64 + puts.reduce((n, p) => n + p.key.length + p.value.length + 6, 0));
  w.writeBytes(new Uint8Array(4));
  w.writeVaruint(puts.length);
  for (const p of puts) {
    w.writeVarbytes(p.key);
    w.writeVarbytes(p.value);
  }
  const framed = w.finish();
  new DataView(framed.buffer, framed.byteOffset).setUint32(0, framed.length - 4);
  const chain = sha256(concatBytes(prevChain, framed));
  return { bytes: concatBytes(framed, chain), chain };
}

/**
 * Parses whole records from `bytes` (which start at file offset `base`), checking the chain from
 * `prevChain`. Stops at the first record that is cut short (`torn`) or whose chain does not match
 * (`problem`); everything before it is returned.
 */
export function parseRecords(bytes: Uint8Array, base: number, prevChain: Uint8Array): { records: LogRecord[]; end: number; chain: Uint8Array; torn: boolean; problem?: string } {
  const records: LogRecord[] = [];
  let at = 0;
  let chain = prevChain;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (at < bytes.length) {
    if (bytes.length - at < 4) return { records, end: base + at, chain, torn: true };
    const length = view.getUint32(at);
    if (length > MAX_RECORD_BYTES) return { records, end: base + at, chain, torn: false, problem: 'a record length is out of range' };
    if (bytes.length - at < 4 + length + CHAIN_LENGTH) return { records, end: base + at, chain, torn: true };
    const framed = bytes.subarray(at, at + 4 + length);
    const expected = sha256(concatBytes(chain, framed));
    if (!equalBytes(expected, bytes.subarray(at + 4 + length, at + 4 + length + CHAIN_LENGTH))) {
      return { records, end: base + at, chain, torn: false, problem: 'the hash chain breaks' };
    }
    let puts: LoggedPut[];
    try {
      puts = decodePuts(framed.subarray(4));
    } catch {
      return { records, end: base + at, chain, torn: false, problem: 'a record body does not decode' };
    }
    const end = at + 4 + length + CHAIN_LENGTH;
    records.push({ offset: base + at, end: base + end, puts, chain: expected });
    chain = expected;
    at = end;
  }
  return { records, end: base + at, chain, torn: false };
}

/** The append side and random reads of replication.log. Appends are serialized and fsynced. */
export class ReplicationLog {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    private size: number,
    private lastChain: Uint8Array,
  ) {}

  /**
   * Opens (creating) the log and walks it to find its end and chain, handing each record to
   * `onRecord`. A record cut by a crash is dropped (its store batch was never written: the log is
   * written first). A broken chain refuses with OTS_ERR_REPLOG_DAMAGED.
   */
  static async open(dir: string, logger: Logger, onRecord?: (r: LogRecord) => Promise<void>): Promise<{ log: ReplicationLog; created: boolean }> {
    const handle = await open(join(dir, REPLICATION_LOG_FILE), constants.O_RDWR | constants.O_CREAT, 0o644);
    const { size } = await handle.stat();
    if (size === 0) {
      await handle.write(REPLICATION_LOG_MAGIC, 0, REPLICATION_LOG_MAGIC.length, 0);
      await handle.datasync();
      return { log: new ReplicationLog(handle, REPLICATION_LOG_MAGIC.length, GENESIS_CHAIN), created: true };
    }
    const head = new Uint8Array(REPLICATION_LOG_MAGIC.length);
    await handle.read(head, 0, head.length, 0);
    if (!equalBytes(head, REPLICATION_LOG_MAGIC)) {
      await handle.close();
      throw backupErrors.OTS_ERR_REPLOG_DAMAGED('it does not start with the replication log header');
    }
    const log = new ReplicationLog(handle, size, GENESIS_CHAIN);
    let end = REPLICATION_LOG_MAGIC.length;
    let chain: Uint8Array = GENESIS_CHAIN;
    try {
      for await (const r of log.scan(REPLICATION_LOG_MAGIC.length, GENESIS_CHAIN, (e, c) => ((end = e), (chain = c)))) await onRecord?.(r);
    } catch (err) {
      await handle.close();
      throw err;
    }
    if (end !== size) {
      logger.warn({ bytesDropped: size - end }, 'replication log ends in a torn record; truncating it');
      await handle.truncate(end);
      await handle.datasync();
    }
    log.size = end;
    log.lastChain = chain;
    return { log, created: false };
  }

  /** Bytes in the file, header included: the offset the next record will have. */
  get length(): number {
    return this.size;
  }

  /** Chain value after the last record. */
  get chain(): Uint8Array {
    return this.lastChain;
  }

  /** Appends one record for one store batch and fsyncs it; resolves once durable. */
  append(puts: readonly LoggedPut[]): Promise<void> {
    const run = async () => {
      const { bytes, chain } = encodeRecord(this.lastChain, puts);
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, this.size + done);
        done += bytesWritten;
      }
      await this.handle.datasync();
      this.size += bytes.length;
      this.lastChain = chain;
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Raw bytes [from, from+maxBytes) cut back to whole records when `from` is a record boundary. */
  async readFrom(from: number, maxBytes: number): Promise<Uint8Array> {
    const end = Math.min(this.size, from + maxBytes);
    if (from >= end) return new Uint8Array(0);
    const buf = new Uint8Array(end - from);
    const { bytesRead } = await this.handle.read(buf, 0, buf.length, from);
    const bytes = buf.subarray(0, bytesRead);
    // Walk the frames (without hashing: the reader checks the chain) to stop at a record boundary.
    let at = from === 0 ? REPLICATION_LOG_MAGIC.length : 0;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (at + 4 <= bytes.length) {
      const next = at + 4 + view.getUint32(at) + CHAIN_LENGTH;
      if (next > bytes.length) break;
      at = next;
    }
    return bytes.subarray(0, Math.max(at, from === 0 ? REPLICATION_LOG_MAGIC.length : 0));
  }

  /** Every record from `from` (a boundary) with chain `prevChain`, read 4 MiB at a time and checked. */
  async *scan(from = REPLICATION_LOG_MAGIC.length, prevChain: Uint8Array = GENESIS_CHAIN, onEnd?: (end: number, chain: Uint8Array) => void): AsyncGenerator<LogRecord> {
    const { size } = await this.handle.stat();
    let at = from;
    let chain = prevChain;
    let carry: Uint8Array = new Uint8Array(0);
    while (at + carry.length < size) {
      const buf = new Uint8Array(Math.max(4 << 20, carry.length * 2));
      buf.set(carry);
      const { bytesRead } = await this.handle.read(buf, carry.length, buf.length - carry.length, at + carry.length);
      if (bytesRead === 0) break;
      const parsed = parseRecords(buf.subarray(0, carry.length + bytesRead), at, chain);
      for (const r of parsed.records) yield r;
      if (parsed.problem) throw backupErrors.OTS_ERR_REPLOG_DAMAGED(`${parsed.problem} at byte ${parsed.end}`);
      carry = buf.slice(parsed.end - at, carry.length + bytesRead);
      at = parsed.end;
      chain = parsed.chain;
    }
    onEnd?.(at, chain);
  }

  /** Waits for appends in flight, then closes the file. */
  async close(): Promise<void> {
    await this.tail;
    await this.handle.close();
  }
}

function decodePuts(body: Uint8Array): LoggedPut[] {
  const puts: LoggedPut[] = [];
  let at = 0;
  const varuint = (): number => {
    let n = 0;
    let shift = 1;
    for (;;) {
      if (at >= body.length) throw new RangeError('cut');
      const b = body[at++]!;
      n += (b & 0x7f) * shift;
      if ((b & 0x80) === 0) return n;
      shift *= 128;
      if (shift > 2 ** 35) throw new RangeError('too long');
    }
  };
  const bytes = (): Uint8Array => {
    const n = varuint();
    if (at + n > body.length) throw new RangeError('cut');
    const out = body.subarray(at, at + n);
    at += n;
    return out;
  };
  const count = varuint();
  for (let i = 0; i < count; i++) puts.push({ key: bytes(), value: bytes() });
  if (at !== body.length) throw new RangeError('trailing bytes');
  return puts;
}
