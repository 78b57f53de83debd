// GET /mirror/stats (JSON) and GET /mirror/metrics (Prometheus, own registry) of a mirror server: how far
// behind its upstream it is (beyond SPEC §9; the reference's otsd-backup reports nothing).
import type { FastifyPluginAsync } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { CACHE } from '../plain.js';

/** The figures a mirror reports (the calendar area's Mirror.status() satisfies it). */
export interface MirrorStatusSource {
  /** Current lag and counters. */
  status(): {
    nextChunk: number;
    commitments: number;
    chunksBehind: number | null;
    commitmentsBehind: number | null;
    secondsSinceLastSync: number | null;
    caughtUp: boolean;
    chunksStored: number;
    rejectedChunks: number;
    failedFetches: number;
    verifiedAttestations: number;
    unverifiedAttestations: number;
  };
}

/** Options of the mirror status route group. */
export interface MirrorStatusRouteOptions {
  mirror: MirrorStatusSource;
}

/** Prefix of the mirror's metrics, apart from the calendar's otsd_*. */
export const MIRROR_METRIC_PREFIX = 'otsd_mirror_';

/** Registers GET /mirror/stats and GET /mirror/metrics. */
export const mirrorStatusRoute: FastifyPluginAsync<MirrorStatusRouteOptions> = async (app, opts) => {
  const registry = mirrorRegistry(opts.mirror);
  app.get('/mirror/stats', async (_req, reply) => reply.header('cache-control', CACHE.noStore).send(opts.mirror.status()));
  app.get('/mirror/metrics', async (_req, reply) =>
    reply.header('cache-control', CACHE.noStore).type(registry.contentType).send(await registry.metrics()),
  );
};

/** One gauge per figure, read from the mirror at scrape time; -1 stands for "unknown" (Python upstream). */
function mirrorRegistry(mirror: MirrorStatusSource): Registry {
  const registry = new Registry();
  const figures: [string, string, (s: ReturnType<MirrorStatusSource['status']>) => number][] = [
    ['next_chunk', 'next backup chunk to fetch', (s) => s.nextChunk],
    ['commitments', 'commitments mirrored', (s) => s.commitments],
    ['chunks_behind', 'complete chunks the upstream has that the mirror lacks (-1: unknown)', (s) => s.chunksBehind ?? -1],
    ['commitments_behind', 'upstream journal records not mirrored yet, stamped or not (-1: unknown)', (s) => s.commitmentsBehind ?? -1],
    ['seconds_since_sync', 'seconds since the mirror last stored a chunk or found itself caught up (-1: never)', (s) => s.secondsSinceLastSync ?? -1],
    ['caught_up', '1 when the last poll found no new complete chunk', (s) => (s.caughtUp ? 1 : 0)],
    ['chunks_stored_total', 'chunks stored by this process', (s) => s.chunksStored],
    ['rejected_chunks_total', 'chunks refused as truncated, incomplete or tampered', (s) => s.rejectedChunks],
    ['failed_fetches_total', 'chunk downloads that failed', (s) => s.failedFetches],
    ['verified_attestations_total', 'Bitcoin attestations checked against a block header', (s) => s.verifiedAttestations],
    ['unverified_attestations_total', 'Bitcoin attestations stored unchecked (no Bitcoin node configured)', (s) => s.unverifiedAttestations],
  ];
  for (const [name, help, read] of figures) {
    new Gauge({
      name: MIRROR_METRIC_PREFIX + name,
      help,
      registers: [registry],
      collect() {
        this.set(read(mirror.status()));
      },
    });
  }
  return registry;
}
