// The two anchoring entry points: `anchor` (this month now, regardless of the day) and `run` (for a
// scheduler: idempotent, anchors this month from the configured day on, catches up missed months).
import { clientErrors } from './errors.js';
import { anchorUpTo, type AnchorOptions, type AnchorResult, isAnchored, listMonths, monthOf, previousMonth } from './registry.js';

/** What `run` decided. */
export interface RunResult extends AnchorResult {
  action: 'disabled' | 'up-to-date' | 'anchored';
  /** The month `run` brought the registry up to. */
  target?: string;
}

/**
 * Anchors the current UTC month (and any missed months before it). Refuses with
 * OTS_ERR_REGISTRY_MONTH_EXISTS when this month already has its snapshot and proof.
 */
export async function anchorCurrentMonth(opts: AnchorOptions): Promise<AnchorResult> {
  const month = monthOf((opts.now ?? (() => new Date()))());
  if (await isAnchored(opts.paths, month)) throw clientErrors.OTS_ERR_REGISTRY_MONTH_EXISTS(month);
  return anchorUpTo(month, opts);
}

/**
 * One scheduled pass. Before `anchorDay` the current month is not due yet, so the target is the previous
 * month; from that day on it is the current month. Does nothing when the target is already anchored.
 */
export async function runRegistry(opts: AnchorOptions & { enabled: boolean; anchorDay: number }): Promise<RunResult> {
  if (!opts.enabled) return { action: 'disabled', anchored: [], repaired: [] };
  const now = (opts.now ?? (() => new Date()))();
  const isDue = now.getUTCDate() >= opts.anchorDay;
  const target = isDue ? monthOf(now) : previousMonth(monthOf(now));
  // A registry starts at its first due month; it never invents a snapshot for a month before it began.
  if (!isDue && (await listMonths(opts.paths.registryDir)).length === 0) {
    return { action: 'up-to-date', anchored: [], repaired: [] };
  }
  const result = await anchorUpTo(target, { ...opts, now: () => now });
  const action = result.anchored.length + result.repaired.length > 0 ? 'anchored' : 'up-to-date';
  return { action, target, ...result };
}
