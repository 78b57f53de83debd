// The bytes the raw lane (raw-lane.ts) writes for an Answer: what Node's writer sends for the same
// writeHead (answer.ts's headers in order, then Date, Connection and Keep-Alive), so a client cannot
// tell which way it was answered (fast-path.test.ts compares them). Built once per answer on a round's
// burst of thousands, so the fixed part of each kind of answer is kept.
import { STATUS_CODES } from 'node:http';
import { type Answer, answerHeaders } from './answer.js';

/** Formats answers for one server (its keep-alive timeout is in every header block). */
export class RawResponses {
  private readonly keepAliveTail: string;
  /** Status line and headers before Content-Length, by the answer's kind (status, route, type, cache). */
  private readonly heads = new Map<string, string>();
  private second = -1;
  private date = '';

  constructor(keepAliveMs: number) {
    this.keepAliveTail =
      keepAliveMs > 0 ? `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n\r\n` : 'Connection: keep-alive\r\n\r\n';
  }

  /** The whole response for `answer`; `close` announces that the connection ends after it. */
  format(answer: Answer, isPost: boolean, close: boolean): Buffer {
    const tail = `Date: ${this.now()}\r\n${close ? 'Connection: close\r\n\r\n' : this.keepAliveTail}`;
    const { body } = answer;
    // Proofs and lookups: the same few kinds over and over, differing only in their length.
    if (answer.etag === undefined && answer.retryAfter === undefined && answer.status !== 304 && body !== undefined) {
      const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      return join(`${this.fixedHead(answer, isPost)}content-length: ${length}\r\n${tail}`, body);
    }
    const { headers, body: sent } = answerHeaders(answer, isPost);
    return join(statusLine(answer.status) + headerLines(headers, headers.length) + tail, sent);
  }

  private fixedHead(answer: Answer, isPost: boolean): string {
    const key = `${answer.status} ${isPost} ${answer.type} ${answer.cacheControl}`;
    let head = this.heads.get(key);
    if (head === undefined) {
      const { headers } = answerHeaders(answer, isPost);
      // Everything but the trailing content-length pair.
      head = statusLine(answer.status) + headerLines(headers, headers.length - 2);
      this.heads.set(key, head);
    }
    return head;
  }

  /** The Date header's value, computed once a second as Node does. */
  private now(): string {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.date = new Date(second * 1000).toUTCString();
    }
    return this.date;
  }
}

function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
}

function headerLines(headers: string[], end: number): string {
  let lines = '';
  for (let i = 0; i < end; i += 2) lines += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return lines;
}

/** One buffer for one write: the ASCII head, then the body. */
function join(head: string, body: Buffer | string | undefined): Buffer {
  if (body === undefined) return Buffer.from(head, 'latin1');
  if (typeof body === 'string') return Buffer.from(head + body, 'utf8');
  const bytes = Buffer.allocUnsafe(head.length + body.length);
  bytes.write(head, 0, 'latin1');
  body.copy(bytes, head.length);
  return bytes;
}
