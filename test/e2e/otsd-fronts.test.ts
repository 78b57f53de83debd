// `otsd run --http-fronts 1`: the daemon and one front process serve the same port. Every digest is
// answered 200 whichever process took the connection; SIGTERM drains the front and exits 0; SIGKILL of
// the daemon takes the front down with it (a front never answers without the daemon behind it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initCalendarDir } from '../../src/calendar/index.js';
import { startOtsd, waitListening, type OtsdChild } from '../support/otsd-process.js';
import { tempDir } from '../support/temp.js';

const URI = 'https://cal.example.org';

async function startWithFront(t: Parameters<typeof tempDir>[0]): Promise<{ otsd: OtsdChild; port: number; fronts: number[] }> {
  const dir = tempDir(t, 'ots-fronts-');
  await initCalendarDir(dir, { uri: URI });
  const otsd = startOtsd(t, ['--no-bitcoin', '-c', dir, '--rpc-port', '0', '--rpc-address', '127.0.0.1', '--round-ms', '100', '--http-fronts', '1']);
  const port = await waitListening(otsd);
  const line = otsd.stdout().split('\n').find((l) => l.includes('HTTP fronts started'));
  assert.ok(line, 'the daemon logs its fronts');
  return { otsd, port, fronts: (JSON.parse(line) as { fronts: number[] }).fronts };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('otsd run --http-fronts', () => {
  it('answers every digest and page through both processes; SIGTERM drains the front and exits 0', async (t) => {
    const { otsd, port, fronts } = await startWithFront(t);
    assert.equal(fronts.length, 1);
    // Separate connections, so the kernel hands some to each process.
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`http://127.0.0.1:${port}/digest`, { method: 'POST', body: new Uint8Array(32).fill(i), headers: { connection: 'close' } }).then((r) => r.status),
      ),
    );
    assert.deepEqual([...new Set(statuses)], [200]);
    const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'application/json', connection: 'close' } });
    assert.equal(page.status, 200);
    otsd.child.kill('SIGTERM');
    assert.equal(await otsd.exited, 0);
    await waitGone(fronts[0]!);
    assert.equal(isRunning(fronts[0]!), false, 'the front exits with the daemon');
  });

  it('a front exits when its daemon is killed -9', async (t) => {
    const { otsd, fronts } = await startWithFront(t);
    otsd.child.kill('SIGKILL');
    await otsd.exited;
    await waitGone(fronts[0]!);
    assert.equal(isRunning(fronts[0]!), false);
  });
});
