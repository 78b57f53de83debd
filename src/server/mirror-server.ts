// The HTTP server of a mirror: the calendar API (SPEC §9) over the mirror's read-only store, so GET
// /timestamp answers as the upstream does, plus the mirror's lag at /mirror/stats and /mirror/metrics.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildServer } from './build-server.js';
import type { CalendarApi } from './calendar-api.js';
import { type MirrorStatusSource, mirrorStatusRoute } from './routes/mirror-status.js';
import type { BackupApi } from './routes/backup.js';

/** What a mirror server is built from: the mirror (a read-only calendar with a status). */
export interface MirrorServerOptions {
  mirror: CalendarApi & MirrorStatusSource;
  /** Serve the mirrored chunks again (a mirror of a mirror); optional. */
  backup?: BackupApi | undefined;
  logger?: Logger | undefined;
  version: string;
}

/** Builds the mirror's app; POST /digest answers OTS_ERR_MIRROR_READ_ONLY (503). */
export function buildMirrorServer(opts: MirrorServerOptions): FastifyInstance {
  const app = buildServer({ calendar: opts.mirror, backup: opts.backup, logger: opts.logger, version: opts.version });
  app.register(mirrorStatusRoute, { mirror: opts.mirror });
  return app;
}
