// Interop: proofs our client writes are read (and their Bitcoin attestations verified) by the npm
// `opentimestamps` package and by python-opentimestamps (Debian python3-opentimestamps); proofs they
// write — the real-world corpus and one built by the npm package here — are read by ours.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, it, type TestContext } from 'node:test';
import { equalBytes, readProof, toHex } from '../../src/core/index.js';
import { makeWhitelist, readProofFile, replaceProofFile, stampFiles, upgradeTimestamp } from '../../src/client/index.js';
import { startTestCalendar, startTestEsplora, testChain } from '../../src/client/testing-servers.js';
import { SHARED_SKIP, sharedPath } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

/** The slice of the untyped npm `opentimestamps` package (CommonJS, no .d.ts) this test uses. */
interface JsTimestamp {
  attestations: unknown[];
  add(op: unknown): JsTimestamp;
  allAttestations(): Map<number[], unknown>;
}
interface JsDetached {
  timestamp: JsTimestamp;
  fileDigest(): number[];
  serializeToBytes(): number[];
}
type Ctor<T = unknown> = new (...args: never[]) => T;
const OpenTimestamps = createRequire(import.meta.url)('opentimestamps') as {
  DetachedTimestampFile: { deserialize(bytes: Uint8Array): JsDetached; fromHash(op: unknown, digest: number[]): JsDetached };
  Ops: { OpSHA256: Ctor; OpAppend: new (arg: number[]) => unknown };
  Notary: { PendingAttestation: new (uri: string) => unknown; BitcoinBlockHeaderAttestation: Ctor };
  info(detached: JsDetached): string;
  verifyAttestation(attestation: unknown, msg: number[], options: object): Promise<{ height: number }>;
};

const PYTHON = '/usr/bin/python3';
const hasPython = spawnSync(PYTHON, ['-c', 'import opentimestamps.core.timestamp'], { stdio: 'ignore' }).status === 0;
const PYTHON_SKIP = hasPython ? false : 'python3-opentimestamps not installed (apt-get install -y python3-opentimestamps); skipped';

/** Reads .ots files with the reference library; verifies Bitcoin attestations against given headers. */
const PY_READER = `
import json, sys
from opentimestamps.core.timestamp import DetachedTimestampFile
from opentimestamps.core.serialize import BytesDeserializationContext, BytesSerializationContext
from opentimestamps.core.notary import PendingAttestation, BitcoinBlockHeaderAttestation
req = json.load(sys.stdin)
headers = {int(h): bytes.fromhex(x) for h, x in req.get('headers', {}).items()}
out = []
for path in req['files']:
    r = {'file': path}
    try:
        ctx = BytesDeserializationContext(open(path, 'rb').read())
        d = DetachedTimestampFile.deserialize(ctx)
        ctx.assert_eof()
        r.update(ok=True, digest=d.file_digest.hex(), hashOp=d.file_hash_op.TAG_NAME, attestations=[], verified=[])
        for msg, a in d.timestamp.all_attestations():
            if isinstance(a, PendingAttestation):
                r['attestations'].append(['pending', a.uri, msg.hex()])
            elif isinstance(a, BitcoinBlockHeaderAttestation):
                r['attestations'].append(['bitcoin', str(a.height), msg.hex()])
                if a.height in headers:
                    from bitcoin.core import CBlockHeader
                    r['verified'].append([a.height, a.verify_against_blockheader(msg, CBlockHeader.deserialize(headers[a.height]))])
            else:
                r['attestations'].append([type(a).__name__, '', msg.hex()])
        w = BytesSerializationContext()
        d.serialize(w)
        r['reserialized'] = w.getbytes().hex()
    except Exception as e:
        r.update(ok=False, error=type(e).__name__)
    out.append(r)
json.dump(out, sys.stdout)
`;

interface PyResult {
  file: string;
  ok: boolean;
  error?: string;
  digest?: string;
  hashOp?: string;
  attestations?: [string, string, string][];
  verified?: [number, number][];
  reserialized?: string;
}

