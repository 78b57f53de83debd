// The otsd command line as an operator meets it (issue #4 items 1, 6, 7, 8): help, init, one-line
// errors with exit code 2 and no stack trace, and clean shutdown on signals. Spawns real processes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openTestCalendar } from '../support/calendar-server.js';
import { runOtsd, startOtsd, waitListening } from '../support/otsd-process.js';
import { tempDir } from '../support/temp.js';

const URI = 'https://cal.example.org';

/** One line on stderr naming the code, no stack frames. */
function assertOneLine(stderr: string, code: string): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  assert.match(lines[0]!, new RegExp(`^otsd: .*\\[${code}\\]`));
  assert.doesNotMatch(stderr, /\n\s+at |\.ts:\d+/);
}

async function initCalendar(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const dir = join(tempDir(t), 'cal');
  const r = await runOtsd(t, ['init', '-c', dir, '--uri', URI]);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

describe('otsd command line', () => {
  it('documents every flag, the environment and the config file in --help', async (t) => {
    const r = await runOtsd(t, ['run', '--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--calendar', '--rpc-port', '--rpc-address', '--btc-regtest', '--btc-testnet', '--max-pending', '--debug-file', '--round-ms', '--log-level', '--config', 'OTSD_RPC_PORT']) {
      assert.ok(r.stdout.includes(flag), `help mentions ${flag}`);
    }
    const top = await runOtsd(t, ['--help']);
    assert.match(top.stdout, /init/);
    assert.match(top.stdout, /run/);
    assert.match(top.stdout, /--rpc-port/, 'otsd --help shows the flags of the default command');
  });

  it('init writes uri, donation_addr and a 32-byte 0600 hmac-key, and never overwrites the key', async (t) => {
    const dir = join(tempDir(t), 'cal');
    const ok = await runOtsd(t, ['init', '-c', dir, '--uri', URI, '--btc-regtest', '--donation-addr', 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080']);
    assert.equal(ok.code, 0, ok.stderr);
    const key = statSync(join(dir, 'hmac-key'));
    assert.equal(key.size, 32);
    assert.equal(key.mode & 0o777, 0o600);
    const again = await runOtsd(t, ['init', '-c', dir, '--uri', URI]);
    assert.equal(again.code, 2);
    assertOneLine(again.stderr, 'OTS_ERR_CALENDAR_KEY_EXISTS');
  });

  const badInit = [
    { description: 'a mainnet donation address on regtest', args: ['--btc-regtest', '--donation-addr', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT'], code: 'OTS_ERR_INIT_BAD_DONATION_ADDR' },
    { description: 'a garbled donation address', args: ['--donation-addr', 'bc1qnotanaddress'], code: 'OTS_ERR_INIT_BAD_DONATION_ADDR' },
    { description: 'a uri that is not http(s)', args: [], uri: 'ftp://cal.example.org', code: 'OTS_ERR_CALENDAR_URI_INVALID' },
  ];
  for (const c of badInit) {
    it(`init refuses ${c.description} with ${c.code}, exit 2`, async (t) => {
      const r = await runOtsd(t, ['init', '-c', join(tempDir(t), 'cal'), '--uri', c.uri ?? URI, ...c.args]);
      assert.equal(r.code, 2);
      assertOneLine(r.stderr, c.code);
    });
  }

  it('run refuses a calendar whose LevelDB another process holds, naming the lock, exit 2', async (t) => {
    const dir = await initCalendar(t);
    await openTestCalendar(t, { dir });
    const r = await runOtsd(t, ['run', '--no-bitcoin', '-c', dir, '--rpc-port', '0', '--rpc-address', '127.0.0.1']);
    assert.equal(r.code, 2);
    assertOneLine(r.stderr, 'OTS_ERR_STORE_LOCKED');
    assert.match(r.stderr, /LOCK/);
    assert.match(r.stderr, /otsd/);
    assert.doesNotMatch(r.stderr, /delete|remove|rm /i, 'never advise deleting the LOCK file');
  });

  it('run refuses a directory without uri or hmac-key, exit 2', async (t) => {
    const dir = join(tempDir(t), 'empty');
    mkdirSync(dir);
    const noUri = await runOtsd(t, ['run', '--no-bitcoin', '-c', dir, '--rpc-port', '0']);
    assert.equal(noUri.code, 2);
    assertOneLine(noUri.stderr, 'OTS_ERR_CALENDAR_URI_MISSING');
    writeFileSync(join(dir, 'uri'), `${URI}\n`);
    const noKey = await runOtsd(t, ['run', '--no-bitcoin', '-c', dir, '--rpc-port', '0']);
    assert.equal(noKey.code, 2);
    assertOneLine(noKey.stderr, 'OTS_ERR_CALENDAR_KEY_MISSING');
  });

  it('run refuses a port in use, exit 2', async (t) => {
    const dir = await initCalendar(t);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const r = await runOtsd(t, ['--no-bitcoin', '-c', dir, '--rpc-port', String(port), '--rpc-address', '127.0.0.1']);
    assert.equal(r.code, 2);
    assertOneLine(r.stderr, 'OTS_ERR_LISTEN_ADDRESS_IN_USE');
  });

  it('run refuses a bad value from the environment, exit 2', async (t) => {
    const dir = await initCalendar(t);
    const r = await runOtsd(t, ['--no-bitcoin', '-c', dir], { OTSD_RPC_PORT: 'eighty' });
    assert.equal(r.code, 2);
    assertOneLine(r.stderr, 'OTS_ERR_CONFIG_INVALID_VALUE');
  });

  it('run refuses a --debug-file it cannot create, exit 2', async (t) => {
    const dir = await initCalendar(t);
    const blocker = join(tempDir(t), 'a-file');
    writeFileSync(blocker, '');
    const r = await runOtsd(t, ['--no-bitcoin', '-c', dir, '--rpc-port', '0', '--debug-file', join(blocker, 'otsd.log')]);
    assert.equal(r.code, 2);
    assertOneLine(r.stderr, 'OTS_ERR_DIR_UNWRITABLE');
  });

  it('run refuses an unwritable calendar directory and a full disk, exit 2', { skip: tmpfsSkip() }, async (t) => {
    // Not tempDir: the unmount must come before the removal, and t.after runs in order.
    const mnt = mkdtempSync(join(tmpdir(), 'ots-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
    t.after(() => {
      execFileSync('umount', ['-l', mnt]);
      rmSync(mnt, { recursive: true, force: true });
    });
    const dir = join(mnt, 'cal');
    assert.equal((await runOtsd(t, ['init', '-c', dir, '--uri', URI])).code, 0);
    // Fill the disk to the last byte: LevelDB cannot write its manifest or log.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'fill')}`, 'bs=4k'], { stdio: 'ignore' });
    } catch {
      // dd ends with "No space left on device", which is the point
    }
    const full = await runOtsd(t, ['--no-bitcoin', '-c', dir, '--rpc-port', '0', '--rpc-address', '127.0.0.1']);
    assert.equal(full.code, 2);
    assertOneLine(full.stderr, 'OTS_ERR_DISK_FULL');
    execFileSync('rm', [join(mnt, 'fill')]);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    const ro = await runOtsd(t, ['--no-bitcoin', '-c', dir, '--rpc-port', '0', '--rpc-address', '127.0.0.1']);
    assert.equal(ro.code, 2);
    assertOneLine(ro.stderr, 'OTS_ERR_DIR_UNWRITABLE');
  });

  it('SIGTERM finishes the round and exits 0; a second signal exits 130 at once', async (t) => {
    const dir = await initCalendar(t);
    const calm = startOtsd(t, ['--no-bitcoin', '-c', dir, '--rpc-port', '0', '--rpc-address', '127.0.0.1', '--round-ms', '50']);
    const port = await waitListening(calm);
    const res = await fetch(`http://127.0.0.1:${port}/digest`, { method: 'POST', body: new Uint8Array(32) });
    assert.equal(res.status, 200);
    calm.child.kill('SIGTERM');
    assert.equal(await calm.exited, 0);
    assert.match(calm.stdout(), /otsd stopped/);

    // A long round keeps the first shutdown waiting; the second signal must not wait for it.
    const slow = startOtsd(t, ['--no-bitcoin', '-c', dir, '--rpc-port', '0', '--rpc-address', '127.0.0.1', '--round-ms', '60000']);
    const slowPort = await waitListening(slow);
    const inFlight = fetch(`http://127.0.0.1:${slowPort}/digest`, { method: 'POST', body: new Uint8Array(32) }).catch(() => undefined);
    // Wait until the digest is queued for the (long) round, so the first shutdown has to wait for it.
    await waitForAsync(async () => {
      const res = await fetch(`http://127.0.0.1:${slowPort}/`, { headers: { accept: 'application/json' } });
      return ((await res.json()) as { calendar: { queuedDigests: number } }).calendar.queuedDigests >= 1;
    });
    slow.child.kill('SIGTERM');
    await waitFor(() => slow.stdout().includes('shutting down'));
    slow.child.kill('SIGINT');
    assert.equal(await slow.exited, 130);
    await inFlight;
  });
});

/** Skip reason unless tmpfs can be mounted here (root in a container that allows it). */
function tmpfsSkip(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to mount a small tmpfs; skipped';
  try {
    execFileSync('mount', ['--help'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'mount is not available; skipped';
  }
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
}

async function waitForAsync(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 25));
}
