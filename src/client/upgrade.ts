// Upgrading a timestamp: for each pending attestation (SPEC §3) ask its calendar, if whitelisted, for
// GET /timestamp/<commitment> and merge what comes back (SPEC §4.3). Reports what is still pending.
import { equalBytes, isOtsError, type Timestamp, toHex } from '../core/index.js';
import { makeWhitelist, type UrlWhitelist } from './calendars.js';
import { clientErrors } from './errors.js';
import type { BlockHeaderSource } from './header-source.js';
import { type CalendarRequestOptions, fetchTimestamp } from './remote-calendar.js';

/** Options of an upgrade. */
export interface UpgradeOptions extends CalendarRequestOptions {
  /** Calendars that may be contacted; the public calendars by default. */
  whitelist?: UrlWhitelist;
  /**
   * When given, Bitcoin attestations in a calendar's answer are checked before merging; an answer whose
   * attestation contradicts its block is refused as OTS_ERR_CLIENT_CALENDAR_LYING. Blocks not known yet pass.
   */
  checkWith?: BlockHeaderSource;
}

/** What happened to one pending attestation. */
export interface PendingOutcome {
  uri: string;
  /** Hex of the commitment the attestation is for. */
  commitment: string;
  status: 'upgraded' | 'pending' | 'not-whitelisted' | 'failed' | 'already-complete';
  /** The calendar's sanitised 404 text, or the error message. */
  message?: string;
  code?: string;
}

/** The upgrade's outcome: whether the tree changed, whether it is now complete, per-attestation detail. */
export interface UpgradeReport {
  changed: boolean;
  complete: boolean;
  outcomes: PendingOutcome[];
}

/**
 * Upgrades `timestamp` in place. Calendars are asked in parallel; an answer that does not parse or
 * leads nowhere (see parseAnswer) is refused and counted as failed, never merged.
 */
export async function upgradeTimestamp(timestamp: Timestamp, opts: UpgradeOptions = {}): Promise<UpgradeReport> {
  const whitelist = opts.whitelist ?? makeWhitelist();
  const jobs: Promise<PendingOutcome>[] = [];
  const before = toHex(timestamp.toBytes());
  for (const node of timestamp.nodes()) {
    for (const attestation of node.attestations) {
      if (attestation.type !== 'pending') continue;
      const base = { uri: attestation.uri, commitment: toHex(node.msg) };
      // A branch that already reaches Bitcoin needs nothing more from this calendar.
      if (node.isComplete) {
        jobs.push(Promise.resolve({ ...base, status: 'already-complete' }));
        continue;
      }
      if (!whitelist.has(attestation.uri)) {
        jobs.push(Promise.resolve({ ...base, status: 'not-whitelisted', message: 'calendar not in whitelist' }));
        continue;
      }
      jobs.push(
        fetchTimestamp(attestation.uri, node.msg, opts).then(
          async (answer): Promise<PendingOutcome> => {
            if (!answer.found) return { ...base, status: 'pending', message: answer.message };
            if (opts.checkWith) await checkAnswer(attestation.uri, answer.timestamp, opts.checkWith);
            node.merge(answer.timestamp);
            return { ...base, status: 'upgraded' };
          },
        ).catch(
          (err: unknown): PendingOutcome => ({
            ...base,
            status: 'failed',
            message: err instanceof Error ? err.message : String(err),
            code: isOtsError(err) ? err.code : undefined,
          }),
        ),
      );
    }
  }
  const outcomes = await Promise.all(jobs);
  const changed = toHex(timestamp.toBytes()) !== before;
  return { changed, complete: timestamp.isComplete, outcomes };
}

/** Refuses an answer whose Bitcoin attestation names a block with another merkle root. */
async function checkAnswer(uri: string, answer: Timestamp, source: BlockHeaderSource): Promise<void> {
  for (const { msg, attestation } of answer.allAttestations()) {
    if (attestation.type !== 'bitcoin') continue;
    const header = await source.headerAt(Number(attestation.height));
    if (header && !(msg.length === 32 && equalBytes(header.subarray(36, 68), msg))) {
      throw clientErrors.OTS_ERR_CLIENT_CALENDAR_LYING(uri, `its Bitcoin attestation does not match block ${attestation.height}`);
    }
  }
}
