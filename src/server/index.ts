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
export { MAX_DIGEST_BYTES } from './routes/digest.js';
