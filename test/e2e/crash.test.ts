// Crash safety (issue #4 item 3): concurrent clients submit while otsd is SIGKILLed at random moments,
// then it restarts. Every digest that got 200 must still be journaled and answered as pending,
// never as "Not found", so the stamper will anchor it.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Timestamp, toHex } from '../../src/core/index.js';
import { openTestCalendar } from '../support/calendar-server.js';
import { runOtsd, startOtsd, waitListening } from '../support/otsd-process.js';
import { tempDir } from '../support/temp.js';

const CYCLES = 4;
const CLIENTS = 16;
const ROUND_MS = 50;

/** The commitment a pending proof attests: the message under its pending attestation. */
function commitmentOf(digest: Uint8Array, proof: Uint8Array): Uint8Array {
  const pending = [...Timestamp.fromBytes(proof, digest).allAttestations()].filter((a) => a.attestation.type === 'pending');
  assert.equal(pending.length, 1);
  return pending[0]!.msg;
}

describe('otsd under SIGKILL', () => {
  it('keeps every acknowledged digest pending across kills and restarts', async (t) => {
    const dir = join(tempDir(t), 'cal');
    assert.equal((await runOtsd(t, ['init', '-c', dir, '--uri', 'https://crash.example.org'])).code, 0);
    const args = ['--no-bitcoin', '-c', dir, '--rpc-port', '0', '--rpc-address', '127.0.0.1', '--round-ms', String(ROUND_MS)];
    const acknowledged: Uint8Array[] = [];

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const otsd = startOtsd(t, args);
      const port = await waitListening(otsd);
      let dead = false;
      const client = async () => {
        while (!dead) {
          const digest = randomBytes(32);
          try {
            const res = await fetch(`http://127.0.0.1:${port}/digest`, { method: 'POST', body: digest });
            const body = new Uint8Array(await res.arrayBuffer());
            // Only a complete 200 counts as acknowledged: that is the promise under test.
            if (res.status === 200) acknowledged.push(commitmentOf(digest, body));
          } catch {
            return; // the process is gone
          }
        }
      };
      const clients = Array.from({ length: CLIENTS }, client);
      // Kill at a random moment once some rounds have gone by (a whole number of rounds is not special).
      const before = acknowledged.length;
      const deadline = Date.now() + 20_000;
      while (acknowledged.length < before + CLIENTS) {
        if (Date.now() > deadline) throw new Error(`no acknowledgements in cycle ${cycle}: ${otsd.stderr()}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, randomInt(0, 400)));
      otsd.child.kill('SIGKILL');
      await otsd.exited;
      dead = true;
      await Promise.all(clients);
    }
    assert.ok(acknowledged.length >= CYCLES * CLIENTS);
    t.diagnostic(`${acknowledged.length} acknowledged digests across ${CYCLES} SIGKILLs`);

    // Restart: every acknowledged commitment answers as pending over HTTP.
    const last = startOtsd(t, args);
    const port = await waitListening(last);
    for (const commitment of acknowledged) {
      const res = await fetch(`http://127.0.0.1:${port}/timestamp/${toHex(commitment)}`);
      assert.equal(res.status, 404);
      assert.equal(await res.text(), 'Pending confirmation in Bitcoin blockchain', toHex(commitment));
    }
    last.child.kill('SIGTERM');
    assert.equal(await last.exited, 0);

    // And they are in the journal: a calendar opened on the directory lists them as pending.
    const calendar = await openTestCalendar(t, { dir });
    for (const commitment of acknowledged) assert.ok(calendar.isPending(commitment), toHex(commitment));
  });
});
