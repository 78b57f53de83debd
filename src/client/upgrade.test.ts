import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { makeWhitelist } from './calendars.js';
import { esploraHeaderSource } from './header-source.js';
import { sanitiseMessage } from './remote-calendar.js';
import { stampDigests } from './stamp.js';
import { type CalendarMode, startTestCalendar, startTestEsplora, testChain } from './testing-servers.js';
import { upgradeTimestamp } from './upgrade.js';
import { verifyProof } from './verify.js';

async function calendar(t: TestContext, mode: CalendarMode = 'ok') {
  const cal = await startTestCalendar(mode);
  t.after(() => cal.close());
  return cal;
}

const digest = sha256(Buffer.from('upgrade me'));

async function pendingProof(urls: string[]) {
  const { proofs } = await stampDigests([{ fileHashOp: 'sha256', digest }], { calendars: urls, minimum: 1 });
  return proofs[0]!;
}

describe('upgradeTimestamp', () => {
  it('reports the calendar\'s sanitised 404 text while pending', async (t) => {
    const cal = await calendar(t);
    cal.pendingText = 'Pending confirmation\nFAKE LINE <script>';
    const proof = await pendingProof([cal.url]);
    const report = await upgradeTimestamp(proof.timestamp, { whitelist: makeWhitelist([cal.url], false) });
    assert.equal(report.changed, false);
    assert.equal(report.complete, false);
    assert.equal(report.outcomes[0]?.status, 'pending');
    assert.equal(report.outcomes[0]?.message, 'Pending confirmation_FAKE LINE _script_');
  });

  it('merges the Bitcoin path once the calendar has it, and verify then finds the block', async (t) => {
    const cal = await calendar(t);
    const chain = testChain();
    const esplora = await startTestEsplora(chain);
    t.after(() => esplora.close());
    const proof = await pendingProof([cal.url]);
    cal.complete(chain, 120);
    const report = await upgradeTimestamp(proof.timestamp, { whitelist: makeWhitelist([cal.url], false) });
    assert.equal(report.changed, true);
    assert.equal(report.complete, true);
    const result = await verifyProof(proof, digest, esploraHeaderSource(esplora.url));
    assert.equal(result.status, 'verified');
    assert.equal(result.height, 120);
    assert.equal(result.time, 1_700_000_000 + 120 * 600);
  });

  it('does not contact a calendar outside the whitelist', async (t) => {
    const cal = await calendar(t);
    const proof = await pendingProof([cal.url]);
    const report = await upgradeTimestamp(proof.timestamp, { whitelist: makeWhitelist() });
    assert.equal(report.outcomes[0]?.status, 'not-whitelisted');
  });

  it('refuses an answer that does not parse (garbage) as a lying calendar', async (t) => {
    const cal = await calendar(t);
    const proof = await pendingProof([cal.url]);
    cal.mode = 'garbage';
    const report = await upgradeTimestamp(proof.timestamp, { whitelist: makeWhitelist([cal.url], false) });
    assert.equal(report.outcomes[0]?.status, 'failed');
    assert.equal(report.outcomes[0]?.code, 'OTS_ERR_CLIENT_CALENDAR_LYING');
    assert.equal(report.changed, false);
  });

  it('refuses a proof for another digest when a header source can check it', async (t) => {
    const cal = await calendar(t);
    const chain = testChain();
    chain.addBlock(7, new Uint8Array(32));
    const esplora = await startTestEsplora(chain);
    t.after(() => esplora.close());
    const proof = await pendingProof([cal.url]);
    cal.mode = 'lying';
    cal.lieChain = chain;
    const report = await upgradeTimestamp(proof.timestamp, {
      whitelist: makeWhitelist([cal.url], false),
      checkWith: esploraHeaderSource(esplora.url),
    });
    assert.equal(report.outcomes[0]?.code, 'OTS_ERR_CLIENT_CALENDAR_LYING');
    assert.equal(report.changed, false);
  });

  it('without a header source a lying proof merges, but verify finds no matching block', async (t) => {
    const cal = await calendar(t);
    const chain = testChain();
    const esplora = await startTestEsplora(chain);
    t.after(() => esplora.close());
    const proof = await pendingProof([cal.url]);
    cal.mode = 'lying';
    cal.lieChain = chain;
    const report = await upgradeTimestamp(proof.timestamp, { whitelist: makeWhitelist([cal.url], false) });
    assert.equal(report.complete, true);
    const result = await verifyProof(proof, digest, esploraHeaderSource(esplora.url));
    assert.equal(result.status, 'failed');
  });
});

describe('sanitiseMessage', () => {
  it('keeps at most 160 bytes', () => assert.equal(sanitiseMessage(new Uint8Array(500).fill(0x41)).length, 160));
});
