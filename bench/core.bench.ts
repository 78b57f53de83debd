// Protocol core hot paths (SPEC §4, §5): parse and serialize of large proofs (a synthetic one with
// thousands of branches and the largest real-world proof) and the calendar merkle tree at 1,000,000
// leaves (root only, and root plus every leaf's path). Run: npm run bench:core
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bitcoinAttestation,
  encodeIdx,
  makeMerkleTree,
  merklePaths,
  merkleRoot,
  newProof,
  ops,
  pendingAttestation,
  readProof,
  Timestamp,
  writeProof,
} from '../src/core/index.js';
import OpenTimestamps from 'opentimestamps';
import { blackhole, fmt, measure, once } from './harness.js';

/**
 * The same work with the `opentimestamps` npm package (0.4.9, the JavaScript port of the reference;
 * a devDependency), printed as a ratio: >1 means ours is faster.
 */
function compareWithJsPort(label: string, bytes: Uint8Array, oursOpsPerSec: number): void {
  const theirs = measure(`  parse (opentimestamps npm) ${label}`, () => OpenTimestamps.DetachedTimestampFile.deserialize(bytes), {
    bytes: bytes.length,
  });
  console.log(`  ratio ours / opentimestamps npm, parse ${label}: ${(oursOpsPerSec / theirs.opsPerSec).toFixed(2)}x`);
}

/** The reference library's own parse and serialize loop, timed inside Python (python3-opentimestamps). */
const PYTHON_TIMER = `
import io, sys, time
from opentimestamps.core.timestamp import DetachedTimestampFile
from opentimestamps.core.serialize import StreamDeserializationContext, BytesSerializationContext
data = open(sys.argv[1], 'rb').read()
min_s = float(sys.argv[2]) / 1000
parse = lambda: DetachedTimestampFile.deserialize(StreamDeserializationContext(io.BytesIO(data)))
def rate(fn):
    fn()
    n, t0 = 0, time.perf_counter()
    while True:
        fn(); n += 1
        if time.perf_counter() - t0 >= min_s: return n / (time.perf_counter() - t0)
d = parse()
def ser():
    ctx = BytesSerializationContext(); d.serialize(ctx); return ctx.getbytes()
print(rate(parse), rate(ser))
`;

/**
 * The same bytes parsed and serialized by the reference Python library, if installed (Debian
 * python3-opentimestamps; .ci installs it). Printed as ratios: >1 means ours is faster.
 */
