// Plain-text answers with the exact bodies and cache headers of the reference server (SPEC §9).
import type { FastifyReply } from 'fastify';
import { type Answer, replyWith } from './answer.js';

/** Cache-Control values used by the API; the first three match the reference byte for byte. */
export const CACHE = {
  immutable: 'public, max-age=31536000, immutable',
  /** The reference's header for 400 "commitment must be hex-encoded bytes" and for stored proofs. */
  year: 'public, max-age=31536000',
  pending: 'public, max-age=60',
  unknownPath: 'public, max-age=3600',
  tip: 'public, max-age=10',
  root: 'public, max-age=5',
  noStore: 'no-store',
} as const;

/** `text` as a `text/plain` answer with the given status and (optional) Cache-Control. */
export function plainAnswer(status: number, text: string, cacheControl?: string): Answer {
  return cacheControl === undefined ? { status, type: 'text/plain', body: text } : { status, type: 'text/plain', cacheControl, body: text };
}

/** Sends `text` as `text/plain` with the given status and (optional) Cache-Control. */
export function sendPlain(reply: FastifyReply, status: number, text: string, cacheControl?: string): FastifyReply {
  return replyWith(reply, plainAnswer(status, text, cacheControl));
}
