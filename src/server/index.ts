// The HTTP API as other areas see it (SPEC §9).
export {
  buildServer,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_TIMEOUTS,
  type ServerOptions,
  type ServerTimeouts,
} from './build-server.js';
export type { BitcoinApi, CalendarApi, HealthReport, MinedStatus } from './calendar-api.js';
export { serverErrors } from './errors.js';
export { type HttpFrontOptions, type RunningFronts, startHttpFronts } from './http-fronts.js';
export { MAX_DIGEST_BYTES } from './routes/digest.js';
export { BACKUP_CHUNKS_HEADER, JOURNAL_LENGTH_HEADER, type BackupApi } from './routes/backup.js';
export { buildMirrorServer, type MirrorServerOptions } from './mirror-server.js';
export { MIRROR_METRIC_PREFIX, type MirrorStatusSource } from './routes/mirror-status.js';
export { DEFAULT_LOG_ANSWER_BYTES, LOG_LENGTH_HEADER, type ReplicationLogApi } from './routes/replication-log.js';
