// One answer, two ways to send it: through fastify (every route) or straight onto Node's response (the
// fast path of the two hot routes, fast-path.ts). Routes compute an Answer once, so both ways send the
// same status, headers and body; fast-path.test.ts holds them to that byte for byte.
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { CACHE } from './plain.js';

/** What a route answers, independent of the framework that sends it. */
export interface Answer {
  status: number;
  /** Content-Type; absent on 304. */
  type?: string;
  cacheControl?: string;
  etag?: string;
  /** Seconds, on 503 back-pressure refusals. */
  retryAfter?: string;
  body?: Buffer | string;
}

/** Sends `answer` through fastify (the header hooks add CORS and the default Cache-Control). */
export function replyWith(reply: FastifyReply, answer: Answer): FastifyReply {
  reply.code(answer.status);
  if (answer.cacheControl !== undefined) reply.header('cache-control', answer.cacheControl);
  if (answer.etag !== undefined) reply.header('etag', answer.etag);
  if (answer.retryAfter !== undefined) reply.header('retry-after', answer.retryAfter);
  if (answer.type !== undefined) reply.type(answer.type);
  return reply.send(answer.body);
}

/**
 * The headers fastify and our hooks would add to `answer`, as a flat list: CORS on every answer,
 * `no-store` on POST answers and errors that carry no Cache-Control of their own. Also the body to send
 * (none on 304). The raw lane writes these itself; writeAnswer hands them to Node.
 */
export function answerHeaders(answer: Answer, isPost: boolean): { headers: string[]; body: Buffer | string | undefined } {
  const cacheControl = answer.cacheControl ?? (answer.status >= 400 || isPost ? CACHE.noStore : undefined);
  const headers: string[] = ['access-control-allow-origin', '*'];
  if (cacheControl !== undefined) headers.push('cache-control', cacheControl);
  if (answer.etag !== undefined) headers.push('etag', answer.etag);
  if (answer.retryAfter !== undefined) headers.push('retry-after', answer.retryAfter);
  if (answer.type !== undefined) headers.push('content-type', answer.type);
  // 304 carries no body and, as fastify sends it, no Content-Length.
  if (answer.status === 304) return { headers, body: undefined };
  const body = answer.body;
  headers.push('content-length', String(body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length));
  return { headers, body };
}

/** Writes `answer` on a raw Node response: one `writeHead` with a flat header list, the cheapest way. */
export function writeAnswer(res: ServerResponse, answer: Answer, isPost: boolean): void {
  const { headers, body } = answerHeaders(answer, isPost);
  res.writeHead(answer.status, headers);
  res.end(body);
}
