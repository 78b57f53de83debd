// kill -9 during rounds: every digest that was answered must still be in the journal after a restart
// (group commit: answers go out only after the round's datasync). Real process, real files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { Calendar, initCalendarDir } from '../../src/calendar/index.js';
import { fromHex } from '../../src/core/index.js';
import { PROJECT_ROOT } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

describe('calendar crash recovery', () => {
  it('keeps every acknowledged commitment after SIGKILL in the middle of rounds', async (t) => {
    const dir = tempDir(t);
    await initCalendarDir(dir, { uri: 'https://crash.example.org' });
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'e2e', 'calendar-crash.child.ts'), dir], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => child.kill('SIGKILL'));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    const acknowledged = new Set<string>();
    const lines = createInterface({ input: child.stdout! });
    for await (const line of lines) {
      if (line.startsWith('ok ')) acknowledged.add(line.slice(3));
      if (acknowledged.size >= 40) break;
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.ok(acknowledged.size >= 40, `only ${acknowledged.size} rounds acknowledged before the child stopped`);

    const calendar = await Calendar.open({ dir, logger: pino({ level: 'silent' }) });
    t.after(() => calendar.close());
    for (const c of acknowledged) assert.ok(calendar.isPending(fromHex(c)), `acknowledged commitment ${c} lost`);
    assert.ok(calendar.stats().journalLength >= acknowledged.size);
    assert.equal(calendar.stats().damagedJournalRecords, 0);
  });
});
