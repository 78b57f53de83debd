// Mirror full sync over loopback (SPEC §9.6): an upstream calendar process holding N stamped commitments
// serves its backup chunks; a mirror downloads, verifies and stores them all. Compared with the
// reference, which needs about ten seconds to build one chunk of 1000 commitments.
// Run: node --import tsx bench/mirror.bench.ts   (MIRROR_BENCH_COMMITMENTS=20000 for a quick run)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { BACKUP_CHUNK_SIZE, BackupExporter, CalendarStore, Journal, Mirror } from '../src/calendar/index.js';
import { buildServer, type CalendarApi } from '../src/server/index.js';
import { stampTrees } from '../test/e2e/mirror-support.js';

const N = Number(process.env.MIRROR_BENCH_COMMITMENTS ?? 1_000_000);
/** Commitments per Bitcoin transaction in the synthetic upstream (the stamper batches like this). */
const PER_TX = 1000;
const REFERENCE_MS_PER_CHUNK = 10_000;
const log = pino({ level: 'silent' });

/** Opens the upstream's journal and store (in this process or in the server child). */
async function openUpstream(dir: string) {
  const store = await CalendarStore.open(join(dir, 'db'), log);
  const journal = await Journal.open(join(dir, 'journal'), { hmacKey: new Uint8Array(32), logger: log });
  return { store, journal };
}

if (process.argv[2] === '--serve') {
  // Child: the upstream calendar's HTTP server, caching chunks in backup_cache/ like otsd run.
  const dir = process.argv[3]!;
  const { store, journal } = await openUpstream(dir);
  const calendar: CalendarApi = { uri: 'http://bench', submit: async () => new Uint8Array(0), submitWith: (_d, done) => done(undefined, new Uint8Array(0)), getTimestamp: async () => undefined, isPending: () => false, pendingCount: () => 0, stats: () => ({}) };
  const app = buildServer({ calendar, backup: new BackupExporter({ journal, store }, { cacheDir: join(dir, 'backup_cache') }), version: 'bench' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${(app.server.address() as { port: number }).port}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ots-bench-mirror-'));
  console.log(`mirror full sync — node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${N} commitments`);
  try {
    // Setup: journal of N random commitments, store of their complete trees (one "transaction" per 1000).
    let t0 = performance.now();
    const journalBytes = Buffer.alloc(N * 44);
    randomFillSync(journalBytes);
    writeFileSync(join(dir, 'journal'), journalBytes);
    const { store, journal } = await openUpstream(dir);
    for (let start = 0, height = 800_000; start < N; start += PER_TX, height++) {
      await store.add(stampTrees(await journal.readRange(start, PER_TX), height));
    }
    console.log(`setup: upstream filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // Upstream alone: building one chunk (uncached), the step the reference needs ~10 s for.
    const exporter = new BackupExporter({ journal, store });
    const builds: number[] = [];
    for (let n = 0; n < Math.min(20, exporter.chunkCount()); n++) {
      t0 = performance.now();
      await exporter.chunk(n);
      builds.push(performance.now() - t0);
    }
    builds.sort((a, b) => a - b);
    const p50 = builds[Math.floor(builds.length / 2)]!;
    console.log(`chunk build (1000 commitments, uncached): p50 ${p50.toFixed(1)} ms, max ${builds.at(-1)!.toFixed(1)} ms → ${(REFERENCE_MS_PER_CHUNK / p50).toFixed(0)}x the reference`);
    await journal.close();
    await store.close();

    // Full sync over loopback against the upstream in its own process, first cold (every chunk built
    // and cached on demand), then a second mirror against the now-cached chunks.
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
        child.once('exit', (code) => reject(new Error(`upstream exited with ${code}`)));
      });
      for (const run of ['cold', 'cached']) {
        const mirror = await Mirror.open({ dir: join(dir, `mirror-${run}`), upstream: `http://127.0.0.1:${port}`, logger: log });
        t0 = performance.now();
        const chunks = await mirror.syncOnce();
        const seconds = (performance.now() - t0) / 1000;
        const msPerChunk = (seconds * 1000) / chunks;
        console.log(
          `full sync (${run}): ${chunks} chunks, ${mirror.status().commitments} commitments in ${seconds.toFixed(1)} s → ` +
            `${(chunks / seconds).toFixed(1)} chunks/s, ${(mirror.status().commitments / seconds).toFixed(0)} commitments/s, ` +
            `${msPerChunk.toFixed(1)} ms/chunk → ${(REFERENCE_MS_PER_CHUNK / msPerChunk).toFixed(0)}x the reference's chunk time`,
        );
        await mirror.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
    if (N % BACKUP_CHUNK_SIZE !== 0) console.log(`note: the last ${N % BACKUP_CHUNK_SIZE} commitments do not fill a chunk and are not mirrored`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
