// `otsd mirror` as an operator runs it: follows an upstream, serves GET /timestamp and its lag,
// stops on SIGTERM, and refuses a directory another mirror holds in one line with exit code 2.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Mirror } from '../../src/calendar/index.js';
import { toHex } from '../../src/core/index.js';
import { startOtsd, type OtsdChild } from '../support/otsd-process.js';
import { tempDir } from '../support/temp.js';
import { startUpstream, TestChain } from './mirror-support.js';

/** Resolves once the child's stdout matches `re` (rejects if it exits first). */
function waitFor(p: OtsdChild, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = re.exec(p.stdout());
      if (m) {
        p.child.stdout!.off('data', check);
        resolve(m);
      }
    };
    p.child.stdout!.on('data', check);
    void p.exited.then((code) => reject(new Error(`otsd exited with ${code}: ${p.stderr()}`)));
    check();
  });
}

describe('otsd mirror', () => {
  it('follows an upstream and serves its proofs and lag until SIGTERM', async (t) => {
    const chain = new TestChain();
    const up = await startUpstream(t, { chunkSize: 4, chain });
    const stamped = await up.addStamped(4, 800_200);
    const dir = tempDir(t, 'ots-mirror-');
    const p = startOtsd(t, ['mirror', '--upstream', up.base, '-c', dir, '--rpc-port', '0', '--rpc-address', '127.0.0.1', '--chunk-size', '4', '--poll-seconds', '1']);
    const port = Number((await waitFor(p, /"port":(\d+)[^\n]*"msg":"mirror listening"/))[1]);
    await waitFor(p, /"msg":"chunk mirrored"/);
    const url = `/timestamp/${toHex(stamped[0]!)}`;
    const [a, b] = await Promise.all([up.app.inject({ method: 'GET', url }), fetch(`http://127.0.0.1:${port}${url}`)]);
    assert.equal(b.status, 200);
    assert.equal(Buffer.from(await b.arrayBuffer()).toString('hex'), a.rawPayload.toString('hex'));
    const stats = (await (await fetch(`http://127.0.0.1:${port}/mirror/stats`)).json()) as { nextChunk: number; verifiesAttestations: boolean };
    assert.equal(stats.nextChunk, 1);
    assert.equal(stats.verifiesAttestations, false);
    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0);
  });

  it('says in one line that the store is locked and exits with 2', async (t) => {
    const dir = tempDir(t, 'ots-mirror-');
    const holder = await Mirror.open({ dir, upstream: 'http://127.0.0.1:9', logger: pino({ level: 'silent' }) });
    t.after(() => holder.close());
    const p = startOtsd(t, ['mirror', '--upstream', 'http://127.0.0.1:9', '-c', dir, '--rpc-port', '0']);
    assert.equal(await p.exited, 2);
    const lines = p.stderr().trim().split('\n');
    assert.equal(lines.length, 1, p.stderr());
    assert.match(lines[0]!, /OTS_ERR_STORE_LOCKED/);
    assert.doesNotMatch(lines[0]!, /delete|remove/i);
  });
});
