// A calendar as the stamper sees it (StamperCalendar), in memory: a journal of commitments and a store
// of the proofs saved for them. For stamper tests that need a real node but not a real calendar.
import { randomBytes } from 'node:crypto';
import type { StamperCalendar } from '../../src/bitcoin/backend.js';
import { type Timestamp, toHex } from '../../src/core/index.js';

/** Journal and store in memory; `unstamped` records what a reorg handed back. */
export class MemoryCalendar implements StamperCalendar {
  readonly journal: Uint8Array[] = [];
  readonly store = new Map<string, Timestamp>();
  unstamped: Uint8Array[] = [];
  add(n: number): Uint8Array[] {
    const fresh = Array.from({ length: n }, () => new Uint8Array(randomBytes(44)));
    this.journal.push(...fresh);
    return fresh;
  }
  pendingCommitments(): Uint8Array[] {
    return this.journal.filter((c) => !this.store.has(toHex(c)));
  }
  async saveTimestamps(timestamps: Timestamp[]): Promise<void> {
    for (const t of timestamps) this.store.set(toHex(t.msg), t);
  }
  markUnstamped(commitments: Uint8Array[]): void {
    this.unstamped.push(...commitments);
  }
}
