// The byte format of a backup chunk (SPEC §9.6): for each (key, value) sorted by key bytes ascending,
// varuint(len key) || key || varuint(len value) || value. Values are SPEC §8.3 node encodings.
import { BytesWriter, isOtsError, MAX_MSG_LENGTH } from '../core/index.js';
import { backupErrors } from './backup-errors.js';

/** One stored node as carried by a backup chunk. */
export interface BackupEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/** A value larger than this cannot be a node (limits of §2-§3 times a generous fan-out); refused early. */
export const MAX_BACKUP_VALUE_LENGTH = 1 << 20;

/** Serializes entries that are already sorted by key bytes (the caller sorts; see sortEntries). */
export function encodeChunk(entries: readonly BackupEntry[]): Uint8Array {
  let size = 0;
  for (const e of entries) size += e.key.length + e.value.length + 6;
  const w = new BytesWriter(size);
  for (const e of entries) {
    w.writeVarbytes(e.key);
    w.writeVarbytes(e.value);
  }
  return w.finish();
}

/** Sorts entries by key bytes ascending (latin1 strings compare like their bytes). */
export function sortEntries(entries: BackupEntry[]): BackupEntry[] {
  const keyed = entries.map((e) => ({ e, id: latin1(e.key) }));
  keyed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return keyed.map((k) => k.e);
}

/**
 * Parses a chunk, refusing a cut body (OTS_ERR_BACKUP_CHUNK_TRUNCATED) and keys that are not strictly
 * ascending (OTS_ERR_BACKUP_CHUNK_UNSORTED). Entries are views into `body`, not copies.
 */
export function parseChunk(body: Uint8Array): BackupEntry[] {
  const entries: BackupEntry[] = [];
  let at = 0;
  let previous: string | undefined;
  while (at < body.length) {
    const key = readVarbytes(body, at, MAX_MSG_LENGTH, 'a key');
    at = key.end;
    const value = readVarbytes(body, at, MAX_BACKUP_VALUE_LENGTH, 'a value');
    at = value.end;
    const id = latin1(key.bytes);
    if (previous !== undefined && id <= previous) throw backupErrors.OTS_ERR_BACKUP_CHUNK_UNSORTED(entries.length);
    if (key.bytes.length === 0) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID('an entry has an empty key');
    previous = id;
    entries.push({ key: key.bytes, value: value.bytes });
  }
  return entries;
}

/** A byte string as a latin1 string: a cheap Map key whose ordering equals bytewise ordering. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function readVarbytes(body: Uint8Array, start: number, max: number, what: string): { bytes: Uint8Array; end: number } {
  let length = 0;
  let shift = 1;
  let at = start;
  for (;;) {
    if (at >= body.length) throw backupErrors.OTS_ERR_BACKUP_CHUNK_TRUNCATED(`inside the length of ${what}`);
    const b = body[at++]!;
    length += (b & 0x7f) * shift;
    if ((b & 0x80) === 0) break;
    shift *= 128;
    // Any length past `max` is refused; stop before the arithmetic loses precision.
    if (shift > 2 ** 35) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID(`the length of ${what} is out of range`);
  }
  if (length > max) throw backupErrors.OTS_ERR_BACKUP_CHUNK_INVALID(`${what} of ${length} bytes is longer than ${max}`);
  if (at + length > body.length) {
    throw backupErrors.OTS_ERR_BACKUP_CHUNK_TRUNCATED(`${what} needs ${length} bytes, ${body.length - at} left`);
  }
  return { bytes: body.subarray(at, at + length), end: at + length };
}

/** True for the chunk-format errors above (as opposed to I/O failures). */
export function isChunkError(err: unknown): boolean {
  return isOtsError(err) && err.code.startsWith('OTS_ERR_BACKUP_');
}
