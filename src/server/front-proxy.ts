// What an HTTP front does not answer itself (everything but the two hot routes) it forwards, streamed
// both ways, to the daemon's own handler on a Unix socket: a client sees one server whichever process
// accepted its connection. Hop-by-hop headers stay on their own hop.
import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { writeAnswer } from './answer.js';
import { serverErrors } from './errors.js';

/** Headers that describe one connection, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);

/** Forwards requests to the daemon listening on `socketPath`. */
export function createProxy(socketPath: string, onError: (err: Error, req: IncomingMessage) => void) {
  const agent = new Agent({ keepAlive: true });
  return (req: IncomingMessage, res: ServerResponse): void => {
    // No framing header means no body; such a request is forwarded without one too (Node would add
    // Content-Length: 0 or chunking, and POST /digest answers a request without Content-Length with
    // the reference's 400). Headers given as a list are written at once, so that case uses an object.
    const bodyless = req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
    const rawHeaders = withoutHopByHop(req.rawHeaders, false);
    const headers = bodyless ? Object.fromEntries(pairs(rawHeaders)) : rawHeaders;
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
    if (bodyless) {
      upstream.useChunkedEncodingByDefault = false;
      upstream.end();
      req.resume();
    } else {
      req.pipe(upstream);
    }
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
