// Stamper health for /health and the stats: the last failure stays visible until a pass succeeds.
// "No silent death" (issue #5): every failure is logged at error level, repeated ones once a minute.
import type { Logger } from 'pino';
import { isOtsError } from '../core/index.js';
import { bitcoinErrors } from './errors.js';

/** Repeats of the same failure are logged at most this often. */
const REPEAT_LOG_MS = 60_000;

/** Tracks whether the stamper is making progress. */
export class StamperHealth {
  private problem: { code: string; message: string; since: number } | undefined;
  private lastLogAt = 0;

  constructor(private readonly log: Logger) {}

  /** A pass went through: clears the failure (and logs the recovery). */
  ok(): void {
    if (!this.problem) return;
    this.log.info({ code: this.problem.code, downMs: Date.now() - this.problem.since }, 'stamper recovered');
    this.problem = undefined;
  }

  /** A pass failed: remember it, log it at error level. */
  fail(err: unknown): void {
    const code = isOtsError(err) ? err.code : bitcoinErrors.OTS_ERR_STAMP_FAILED.code;
    const message = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    const isRepeat = this.problem?.code === code;
    if (!isRepeat) this.problem = { code, message, since: now };
    if (!isRepeat || now - this.lastLogAt >= REPEAT_LOG_MS) {
      this.lastLogAt = now;
      this.log.error({ err, code }, 'stamper cannot make progress');
    }
  }

  /** True while no failure is outstanding. */
  get isOk(): boolean {
    return this.problem === undefined;
  }

  /** State for stats and /health. */
  report(): { state: 'ok' | 'failing'; problem: { code: string; message: string; since: string } | null } {
    const p = this.problem;
    return { state: p ? 'failing' : 'ok', problem: p ? { code: p.code, message: p.message, since: new Date(p.since).toISOString() } : null };
  }
}
