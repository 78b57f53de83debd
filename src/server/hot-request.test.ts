// parseHotRequest accepts only what Node would parse the same way; everything else is declined, which
// is always safe (Node's parser takes the connection). One table: request bytes and the expected result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DECLINED, INCOMPLETE, parseHotRequest } from './hot-request.js';

const MAX_HEAD = 16 * 1024;
const digest = (headers: string, body = 'a'.repeat(32)) => `POST /digest HTTP/1.1\r\nHost: x\r\n${headers}\r\n${body}`;
const lookup = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`;

type Expected = typeof DECLINED | typeof INCOMPLETE | { kind: 'digest'; body: string; close?: boolean } | { kind: 'timestamp'; url: string; ifNoneMatch?: string; close?: boolean };

const cases: [string, string, Expected][] = [
  ['a 32-byte digest', digest('Content-Length: 32\r\n'), { kind: 'digest', body: 'a'.repeat(32) }],
  ['an empty digest', digest('Content-Length: 0\r\n', ''), { kind: 'digest', body: '' }],
  ['a 64-byte digest', digest('Content-Length: 64\r\n', 'b'.repeat(64)), { kind: 'digest', body: 'b'.repeat(64) }],
  ['header names in any case, values with spaces around', digest('content-LENGTH:   32  \r\nUser-Agent: ots/0.1 (x)\r\n'), { kind: 'digest', body: 'a'.repeat(32) }],
  ['Connection: close', digest('Content-Length: 32\r\nConnection: Close\r\n'), { kind: 'digest', body: 'a'.repeat(32), close: true }],
  ['Connection: keep-alive', digest('Content-Length: 32\r\nConnection: keep-alive\r\n'), { kind: 'digest', body: 'a'.repeat(32) }],
  ['a lookup', lookup('/timestamp/00ff'), { kind: 'timestamp', url: '/timestamp/00ff' }],
  ['a lookup with If-None-Match', lookup('/timestamp/00', 'If-None-Match: "abc"\r\n'), { kind: 'timestamp', url: '/timestamp/00', ifNoneMatch: '"abc"' }],
  ['a lookup with a query and escapes', lookup('/timestamp/%30%30?x=1'), { kind: 'timestamp', url: '/timestamp/%30%30?x=1' }],
  ['a lookup with Content-Length: 0', lookup('/timestamp/00', 'Content-Length: 0\r\n'), { kind: 'timestamp', url: '/timestamp/00' }],
  // Cut short: the lane waits for one more read.
  ['headers cut short', 'POST /digest HTTP/1.1\r\nHost: x\r\nContent-Len', INCOMPLETE],
  ['a body cut short', digest('Content-Length: 32\r\n', 'a'.repeat(10)), INCOMPLETE],
  ['a request line cut short', 'PO', INCOMPLETE],
  ['a lookup cut short', 'GET /timesta', INCOMPLETE],
  ['a lookup cut in its headers', 'GET /timestamp/00 HTTP/1.1\r\nHo', INCOMPLETE],
  ['another request cut short', 'GET /tip HTTP/1.1\r\nHo', DECLINED],
  ['a POST elsewhere cut short', 'POST /digests HTTP/1.1\r\n', DECLINED],
  ['a cut-short head already past the header limit', `GET /timestamp/00 HTTP/1.1\r\nX-Pad: ${'p'.repeat(MAX_HEAD)}`, DECLINED],
  // Anything Node treats its own way.
  ['a 65-byte digest', digest('Content-Length: 65\r\n', 'c'.repeat(65)), DECLINED],
  ['no Content-Length', digest('', ''), DECLINED],
  ['two Content-Lengths', digest('Content-Length: 32\r\nContent-Length: 32\r\n'), DECLINED],
  ['a signed Content-Length', digest('Content-Length: +32\r\n'), DECLINED],
  ['chunked', digest('Transfer-Encoding: chunked\r\n', '20\r\n' + 'a'.repeat(32) + '\r\n0\r\n\r\n'), DECLINED],
  ['Expect: 100-continue', digest('Content-Length: 32\r\nExpect: 100-continue\r\n'), DECLINED],
  ['an upgrade', lookup('/timestamp/00', 'Connection: Upgrade\r\nUpgrade: websocket\r\n'), DECLINED],
  ['no Host', 'GET /timestamp/00 HTTP/1.1\r\n\r\n', DECLINED],
  ['two Hosts', lookup('/timestamp/00', 'Host: y\r\n'), DECLINED],
  ['two If-None-Match', lookup('/timestamp/00', 'If-None-Match: "a"\r\nIf-None-Match: "b"\r\n'), DECLINED],
  ['HTTP/1.0', 'GET /timestamp/00 HTTP/1.0\r\nHost: x\r\n\r\n', DECLINED],
  ['HEAD', 'HEAD /timestamp/00 HTTP/1.1\r\nHost: x\r\n\r\n', DECLINED],
  ['OPTIONS', 'OPTIONS /digest HTTP/1.1\r\nHost: x\r\n\r\n', DECLINED],
  ['another path', lookup('/tip'), DECLINED],
  ['POST /digest?x', 'POST /digest?x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n', DECLINED],
  ['a target with a quote', lookup('/timestamp/"00'), DECLINED],
  ['a lookup with a body', lookup('/timestamp/00', 'Content-Length: 2\r\n') + 'ab', DECLINED],
  ['a folded header line', digest('Content-Length: 32\r\nX-A: 1\r\n  continued\r\n'), DECLINED],
  ['a space before the colon', digest('Content-Length : 32\r\n'), DECLINED],
  ['a control byte in a value', digest('Content-Length: 32\r\nX-A: \x01\r\n'), DECLINED],
  ['a bare LF line end', 'GET /timestamp/00 HTTP/1.1\nHost: x\r\n\r\n', DECLINED],
  ['a head past the header limit', lookup('/timestamp/00', `X-Pad: ${'p'.repeat(MAX_HEAD)}\r\n`), DECLINED],
];

describe('parseHotRequest', () => {
  for (const [name, bytes, expected] of cases) {
    it(`${expected === DECLINED ? 'declines' : expected === INCOMPLETE ? 'waits for the rest of' : 'takes'} ${name}`, () => {
      const got = parseHotRequest(Buffer.from(bytes, 'latin1'), MAX_HEAD);
      if (typeof expected === 'symbol') return assert.equal(got, expected);
      assert.equal(typeof got, 'object');
      if (typeof got === 'symbol') return;
      assert.equal(got.end, bytes.length, 'ends after the request');
      assert.equal(got.close, expected.close ?? false);
      if (expected.kind === 'digest') assert.deepEqual(got, { kind: 'digest', body: Buffer.from(expected.body, 'latin1'), close: got.close, end: got.end });
      else assert.deepEqual(got, { kind: 'timestamp', url: expected.url, hex: expected.url.slice('/timestamp/'.length), ifNoneMatch: expected.ifNoneMatch, close: got.close, end: got.end });
    });
  }

  it('takes the first of pipelined requests and says where the next begins', () => {
    const first = digest('Content-Length: 32\r\n');
    const got = parseHotRequest(Buffer.from(first + lookup('/timestamp/00'), 'latin1'), MAX_HEAD);
    assert.equal(typeof got === 'object' && got.end, first.length);
  });

  it('copies the digest out of the read buffer', () => {
    const bytes = Buffer.from(digest('Content-Length: 32\r\n'), 'latin1');
    const got = parseHotRequest(bytes, MAX_HEAD);
    assert.ok(typeof got === 'object' && got.kind === 'digest');
    bytes.fill(0);
    assert.equal(got.body.toString('latin1'), 'a'.repeat(32));
  });
});
