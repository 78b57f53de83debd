// The calendar directory (SPEC §8): uri, hmac-key, donation_addr, journal, journal.known-good, db/.
// Reads and validates the configuration files and creates a new directory; same layout as otsd.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidPendingUri } from '../core/index.js';
import { calendarErrors } from './errors.js';

/** The setup of the reference writes 32 random bytes; we do the same. */
export const HMAC_KEY_LENGTH = 32;

/** File names inside a calendar directory, as the reference names them. */
export const CALENDAR_FILES = {
  uri: 'uri',
  hmacKey: 'hmac-key',
  donationAddr: 'donation_addr',
  journal: 'journal',
  knownGood: 'journal.known-good',
  db: 'db',
} as const;

/** What a calendar needs from its directory to make commitments. */
export interface CalendarConfig {
  uri: string;
  hmacKey: Uint8Array;
}

/** Throws OTS_ERR_CALENDAR_URI_INVALID unless `uri` is http(s) and fits the pending-URI alphabet. */
export function validateCalendarUri(uri: string): void {
  if (!/^https?:\/\/./.test(uri)) throw calendarErrors.OTS_ERR_CALENDAR_URI_INVALID('it must start with http:// or https://');
  if (!isValidPendingUri(uri)) {
    throw calendarErrors.OTS_ERR_CALENDAR_URI_INVALID('only A-Z a-z 0-9 - . _ / : are allowed, at most 1000 bytes');
  }
}

/** Reads uri (whitespace-stripped, as the reference) and hmac-key (whole file) with coded errors. */
export async function readCalendarConfig(dir: string): Promise<CalendarConfig> {
  const uriText = await readIfExists(join(dir, CALENDAR_FILES.uri));
  if (uriText === undefined) throw calendarErrors.OTS_ERR_CALENDAR_URI_MISSING();
  const uri = uriText.toString('utf8').trim();
  validateCalendarUri(uri);
  const hmacKey = await readIfExists(join(dir, CALENDAR_FILES.hmacKey));
  if (hmacKey === undefined) throw calendarErrors.OTS_ERR_CALENDAR_KEY_MISSING();
  if (hmacKey.length === 0) throw calendarErrors.OTS_ERR_CALENDAR_KEY_INVALID();
  return { uri, hmacKey: new Uint8Array(hmacKey) };
}

/**
 * Creates a calendar directory: uri, optional donation_addr and a fresh 32-byte hmac-key (mode 0600).
 * Refuses to replace an existing key, which would orphan every commitment made under it.
 */
export async function initCalendarDir(
  dir: string,
  opts: { uri: string; donationAddr?: string; hmacKey?: Uint8Array },
): Promise<void> {
  validateCalendarUri(opts.uri);
  await mkdir(dir, { recursive: true });
  const key = opts.hmacKey ?? new Uint8Array(randomBytes(HMAC_KEY_LENGTH));
  if (key.length === 0) throw calendarErrors.OTS_ERR_CALENDAR_KEY_INVALID();
  let handle;
  try {
    // 'wx' fails if the file exists: no window where an existing key could be truncated.
    handle = await open(join(dir, CALENDAR_FILES.hmacKey), 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw calendarErrors.OTS_ERR_CALENDAR_KEY_EXISTS().causedBy(err);
    throw err;
  }
  try {
    await handle.writeFile(key);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await writeFile(join(dir, CALENDAR_FILES.uri), `${opts.uri}\n`);
  if (opts.donationAddr !== undefined) await writeFile(join(dir, CALENDAR_FILES.donationAddr), `${opts.donationAddr}\n`);
}

/** Reads journal.known-good (text integer; missing or unreadable → 0, as the reference defaults). */
export async function readKnownGood(dir: string): Promise<{ index: number; problem?: string }> {
  const text = await readIfExists(join(dir, CALENDAR_FILES.knownGood));
  if (text === undefined) return { index: 0 };
  const trimmed = text.toString('utf8').trim();
  if (!/^\d+$/.test(trimmed)) return { index: 0, problem: 'not a decimal integer' };
  return { index: Number(trimmed) };
}

/** Replaces journal.known-good atomically (write a temp file, fsync, rename) so a crash leaves old or new. */
export async function writeKnownGood(dir: string, index: number): Promise<void> {
  const path = join(dir, CALENDAR_FILES.knownGood);
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${index}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
