// GET /experimental/backup/<n> (SPEC §9.6): the reference's backup chunks, so a Python otsd-backup can
// mirror us. Also tells mirrors how far the journal reaches, in two headers the reference does not send.
import type { FastifyPluginAsync } from 'fastify';
import { CACHE, sendPlain } from '../plain.js';

/** What the route needs: the calendar's backup exporter satisfies it structurally. */
export interface BackupApi {
  /** The chunk body, or undefined while a record is missing or unstamped. */
  chunk(n: number): Promise<Uint8Array | undefined>;
  /** Chunks whose records all exist in the journal (upper bound of servable chunks). */
  chunkCount(): number;
  journalLength(): number;
}

/** Options of the backup route group. */
export interface BackupRouteOptions {
  backup: BackupApi;
}

/** Header giving chunkCount(): a mirror that got a 404 knows whether it is caught up or waiting for stamps. */
export const BACKUP_CHUNKS_HEADER = 'x-ots-backup-chunks';
/** Header giving the journal length, for a mirror's commitments-behind figure. */
export const JOURNAL_LENGTH_HEADER = 'x-ots-journal-length';

const PREFIX = '/experimental/backup/';

/** Registers GET /experimental/backup/*. */
export const backupRoute: FastifyPluginAsync<BackupRouteOptions> = async (app, opts) => {
  app.get('/experimental/backup/*', async (req, reply) => {
    reply.header(BACKUP_CHUNKS_HEADER, String(opts.backup.chunkCount()));
    reply.header(JOURNAL_LENGTH_HEADER, String(opts.backup.journalLength()));
    const n = parseChunkNumber(req.url.slice(PREFIX.length));
    const body = n === undefined ? undefined : await opts.backup.chunk(n);
    // The reference answers every chunk it cannot serve the same way: 404, empty, retry in a minute.
    if (body === undefined) return sendPlain(reply, 404, '', CACHE.pending);
    return reply
      .code(200)
      .type('application/octet-stream')
      .header('cache-control', CACHE.year)
      .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });
};

/** Python int() of a decimal string: surrounding whitespace, optional sign, digits and single underscores. */
function parseChunkNumber(text: string): number | undefined {
  const m = /^\s*\+?(\d+(?:_\d+)*)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]!.replace(/_/g, ''));
  return Number.isSafeInteger(n) ? n : undefined;
}
