// Turns every failure into an answer in one place (STYLE §4): coded errors keep their status and code,
// framework refusals keep their 4xx, anything else is a logged 500 without internals in the body.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isOtsError, type OtsError } from '../core/index.js';
import { type Answer, replyWith } from './answer.js';
import { CACHE } from './plain.js';
import { serverErrors } from './errors.js';

/** Code of the calendar's back-pressure refusal; answered with Retry-After so clients back off briefly. */
export const CALENDAR_BUSY_CODE = 'OTS_ERR_CALENDAR_BUSY';

/** fastify's error handler: `{ code, message }` JSON, `no-store`, never a stack trace. */
export function sendError(err: FastifyError | OtsError, req: FastifyRequest, reply: FastifyReply, log: Logger): FastifyReply {
  return replyWith(reply, errorAnswer(err, req.method, req.url, log));
}

/** The JSON answer for `err`, logged at a level that suits it (shared with the fast path). */
export function errorAnswer(err: FastifyError | OtsError | Error, method: string, url: string | undefined, log: Logger): Answer {
  const status = typeof (err as FastifyError).statusCode === 'number' ? (err as FastifyError).statusCode! : 500;
  if (isOtsError(err) || (status >= 400 && status < 500)) {
    const code = isOtsError(err) ? err.code : frameworkCode(err as FastifyError, status);
    const message = isOtsError(err) ? err.message : frameworkMessage(err as FastifyError, status);
    // 503s (busy, shutting down) are expected under load and would flood the log; metrics count them.
    const level = status === 503 ? 'debug' : status >= 500 ? 'error' : 'info';
    log[level]({ err, code, method, url }, 'request refused');
    return json(status, code, message, code === CALENDAR_BUSY_CODE ? '1' : undefined);
  }
  log.error({ err, method, url }, 'unexpected failure');
  const internal = serverErrors.OTS_ERR_HTTP_INTERNAL();
  return json(500, internal.code, internal.message, undefined);
}

/** The JSON answer for a coded error, without logging (what an HTTP front sends when the daemon is gone). */
export function codedAnswer(error: OtsError): Answer {
  return json(error.statusCode, error.code, error.message, undefined);
}

function json(status: number, code: string, message: string, retryAfter: string | undefined): Answer {
  const answer: Answer = { status, type: JSON_TYPE, cacheControl: CACHE.noStore, body: JSON.stringify({ code, message }) };
  if (retryAfter !== undefined) answer.retryAfter = retryAfter;
  return answer;
}

/** What fastify sends for a serialized object; kept when the body is serialized here. */
const JSON_TYPE = 'application/json; charset=utf-8';

function frameworkCode(err: FastifyError, status: number): string {
  if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return serverErrors.OTS_ERR_HTTP_BODY_TOO_LARGE.code;
  return serverErrors.OTS_ERR_HTTP_REJECTED.code;
}

function frameworkMessage(err: FastifyError, status: number): string {
  // fastify's own messages are short and carry no paths; prefix them so they read as ours.
  if (status === 413) return 'request body is too large; a digest is at most 64 bytes';
  return `request refused: ${String(err.message).toLowerCase()}`;
}
