// The daemon packaging as an operator installs it: the systemd unit passes `systemd-analyze verify`, and
// the nginx example, run for real in front of a real otsd, serves HTTPS and caches by otsd's headers.
// Each part skips visibly where its tool is absent.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { openTestCalendar, startTestServer } from '../support/calendar-server.js';
import { PROJECT_ROOT } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

const UNIT = join(PROJECT_ROOT, 'contrib', 'systemd', 'otsd.service');
const NGINX_CONF = join(PROJECT_ROOT, 'contrib', 'nginx', 'otsd.conf');

function which(tool: string): string | undefined {
  for (const dir of ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin', '/usr/local/sbin']) {
    if (existsSync(join(dir, tool))) return join(dir, tool);
  }
  return undefined;
}

const SYSTEMD_ANALYZE = which('systemd-analyze');
const NGINX = which('nginx');
const OPENSSL = which('openssl');

describe('contrib/systemd/otsd.service', { skip: SYSTEMD_ANALYZE ? false : 'systemd-analyze not installed; skipped' }, () => {
  it('passes systemd-analyze verify without a warning about the unit', () => {
    const run = spawnSync(SYSTEMD_ANALYZE!, ['verify', UNIT], { encoding: 'utf8', timeout: 30_000 });
    const ours = run.stderr.split('\n').filter((line) => line.includes('otsd.service'));
    assert.deepEqual(ours, [], 'no complaint about our unit');
    assert.equal(run.status, 0, run.stderr);
  });

  it('keeps the hardening and restart policy the operator guide promises', () => {
    const unit = readFileSync(UNIT, 'utf8');
    for (const line of [
      'Restart=on-failure',
      'RestartPreventExitStatus=2',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=read-only',
      'PrivateTmp=yes',
      'ReadWritePaths=/var/lib/otsd /var/log/otsd',
      'StandardOutput=journal',
      'ExecReload=/bin/kill -HUP $MAINPID',
    ]) {
      assert.ok(unit.split('\n').includes(line), line);
    }
  });
});

const nginxSkip = !NGINX ? 'nginx not installed; skipped' : !OPENSSL ? 'openssl not installed; skipped' : false;

describe('contrib/nginx/otsd.conf in front of a real otsd', { skip: nginxSkip }, () => {
  it('serves HTTPS, keeps the two variants of / apart and caches by otsd\'s Cache-Control', async (t) => {
    const calendar = await openTestCalendar(t);
    const { port: otsdPort } = await startTestServer(t, calendar);
    const proxy = await startNginx(t, otsdPort);

    const page1 = await get(proxy.https, '/', { accept: 'text/html' });
    assert.equal(page1.status, 200);
    assert.equal(page1.headers['x-cache-status'], 'MISS');
    const page2 = await get(proxy.https, '/', { accept: 'text/html' });
    assert.equal(page2.headers['x-cache-status'], 'HIT', 'max-age=5 lets nginx serve the page again');
    assert.equal(page2.body, page1.body);

    const json1 = await get(proxy.https, '/', { accept: 'application/json' });
    assert.equal(json1.headers['x-cache-status'], 'MISS', 'the JSON variant is its own cache entry');
    assert.ok('pending_commitments' in (JSON.parse(json1.body) as object));
    assert.equal((await get(proxy.https, '/', { accept: 'application/json' })).headers['x-cache-status'], 'HIT');

    const unknown = `/timestamp/${randomBytes(32).toString('hex')}`;
    const miss = await get(proxy.https, unknown);
    assert.equal(miss.status, 404);
    assert.equal(miss.headers['x-cache-status'], 'MISS');
    assert.equal((await get(proxy.https, unknown)).headers['x-cache-status'], 'HIT', 'a 404 with max-age=60 is cached');

    const digest = await post(proxy.https, '/digest', randomBytes(32));
    assert.equal(digest.status, 200, 'POST /digest goes through');
    assert.equal(digest.headers['x-cache-status'], undefined);

    const metrics = await get(proxy.https, '/health');
    assert.equal(metrics.status, 200, 'monitoring paths answer to loopback');
    assert.equal(metrics.headers['x-cache-status'], undefined, 'and are never cached');

    const redirect = await fetch(`http://127.0.0.1:${proxy.http}/stats`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), `https://127.0.0.1/stats`);
  });
});

/** Runs nginx (one process, no daemon) with the example config bent to temp paths and free ports. */
async function startNginx(t: TestContext, otsdPort: number): Promise<{ https: number; http: number }> {
  const dir = tempDir(t, 'ots-nginx-');
  for (const sub of ['cache', 'logs', 'tmp']) mkdirSync(join(dir, sub));
  execFileSync(OPENSSL!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore', timeout: 30_000 });
  const [https, http] = [await freePort(), await freePort()];
  const conf = readFileSync(NGINX_CONF, 'utf8')
    .replace('/var/cache/nginx/otsd', join(dir, 'cache'))
    .replace('server 127.0.0.1:14788;', `server 127.0.0.1:${otsdPort};`)
    .replace(/\/etc\/letsencrypt\/live\/calendar\.example\.org\/fullchain\.pem/, join(dir, 'cert.pem'))
    .replace(/\/etc\/letsencrypt\/live\/calendar\.example\.org\/privkey\.pem/, join(dir, 'key.pem'))
    .replace(/listen \[::\]:[^\n]*\n/g, '')
    .replace('listen 80;', `listen 127.0.0.1:${http};`)
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${https} ssl http2;`);
  writeFileSync(join(dir, 'otsd.conf'), conf);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;\nmaster_process off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log;\nevents {}\n` +
      `http {\n access_log off;\n client_body_temp_path ${dir}/tmp/body;\n proxy_temp_path ${dir}/tmp/proxy;\n` +
      ` include ${dir}/otsd.conf;\n}\n`,
  );
  const child: ChildProcess = spawn(NGINX!, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  // nginx prints nothing when ready: try the port, bounded (about 5 s).
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) assert.fail(`nginx exited: ${stderr}`);
    try {
      await get(https, '/ready');
      return { https, http };
    } catch (err) {
      if (i >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return call(port, 'GET', path, headers);
}

function post(port: number, path: string, body: Uint8Array): Promise<Answer> {
  return call(port, 'POST', path, { 'content-type': 'application/octet-stream' }, body);
}

/** One HTTPS request to the proxy; the certificate is self-signed, so it is not checked. */
function call(port: number, method: string, path: string, headers: Record<string, string>, body?: Uint8Array): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, rejectUnauthorized: false, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