function compareWithReference(label: string, bytes: Uint8Array, ours: { parse: number; serialize: number }): void {
  const dir = mkdtempSync(join(tmpdir(), 'ots-bench-'));
  try {
    const file = join(dir, 'proof.ots');
    writeFileSync(file, bytes);
    const run = spawnSync('/usr/bin/python3', ['-c', PYTHON_TIMER, file, '1500'], { encoding: 'utf8' });
    if (run.status !== 0) {
      console.log(`  reference (python-opentimestamps) ${label}: skipped (${(run.stderr || String(run.error)).trim().split('\n').pop()})`);
      return;
    }
    const [parse, serialize] = run.stdout.trim().split(' ').map(Number) as [number, number];
    console.log(`  parse (python reference) ${label}`.padEnd(48) + ` ${fmt(parse).padStart(12)} ops/s   ratio ours/reference ${(ours.parse / parse).toFixed(1)}x`);
    console.log(`  serialize (python reference) ${label}`.padEnd(48) + ` ${fmt(serialize).padStart(12)} ops/s   ratio ours/reference ${(ours.serialize / serialize).toFixed(1)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`core — node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}`);

/** Deterministic 32-byte leaves (xorshift), so runs compare. */
function leaves(n: number, seed = 0x9e3779b9): Uint8Array[] {
  const out: Uint8Array[] = new Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    const b = new Uint8Array(32);
    for (let j = 0; j < 32; j += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b[j] = x;
      b[j + 1] = x >>> 8;
      b[j + 2] = x >>> 16;
      b[j + 3] = x >>> 24;
    }
    out[i] = b;
  }
  return out;
}

/**
 * A proof shaped like a client's multi-file stamp answered by a calendar: the file digest forks into
 * `branches` nonce branches, each joined by a merkle tree, then per calendar a commitment with a pending
 * attestation and, for one calendar, a Bitcoin path. Thousands of nodes, all ops evaluated on parse.
 */
function bigProof(branches: number): Uint8Array {
  const proof = newProof('sha256', leaves(1, 7)[0]!);
  const tips = leaves(branches, 11).map((nonce) => proof.timestamp.add(ops.append(nonce.subarray(0, 16))).add(ops.sha256));
  const root = makeMerkleTree(tips);
  ['https://a.pool.opentimestamps.org', 'https://b.pool.opentimestamps.org', 'https://a.pool.eternitywall.com'].forEach((uri, i) => {
    const c = root.add(ops.prepend(encodeIdx(1_700_000_000 + i))).add(ops.append(Uint8Array.of(i + 1, 2, 3, 4, 5, 6, 7, 8)));
    c.addAttestation(pendingAttestation(uri));
    if (i === 0) {
      let n = c.add(ops.sha256);
      for (const sibling of leaves(12, 99)) n = n.add(ops.append(sibling)).add(ops.sha256).add(ops.sha256);
      n.addAttestation(bitcoinAttestation(800_000));
    }
  });
  return writeProof(proof);
}

/** The largest proof of the real-world corpus that parses, if ../shared is there. */
function largestRealProof(): { name: string; bytes: Uint8Array } | undefined {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'shared', 'real-ots', 'files');
  const dir = process.env.OTS_SHARED_DIR ? join(process.env.OTS_SHARED_DIR, 'real-ots', 'files') : root;
  if (!existsSync(dir)) return undefined;
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ots') ? [join(d, e.name)] : []));
  const parsable = walk(dir)
    .sort((a, b) => statSync(b).size - statSync(a).size)
    .find((f) => {
      try {
        readProof(readFileSync(f));
        return true;
      } catch {
        return false;
      }
    });
  return parsable ? { name: parsable.slice(dir.length + 1), bytes: new Uint8Array(readFileSync(parsable)) } : undefined;
}

// --- proofs (the small real one first, while the heap is still quiet)
const real = largestRealProof();
if (real) {
  const proof = readProof(real.bytes);
  console.log(`largest real proof: ${real.name}, ${fmt(real.bytes.length)} bytes`);
  const ours = measure('  parse (readProof) real', () => readProof(real.bytes), { bytes: real.bytes.length });
  compareWithJsPort('real', real.bytes, ours.opsPerSec);
  const out = measure('  serialize (writeProof) real', () => writeProof(proof), { bytes: real.bytes.length });
  compareWithReference('real', real.bytes, { parse: ours.opsPerSec, serialize: out.opsPerSec });
} else {
  console.log('largest real proof: skipped (../shared/real-ots not found)');
}

for (const branches of [1_000, 5_000]) {
  const bytes = bigProof(branches);
  const proof = readProof(bytes);
  const nodes = [...proof.timestamp.nodes()].length;
  console.log(`synthetic proof: ${branches} branches, ${fmt(nodes)} nodes, ${fmt(bytes.length)} bytes`);
  const ours = measure(`  parse (readProof) ${branches} branches`, () => readProof(bytes), { bytes: bytes.length });
  if (branches === 1_000) compareWithJsPort(`${branches} branches`, bytes, ours.opsPerSec);
  const out = measure(`  serialize (writeProof) ${branches} branches`, () => writeProof(proof), { bytes: bytes.length });
  if (branches === 1_000) compareWithReference(`${branches} branches`, bytes, { parse: ours.opsPerSec, serialize: out.opsPerSec });
}
// --- merkle trees
{
  const small = leaves(10_000);
  measure('merkleRoot 10,000 leaves', () => merkleRoot(small), { minMs: 1000 });
  measure('merklePaths 10,000 leaves', () => merklePaths(small), { minMs: 1000 });
  measure('makeMerkleTree 10,000 leaves (Timestamp nodes)', () => makeMerkleTree(small.map((l) => new Timestamp(l))), { minMs: 1000 });

  const N = 1_000_000;
  const big = leaves(N);
  for (let i = 0; i < 2; i++) {
    const { ms } = once(`merkleRoot 1,000,000 leaves (run ${i + 1})`, () => merkleRoot(big));
    console.log(`${''.padEnd(48)} ${fmt((N * 1000) / ms).padStart(12)} leaves/s`);
  }
  const { result, ms } = once('merklePaths 1,000,000 leaves', () => merklePaths(big));
  const opsTotal = result.paths.reduce((s, p) => s + p.length, 0);
  console.log(`${''.padEnd(48)} ${fmt((N * 1000) / ms).padStart(12)} leaves/s, ${fmt(opsTotal)} path ops`);
}
void blackhole;
