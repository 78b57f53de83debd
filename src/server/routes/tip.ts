// GET /tip (SPEC §9.3): the 32-byte tip of the latest unconfirmed timestamp transaction, else 404.
import type { FastifyPluginAsync } from 'fastify';
import type { BitcoinApi } from '../calendar-api.js';
import { CACHE, sendPlain } from '../plain.js';

/** Options of the tip route group. */
export interface TipRouteOptions {
  bitcoin?: BitcoinApi | undefined;
}

/** Registers GET /tip. */
export const tipRoute: FastifyPluginAsync<TipRouteOptions> = async (app, opts) => {
  app.get('/tip', async (_req, reply) => {
    const tip = opts.bitcoin?.tip?.();
    if (tip === undefined) return sendPlain(reply, 404, '');
    return reply
      .type('application/octet-stream')
      .header('cache-control', CACHE.tip)
      .send(Buffer.from(tip.buffer, tip.byteOffset, tip.byteLength));
  });
};
