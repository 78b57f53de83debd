// What an HTTP front does not answer itself (everything but the two hot routes) it forwards to the
// daemon's own handler on a Unix socket: a client sees one server whichever process accepted its
// connection. Hop-by-hop headers stay on their own hop; answers stream back.
//
// Request bodies are never streamed through. fastify refuses a body it will not read (past the limit,
// or unparsable) and closes the connection while the body may still be arriving; a streamed forward
// races that close and loses the answer. So a body is collected here first, up to the daemon's body
// limit, and sent whole with a Content-Length; a larger one is not sent at all: the daemon gets the
// headers with a Content-Length past its limit on a connection of its own, answers from them alone as
// it would have (413, or 404/405 on paths that take no body), and the client's connection is closed
// after that answer, as the daemon closes it.
import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { writeAnswer } from './answer.js';
import { codedAnswer } from './error-handler.js';
import { serverErrors } from './errors.js';

/** Headers that describe one connection, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);
/** Headers that frame a request body; a forwarded body gets its own Content-Length. */
const FRAMING = new Set(['content-length', 'transfer-encoding']);

/** Forwards requests to the daemon listening on `socketPath`. */
export function createProxy(socketPath: string, maxBodyBytes: number, onError: (err: Error, req: IncomingMessage) => void) {
  const agent = new Agent({ keepAlive: true });

  /** Sends `req` on with `headers` and `body` ('none': no body and no framing header at all). */
  const forward = (req: IncomingMessage, res: ServerResponse, headers: string[] | Record<string, string>, body: Buffer | 'none', oversized = false): void => {
    // An oversized request goes without its body, so its connection cannot carry another request.
    const upstream = request({ socketPath, agent: oversized ? false : agent, method: req.method, path: req.url, headers });
    upstream.on('response', (answer) => {
      // The client's unread body ends this connection too.
      if (oversized) res.shouldKeepAlive = false;
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
      writeAnswer(res, codedAnswer(serverErrors.OTS_ERR_HTTP_SHUTTING_DOWN()), false);
    });
    // A client that leaves (a log follower, say) ends the forwarded request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body === 'none') {
      // Node would add Content-Length: 0 or chunking to a POST without either.
      upstream.useChunkedEncodingByDefault = false;
      upstream.end();
    } else {
      upstream.end(body);
    }
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    const rawHeaders = withoutHopByHop(req.rawHeaders, false);
    // No framing header means no body; such a request is forwarded without one too (POST /digest
    // answers a request without Content-Length with the reference's 400). Headers given as a list
    // are written at once, so that case uses an object.
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      req.resume();
      return forward(req, res, Object.fromEntries(pairs(rawHeaders)), 'none');
    }
    const unframed = rawHeaders.filter((_, i, all) => !FRAMING.has(all[i - (i % 2)]!.toLowerCase()));
    const oversized = (length: number) => forward(req, res, [...unframed, 'Content-Length', String(length)], Buffer.alloc(0), true);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) return oversized(declared);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        done = true;
        oversized(size);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const body = Buffer.concat(chunks);
      forward(req, res, [...unframed, 'Content-Length', String(body.length)], body);
    });
  };
}

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
