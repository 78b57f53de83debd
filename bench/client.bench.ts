// Client hot paths (issue #6): hashing a large file (streamed, constant memory) and stamping many files
// with one request per calendar against a loopback test calendar, each next to the `opentimestamps` npm
// package doing the same work (ratio > 1 means ours is faster). Run: npm run bench client
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { hashFile, stampDigests } from '../src/client/index.js';
import { startTestCalendar } from '../src/client/testing-servers.js';
import { once } from './harness.js';

/** The slice of the untyped npm package used here. */
interface JsDetached {
  timestamp: unknown;
}
const Js = createRequire(import.meta.url)('opentimestamps') as {
  DetachedTimestampFile: { fromBytes(op: unknown, bytes: Uint8Array): JsDetached; fromHash(op: unknown, digest: Uint8Array): JsDetached };
  Ops: { OpSHA256: new () => unknown };
  stamp(detached: JsDetached[], options: { calendars: string[]; m: number }): Promise<void>;
};

const FILE_MB = 256;
const SMALL_MB = 16;
const FILES = 1000;
const dir = mkdtempSync(join(tmpdir(), 'ots-bench-client-'));
try {
  const file = join(dir, 'big.bin');
  writeFileSync(file, Buffer.alloc(FILE_MB << 20, 0xa5));
  await hashFile(file); // warm-up: page cache and JIT
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  await hashFile(file);
  const streamedMs = performance.now() - t0;
  const rssGrowth = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  console.log(`${`hash ${FILE_MB} MiB file, streamed (ours)`.padEnd(48)} ${streamedMs.toFixed(0).padStart(12)} ms  ${(FILE_MB / (streamedMs / 1000)).toFixed(0)} MiB/s, rss +${Math.max(0, rssGrowth).toFixed(0)} MiB`);
  // The npm package reads the whole file into a JS array of numbers: 256 MiB exceeds its array limit,
  // so the comparison uses a 16 MiB file for both.
  const small = join(dir, 'small.bin');
  writeFileSync(small, Buffer.alloc(SMALL_MB << 20, 0xa5));
  const s1 = performance.now();
  await hashFile(small);
  const oursSmall = performance.now() - s1;
  const bytes = readFileSync(small);
  const theirs = once(`hash ${SMALL_MB} MiB (opentimestamps npm, in memory)`, () => Js.DetachedTimestampFile.fromBytes(new Js.Ops.OpSHA256(), bytes));
  console.log(`${`hash ${SMALL_MB} MiB (ours, streamed)`.padEnd(48)} ${oursSmall.toFixed(0).padStart(12)} ms`);
  console.log(`  ratio ours / opentimestamps npm, hash ${SMALL_MB} MiB: ${(theirs.ms / oursSmall).toFixed(1)}x`);

  const cal = await startTestCalendar();
  const digests = Array.from({ length: FILES }, (_, i) => sha256(Buffer.from(`file ${i}`)));
  const s0 = performance.now();
  await stampDigests(digests.map((digest) => ({ fileHashOp: 'sha256' as const, digest })), { calendars: [cal.url] });
  const oursStamp = performance.now() - s0;
  console.log(`${`stamp ${FILES} digests, 1 loopback calendar (ours)`.padEnd(48)} ${oursStamp.toFixed(0).padStart(12)} ms  (${cal.commitments.length} request)`);
  const j0 = performance.now();
  await Js.stamp(
    digests.map((d) => Js.DetachedTimestampFile.fromHash(new Js.Ops.OpSHA256(), d)),
    { calendars: [cal.url], m: 1 },
  );
  const theirsStamp = performance.now() - j0;
  console.log(`${`stamp ${FILES} digests (opentimestamps npm)`.padEnd(48)} ${theirsStamp.toFixed(0).padStart(12)} ms`);
  console.log(`  ratio ours / opentimestamps npm, stamp ${FILES}: ${(theirsStamp / oursStamp).toFixed(2)}x`);
  await cal.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
