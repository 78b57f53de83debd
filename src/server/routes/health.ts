// GET /health and GET /ready (beyond SPEC §9): liveness of the daemon's parts for load balancers.
import type { FastifyPluginAsync } from 'fastify';
import type { BitcoinApi, HealthReport } from '../calendar-api.js';
import { CACHE } from '../plain.js';

/** Options of the health route group. */
export interface HealthRouteOptions {
  bitcoin?: BitcoinApi | undefined;
  /** False once shutdown began, so balancers stop sending digests that would wait for the round. */
  isAccepting: () => boolean;
}

/** Registers GET /health (503 when a part is down) and GET /ready (503 until open / while closing). */
export const healthRoute: FastifyPluginAsync<HealthRouteOptions> = async (app, opts) => {
  app.get('/health', async (_req, reply) => {
    const report = healthOf(opts);
    return reply.code(report.ok ? 200 : 503).header('cache-control', CACHE.noStore).send(report);
  });
  app.get('/ready', async (_req, reply) => {
    const ready = opts.isAccepting();
    return reply.code(ready ? 200 : 503).header('cache-control', CACHE.noStore).send({ ok: ready });
  });
};

function healthOf(opts: HealthRouteOptions): HealthReport {
  const calendarOk = opts.isAccepting();
  const components: HealthReport['components'] = {
    calendar: { ok: calendarOk, detail: calendarOk ? 'accepting digests' : 'shutting down' },
  };
  const bitcoin = opts.bitcoin?.health();
  if (bitcoin) Object.assign(components, bitcoin.components);
  return { ok: calendarOk && (bitcoin?.ok ?? true), components };
}
