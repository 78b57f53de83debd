// GET /timestamp/<hex> (SPEC §9.2) as answers: the stored tree for any node message, else why it is not
// there yet. Adds a strong ETag (hash of the body) with 304 on If-None-Match, and immutable caching for
// proofs. Shared by the fastify route and the fast path, with one proof cache between them.
import { createHash } from 'node:crypto';
import { MAX_MSG_LENGTH } from '../core/index.js';
import type { Answer } from './answer.js';
import type { BitcoinApi, CalendarApi } from './calendar-api.js';
import { CACHE, plainAnswer } from './plain.js';
import { type CachedProof, ProofCache } from './proof-cache.js';

/** ~10,000 proofs of ~1 KiB: a few MB for the commitments clients are polling right now. */
export const DEFAULT_CACHE_ENTRIES = 10_000;
/** Bounds how long a node merged later (a second attestation) could be served without it. */
const CACHE_TTL_MS = 10 * 60_000;

const BAD_HEX = plainAnswer(400, 'commitment must be hex-encoded bytes', CACHE.year);
const PENDING = plainAnswer(404, 'Pending confirmation in Bitcoin blockchain', CACHE.pending);
const NOT_FOUND = plainAnswer(404, 'Not found', CACHE.pending);

/**
 * Reads one message: its proof (body and ETag) when stored, else the answer saying why not. In the
 * daemon this reads the store; in an HTTP front it asks the daemon (http-front-worker.ts).
 */
export type ProofLoader = (msg: Buffer) => Promise<CachedProof | Answer>;

/** Answers timestamp requests through a proof cache in front of `load`. */
export class TimestampAnswers {
  private readonly cache: ProofCache;

  constructor(
    private readonly load: ProofLoader,
    cacheEntries = DEFAULT_CACHE_ENTRIES,
  ) {
    this.cache = new ProofCache(cacheEntries, CACHE_TTL_MS);
  }

  /**
   * The answer for `hex` (everything after `/timestamp/`, query string included: the reference decodes
   * the raw path). Synchronous for a cache hit or bad hex (the hot path: clients polling the same
   * commitments), so that case costs no promise; a promise when the proof must be loaded.
   */
  answer(hex: string, ifNoneMatch: string | undefined): Answer | Promise<Answer> {
    const msg = decodeHex(hex);
    if (msg === undefined) return BAD_HEX;
    // Longer than the protocol's message limit (SPEC §2) is valid hex but never stored.
    if (msg.length > MAX_MSG_LENGTH) return NOT_FOUND;
    // `hex` passed decodeHex: lower-casing it gives the key re-encoding `msg` would, without a second
    // Buffer and hex encoding per request.
    const key = hex.toLowerCase();
    const hit = this.cache.get(key);
    if (hit !== undefined) return found(hit, ifNoneMatch);
    return this.load(msg).then((loaded) => {
      if ('status' in loaded) return loaded;
      this.cache.set(key, loaded);
      return found(loaded, ifNoneMatch);
    });
  }
}

/** The daemon's loader: the calendar's store, then the pending set and the stamper for the 404 text. */
export function storeLoader(calendar: CalendarApi, bitcoin: BitcoinApi | undefined): ProofLoader {
  return async (msg) => {
    const proof = await calendar.getTimestamp(msg);
    if (proof !== undefined) {
      const body = Buffer.from(proof.buffer, proof.byteOffset, proof.byteLength);
      return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    const mined = bitcoin?.statusSource.lookup(msg);
    if (mined !== undefined) {
      const text = `Timestamped by transaction ${mined.txid}; waiting for ${mined.confirmationsNeeded} confirmations`;
      return plainAnswer(404, text, CACHE.pending);
    }
    return calendar.isPending(msg) ? PENDING : NOT_FOUND;
  };
}

function found(proof: CachedProof, ifNoneMatch: string | undefined): Answer {
  if (matchesEtag(ifNoneMatch, proof.etag)) return { status: 304, cacheControl: CACHE.immutable, etag: proof.etag };
  return { status: 200, type: 'application/octet-stream', cacheControl: CACHE.immutable, etag: proof.etag, body: proof.body };
}

/** Hex of either case, even length; undefined for anything else (Python's unhexlify rules). */
function decodeHex(text: string): Buffer | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return Buffer.from(text, 'hex');
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
