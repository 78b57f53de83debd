// Interop (issue #4 tests): independent OpenTimestamps implementations read our POST /digest answers —
// the `opentimestamps` npm package, and Debian's python3-opentimestamps when installed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenTimestamps from 'opentimestamps';
import { concatBytes, HEADER_MAGIC, MAJOR_VERSION, toHex } from '../../src/core/index.js';
import { openTestCalendar, startTestServer, suiteScope, TEST_CALENDAR_URI } from '../support/calendar-server.js';
import { tempDir } from '../support/temp.js';

const PYTHON = '/usr/bin/python3';
const SHA256_TAG = 0x08;

/** A detached .ots file around the server's bare answer, bytes as served (not re-serialized). */
function otsFile(digest: Uint8Array, answer: Uint8Array): Uint8Array {
  return concatBytes(HEADER_MAGIC, Uint8Array.of(MAJOR_VERSION, SHA256_TAG), digest, answer);
}

function pythonSkip(): string | false {
  if (!existsSync(PYTHON)) return `${PYTHON} not found; skipped`;
  try {
    execFileSync(PYTHON, ['-c', 'import opentimestamps'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3-opentimestamps is not installed (apt-get install python3-opentimestamps); skipped';
  }
}

describe('independent readers of POST /digest answers', () => {
  const scope = suiteScope(after);
  const answers: { digest: Uint8Array; body: Uint8Array }[] = [];
  before(async () => {
    const calendar = await openTestCalendar(scope);
    const { base } = await startTestServer(scope, calendar);
    // Several in one round, so the answers carry merkle paths, not just the single-leaf case.
    const digests = Array.from({ length: 5 }, (_, i) => createHash('sha256').update(`file ${i}`).digest());
    const bodies = await Promise.all(
      digests.map(async (digest) => {
        const res = await fetch(`${base}/digest`, { method: 'POST', body: digest });
        assert.equal(res.status, 200);
        return new Uint8Array(await res.arrayBuffer());
      }),
    );
    digests.forEach((digest, i) => answers.push({ digest, body: bodies[i]! }));
  });

  it('the opentimestamps npm package parses each answer and shows our pending attestation', () => {
    for (const { digest, body } of answers) {
      const detached = OpenTimestamps.DetachedTimestampFile.deserialize(otsFile(digest, body));
      const info = OpenTimestamps.info(detached);
      assert.ok(info.includes(`File sha256 hash: ${toHex(digest)}`), info);
      assert.match(info, /PendingAttestation/);
      assert.ok(info.includes(TEST_CALENDAR_URI), info);
    }
  });

  it('python3-opentimestamps parses each answer, re-serializes it identically and finds our URI', { skip: pythonSkip() }, (t) => {
    const dir = tempDir(t);
    const files = answers.map(({ digest, body }, i) => {
      const path = join(dir, `${i}.ots`);
      writeFileSync(path, otsFile(digest, body));
      return path;
    });
    const script = [
      'import sys',
      'from opentimestamps.core.timestamp import DetachedTimestampFile',
      'from opentimestamps.core.serialize import BytesDeserializationContext, BytesSerializationContext',
      'from opentimestamps.core.notary import PendingAttestation',
      'for path in sys.argv[1:]:',
      '    data = open(path, "rb").read()',
      '    d = DetachedTimestampFile.deserialize(BytesDeserializationContext(data))',
      '    out = BytesSerializationContext(); d.serialize(out)',
      '    assert out.getbytes() == data, "not canonical"',
      '    uris = [a.uri for _, a in d.timestamp.all_attestations() if isinstance(a, PendingAttestation)]',
      '    print(d.file_digest.hex(), ",".join(uris))',
    ].join('\n');
    const out = execFileSync(PYTHON, ['-c', script, ...files], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(
      out,
      answers.map(({ digest }) => `${toHex(digest)} ${TEST_CALENDAR_URI}`),
    );
  });
});
