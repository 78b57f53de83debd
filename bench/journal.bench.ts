// Journal group commit (SPEC §8.1): rounds of N commitments appended with ONE write + datasync each.
// Run: node --import tsx bench/journal.bench.ts   (prints rounds/s and records/s per N)
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Journal, MacChecker } from '../src/calendar/index.js';

const SECONDS_PER_CASE = 2;
const key = new Uint8Array(32).fill(1);
const macs = new MacChecker(key);
const dir = mkdtempSync(join(tmpdir(), 'ots-bench-journal-'));

console.log(`journal append + datasync — node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, tmp ${tmpdir()}`);
try {
  for (const n of [1, 10, 100, 1000]) {
    const journal = await Journal.open(join(dir, `journal-${n}`), { hmacKey: key, logger: pino({ level: 'silent' }) });
    const records = Array.from({ length: n }, (_, i) => macs.commit(1_700_000_000 + i, new Uint8Array(32).fill(i & 0xff)));
    for (let i = 0; i < 5; i++) await journal.append(records); // warm-up
    const latencies: number[] = [];
    const start = performance.now();
    while (performance.now() - start < SECONDS_PER_CASE * 1000) {
      const t0 = performance.now();
      await journal.append(records);
      latencies.push(performance.now() - t0);
    }
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
    console.log(
      `N=${String(n).padStart(4)}  ${(latencies.length / seconds).toFixed(0).padStart(6)} rounds/s  ${((latencies.length * n) / seconds).toFixed(0).padStart(8)} records/s  p50 ${p(0.5)} ms  p99 ${p(0.99)} ms`,
    );
    await journal.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
