// Coded errors of the calendar state (journal, store, aggregator, calendar directory); SPEC §6, §8.
// Messages never carry a path or a key: those go in log fields.
import { defineError } from '../core/index.js';

/** Every failure the calendar area can report, keyed by its code. */
export const calendarErrors = {
  OTS_ERR_DIGEST_TOO_LONG: defineError(
    'OTS_ERR_DIGEST_TOO_LONG',
    400,
    (length: number, max: number) => `digest too long: ${length} bytes, at most ${max} bytes are accepted`,
  ),
  OTS_ERR_CALENDAR_BUSY: defineError(
    'OTS_ERR_CALENDAR_BUSY',
    503,
    (queued: number) => `calendar busy: ${queued} digests are already waiting for the next round; retry shortly`,
  ),
  OTS_ERR_CALENDAR_CLOSED: defineError(
    'OTS_ERR_CALENDAR_CLOSED',
    503,
    () => 'calendar is shutting down and accepts no more digests; retry on another calendar or later',
  ),
  OTS_ERR_CALENDAR_URI_MISSING: defineError(
    'OTS_ERR_CALENDAR_URI_MISSING',
    500,
    () => 'the calendar directory has no uri file; create it with the calendar URL (e.g. otsd init)',
  ),
  OTS_ERR_CALENDAR_URI_INVALID: defineError(
    'OTS_ERR_CALENDAR_URI_INVALID',
    500,
    (why: string) => `the calendar uri is not usable in pending attestations: ${why}`,
  ),
  OTS_ERR_CALENDAR_KEY_MISSING: defineError(
    'OTS_ERR_CALENDAR_KEY_MISSING',
    500,
    () => 'the calendar directory has no hmac-key file; restore it from backup or initialise a new calendar',
  ),
  OTS_ERR_CALENDAR_KEY_INVALID: defineError(
    'OTS_ERR_CALENDAR_KEY_INVALID',
    500,
    () => 'the calendar hmac-key file is empty; restore it from backup',
  ),
  OTS_ERR_CALENDAR_KEY_EXISTS: defineError(
    'OTS_ERR_CALENDAR_KEY_EXISTS',
    409,
    () => 'the calendar directory already has an hmac-key; refusing to overwrite it (it signs every commitment made so far)',
  ),
  OTS_ERR_JOURNAL_OPEN_FAILED: defineError(
    'OTS_ERR_JOURNAL_OPEN_FAILED',
    503,
    (why: string) => `cannot open the calendar journal: ${why}`,
  ),
  OTS_ERR_JOURNAL_WRITE_FAILED: defineError(
    'OTS_ERR_JOURNAL_WRITE_FAILED',
    503,
    () => 'the round could not be written durably to the journal; the digest was not timestamped, submit it again',
  ),
  OTS_ERR_JOURNAL_INDEX_RANGE: defineError(
    'OTS_ERR_JOURNAL_INDEX_RANGE',
    404,
    (index: number, length: number) => `journal record ${index} does not exist; the journal has ${length} records`,
  ),
  OTS_ERR_STORE_LOCKED: defineError(
    'OTS_ERR_STORE_LOCKED',
    503,
    () =>
      'the calendar database is locked by another process (its LOCK file is held, most likely by a running otsd on the same calendar directory); stop that process first',
  ),
  OTS_ERR_STORE_OPEN_FAILED: defineError(
    'OTS_ERR_STORE_OPEN_FAILED',
    503,
    (why: string) => `cannot open the calendar database: ${why}`,
  ),
  OTS_ERR_STORE_CORRUPT: defineError(
    'OTS_ERR_STORE_CORRUPT',
    500,
    (why: string) => `a stored timestamp node cannot be decoded: ${why}`,
  ),
  OTS_ERR_STORE_TREE_TOO_LARGE: defineError(
    'OTS_ERR_STORE_TREE_TOO_LARGE',
    500,
    (limit: string) => `a stored timestamp exceeds ${limit}; the database holds a cycle or damaged data`,
  ),
} as const;