function pythonRead(files: string[], headers: Record<number, string> = {}): PyResult[] {
  const run = spawnSync(PYTHON, ['-c', PY_READER], { input: JSON.stringify({ files, headers }), encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as PyResult[];
}

/** Our proofs: two files stamped together on a loopback calendar; a.txt upgraded to block 100. */
async function ourProofs(t: TestContext) {
  const dir = tempDir(t, 'ots-interop-');
  const cal = await startTestCalendar();
  t.after(() => cal.close());
  const chain = testChain();
  const esplora = await startTestEsplora(chain);
  t.after(() => esplora.close());
  for (const n of ['a', 'b']) writeFileSync(join(dir, `${n}.txt`), `interop ${n}\n`);
  const [a, b] = await stampFiles([join(dir, 'a.txt'), join(dir, 'b.txt')], { calendars: [cal.url] });
  cal.complete(chain, 100);
  const proof = await readProofFile(a!);
  await upgradeTimestamp(proof.timestamp, { whitelist: makeWhitelist([cal.url], false) });
  await replaceProofFile(a!, proof, false);
  return { complete: a!, pending: b!, chain, esplora };
}

function ourAttestations(bytes: Uint8Array): [string, string, string][] {
  return [...readProof(bytes).timestamp.allAttestations()]
    .map(({ msg, attestation: a }): [string, string, string] => [
      a.type,
      a.type === 'pending' ? a.uri : 'height' in a ? a.height.toString() : '',
      toHex(msg),
    ])
    .sort();
}

describe('npm opentimestamps reads our proofs', () => {
  it('deserializes them to the same bytes and the same digest, and verifies the Bitcoin attestation', async (t) => {
    const { complete, pending, esplora } = await ourProofs(t);
    for (const file of [complete, pending]) {
      const bytes = readFileSync(file);
      const detached = OpenTimestamps.DetachedTimestampFile.deserialize(bytes);
      assert.ok(equalBytes(Uint8Array.from(detached.serializeToBytes()), bytes), 'canonical bytes agree');
      assert.equal(toHex(Uint8Array.from(detached.fileDigest())), toHex(readProof(bytes).timestamp.msg));
      assert.match(OpenTimestamps.info(detached), /^File sha256 hash: /);
    }
    const detached = OpenTimestamps.DetachedTimestampFile.deserialize(readFileSync(complete));
    const found: Promise<{ height: number }>[] = [];
    detached.timestamp.allAttestations().forEach((attestation: unknown, msg: number[]) => {
      if (attestation instanceof OpenTimestamps.Notary.BitcoinBlockHeaderAttestation) {
        found.push(OpenTimestamps.verifyAttestation(attestation, msg, { ignoreBitcoinNode: true, url: esplora.url, timeout: 5000 }));
      }
    });
    assert.equal(found.length, 1);
    assert.equal((await found[0]!).height, 100);
  });
});

describe('python-opentimestamps reads our proofs', { skip: PYTHON_SKIP }, () => {
  it('parses the same tree, re-serializes the same bytes and verifies against the block header', async (t) => {
    const { complete, pending, chain } = await ourProofs(t);
    const [c, p] = pythonRead([complete, pending], { 100: toHex(chain.headers.get(100)!) });
    for (const [r, file] of [[c!, complete], [p!, pending]] as const) {
      const bytes = readFileSync(file);
      assert.equal(r.ok, true, r.error);
      assert.equal(r.reserialized, toHex(bytes));
      assert.equal(r.digest, toHex(readProof(bytes).timestamp.msg));
      assert.deepEqual(r.attestations?.sort(), ourAttestations(bytes));
    }
    assert.deepEqual(c!.verified, [[100, 1_700_000_000 + 100 * 600]]);
  });
});

describe('our reader on proofs others wrote', { skip: SHARED_SKIP }, () => {
  const corpus: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ots')) corpus.push(p);
    }
  };
  if (!SHARED_SKIP) walk(sharedPath('real-ots', 'files'));

  it('accepts and rejects the same real-world files as python-opentimestamps, with the same digests', { skip: PYTHON_SKIP }, () => {
    const py = pythonRead(corpus);
    let accepted = 0;
    for (const r of py) {
      let ours: ReturnType<typeof readProof> | undefined;
      try {
        ours = readProof(readFileSync(r.file));
      } catch {
        ours = undefined;
      }
      assert.equal(ours !== undefined, r.ok, `${r.file}: python ${r.ok ? 'accepts' : `rejects (${r.error})`}`);
      if (!ours) continue;
      accepted++;
      assert.equal(toHex(ours.timestamp.msg), r.digest, r.file);
      assert.equal(ours.fileHashOp, r.hashOp, r.file);
      assert.equal([...ours.timestamp.allAttestations()].length, r.attestations?.length, r.file);
    }
    assert.ok(accepted > 50, `most of the corpus parses (${accepted}/${corpus.length})`);
  });

  it('reads what the npm package reads, with the same digest', () => {
    for (const file of corpus) {
      let theirs: JsDetached;
      try {
        theirs = OpenTimestamps.DetachedTimestampFile.deserialize(readFileSync(file));
      } catch {
        continue;
      }
      let digest: string;
      try {
        digest = toHex(readProof(readFileSync(file)).timestamp.msg);
      } catch (err) {
        // the npm package is laxer than the reference (e.g. trailing bytes); only such files may differ
        assert.ok(err instanceof Error && 'code' in err, `${file}: ${String(err)}`);
        continue;
      }
      assert.equal(digest, toHex(Uint8Array.from(theirs.fileDigest())), file);
    }
  });

  it('reads a proof the npm package builds from a digest and ops', () => {
    const { DetachedTimestampFile, Ops, Notary } = OpenTimestamps;
    const digest = Array.from({ length: 32 }, (_, i) => i);
    const detached = DetachedTimestampFile.fromHash(new Ops.OpSHA256(), digest);
    const leaf = detached.timestamp.add(new Ops.OpAppend(Array.from({ length: 16 }, () => 7))).add(new Ops.OpSHA256());
    leaf.attestations.push(new Notary.PendingAttestation('https://alice.btc.calendar.opentimestamps.org'));
    const ours = readProof(Uint8Array.from(detached.serializeToBytes()));
    assert.deepEqual([...ours.timestamp.msg], digest);
    assert.deepEqual(ourAttestations(Uint8Array.from(detached.serializeToBytes())).map((a) => a.slice(0, 2)), [
      ['pending', 'https://alice.btc.calendar.opentimestamps.org'],
    ]);
  });
});
