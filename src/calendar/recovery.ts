// Start-up recovery (SPEC §8.1, §10): read the journal from journal.known-good and put every commitment
// not yet in LevelDB into the pending set. The journal is the queue; nothing else is persisted.
import type { Logger } from 'pino';
import { readKnownGood } from './calendar-dir.js';
import type { Journal } from './journal.js';
import { PendingSet } from './pending-set.js';
import type { CalendarStore } from './store.js';

/** Commitments looked up in the store per batch while loading the journal. */
const LOAD_BATCH = 2000;

/** The pending set rebuilt from the journal, and the index the scan started from. */
export interface Recovered {
  pending: PendingSet;
  knownGood: number;
}

/**
 * Scans `journal` from journal.known-good (0 if missing, unreadable or past the end). Damaged records
 * (logged by the journal at error level) stay pending, as in the reference: anchoring one is harmless,
 * silently dropping a commitment is not.
 */
export async function loadUnstamped(dir: string, journal: Journal, store: CalendarStore, log: Logger): Promise<Recovered> {
  const read = await readKnownGood(dir);
  let knownGood = read.index;
  if (read.problem) log.warn({ problem: read.problem }, 'journal.known-good unreadable; scanning the journal from 0');
  if (knownGood > journal.length) {
    log.warn({ knownGood, journalLength: journal.length }, 'journal.known-good is past the end of the journal; scanning from 0');
    knownGood = 0;
  }
  const pending = new PendingSet();
  let batch: { index: number; commitment: Uint8Array }[] = [];
  const flush = async () => {
    const stamped = await store.hasMany(batch.map((r) => r.commitment));
    batch.forEach((r, i) => {
      if (!stamped[i]) pending.add(r.commitment, r.index);
    });
    batch = [];
  };
  for await (const record of journal.scan(knownGood)) {
    batch.push(record);
    if (batch.length >= LOAD_BATCH) await flush();
  }
  await flush();
  return { pending, knownGood };
}
