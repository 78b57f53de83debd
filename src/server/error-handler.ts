// Turns every failure into a reply in one place (STYLE §4): coded errors keep their status and code,
// framework refusals keep their 4xx, anything else is a logged 500 without internals in the body.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isOtsError, type OtsError } from '../core/index.js';
import { CACHE } from './plain.js';
import { serverErrors } from './errors.js';

/** Code of the calendar's back-pressure refusal; answered with Retry-After so clients back off briefly. */
export const CALENDAR_BUSY_CODE = 'OTS_ERR_CALENDAR_BUSY';

/** fastify's error handler: `{ code, message }` JSON, `no-store`, never a stack trace. */
export function sendError(err: FastifyError | OtsError, req: FastifyRequest, reply: FastifyReply, log: Logger): FastifyReply {
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  reply.header('cache-control', CACHE.noStore);
  if (isOtsError(err) || (status >= 400 && status < 500)) {
    const code = isOtsError(err) ? err.code : frameworkCode(err as FastifyError, status);
    const message = isOtsError(err) ? err.message : frameworkMessage(err as FastifyError, status);
    // 503s (busy, shutting down) are expected under load and would flood the log; metrics count them.
    const level = status === 503 ? 'debug' : status >= 500 ? 'error' : 'info';
    log[level]({ err, code, method: req.method, url: req.url }, 'request refused');
    if (code === CALENDAR_BUSY_CODE) reply.header('retry-after', '1');
    return reply.code(status).type('application/json').send({ code, message });
  }
  log.error({ err, method: req.method, url: req.url }, 'unexpected failure');
  const internal = serverErrors.OTS_ERR_HTTP_INTERNAL();
  return reply.code(500).type('application/json').send({ code: internal.code, message: internal.message });
}

function frameworkCode(err: FastifyError, status: number): string {
  if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return serverErrors.OTS_ERR_HTTP_BODY_TOO_LARGE.code;
  return serverErrors.OTS_ERR_HTTP_REJECTED.code;
}

function frameworkMessage(err: FastifyError, status: number): string {
  // fastify's own messages are short and carry no paths; prefix them so they read as ours.
  if (status === 413) return 'request body is too large; a digest is at most 64 bytes';
  return `request refused: ${String(err.message).toLowerCase()}`;
}
