// Aggregation rounds (SPEC §5.1, §6): building a round of 10k / 100k responses in memory, a whole round
// through the Calendar (build + journal datasync), and the memory of 1,000,000 pending commitments.
// Run: node --expose-gc --import tsx bench/aggregator.bench.ts
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Calendar, commitRound, initCalendarDir, MacChecker, NoncePool, PendingSet, RoundBatch } from '../src/calendar/index.js';

const exposedGc = (globalThis as { gc?: () => void }).gc;
const gc = exposedGc ?? (() => undefined);
const macs = new MacChecker(new Uint8Array(32).fill(1));
const uri = 'https://alice.btc.calendar.opentimestamps.org';

console.log(`aggregator — node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}`);

// Memory first, while the heap is still quiet.
const N = 1_000_000;
const commitment = (i: number) => {
  const c = new Uint8Array(44);
  const view = new DataView(c.buffer);
  view.setUint32(0, 1_700_000_000 + (i >> 4));
  view.setUint32(4, Math.imul(i + 1, 2654435761));
  view.setUint32(8, i);
  return c;
};
const used = () => {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
};
{
  const before = used();
  const set = new PendingSet();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) set.add(commitment(i), i);
  const addMs = performance.now() - t0;
  const t1 = performance.now();
  let hits = 0;
  for (let i = 0; i < N; i++) if (set.has(commitment(i))) hits++;
  const hasMs = performance.now() - t1;
  const after = used();
  const mb = (after.heap - before.heap + after.buffers - before.buffers) / 1e6;
  console.log(
    `PendingSet 1M commitments: ${mb.toFixed(1)} MB (backing arrays ${(set.byteSize / 1e6).toFixed(1)} MB), add ${((addMs * 1000) / N).toFixed(2)} µs, has ${((hasMs * 1000) / N).toFixed(2)} µs (${hits} hits)`,
  );
}
{
  // The obvious alternative, for comparison: a Set of latin1 strings (heap only).
  const before = used();
  const set = new Set<string>();
  for (let i = 0; i < N; i++) set.add(Buffer.from(commitment(i)).toString('latin1'));
  const after = used();
  console.log(`for comparison, Set<latin1 string> 1M: ${((after.heap - before.heap) / 1e6).toFixed(1)} MB heap (${set.size})`);
}

for (const n of [10_000, 100_000]) {
  const digests = Array.from({ length: n }, () => new Uint8Array(randomBytes(32)));
  const pool = new NoncePool();
  const fill = () => {
    const batch = new RoundBatch();
    for (const d of digests) batch.add(d, pool.next());
    return batch;
  };
  for (let i = 0; i < 3; i++) commitRound(fill(), 1_700_000_000 + i, macs, uri);
  const runs = n >= 100_000 ? 5 : 20;
  const addMs: number[] = [];
  const roundMs: number[] = [];
  const roundCpuMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const batch = fill();
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    commitRound(batch, 1_700_000_100 + i, macs, uri);
    const c = process.cpuUsage(c1);
    roundMs.push(performance.now() - t1);
    roundCpuMs.push((c.user + c.system) / 1000);
    addMs.push(t1 - t0);
  }
  const p50 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  // CPU time as well as wall time: on a shared machine the wall clock also counts other processes.
  console.log(
    `round n=${n}: commitRound (tree + commitment + all responses) p50 ${p50(roundMs).toFixed(1)} ms wall, ${p50(roundCpuMs).toFixed(1)} ms CPU; ` +
      `nonce + leaf hash at submit ${((p50(addMs) * 1000) / n).toFixed(2)} µs/digest; ` +
      `${((n / (p50(roundMs) + p50(addMs))) * 1000).toFixed(0)} digests/s of calendar work`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'ots-bench-agg-'));
try {
  await initCalendarDir(dir, { uri });
  const calendar = await Calendar.open({ dir, logger: pino({ level: 'silent' }), roundMs: 50 });
  for (const n of [10_000, 100_000]) {
    const digests = Array.from({ length: n }, () => new Uint8Array(randomBytes(32)));
    const t0 = performance.now();
    await Promise.all(digests.map((d) => calendar.submit(d)));
    const wall = performance.now() - t0;
    const s = calendar.stats();
    console.log(
      `Calendar round n=${n}: submit→all answered ${wall.toFixed(1)} ms (incl. ≤50 ms wait for the round), round build+fsync ${s.lastRoundMs.toFixed(1)} ms, fsync ${s.lastFsyncMs.toFixed(1)} ms`,
    );
  }
  await calendar.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (!exposedGc) console.log('(run with node --expose-gc for steadier memory figures)');
