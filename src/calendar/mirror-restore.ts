// Restores a calendar directory (SPEC §8) from a mirror: the mirror's db/ becomes the calendar's store
// and its journal the calendar's journal. Chunk membership is kept, so backup chunks stay byte-identical.
import { cp, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { COMMITMENT_LENGTH } from '../core/index.js';
import { backupErrors } from './backup-errors.js';
import { CALENDAR_FILES, readCalendarConfig, writeKnownGood } from './calendar-dir.js';
import { MIRROR_FILES, readProgress } from './mirror-state.js';
import { CalendarStore } from './store.js';

/** What a restore copied. */
export interface RestoreReport {
  commitments: number;
  chunks: number;
}

/**
 * Copies db/ and journal from a stopped mirror into `calendarDir`, which must already hold the
 * calendar's own uri and hmac-key (from the operator's backup: a mirror never sees the key) and no
 * journal or db/. Sets journal.known-good past the copied records: they are all stamped.
 */
export async function restoreFromMirror(opts: { mirrorDir: string; calendarDir: string; logger: Logger }): Promise<RestoreReport> {
  await readCalendarConfig(opts.calendarDir); // uri and hmac-key must be there and valid
  for (const name of [CALENDAR_FILES.journal, CALENDAR_FILES.db]) {
    const existing = await stat(join(opts.calendarDir, name)).catch(() => undefined);
    if (existing && (existing.isDirectory() || existing.size > 0)) throw backupErrors.OTS_ERR_MIRROR_RESTORE_TARGET_USED();
  }
  const progress = await readProgress(opts.mirrorDir);
  if (progress === undefined) throw backupErrors.OTS_ERR_MIRROR_STATE_INVALID('the directory is not a mirror (no mirror.json)');
  // Opening the store takes its LOCK: a running mirror makes this fail with OTS_ERR_STORE_LOCKED
  // instead of copying a database that is being written. Closed again so the copy is of a closed DB.
  await (await CalendarStore.open(join(opts.mirrorDir, MIRROR_FILES.db), opts.logger)).close();
  const records = progress.nextChunk * progress.chunkSize;
  await cp(join(opts.mirrorDir, MIRROR_FILES.db), join(opts.calendarDir, CALENDAR_FILES.db), { recursive: true });
  await copyPrefix(join(opts.mirrorDir, MIRROR_FILES.journal), join(opts.calendarDir, CALENDAR_FILES.journal), records * COMMITMENT_LENGTH);
  await writeKnownGood(opts.calendarDir, records);
  opts.logger.info({ commitments: records, chunks: progress.nextChunk }, 'calendar restored from mirror');
  return { commitments: records, chunks: progress.nextChunk };
}

/** Copies the first `bytes` of `from` (only whole chunks the progress vouches for) and fsyncs. */
async function copyPrefix(from: string, to: string, bytes: number): Promise<void> {
  const src = await open(from, 'r');
  const dst = await open(to, 'w', 0o644);
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let at = 0; at < bytes; ) {
      const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, bytes - at), at);
      if (bytesRead === 0) throw backupErrors.OTS_ERR_MIRROR_STATE_INVALID('the mirror journal is shorter than its progress');
      await dst.write(buf, 0, bytesRead, at);
      at += bytesRead;
    }
    await dst.sync();
  } finally {
    await src.close();
    await dst.close();
  }
}
