// A tiny measuring loop shared by the benchmarks: a warm-up, then repeated runs until a minimum time
// has passed; reports ops/s, mean latency and, when given the bytes per op, MB/s.

/** Results land here so the engine cannot drop the measured work as unused. */
export let blackhole: unknown;

/** One measured result. */
export interface Measurement {
  name: string;
  ops: number;
  ms: number;
  opsPerSec: number;
  mbPerSec?: number;
}

/** How long to warm up and measure; `bytes` is the input size per op, for MB/s. */
export interface MeasureOptions {
  warmupMs?: number;
  minMs?: number;
  bytes?: number;
}

/** Runs `fn` repeatedly (after a warm-up) and prints one line. `fn` returns something so it is not elided. */
export function measure(name: string, fn: () => unknown, opts: MeasureOptions = {}): Measurement {
  const { warmupMs = 300, minMs = 1500, bytes } = opts;
  for (let t0 = performance.now(); performance.now() - t0 < warmupMs; ) blackhole = fn();
  let ops = 0;
  const start = performance.now();
  let ms = 0;
  do {
    blackhole = fn();
    ops++;
    ms = performance.now() - start;
  } while (ms < minMs);
  const opsPerSec = (ops * 1000) / ms;
  const result: Measurement = { name, ops, ms, opsPerSec };
  if (bytes !== undefined) result.mbPerSec = (opsPerSec * bytes) / 1e6;
  console.log(
    `${name.padEnd(48)} ${fmt(opsPerSec).padStart(12)} ops/s  ${(ms / ops).toFixed(3).padStart(10)} ms/op` +
      (result.mbPerSec !== undefined ? `  ${result.mbPerSec.toFixed(1).padStart(8)} MB/s` : ''),
  );
  return result;
}

/** Times one run of `fn` (for work too large to repeat, e.g. a 1,000,000-leaf tree). */
export function once<T>(name: string, fn: () => T, extra = ''): { result: T; ms: number } {
  const start = performance.now();
  const result = fn();
  const ms = performance.now() - start;
  console.log(`${name.padEnd(48)} ${ms.toFixed(0).padStart(12)} ms${extra ? `  ${extra}` : ''}`);
  return { result, ms };
}

/** Thousands separators, no decimals above 100. */
export function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}
