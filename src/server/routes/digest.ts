// POST /digest (SPEC §9.1): accept 0..64 raw bytes of any content type; answer with the bare pending
// timestamp once the calendar's round is durable. Bodies past `maxBodyBytes` are refused with 413
// from the Content-Length alone, before anything is buffered.
import type { FastifyPluginAsync } from 'fastify';
import { type Answer, replyWith } from '../answer.js';
import type { CalendarApi } from '../calendar-api.js';
import { CACHE, sendPlain } from '../plain.js';

/** A digest longer than this is refused (the reference's limit: 64 bytes covers sha512). */
export const MAX_DIGEST_BYTES = 64;

/** Options of the digest route group. */
export interface DigestRouteOptions {
  calendar: CalendarApi;
  /** Hard cap on a request body (413 past it); between 65 and this the spec's 400 applies. */
  maxBodyBytes: number;
}

/** Registers POST /digest. */
export const digestRoute: FastifyPluginAsync<DigestRouteOptions> = async (app, opts) => {
  // Any content type is a digest: the reference reads the raw body whatever the client labels it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/digest', {
    bodyLimit: opts.maxBodyBytes,
    onRequest: (req, _reply, done) => {
      // A malformed Content-Type must not turn into fastify's 415; the body is bytes either way.
      if (req.headers['content-type'] !== undefined) req.headers['content-type'] = 'application/octet-stream';
      done();
    },
  }, async (req, reply) => {
    // The reference matches the raw path, so `/digest?x` is not its digest route.
    if (req.url !== '/digest') return sendPlain(reply, 404, 'not found', CACHE.unknownPath);
    const headers = req.headers;
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
      return sendPlain(reply, 400, 'invalid Content-Length');
    }
    const body = req.body as Buffer | undefined;
    const digest = body ?? EMPTY;
    if (digest.length > MAX_DIGEST_BYTES) return sendPlain(reply, 400, 'digest too long');
    return replyWith(reply, proofAnswer(await opts.calendar.submit(digest)));
  });
};

/** The 200 answer carrying a submitted digest's pending proof (shared with the fast path). */
export function proofAnswer(proof: Uint8Array): Answer {
  return {
    status: 200,
    type: 'application/octet-stream',
    cacheControl: CACHE.noStore,
    body: Buffer.from(proof.buffer, proof.byteOffset, proof.byteLength),
  };
}

const EMPTY = new Uint8Array(0);
