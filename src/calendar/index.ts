// The calendar state as other areas see it: journal, LevelDB store, aggregator rounds, calendar facade.
export { Calendar, DEFAULT_MAX_QUEUED, type CalendarOptions, type CalendarStats } from './calendar.js';
export {
  CALENDAR_FILES,
  HMAC_KEY_LENGTH,
  initCalendarDir,
  readCalendarConfig,
  validateCalendarUri,
  type CalendarConfig,
} from './calendar-dir.js';
export { calendarErrors } from './errors.js';
export { Journal, JOURNAL_RECORD_LENGTH, recordToCommitment, type JournalRecord } from './journal.js';
export { CalendarStore, MAX_TREE_NODES } from './store.js';
export { decodeNodeValue, encodeNodeValue, type StoredNode } from './store-codec.js';
export { buildRound, commitRound, MAX_DIGEST_LENGTH, NoncePool, RoundBatch, type BuiltRound } from './round.js';
export { PendingSet } from './pending-set.js';
export { MacChecker } from './mac-checker.js';
export { BACKUP_CHUNK_SIZE, BackupExporter, type BackupOptions, type BackupSource } from './backup.js';
export { encodeChunk, parseChunk, type BackupEntry } from './backup-codec.js';
export { backupErrors } from './backup-errors.js';
export { verifyChunk, type HeaderSource, type VerifiedChunk, type VerifyOptions } from './backup-verify.js';
export { Mirror, MIRROR_DEFAULTS, normalizeUpstream, type MirrorOptions, type MirrorStatus } from './mirror.js';
export { MIRROR_FILES, type MirrorProgress } from './mirror-state.js';
export { restoreFromMirror, type RestoreReport } from './mirror-restore.js';
export { attachReplicationLog, reindexFromLog, REPLICATION_APPLIED_FILE, type AttachedLog, type ReindexReport } from './replication.js';
export { encodeRecord, GENESIS_CHAIN, parseRecords, REPLICATION_LOG_FILE, REPLICATION_LOG_MAGIC, ReplicationLog, type LogRecord, type LoggedPut } from './replication-log.js';
export { LogMirror, type LogMirrorOptions, type LogMirrorStatus } from './mirror-log.js';
