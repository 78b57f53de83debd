// GET / (SPEC §9.4): calendar status; JSON when `Accept` is exactly application/json (still labelled
// text/html, like the reference), else a minimal HTML page. The full welcome page replaces this later.
import type { FastifyPluginAsync } from 'fastify';
import { toHex } from '../../core/index.js';
import type { BitcoinApi, CalendarApi } from '../calendar-api.js';
import { CACHE } from '../plain.js';

/** Options of the root route group. */
export interface RootRouteOptions {
  calendar: CalendarApi;
  bitcoin?: BitcoinApi | undefined;
  version: string;
}

/** Registers GET /. */
export const rootRoute: FastifyPluginAsync<RootRouteOptions> = async (app, opts) => {
  app.get('/', async (req, reply) => {
    reply.code(200).type('text/html').header('cache-control', CACHE.root).header('vary', 'Accept');
    const status = statusOf(opts);
    // Exact match, as in the reference: `application/json, */*` gets the page.
    if (req.headers.accept === 'application/json') return reply.send(JSON.stringify(status, null, 4));
    return reply.send(renderPage(status));
  });
};

/** The reference's JSON keys we can fill, then our calendar's and the stamper's own figures. */
function statusOf(opts: RootRouteOptions): Record<string, unknown> {
  const tip = opts.bitcoin?.tip?.();
  return {
    version: opts.version,
    pending_commitments: opts.calendar.pendingCount().toLocaleString('en-US'),
    tip: tip ? toHex(tip) : 'None',
    calendar_uri: opts.calendar.uri,
    calendar: opts.calendar.stats(),
    ...(opts.bitcoin ? { bitcoin: opts.bitcoin.stats() } : {}),
  };
}

function renderPage(status: Record<string, unknown>): string {
  const rows = Object.entries(status)
    .filter(([, v]) => typeof v !== 'object')
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>OpenTimestamps calendar</title></head>
<body><h1>OpenTimestamps calendar</h1>
<p>This is an <a href="https://opentimestamps.org">OpenTimestamps</a> calendar server.</p>
<table>
${rows}
</table></body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
