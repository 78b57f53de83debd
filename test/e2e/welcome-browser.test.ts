// The welcome page in a real headless browser (Debian's chromium): a real calendar, a stamper on the
// embedded regtest node and the HTTP server on 127.0.0.1:0; desktop and phone screenshots must be real
// images. OTS_UPDATE_SCREENSHOT=1 also stores the desktop one as docs/welcome.png (the README shows it).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import pino from 'pino';
import { EmbeddedNode } from '../../src/bitcoin/index.js';
import { startBitcoin } from '../../src/cli/bitcoin-wiring.js';
import { buildServer } from '../../src/server/index.js';
import { openTestCalendar, suiteScope } from '../support/calendar-server.js';
import { PROJECT_ROOT } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const PNG_MAGIC = '89504e470d0a1a0a';
const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('welcome page in headless chromium', { skip: CHROMIUM ? false : 'chromium not installed (.ci/run installs it); skipped' }, () => {
  let node: EmbeddedNode;
  const scope = suiteScope(after);
  before(async () => {
    node = await EmbeddedNode.start();
    scope.after(() => node.close());
  });

  it('renders the live figures, and chromium draws it on a desktop and a phone screen', async (t) => {
    const base = await startCalendarWithStamper(t, node);
    const html = await (await fetch(`${base}/`)).text();
    assert.match(html, /role="img" aria-label="QR code of the donation address/);
    assert.match(html, /<dt>Current transaction<\/dt><dd><code class="hash">[0-9a-f]{64}<\/code><br>unconfirmed/);
    assert.match(html, /<dt>Waiting for confirmations<\/dt><dd><code class="hash">[0-9a-f]{64}<\/code><br>in block [0-9,]+, 2 confirmations/);
    assert.match(html, /<dt>Last anchored block<\/dt><dd>[0-9,]+<br><code class="hash">[0-9a-f]{64}/);
    // Digests sent together may still land in two rounds: at least one commitment per transaction.
    assert.match(html, /<dt>Pending commitments<\/dt><dd>[2-5]<\/dd>/, 'both transactions\' commitments wait for their proofs');

    const dir = tempDir(t, 'ots-shot-');
    const desktop = await screenshot(t, `${base}/`, join(dir, 'desktop.png'), 1000, 1900);
    const phone = await screenshot(t, `${base}/`, join(dir, 'phone.png'), 390, 844);
    for (const file of [desktop, phone]) {
      const png = readFileSync(file);
      assert.equal(png.subarray(0, 8).toString('hex'), PNG_MAGIC, 'a PNG file');
      // A blank page compresses to a few KB; text, code blocks and the QR code make it much larger.
      assert.ok(statSync(file).size > 20_000, `non-trivial screenshot (${statSync(file).size} bytes)`);
      assert.equal(png.readUInt32BE(16) > 0 && png.readUInt32BE(20) > 0, true, 'has a size');
    }
    assert.equal(readFileSync(phone).readUInt32BE(16), 390, 'phone width');
    if (process.env.OTS_UPDATE_SCREENSHOT === '1') copyFileSync(desktop, join(PROJECT_ROOT, 'docs', 'welcome.png'));
  });
});

/** Calendar + stamper + server with one timestamp transaction in the mempool and one anchored earlier. */
async function startCalendarWithStamper(t: TestContext, node: EmbeddedNode): Promise<string> {
  const calendar = await openTestCalendar(t, { uri: 'https://alice.btc.calendar.example.org' });
  const log = pino({ level: 'silent' });
  const bitcoin = await startBitcoin({ btcMinConfirmations: 6, btcMinTxInterval: 0, btcPollMs: 50 }, calendar, log, node);
  assert.ok(bitcoin);
  t.after(() => bitcoin.stop());
  const app = buildServer({ calendar, bitcoin, version: VERSION, donationAddress: node.address, network: 'regtest' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const submit = (n: number) =>
    Promise.all(Array.from({ length: n }, () => fetch(`${base}/digest`, { method: 'POST', body: randomBytes(32) }).then((r) => r.arrayBuffer())));
  // First transaction: broadcast, then mined and 2 blocks deep (of 6); then a second one in the mempool.
  const first = new Promise((resolve) => bitcoin.stamper.once('broadcast', resolve));
  await submit(3);
  await first;
  const mined = new Promise((resolve) => bitcoin.stamper.once('mined', resolve));
  await node.mine(2);
  await mined;
  const second = new Promise((resolve) => bitcoin.stamper.once('broadcast', resolve));
  await submit(2);
  await second;
  return base;
}

/** Runs chromium headless once; resolves with the PNG path when it exits. */
async function screenshot(t: TestContext, url: string, file: string, width: number, height: number): Promise<string> {
  const profile = tempDir(t, 'ots-chromium-');
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    `--screenshot=${file}`,
    `--window-size=${width},${height}`,
    url,
  ];
  const child = spawn(CHROMIUM!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  // Bounded: chromium normally needs 1-3 s; kill it rather than hang the suite.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, `chromium failed: ${stderr.slice(-2000)}`);
  assert.ok(existsSync(file), 'screenshot written');
  return file;
}
