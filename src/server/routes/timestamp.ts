// GET /timestamp/<hex> (SPEC §9.2): the stored tree for any node message, else why it is not there yet.
// Adds a strong ETag (hash of the body) with 304 on If-None-Match, and immutable caching for proofs.
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_MSG_LENGTH } from '../../core/index.js';
import type { BitcoinApi, CalendarApi } from '../calendar-api.js';
import { CACHE, sendPlain } from '../plain.js';
import { type CachedProof, ProofCache } from '../proof-cache.js';

/** Options of the timestamp route group. */
export interface TimestampRouteOptions {
  calendar: CalendarApi;
  bitcoin?: BitcoinApi | undefined;
  /** Proofs kept in memory (LRU); 0 turns the cache off. */
  cacheEntries?: number;
}

/** ~10,000 proofs of ~1 KiB: a few MB for the commitments clients are polling right now. */
export const DEFAULT_CACHE_ENTRIES = 10_000;
/** Bounds how long a node merged later (a second attestation) could be served without it. */
const CACHE_TTL_MS = 10 * 60_000;
const PREFIX = '/timestamp/';

/** Registers GET /timestamp/*. */
export const timestampRoute: FastifyPluginAsync<TimestampRouteOptions> = async (app, opts) => {
  const cache = new ProofCache(opts.cacheEntries ?? DEFAULT_CACHE_ENTRIES, CACHE_TTL_MS);
  // The proof from the cache, or undefined (then `load` reads the store). `hex` is the request's hex,
  // already checked by decodeHex: lower-casing it gives the same key as re-encoding `msg`, without a
  // second Buffer and hex encoding per request.
  const cached = (msg: Uint8Array, hex: string): CachedProof | undefined =>
    // Longer than the protocol's message limit (SPEC §2) is valid hex but never stored: skip the lookup.
    msg.length > MAX_MSG_LENGTH ? undefined : cache.get(hex.toLowerCase());
  const load = async (msg: Uint8Array): Promise<CachedProof | undefined> => {
    if (msg.length > MAX_MSG_LENGTH) return undefined;
    const proof = await opts.calendar.getTimestamp(msg);
    if (proof === undefined) return undefined;
    const body = Buffer.from(proof.buffer, proof.byteOffset, proof.byteLength);
    const found = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    cache.set(keyOf(msg), found);
    return found;
  };
  const sendFound = (req: FastifyRequest, reply: FastifyReply, found: CachedProof): FastifyReply => {
    reply.header('cache-control', CACHE.immutable).header('etag', found.etag);
    if (matchesEtag(req.headers['if-none-match'], found.etag)) return reply.code(304).send();
    return reply.type('application/octet-stream').send(found.body);
  };
  const sendMissing = (reply: FastifyReply, msg: Uint8Array): FastifyReply => {
    const mined = opts.bitcoin?.statusSource.lookup(msg);
    if (mined !== undefined) {
      const text = `Timestamped by transaction ${mined.txid}; waiting for ${mined.confirmationsNeeded} confirmations`;
      return sendPlain(reply, 404, text, CACHE.pending);
    }
    if (opts.calendar.isPending(msg)) {
      return sendPlain(reply, 404, 'Pending confirmation in Bitcoin blockchain', CACHE.pending);
    }
    return sendPlain(reply, 404, 'Not found', CACHE.pending);
  };

  // Not an async function: a cache hit (the hot path: clients polling the same commitments) is answered
  // synchronously, without the two promises and microtask hops an async handler and lookup cost.
  // A synchronous answer returns undefined: fastify would re-send a returned reply (and warn).
  app.get('/timestamp/*', (req, reply): undefined | Promise<FastifyReply> => {
    // The reference decodes everything after the prefix, query string included (then it is not hex).
    const hex = req.url.slice(PREFIX.length);
    const msg = decodeHex(hex);
    if (msg === undefined) {
      sendPlain(reply, 400, 'commitment must be hex-encoded bytes', CACHE.year);
      return undefined;
    }
    const hit = cached(msg, hex);
    if (hit !== undefined) {
      sendFound(req, reply, hit);
      return undefined;
    }
    return load(msg).then((found) => (found !== undefined ? sendFound(req, reply, found) : sendMissing(reply, msg)));
  });
};

/** The cache key: lower-case hex of the message. */
function keyOf(msg: Uint8Array): string {
  return Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength).toString('hex');
}

/** Hex of either case, even length; undefined for anything else (Python's unhexlify rules). */
function decodeHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return Buffer.from(text, 'hex');
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
