// The calendar's public figures (SPEC §9.4 GET /, plus our own /stats): one plain object assembled from
// the calendar facade and the stamper handle, so the welcome page, the JSON answers and tests share it.
import { toHex } from '../core/index.js';
import type { BitcoinApi, CalendarApi, HealthReport } from './calendar-api.js';

/** Bumped when a field of CalendarStats changes meaning or is removed (adding fields keeps it). */
export const STATS_SCHEMA = 1;

/** What the stats are assembled from; the server passes its calendar, stamper handle and start time. */
export interface StatsSources {
  calendar: CalendarApi;
  bitcoin?: BitcoinApi | undefined;
  version: string;
  /** When the daemon started (ms since epoch), for the uptime. */
  startedAtMs: number;
  /** The calendar's `donation_addr`, shown with a QR code. */
  donationAddress?: string | undefined;
  /** 'mainnet', 'testnet', 'regtest', ...; the stamper's own figure wins when it reports one. */
  network?: string | undefined;
  /** Clock for tests. */
  nowMs?: () => number;
}

/** A block as shown to visitors. */
export interface BlockRef {
  height: number;
  hash: string | null;
}

/** The stamper's current (unconfirmed or waiting-for-confirmations) transaction. */
export interface CurrentTx {
  txid: string;
  confirmations: number;
  /** Earlier fee-bumped (RBF) versions of this transaction. */
  priorVersions: number;
  feeSat: number | null;
  feeRateSatVb: number | null;
  commitments: number | null;
}

/** Our /stats schema (camelCase); documented in docs/operator-guide.md. */
export interface CalendarStats {
  schema: number;
  version: string;
  uri: string;
  network: string | null;
  donationAddress: string | null;
  startedAt: string;
  /** When these figures were read. */
  generatedAt: string;
  uptimeSeconds: number;
  calendar: {
    pendingCommitments: number;
    journalLength: number | null;
    digests: number | null;
    rounds: number | null;
    queuedDigests: number | null;
    lastRoundSize: number | null;
    lastRoundMs: number | null;
    lastFsyncMs: number | null;
  };
  /** Null when the daemon runs without Bitcoin (calendar only). */
  stamper: {
    ok: boolean;
    state: string;
    tip: string | null;
    currentTx: CurrentTx | null;
    txsWaitingForConfirmation: number;
    /** The latest mined transaction still short of the confirmations needed to store its proofs. */
    minedTx: { txid: string; height: number; confirmations: number } | null;
    lastAnchoredBlock: BlockRef | null;
    bestBlock: BlockRef | null;
    balanceSat: number | null;
    walletAddress: string | null;
  } | null;
  health: HealthReport;
}

/** Reads every source once and returns the figures; never throws on a missing or odd field. */
export function collectStats(src: StatsSources): CalendarStats {
  const now = src.nowMs?.() ?? Date.now();
  const cal = asRecord(src.calendar.stats());
  const health = src.bitcoin?.health() ?? { ok: true, components: {} };
  const raw = src.bitcoin ? asRecord(src.bitcoin.stats()) : undefined;
  const tipBytes = src.bitcoin?.tip?.();
  return {
    schema: STATS_SCHEMA,
    version: src.version,
    uri: src.calendar.uri,
    network: networkName(str(raw?.network)) ?? src.network ?? null,
    donationAddress: src.donationAddress ?? null,
    startedAt: new Date(src.startedAtMs).toISOString(),
    generatedAt: new Date(now).toISOString(),
    uptimeSeconds: Math.max(0, Math.floor((now - src.startedAtMs) / 1000)),
    calendar: {
      pendingCommitments: src.calendar.pendingCount(),
      journalLength: num(cal.journalLength),
      digests: num(cal.digests),
      rounds: num(cal.rounds),
      queuedDigests: num(cal.queuedDigests),
      lastRoundSize: num(cal.lastRoundSize),
      lastRoundMs: num(cal.lastRoundMs),
      lastFsyncMs: num(cal.lastFsyncMs),
    },
    stamper: raw
      ? {
          ok: health.ok,
          state: str(raw.state) ?? (health.ok ? 'ok' : 'unhealthy'),
          tip: tipBytes ? toHex(tipBytes) : (str(raw.tip) ?? null),
          currentTx: currentTxOf(raw),
          txsWaitingForConfirmation: num(raw.txsWaitingForConfirmation) ?? 0,
          minedTx: minedTxOf(raw),
          lastAnchoredBlock: latest(blockOf(raw.lastAnchoredBlock), blockOf(raw.lastMined)),
          bestBlock: blockOf(raw.bestBlock) ?? blockOf({ height: raw.height }),
          balanceSat: num(raw.balanceSat),
          walletAddress: str(raw.walletAddress) ?? null,
        }
      : null,
    health,
  };
}

