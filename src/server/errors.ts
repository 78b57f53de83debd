// Failures the HTTP API itself reports (SPEC §9 pins the bodies of the reference's own answers;
// these codes cover what the reference lacks: limits, methods, timeouts, shutdown, our own faults).
import { defineError } from '../core/index.js';

/** The server's error registry: key equals code. */
export const serverErrors = {
  OTS_ERR_HTTP_REJECTED: defineError(
    'OTS_ERR_HTTP_REJECTED',
    400,
    (why: string) => `request refused: ${why}`,
  ),
  OTS_ERR_HTTP_BODY_TOO_LARGE: defineError(
    'OTS_ERR_HTTP_BODY_TOO_LARGE',
    413,
    (maxBytes: number) => `request body is larger than ${maxBytes} bytes; a digest is at most 64 bytes`,
  ),
  OTS_ERR_HTTP_METHOD_NOT_ALLOWED: defineError(
    'OTS_ERR_HTTP_METHOD_NOT_ALLOWED',
    405,
    (method: string) => `method ${method} is not allowed; use GET, POST or OPTIONS`,
  ),
  OTS_ERR_HTTP_MALFORMED: defineError(
    'OTS_ERR_HTTP_MALFORMED',
    400,
    () => 'malformed HTTP request (bad request line, header or Content-Length)',
  ),
  OTS_ERR_HTTP_HEADERS_TOO_LARGE: defineError(
    'OTS_ERR_HTTP_HEADERS_TOO_LARGE',
    431,
    (maxBytes: number) => `request headers are larger than ${maxBytes} bytes`,
  ),
  OTS_ERR_HTTP_TIMEOUT: defineError(
    'OTS_ERR_HTTP_TIMEOUT',
    408,
    () => 'the request was not received in time; send headers and body promptly',
  ),
  OTS_ERR_HTTP_SHUTTING_DOWN: defineError(
    'OTS_ERR_HTTP_SHUTTING_DOWN',
    503,
    () => 'the calendar is shutting down; retry on another calendar or later',
  ),
  OTS_ERR_HTTP_INTERNAL: defineError(
    'OTS_ERR_HTTP_INTERNAL',
    500,
    () => 'internal error; see the server log',
  ),
} as const;
