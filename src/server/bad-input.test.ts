// The bad-input table (issue #4 tests): each hostile or broken request gets its documented status,
// over a real socket to a real server whose timeouts are shortened so slow clients end quickly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestCalendar, startTestServer, suiteScope } from '../../test/support/calendar-server.js';
import { loadFixture } from '../../test/support/fixtures.js';
import { rawRequest } from '../../test/support/raw-http.js';
import { startHttpFronts } from './http-fronts.js';

interface Case {
  description: string;
  request: string;
  status: number;
  code?: string;
  text?: string;
  bodyBytes?: number;
  tail?: string;
  padHeaderBytes?: number;
  hang?: boolean;
}
const { valid, invalid } = loadFixture<{ valid: Case[]; invalid: Case[] }>('server-bad-input.json');

for (const fronted of [false, true]) describeBadInput(fronted);

/** The table against the daemon, or (fronted) against an HTTP front alone, whose own server and proxy must refuse the same way. */
function describeBadInput(fronted: boolean): void {
  describe(fronted ? 'bad input to the HTTP API through an HTTP front' : 'bad input to the HTTP API', () => {
    let port = 0;
    const scope = suiteScope(after);
    before(async () => {
      const calendar = await openTestCalendar(scope);
      const server = await startTestServer(scope, calendar, {
        timeouts: { headersMs: 300, requestMs: 600, checkIntervalMs: 100 },
      });
      port = server.port;
      if (fronted) await startHttpFronts(server.app, { count: 1, daemonServes: false });
    });

    const send = (c: Case) => {
      const chunks: (string | Uint8Array)[] = [];
      let head = c.request.replace('LONGHEX', '00'.repeat(4097));
      if (c.padHeaderBytes) head += `X-Pad: ${'a'.repeat(c.padHeaderBytes)}\r\n\r\n`;
      // Without `hang`, close after the answer so the read ends on the server's reply.
      if (!c.hang && !c.padHeaderBytes && head.endsWith('\r\n\r\n') && !/^HELLO/.test(head)) {
        head = head.replace('\r\n', '\r\nConnection: close\r\n');
      }
      chunks.push(head);
      if (c.bodyBytes) chunks.push(new Uint8Array(c.bodyBytes));
      if (c.tail) chunks.push(c.tail);
      return rawRequest(port, chunks, 5000);
    };

    for (const c of invalid) {
      it(`refuses ${c.description} with ${c.status} ${c.code ?? JSON.stringify(c.text)}`, async () => {
        const res = await send(c);
        assert.equal(res.status, c.status);
        if (c.code) {
          assert.equal(res.headers['content-type']?.split(';')[0], 'application/json');
          assert.equal((JSON.parse(res.body.toString('utf8')) as { code: string }).code, c.code);
          assert.equal(res.headers['cache-control'], 'no-store');
        }
        if (c.text !== undefined) assert.equal(res.body.toString('utf8'), c.text);
        assert.doesNotMatch(res.body.toString('utf8'), /\bat \w+ \(|node_modules|\.ts:\d+/, 'no stack trace');
      });
    }
    for (const c of valid) {
      it(`accepts ${c.description} with ${c.status}`, async () => {
        const res = await send(c);
        assert.equal(res.status, c.status);
      });
    }
  });
}
