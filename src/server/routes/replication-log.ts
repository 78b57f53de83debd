// GET /experimental/log?from=<offset> (docs/replication.md, beyond SPEC §9): whole records of the
// calendar's replication log from a byte offset, so a follower can resume anywhere and check the chain.
import type { FastifyPluginAsync } from 'fastify';
import { CACHE, sendPlain } from '../plain.js';

/** What the route reads: the calendar's ReplicationLog satisfies it. */
export interface ReplicationLogApi {
  readonly length: number;
  /** Whole records starting at `from` (the file header too when from is 0), at most `maxBytes`. */
  readFrom(from: number, maxBytes: number): Promise<Uint8Array>;
}

/** Options of the replication log route. */
export interface ReplicationLogRouteOptions {
  log: ReplicationLogApi;
  /** Most bytes per answer; a follower asks again from where the answer ended. */
  maxBytes?: number;
}

/** Default answer size: big enough for thousands of stamped commitments, small enough to stream quickly. */
export const DEFAULT_LOG_ANSWER_BYTES = 4 << 20;
/** Header with the log's current length, so a follower knows how far behind it is. */
export const LOG_LENGTH_HEADER = 'x-ots-log-length';

/** Registers GET /experimental/log. */
export const replicationLogRoute: FastifyPluginAsync<ReplicationLogRouteOptions> = async (app, opts) => {
  const maxBytes = opts.maxBytes ?? DEFAULT_LOG_ANSWER_BYTES;
  app.get<{ Querystring: { from?: string } }>('/experimental/log', async (req, reply) => {
    const text = req.query.from ?? '0';
    const from = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
    reply.header(LOG_LENGTH_HEADER, String(opts.log.length));
    if (!Number.isSafeInteger(from)) return sendPlain(reply, 400, 'from must be a byte offset of the replication log', CACHE.noStore);
    if (from > opts.log.length) return sendPlain(reply, 416, 'from is past the end of the replication log', CACHE.noStore);
    const body = await opts.log.readFrom(from, maxBytes);
    return reply
      .code(200)
      .type('application/octet-stream')
      .header('cache-control', CACHE.noStore)
      .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });
};
