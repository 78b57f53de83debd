// Recognises, in the bytes a connection has sent, the one request shape the raw lane (raw-lane.ts)
// answers itself: a complete, plain HTTP/1.1 `POST /digest` with a Content-Length of at most 64 bytes,
// or `GET /timestamp/<hex>`, with headers that are unambiguous. Anything else is declined and Node's HTTP
// parser takes the connection, so every refusal, limit and timeout stays Node's and fastify's
// (bad-input.test.ts). Declining is always safe; accepting must only happen where Node would have
// parsed the same request the same way. A request that starts like a hot one but has not all arrived
// is INCOMPLETE: the lane waits for one more read before it declines (raw-lane.ts).
import { MAX_DIGEST_BYTES } from './routes/digest.js';

/** A request the raw lane answers; `end` is the offset of the byte after it in the buffer. */
export type HotRequest =
  | { kind: 'digest'; body: Buffer; close: boolean; end: number }
  | { kind: 'timestamp'; url: string; hex: string; ifNoneMatch: string | undefined; close: boolean; end: number };

/** Not a hot request: the connection goes to Node's HTTP server with these bytes. */
export const DECLINED = Symbol('declined');
/** The start of what may be a hot request, cut short (a pipeline split across reads, say). */
export const INCOMPLETE = Symbol('incomplete');

const HEAD_END = Buffer.from('\r\n\r\n');
const DIGEST_LINE = 'POST /digest HTTP/1.1';
const TIMESTAMP_PATH = '/timestamp/';
const TIMESTAMP_START = `GET ${TIMESTAMP_PATH}`;
const VERSION_END = ' HTTP/1.1';
/** The target characters a commitment lookup can carry (hex, percent-escapes, a query); others decline. */
const TIMESTAMP_TARGET = /^\/timestamp\/[0-9A-Za-z%?&=._~-]*$/;
/** A header line Node's strict parser accepts the same way: token name, visible ASCII value. */
const HEADER_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e]*$/;
const DIGITS = /^[0-9]{1,5}$/;

/**
 * The first request in `data` if it is a complete hot request, INCOMPLETE if it may become one, else
 * DECLINED. `maxHeadBytes` is the server's header limit: a longer head is Node's to refuse with 431.
 */
export function parseHotRequest(data: Buffer, maxHeadBytes: number): HotRequest | typeof DECLINED | typeof INCOMPLETE {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd < 0) return data.length < maxHeadBytes && startsLikeHot(data) ? INCOMPLETE : DECLINED;
  if (headEnd + 4 > maxHeadBytes) return DECLINED;
  const head = data.toString('latin1', 0, headEnd);
  let lineEnd = head.indexOf('\r\n');
  if (lineEnd < 0) lineEnd = head.length;
  const requestLine = head.slice(0, lineEnd);
  let url: string | undefined;
  if (requestLine !== DIGEST_LINE) {
    if (!requestLine.startsWith(TIMESTAMP_START) || !requestLine.endsWith(VERSION_END)) return DECLINED;
    url = requestLine.slice(4, -VERSION_END.length);
    if (!TIMESTAMP_TARGET.test(url)) return DECLINED;
  }

  let host = false;
  let close = false;
  let contentLength: number | undefined;
  let ifNoneMatch: string | undefined;
  for (let at = lineEnd + 2; at < head.length; ) {
    let next = head.indexOf('\r\n', at);
    if (next < 0) next = head.length;
    const line = head.slice(at, next);
    at = next + 2;
    // Also refuses obs-fold continuations and bare LF line ends, which Node treats its own way.
    if (!HEADER_LINE.test(line)) return DECLINED;
    const colon = line.indexOf(':');
    const value = line.slice(colon + 1).trim();
    switch (line.slice(0, colon).toLowerCase()) {
      case 'host':
        if (host) return DECLINED;
        host = true;
        break;
      case 'content-length':
        if (contentLength !== undefined || !DIGITS.test(value)) return DECLINED;
        contentLength = Number(value);
        break;
      case 'connection': {
        const option = value.toLowerCase();
        if (option === 'close') close = true;
        else if (option !== 'keep-alive') return DECLINED;
        break;
      }
      case 'if-none-match':
        // Node would join repeated values; one is all a client sends.
        if (ifNoneMatch !== undefined) return DECLINED;
        ifNoneMatch = value;
        break;
      // Bodies and protocol switches that are not a plain Content-Length are Node's to handle.
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return DECLINED;
    }
  }
  // HTTP/1.1 requires Host; Node answers its absence with 400.
  if (!host) return DECLINED;

  const bodyStart = headEnd + 4;
  if (url !== undefined) {
    if (contentLength !== undefined && contentLength !== 0) return DECLINED;
    // `hex` is the raw rest of the path, as the fast path passes it.
    return { kind: 'timestamp', url, hex: url.slice(TIMESTAMP_PATH.length), ifNoneMatch, close, end: bodyStart };
  }
  if (contentLength === undefined || contentLength > MAX_DIGEST_BYTES) return DECLINED;
  const end = bodyStart + contentLength;
  if (data.length < end) return INCOMPLETE;
  // A copy: the digest must not keep the whole read buffer alive while its round is open.
  return { kind: 'digest', body: Buffer.from(data.subarray(bodyStart, end)), close, end };
}

/** Whether `data` (no complete head yet) begins as a hot request line does, or is a prefix of one. */
function startsLikeHot(data: Buffer): boolean {
  const start = data.toString('latin1', 0, Math.min(data.length, DIGEST_LINE.length + 2));
  return startsOrPrefixes(start, `${DIGEST_LINE}\r\n`) || startsOrPrefixes(start, TIMESTAMP_START);
}

function startsOrPrefixes(start: string, prefix: string): boolean {
  return start.length >= prefix.length ? start.startsWith(prefix) : prefix.startsWith(start);
}