/** The reference's JSON keys (SPEC §9.4) where we have the data, then a few of our own, snake_case. */
export function referenceStats(s: CalendarStats): Record<string, unknown> {
  const tx = s.stamper?.currentTx;
  return {
    version: s.version,
    pending_commitments: withSeparators(s.calendar.pendingCommitments),
    txs_waiting_for_confirmation: s.stamper?.txsWaitingForConfirmation ?? 0,
    most_recent_tx: tx?.txid ?? 'None',
    prior_versions: tx?.priorVersions ?? 0,
    tip: s.stamper?.tip ?? 'None',
    best_block: s.stamper?.bestBlock?.hash ?? 'None',
    block_height: s.stamper?.bestBlock?.height ?? 'None',
    balance: s.stamper?.balanceSat == null ? 'None' : withSeparators(s.stamper.balanceSat),
    address: s.donationAddress ?? 'None',
    // Our own additions: the reference clients ignore unknown keys.
    calendar_uri: s.uri,
    network: s.network ?? 'None',
    uptime_seconds: s.uptimeSeconds,
    stamper_ok: s.stamper?.ok ?? null,
    last_anchored_block: s.stamper?.lastAnchoredBlock?.height ?? 'None',
    calendar: s.calendar,
  };
}

/** `1234567` → `"1,234,567"`, as Python's `'{:,}'.format(n)` in the reference. */
export function withSeparators(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// The stamper reports its unconfirmed tx as flat `unconfirmed*` fields (src/bitcoin/stamper.ts); a mined
// tx still short of its confirmations may come as `lastMined` { txid, height, hash, confirmations }.
function currentTxOf(raw: Record<string, unknown>): CurrentTx | null {
  const txid = str(raw.unconfirmedTxid);
  if (txid) {
    return {
      txid,
      confirmations: 0,
      priorVersions: Math.max(0, (num(raw.unconfirmedVersions) ?? 1) - 1),
      feeSat: num(raw.unconfirmedFeeSat),
      feeRateSatVb: num(raw.unconfirmedFeeRateSatVb),
      commitments: num(raw.unconfirmedCommitments),
    };
  }
  const mined = asRecord(raw.lastMined);
  const minedTxid = str(mined.txid);
  if (!minedTxid || (num(raw.txsWaitingForConfirmation) ?? 0) === 0) return null;
  return {
    txid: minedTxid,
    confirmations: num(mined.confirmations) ?? 1,
    priorVersions: num(mined.priorVersions) ?? 0,
    feeSat: num(mined.feeSat),
    feeRateSatVb: null,
    commitments: num(mined.commitments),
  };
}

function minedTxOf(raw: Record<string, unknown>): { txid: string; height: number; confirmations: number } | null {
  const mined = asRecord(raw.lastMined);
  const txid = str(mined.txid);
  const height = num(mined.height);
  if (!txid || height === null || (num(raw.txsWaitingForConfirmation) ?? 0) === 0) return null;
  return { txid, height, confirmations: num(mined.confirmations) ?? 1 };
}

/** The higher of two blocks: a tx mined since the last stored proofs anchors in a later block. */
function latest(a: BlockRef | null, b: BlockRef | null): BlockRef | null {
  if (!a) return b;
  if (!b) return a;
  return b.height > a.height ? b : a;
}

/** Core's chain names as visitors know them. */
function networkName(chain: string | undefined): string | undefined {
  if (chain === undefined) return undefined;
  return ({ main: 'mainnet', test: 'testnet', testnet4: 'testnet4' } as Record<string, string>)[chain] ?? chain;
}

function blockOf(value: unknown): BlockRef | null {
  const b = asRecord(value);
  const height = num(b.height);
  return height === null || height < 0 ? null : { height, hash: str(b.hash) ?? null };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  return null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

