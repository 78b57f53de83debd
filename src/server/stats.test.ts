import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BitcoinApi, CalendarApi } from './calendar-api.js';
import { collectStats, referenceStats, withSeparators } from './stats.js';

// Plain sources with the shapes the calendar facade and the stamper report (src/bitcoin/stamper.ts stats()).
const calendar: CalendarApi = {
  uri: 'https://cal.example.org',
  submit: async () => new Uint8Array(),
  submitWith: (_digest, done) => done(undefined, new Uint8Array()),
  getTimestamp: async () => undefined,
  isPending: () => false,
  pendingCount: () => 1234,
  stats: () => ({ pendingCommitments: 1234, journalLength: 2000, digests: 10, rounds: 3, queuedDigests: 0, lastRoundSize: 4, lastRoundMs: 1.5, lastFsyncMs: 0.8, startedAt: 0 }),
};

function bitcoin(stats: Record<string, unknown>, ok = true): BitcoinApi {
  return {
    statusSource: { lookup: () => undefined },
    health: () => ({ ok, components: { stamper: { ok, detail: ok ? 'ok' : 'node unreachable' } } }),
    stats: () => stats,
    tip: () => new Uint8Array(32).fill(0xaa),
  };
}

describe('collectStats', () => {
  it('reads the calendar figures and the stamper\'s unconfirmed transaction', () => {
    const s = collectStats({
      calendar,
      bitcoin: bitcoin({ state: 'ok', network: 'main', height: 840000, unconfirmedTxid: 'cd'.repeat(32), unconfirmedVersions: 3, unconfirmedFeeSat: 500, unconfirmedCommitments: 7, txsWaitingForConfirmation: 1 }),
      version: '1.0.0',
      startedAtMs: 1_000_000,
      nowMs: () => 1_061_500,
      donationAddress: 'bc1qexample',
    });
    assert.equal(s.uptimeSeconds, 61);
    assert.equal(s.network, 'mainnet');
    assert.equal(s.calendar.pendingCommitments, 1234);
    assert.equal(s.calendar.lastFsyncMs, 0.8);
    assert.deepEqual(s.stamper?.currentTx, { txid: 'cd'.repeat(32), confirmations: 0, priorVersions: 2, feeSat: 500, feeRateSatVb: null, commitments: 7 });
    assert.deepEqual(s.stamper?.bestBlock, { height: 840000, hash: null });
    assert.equal(s.stamper?.tip, 'aa'.repeat(32));
  });

  it('shows a mined transaction waiting for confirmations and the block that holds it', () => {
    const s = collectStats({
      calendar,
      bitcoin: bitcoin({ state: 'ok', height: 105, txsWaitingForConfirmation: 1, lastAnchoredBlock: { height: 90, hash: null }, lastMined: { txid: 'ef'.repeat(32), height: 104, hash: '11'.repeat(32), confirmations: 2 } }),
      version: '1',
      startedAtMs: 0,
    });
    assert.equal(s.stamper?.currentTx?.confirmations, 2);
    assert.deepEqual(s.stamper?.minedTx, { txid: 'ef'.repeat(32), height: 104, confirmations: 2 });
    assert.deepEqual(s.stamper?.lastAnchoredBlock, { height: 104, hash: '11'.repeat(32) }, 'the later of stored and mined');
  });

  it('tolerates a calendar without Bitcoin and odd stamper fields', () => {
    const alone = collectStats({ calendar, version: '1', startedAtMs: 0, network: 'regtest' });
    assert.equal(alone.stamper, null);
    assert.equal(alone.health.ok, true);
    assert.equal(alone.network, 'regtest');
    const odd = collectStats({ calendar, bitcoin: bitcoin({ height: 'x', unconfirmedTxid: 5, lastMined: null }, false), version: '1', startedAtMs: 0 });
    assert.equal(odd.stamper?.ok, false);
    assert.equal(odd.stamper?.state, 'unhealthy');
    assert.equal(odd.stamper?.currentTx, null);
    assert.equal(odd.stamper?.bestBlock, null);
  });
});

describe('referenceStats', () => {
  it('uses the reference\'s keys and formats (SPEC §9.4)', () => {
    const ref = referenceStats(collectStats({ calendar, version: '1.0.0', startedAtMs: 0 }));
    assert.equal(ref.version, '1.0.0');
    assert.equal(ref.pending_commitments, '1,234');
    assert.equal(ref.txs_waiting_for_confirmation, 0);
    assert.equal(ref.most_recent_tx, 'None');
    assert.equal(ref.tip, 'None');
    for (const key of ['prior_versions', 'best_block', 'block_height', 'balance', 'address']) assert.ok(key in ref, key);
  });

  it('separates thousands like Python\'s format spec', () => {
    assert.deepEqual([0, 999, 1000, 1234567, -1234].map(withSeparators), ['0', '999', '1,000', '1,234,567', '-1,234']);
  });
});
