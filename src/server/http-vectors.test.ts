// Every recorded reference answer in SPEC vectors/http.json, asked of our server over real HTTP.
// Date/Server are masked in the vectors; we may add headers (Content-Length, CORS, no-store) and we
// extend `public, max-age=31536000` with `, immutable` for stored proofs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { fromHex, Timestamp, toHex } from '../core/index.js';
import { openTestCalendar, startTestServer, suiteScope } from '../../test/support/calendar-server.js';
import { loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { rawRequest, type RawResponse } from '../../test/support/raw-http.js';

interface HttpCase {
  name: string;
  request: string;
  status_line: string;
  headers: [string, string][];
  body_hex: string;
  digest?: string;
}
const vectors = loadVector<{ cases: HttpCase[] }>('http.json');

/** A stamped message of our own: the vectors' bodies do not depend on it, only on the ops below it. */
const STAMPED = fromHex('11'.repeat(44));
const FIXED_NONCE = new Uint8Array(16).fill(0x5a);

describe('reference HTTP vectors (vectors/http.json)', { skip: SHARED_SKIP }, () => {
  let port = 0;
  let pendingCommitment: Uint8Array = new Uint8Array();
  const tip = fromHex(vectors?.cases.find((c) => c.name === 'get-tip')?.body_hex ?? '');
  const withTip = { statusSource: { lookup: () => undefined }, health: () => ({ ok: true, components: {} }), stats: () => ({}), tip: () => tip };
  let portWithTip = 0;

  const scope = suiteScope(after);
  before(async () => {
    const calendar = await openTestCalendar(scope, { randomNonce: () => FIXED_NONCE.slice() });
    port = (await startTestServer(scope, calendar)).port;
    portWithTip = (await startTestServer(scope, calendar, { bitcoin: withTip })).port;
    // A stored, complete proof shaped like the recorded one.
    const found = vectors.cases.find((c) => c.name === 'get-timestamp-found')!;
    await calendar.saveTimestamps([Timestamp.fromBytes(fromHex(found.body_hex), STAMPED)]);
    // A pending commitment: submit one digest and read the commitment off its proof.
    const proof = await calendar.submit(new Uint8Array(32).fill(7));
    const attested = [...Timestamp.fromBytes(proof, new Uint8Array(32).fill(7)).allAttestations()];
    pendingCommitment = attested[0]!.msg;
  });

  /** The request each recorded case describes. */
  function requestFor(c: HttpCase): (string | Uint8Array)[] {
    const get = (path: string) => [`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`];
    const post = (path: string, body: Uint8Array) => [
      `POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    ];
    switch (c.name) {
      case 'post-digest-32': return post('/digest', fromHex(c.digest!));
      case 'post-digest-empty': return post('/digest', new Uint8Array());
      case 'post-digest-65': return post('/digest', new Uint8Array(65));
      case 'post-digest-no-length': return ['POST /digest HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'];
      case 'post-other-path': return post('/digest/', new Uint8Array(32));
      case 'get-timestamp-found': return get(`/timestamp/${toHex(STAMPED)}`);
      case 'get-timestamp-found-uppercase-hex': return get(`/timestamp/${toHex(STAMPED).toUpperCase()}`);
      case 'get-timestamp-intermediate-node': return get(`/timestamp/${toHex(sha256(STAMPED))}`);
      case 'get-timestamp-pending': return get(`/timestamp/${toHex(pendingCommitment)}`);
      case 'get-timestamp-unknown': return get(`/timestamp/${'00'.repeat(32)}`);
      case 'get-timestamp-bad-hex': return get('/timestamp/xyz');
      case 'get-timestamp-odd-hex': return get('/timestamp/abc');
      case 'get-tip': case 'get-tip-none': return get('/tip');
      case 'get-root-no-node': return get('/');
      case 'get-unknown-path': return get('/foo');
      case 'get-backup-missing': return get('/experimental/backup/0');
      case 'get-backup-bad': return get('/experimental/backup/x');
      default: throw new Error(`no request mapped for vector ${c.name}`);
    }
  }

  for (const c of vectors?.cases ?? []) {
    it(`answers ${c.name} (${c.request}) like the reference`, async () => {
      const res = await rawRequest(c.name === 'get-tip' ? portWithTip : port, requestFor(c));
      assert.equal(res.status, Number(c.status_line.split(' ')[1]));
      checkHeaders(c, res);
      checkBody(c, res);
    });
  }
});

function checkHeaders(c: HttpCase, res: RawResponse): void {
  for (const [name, value] of c.headers) {
    const key = name.toLowerCase();
    if (key === 'server' || key === 'date') continue;
    const ours = res.headers[key];
    if (key === 'cache-control') assert.ok(ours?.startsWith(value), `cache-control ${ours} should start with ${value}`);
    else assert.equal(ours, value, `header ${name}`);
  }
}

function checkBody(c: HttpCase, res: RawResponse): void {
  if (c.name === 'get-root-no-node') {
    // The reference sends an empty page without a node; we always render the status page.
    assert.match(res.body.toString('utf8'), /<html/);
    return;
  }
  if (c.name.startsWith('post-digest-') && res.status === 200) {
    // idx (4 bytes) and MAC (8 bytes) depend on the clock and key; everything else must match.
    // f0 10 <nonce 16> 08 f1 04 <idx 4> f0 08 <mac 8> 00 <pending attestation>
    const mask = (hex: string) => hex.slice(0, 42) + 'x'.repeat(8) + hex.slice(50, 54) + 'x'.repeat(16) + hex.slice(70);
    assert.equal(mask(res.body.toString('hex')), mask(c.body_hex));
    return;
  }
  assert.equal(res.body.toString('hex'), c.body_hex);
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}
