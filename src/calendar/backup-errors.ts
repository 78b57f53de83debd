// Coded errors of backups and mirroring (SPEC §9.6): reading, checking and following backup chunks.
// Messages never carry a path, a URL with credentials or a key: those go in log fields.
import { defineError } from '../core/index.js';

/** Every failure the backup exporter and the mirror can report, keyed by its code. */
export const backupErrors = {
  OTS_ERR_BACKUP_CHUNK_TRUNCATED: defineError(
    'OTS_ERR_BACKUP_CHUNK_TRUNCATED',
    502,
    (why: string) => `the backup chunk ends in the middle of an entry (${why}); it was cut in transit, fetch it again`,
  ),
  OTS_ERR_BACKUP_CHUNK_UNSORTED: defineError(
    'OTS_ERR_BACKUP_CHUNK_UNSORTED',
    502,
    (entry: number) => `backup chunk entry ${entry} is not in ascending key order (or repeats a key); the chunk is damaged`,
  ),
  OTS_ERR_BACKUP_CHUNK_INVALID: defineError(
    'OTS_ERR_BACKUP_CHUNK_INVALID',
    502,
    (why: string) => `the backup chunk does not hold valid timestamps: ${why}`,
  ),
  OTS_ERR_BACKUP_CHUNK_INCOMPLETE: defineError(
    'OTS_ERR_BACKUP_CHUNK_INCOMPLETE',
    502,
    (why: string) => `the backup chunk is incomplete: ${why}; it was cut or altered, nothing of it was stored`,
  ),
  OTS_ERR_BACKUP_ATTESTATION_MISMATCH: defineError(
    'OTS_ERR_BACKUP_ATTESTATION_MISMATCH',
    502,
    (height: string) => `a Bitcoin attestation at height ${height} does not match that block's merkle root; the chunk was altered`,
  ),
  OTS_ERR_BACKUP_HEADER_UNAVAILABLE: defineError(
    'OTS_ERR_BACKUP_HEADER_UNAVAILABLE',
    503,
    (height: string) => `cannot read the Bitcoin block header at height ${height} to check an attestation; is the node synced?`,
  ),
  OTS_ERR_MIRROR_UPSTREAM_UNREACHABLE: defineError(
    'OTS_ERR_MIRROR_UPSTREAM_UNREACHABLE',
    503,
    (why: string) => `the upstream calendar cannot be reached (${why}); retrying with backoff`,
  ),
  OTS_ERR_MIRROR_UPSTREAM_STATUS: defineError(
    'OTS_ERR_MIRROR_UPSTREAM_STATUS',
    502,
    (status: number) => `the upstream calendar answered a backup chunk with HTTP ${status}; retrying with backoff`,
  ),
  OTS_ERR_MIRROR_STATE_INVALID: defineError(
    'OTS_ERR_MIRROR_STATE_INVALID',
    500,
    (why: string) => `the mirror progress file cannot be used: ${why}; restore it or start the mirror in an empty directory`,
  ),
  OTS_ERR_MIRROR_UPSTREAM_CHANGED: defineError(
    'OTS_ERR_MIRROR_UPSTREAM_CHANGED',
    400,
    () => 'this mirror directory follows another upstream (or another chunk size); use a new directory for a new upstream',
  ),
  OTS_ERR_MIRROR_READ_ONLY: defineError(
    'OTS_ERR_MIRROR_READ_ONLY',
    503,
    () => 'this server is a read-only mirror and makes no timestamps; submit digests to a calendar',
  ),
  OTS_ERR_MIRROR_RESTORE_TARGET_USED: defineError(
    'OTS_ERR_MIRROR_RESTORE_TARGET_USED',
    409,
    () => 'the calendar directory already has a journal or a database; restore only into a directory holding just uri and hmac-key',
  ),
  OTS_ERR_REPLOG_DAMAGED: defineError(
    'OTS_ERR_REPLOG_DAMAGED',
    500,
    (why: string) => `the replication log is damaged: ${why}; restore it from a mirror or a backup`,
  ),
  OTS_ERR_REPLOG_MISSING: defineError(
    'OTS_ERR_REPLOG_MISSING',
    400,
    () => 'this calendar has no replication log to rebuild from; it is written only by otsd run --replication-log',
  ),
} as const;
