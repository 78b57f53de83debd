// What an HTTP front does not answer itself (everything but the two hot routes) it forwards, streamed
// both ways, to the daemon's own handler on a Unix socket: a client sees one server whichever process
// accepted its connection. Hop-by-hop headers stay on their own hop.
//
// One exception to streaming: a POST /digest body the fast path declined (chunked, or 65 bytes and
// more) is collected here first, up to the body limit. fastify refuses a body past its limit and closes
// the connection while the body may still be arriving; forwarded as a stream, that close would race
// the 413 and lose it. So the front refuses such a body itself, with the daemon's own 413 answer, and
// forwards smaller ones whole, with a Content-Length (the daemon answers them as it would have).
import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { writeAnswer } from './answer.js';
import { bodyTooLargeAnswer } from './error-handler.js';
import { serverErrors } from './errors.js';

/** Headers that describe one connection, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);

/** Forwards requests to the daemon listening on `socketPath`. */
export function createProxy(socketPath: string, maxBodyBytes: number, onError: (err: Error, req: IncomingMessage) => void) {
  const agent = new Agent({ keepAlive: true });

  /** Sends `req` on with `headers`, then its body: streamed, given whole, or none. */
  const forward = (req: IncomingMessage, res: ServerResponse, headers: string[] | Record<string, string>, body: Buffer | 'stream' | 'none'): void => {
    const upstream = request({ socketPath, agent, method: req.method, path: req.url, headers });
    upstream.on('response', (answer) => {
      // The front's own writer frames the body again (length or chunks), so the daemon's framing goes.
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.rawHeaders, true));
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      onError(err, req);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const busy = serverErrors.OTS_ERR_HTTP_SHUTTING_DOWN();
      writeAnswer(res, { status: busy.statusCode, type: 'application/json; charset=utf-8', body: JSON.stringify({ code: busy.code, message: busy.message }) }, false);
    });
    // A client that leaves (a log follower, say) ends the forwarded request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body === 'stream') {
      req.pipe(upstream);
      return;
    }
    if (body === 'none') {
      // Node would add Content-Length: 0 or chunking to a POST without either.
      upstream.useChunkedEncodingByDefault = false;
      req.resume();
    }
    upstream.end(body === 'none' ? undefined : body);
  };

  /** POST /digest with a body: refused here past the limit, else collected and forwarded whole. */
  const forwardDigest = (req: IncomingMessage, res: ServerResponse, rawHeaders: string[]): void => {
    const refuse = () => {
      // As fastify does: the rest of the body is not read, so the connection ends with this answer.
      res.shouldKeepAlive = false;
      writeAnswer(res, bodyTooLargeAnswer(), true);
    };
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) return refuse();
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        refuse();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const body = Buffer.concat(chunks);
      const framed = rawHeaders.filter((_, i, all) => !FRAMING.has(all[i - (i % 2)]!.toLowerCase()));
      forward(req, res, [...framed, 'Content-Length', String(body.length)], body);
    });
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    // No framing header means no body; such a request is forwarded without one too (POST /digest
    // answers a request without Content-Length with the reference's 400). Headers given as a list
    // are written at once, so that case uses an object.
    const bodyless = req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
    const rawHeaders = withoutHopByHop(req.rawHeaders, false);
    if (bodyless) return forward(req, res, Object.fromEntries(pairs(rawHeaders)), 'none');
    if (req.method === 'POST' && req.url === '/digest') return forwardDigest(req, res, rawHeaders);
    forward(req, res, rawHeaders, 'stream');
  };
}

/** Headers that frame a request body; a collected body is sent on with its own Content-Length. */
const FRAMING = new Set(['content-length', 'transfer-encoding']);

/** [name, value] pairs of a raw header list; a repeated name keeps its last value. */
function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  return out;
}

/** `raw` (name, value, name, value …) without hop-by-hop headers; responses also lose Transfer-Encoding. */
function withoutHopByHop(raw: string[], isResponse: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || (isResponse && name === 'transfer-encoding')) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}
