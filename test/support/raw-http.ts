// Raw HTTP/1.1 over a socket, for requests fetch cannot send (no Content-Length, bad headers, slow
// clients). Resolves with what the server wrote before it closed the connection or the deadline passed.
import { connect } from 'node:net';

/** Status, lower-cased headers and body bytes of the first response on the connection. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** True when the server closed the connection (rather than the deadline ending the wait). */
  closedByServer: boolean;
}

/** Sends `chunks` (strings or bytes) to 127.0.0.1:`port` and reads until close or `waitMs`. */
export function rawRequest(port: number, chunks: (string | Uint8Array)[], waitMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    socket.on('data', (d) => {
      received.push(d);
      const parsed = parseResponse(Buffer.concat(received));
      // A complete response with a Content-Length ends the wait without relying on close.
      if (parsed && parsed.complete) socket.destroy();
    });
    socket.on('end', () => {
      closedByServer = true;
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
      closedByServer = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const parsed = parseResponse(Buffer.concat(received));
      if (!parsed) return reject(new Error(`no HTTP response (got ${received.length} chunks)`));
      resolve({ status: parsed.status, headers: parsed.headers, body: parsed.body, closedByServer });
    });
  });
}

/**
 * The first response in `data` once its head is in; `complete` when its Content-Length body is too, and
 * then `end` is the offset of the byte after it (where a pipelined next response starts).
 */
export function parseResponse(data: Buffer): { status: number; headers: Record<string, string>; body: Buffer; complete: boolean; end: number } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(lines[0]?.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  const body = data.subarray(end + 4);
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  return {
    status,
    headers,
    body: length === undefined ? body : body.subarray(0, length),
    complete: length !== undefined && body.length >= length,
    end: end + 4 + (length ?? body.length),
  };
}
