// Keeps db/ an index of replication.log (docs/replication.md): attach the log to a store (replaying
// what the store missed, snapshotting a store older than the log) and rebuild db/ from it (reindex).
import { access, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { backupErrors } from './backup-errors.js';
import { CALENDAR_FILES } from './calendar-dir.js';
import { type LoggedPut, REPLICATION_LOG_FILE, REPLICATION_LOG_MAGIC, ReplicationLog } from './replication-log.js';
import type { CalendarStore } from './store.js';

/** Offset of the log up to which db/ is known to hold every record (text integer). */
export const REPLICATION_APPLIED_FILE = 'replication.log.applied';
/** Puts per record when snapshotting an existing store, and per store batch when replaying. */
const SNAPSHOT_PUTS = 10_000;
const REPLAY_PUTS = 50_000;

/** The log attached to a store; close() records how far db/ is up to date. */
export interface AttachedLog {
  log: ReplicationLog;
  /** Records replayed into the store at attach time (after a crash between log and store). */
  replayed: number;
  close(): Promise<void>;
}

/**
 * Opens `dir`/replication.log for `store` (call before anything writes to the store). A new log
 * starts with a snapshot of the store, so a calendar that ran without it (or the reference's db/)
 * becomes reindexable; an existing one replays records past replication.log.applied. From then on
 * every store batch is appended and fsynced to the log before it reaches LevelDB. `snapshotPuts`
 * (tests): puts per snapshot record; `follower`: a log mirror's copy, never snapshotted here.
 */
export async function attachReplicationLog(dir: string, store: CalendarStore, logger: Logger, opts: { snapshotPuts?: number; follower?: boolean } = {}): Promise<AttachedLog> {
  const log = logger.child({ part: 'replication' });
  store.setBeforeBatch(undefined); // replayed records are in the log already
  const applied = await readApplied(dir);
  let replayed = 0;
  let pending: LoggedPut[] = [];
  const flush = async () => {
    if (pending.length > 0) await store.putValues(pending);
    pending = [];
  };
  // Snapshot markers (empty records, docs/replication.md): a log that opens one and never closes it was
  // cut by a crash while snapshotting; the snapshot is then written again and closed.
  let snapshotOpen = false;
  const opened = await ReplicationLog.open(dir, log, async (r) => {
    if (r.puts.length === 0) snapshotOpen = r.offset === REPLICATION_LOG_MAGIC.length;
    if (r.offset < applied) return;
    replayed++;
    pending.push(...r.puts);
    if (pending.length >= REPLAY_PUTS) await flush();
  });
  await flush();
  // A follower's log is a copy of its upstream's (snapshot markers included): it never snapshots itself.
  if (!opts.follower && (opened.created || snapshotOpen)) await writeSnapshot(store, opened.log, snapshotOpen, opts.snapshotPuts ?? SNAPSHOT_PUTS);
  await writeApplied(dir, opened.log.length);
  if (replayed > 0) log.warn({ replayed }, 'replayed replication log records the store had missed');
  store.setBeforeBatch((puts) => opened.log.append(puts));
  return {
    log: opened.log,
    replayed,
    async close() {
      store.setBeforeBatch(undefined);
      await opened.log.close();
      await writeApplied(dir, opened.log.length);
    },
  };
}

/**
 * Writes every stored node into the log in key order, between two empty records (the snapshot's
 * markers), so a follower knows which records to check for completeness only once all have arrived.
 * An empty store writes nothing. `opened`: the start marker is already in the log (resuming).
 */
async function writeSnapshot(store: CalendarStore, log: ReplicationLog, opened: boolean, perRecord: number): Promise<void> {
  let batch: LoggedPut[] = [];
  let started = opened;
  const flush = async () => {
    if (!started) await log.append([]);
    started = true;
    await log.append(batch);
    batch = [];
  };
  for await (const [key, value] of store.entries()) {
    batch.push({ key, value });
    if (batch.length >= perRecord) await flush();
  }
  if (batch.length > 0) await flush();
  if (started) await log.append([]);
}

/** What a reindex did. */
export interface ReindexReport {
  records: number;
  puts: number;
  /** Where the previous db/ was moved (never deleted), or null when there was none. */
  previousDb: string | null;
}

/**
 * Rebuilds `dir`/db from `dir`/replication.log: the old db/ is moved aside (db.before-reindex-<ms>), a
 * fresh one is filled record by record, checking the hash chain. The calendar must be stopped.
 */
export async function reindexFromLog(dir: string, openStore: (path: string) => Promise<CalendarStore>, logger: Logger): Promise<ReindexReport> {
  if (!(await exists(join(dir, REPLICATION_LOG_FILE)))) throw backupErrors.OTS_ERR_REPLOG_MISSING();
  const dbPath = join(dir, CALENDAR_FILES.db);
  let previousDb: string | null = null;
  if (await exists(dbPath)) {
    await (await openStore(dbPath)).close(); // takes the LOCK: refuses while otsd runs
    previousDb = `${dbPath}.before-reindex-${Date.now()}`;
    await rename(dbPath, previousDb);
  }
  const store = await openStore(dbPath);
  let records = 0;
  let puts = 0;
  let pending: LoggedPut[] = [];
  try {
    const { log } = await ReplicationLog.open(dir, logger, async (r) => {
      records++;
      puts += r.puts.length;
      pending.push(...r.puts);
      if (pending.length >= REPLAY_PUTS) {
        await store.putValues(pending);
        pending = [];
      }
    });
    if (pending.length > 0) await store.putValues(pending);
    await writeApplied(dir, log.length);
    await log.close();
  } finally {
    await store.close();
  }
  logger.info({ records, puts, previousDb }, 'db rebuilt from the replication log');
  return { records, puts, previousDb };
}

async function readApplied(dir: string): Promise<number> {
  try {
    const n = Number((await readFile(join(dir, REPLICATION_APPLIED_FILE), 'utf8')).trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : REPLICATION_LOG_MAGIC.length;
  } catch {
    return REPLICATION_LOG_MAGIC.length; // unknown: replay everything (idempotent)
  }
}

async function writeApplied(dir: string, offset: number): Promise<void> {
  // Not fsynced: a stale value only makes the next start replay more records, which is harmless.
  await writeFile(join(dir, REPLICATION_APPLIED_FILE), `${offset}\n`);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
