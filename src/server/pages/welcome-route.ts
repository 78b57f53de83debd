// GET / (SPEC §9.4) and GET /stats: the welcome page for browsers, the reference's JSON for
// `Accept: application/json` exactly, and our own camelCase stats at a stable path of their own.
import type { FastifyPluginAsync } from 'fastify';
import type { BitcoinApi, CalendarApi } from '../calendar-api.js';
import { collectStats, referenceStats } from '../stats.js';
import { renderWelcome } from './welcome.js';

/** The reference's Cache-Control on `/`; nginx may cache the page this long (docs/operator-guide.md). */
export const WELCOME_CACHE_CONTROL = 'public, max-age=5';

/** What the page shows besides the calendar's own figures. */
export interface WelcomeRouteOptions {
  calendar: CalendarApi;
  bitcoin?: BitcoinApi | undefined;
  version: string;
  /** The calendar's donation_addr, if it has one. */
  donationAddress?: string | undefined;
  /** Network name when no stamper reports one ('regtest', 'mainnet', ...). */
  network?: string | undefined;
  /** Daemon start (ms since epoch) for the uptime; defaults to when the route was registered. */
  startedAtMs?: number;
}

/** Registers GET / and GET /stats. */
export const welcomeRoute: FastifyPluginAsync<WelcomeRouteOptions> = async (app, opts) => {
  const startedAtMs = opts.startedAtMs ?? Date.now();
  const stats = () =>
    collectStats({
      calendar: opts.calendar,
      bitcoin: opts.bitcoin,
      version: opts.version,
      startedAtMs,
      donationAddress: opts.donationAddress,
      network: opts.network,
    });

  app.get('/', async (req, reply) => {
    reply.code(200).header('cache-control', WELCOME_CACHE_CONTROL).header('vary', 'Accept');
    // Exact match, as the reference: `application/json, */*` still gets the page. The JSON keeps the
    // reference's text/html label and 4-space indent, since its readers were written against that.
    if (req.headers.accept === 'application/json') {
      return reply.type('text/html').send(JSON.stringify(referenceStats(stats()), null, 4));
    }
    // `text/html` without a charset parameter, byte for byte the reference's header (vectors/http.json);
    // the page declares UTF-8 itself in its first <meta>, which browsers honour.
    return reply.type('text/html').send(renderWelcome(stats()));
  });

  app.get('/stats', async (_req, reply) => {
    return reply.header('cache-control', WELCOME_CACHE_CONTROL).type('application/json; charset=utf-8').send(JSON.stringify(stats()));
  });
};
