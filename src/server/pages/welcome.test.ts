import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CalendarStats } from '../stats.js';
import { escapeHtml, formatBtc, formatDuration } from './format.js';
import { renderWelcome } from './welcome.js';

/** Figures as collectStats returns them for a calendar with a transaction waiting for confirmations. */
function sampleStats(over: Partial<CalendarStats> = {}): CalendarStats {
  return {
    schema: 1,
    version: '9.8.7',
    uri: 'https://alice.btc.calendar.example.org',
    network: 'mainnet',
    donationAddress: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    startedAt: '2026-01-01T00:00:00.000Z',
    generatedAt: '2026-01-02T02:03:04.000Z',
    uptimeSeconds: 93784,
    calendar: {
      pendingCommitments: 1234567,
      journalLength: 2000000,
      digests: 5,
      rounds: 2,
      queuedDigests: 0,
      lastRoundSize: 3,
      lastRoundMs: 1,
      lastFsyncMs: 2,
    },
    stamper: {
      ok: true,
      state: 'waiting for confirmations',
      tip: '07'.repeat(32),
      currentTx: { txid: 'ab'.repeat(32), confirmations: 2, priorVersions: 3, feeSat: 1410, feeRateSatVb: 10, commitments: 9 },
      txsWaitingForConfirmation: 1,
      minedTx: { txid: '9a'.repeat(32), height: 842113, confirmations: 3 },
      lastAnchoredBlock: { height: 842113, hash: 'cd'.repeat(32) },
      bestBlock: { height: 842115, hash: 'ef'.repeat(32) },
      balanceSat: 123456789,
      walletAddress: null,
    },
    health: { ok: true, components: { stamper: { ok: true, detail: 'ok' } } },
    ...over,
  };
}

describe('renderWelcome', () => {
  it('shows the live figures and this calendar\'s own URI in the client commands', () => {
    const html = renderWelcome(sampleStats());
    for (const text of [
      'ots stamp -c https://alice.btc.calendar.example.org file.txt',
      'https://alice.btc.calendar.example.org/digest',
      '1,234,567', // pending commitments
      'ab'.repeat(32), // current transaction
      '2 confirmations',
      'fee bumped 3×',
      '9a'.repeat(32), // mined, waiting for confirmations
      'in block 842,113, 3 confirmations',
      '842,113', // last anchored block
      'cd'.repeat(32),
      '842,115',
      '1.23456789 BTC',
      '1 d 2 h', // uptime
      '9.8.7',
      'mainnet',
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    ]) {
      assert.ok(html.includes(text), `page lacks ${text}`);
    }
  });

  it('is one self-contained, accessible document: lang, viewport, landmarks, headings, labelled QR', () => {
    const html = renderWelcome(sampleStats());
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    for (const tag of ['<header>', '<main id="main">', '<footer>', '<h1>', '<h2 id="status">']) assert.ok(html.includes(tag), tag);
    assert.match(html, /<svg [^>]*role="img" aria-label="QR code of the donation address bc1q[^"]*"/);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|\ssrc=|@import|url\(/i, 'no script and nothing fetched');
  });

  it('escapes every value taken from the stats', () => {
    const evil = '"><script>alert(1)</script>';
    const html = renderWelcome(
      sampleStats({
        uri: `https://x.example/${evil}`,
        version: evil,
        network: evil,
        donationAddress: evil,
        health: { ok: false, components: { stamper: { ok: false, detail: evil } } },
      }),
    );
    assert.doesNotMatch(html, /<script/);
    assert.ok(html.includes('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('says when the stamper needs attention and names the failing part', () => {
    const html = renderWelcome(
      sampleStats({ health: { ok: false, components: { stamper: { ok: false, detail: 'node unreachable' } } } }),
    );
    assert.match(html, /class="badge bad" role="status"/);
    assert.ok(html.includes('stamper: node unreachable'));
  });

  it('renders a calendar without Bitcoin and without a donation address', () => {
    const html = renderWelcome(sampleStats({ stamper: null, donationAddress: null, network: null }));
    assert.ok(html.includes('none (calendar only)'));
    assert.ok(!html.includes('Support this calendar'));
    assert.ok(!html.includes('<svg'));
  });
});

describe('page text helpers', () => {
  it('escapes the five HTML specials', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('rounds durations to their two largest units', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(59), '59 s');
    assert.equal(formatDuration(3600), '1 h');
    assert.equal(formatDuration(93784), '1 d 2 h');
  });
  it('prints satoshis as exact BTC', () => {
    assert.equal(formatBtc(100000), '0.00100000 BTC');
    assert.equal(formatBtc(2100000000000000), '21000000.00000000 BTC');
  });
});
