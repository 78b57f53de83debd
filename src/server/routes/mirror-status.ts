// GET /mirror/stats (JSON) and GET /mirror/metrics (Prometheus, own registry) of a mirror server: how far
// behind its upstream it is (beyond SPEC §9; the reference's otsd-backup reports nothing).
import type { FastifyPluginAsync } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { CACHE } from '../plain.js';

/** The figures a mirror reports (Mirror.status() or LogMirror.status() from the calendar area). */
export interface MirrorStatusSource {
  /** Current lag and counters: a flat object of numbers, booleans, strings and nulls. */
  status(): object;
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

/** One gauge per figure, read from the mirror at scrape time; -1 stands for "unknown" or "not this mode". */
function mirrorRegistry(mirror: MirrorStatusSource): Registry {
  const registry = new Registry();
  const figures: [string, string, string][] = [
    ['next_chunk', 'next backup chunk to fetch', 'nextChunk'],
    ['commitments', 'commitments mirrored', 'commitments'],
    ['chunks_behind', 'complete chunks the upstream has that the mirror lacks', 'chunksBehind'],
    ['commitments_behind', 'upstream journal records not mirrored yet, stamped or not', 'commitmentsBehind'],
    ['log_offset', 'bytes of the upstream replication log copied (log mode)', 'logOffset'],
    ['log_bytes_behind', 'bytes of the upstream replication log not copied yet (log mode)', 'logBytesBehind'],
    ['seconds_since_sync', 'seconds since the mirror last stored data or found itself caught up', 'secondsSinceLastSync'],
    ['caught_up', '1 when the last poll found nothing new', 'caughtUp'],
    ['chunks_stored_total', 'chunks stored by this process', 'chunksStored'],
    ['records_stored_total', 'log records stored by this process (log mode)', 'recordsStored'],
    ['rejected_chunks_total', 'chunks refused as truncated, incomplete or tampered', 'rejectedChunks'],
    ['rejected_answers_total', 'log answers refused as cut, rewritten or incomplete (log mode)', 'rejectedAnswers'],
    ['failed_fetches_total', 'downloads that failed', 'failedFetches'],
    ['verified_attestations_total', 'Bitcoin attestations checked against a block header', 'verifiedAttestations'],
    ['unverified_attestations_total', 'Bitcoin attestations stored unchecked (no Bitcoin node configured)', 'unverifiedAttestations'],
  ];
  for (const [name, help, field] of figures) {
    new Gauge({
      name: MIRROR_METRIC_PREFIX + name,
      help: `${help} (-1: unknown)`,
      registers: [registry],
      collect() {
        const value = (mirror.status() as Record<string, unknown>)[field];
        this.set(typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : -1);
      },
    });
  }
  return registry;
}
