// Cross-cutting reply headers (beyond SPEC §9, which sends none of these): CORS for browser clients,
// OPTIONS preflight, and default Cache-Control for answers a route did not classify.
import type { FastifyPluginAsync } from 'fastify';
import { serverErrors } from './errors.js';
import { CACHE } from './plain.js';

/** Methods the API answers; sent in CORS headers and in `Allow` on 405. */
export const ALLOWED_METHODS = 'GET, POST, OPTIONS';

/** Options of the header hooks. */
export interface HeaderHookOptions {
  /** False once the server is closing: requests then get a coded 503 (without CORS headers). */
  isAccepting: () => boolean;
}

/**
 * Refuses requests while closing, adds CORS headers to every other answer and `no-store` to POST answers
 * and errors without a policy.
 */
export const headerHooks: FastifyPluginAsync<HeaderHookOptions> = shareScope(async (app, opts) => {
  const { isAccepting } = opts;
  // Callback-style hooks: no promise per request on the hot path. One onRequest hook does both the
  // closing check and CORS: each app-wide hook costs a hook-runner step on every request.
  app.addHook('onRequest', (req, reply, done) => {
    // Requests that arrive on kept-alive connections while closing get a coded 503 (fastify's own
    // 503-on-close is switched off so that the answer has our shape).
    if (!isAccepting()) {
      done(serverErrors.OTS_ERR_HTTP_SHUTTING_DOWN());
      return;
    }
    reply.header('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      // Preflight: answer before routing, so every path (and /digest in particular) allows it.
      reply.header('access-control-allow-methods', ALLOWED_METHODS);
      reply.header('access-control-allow-headers', 'Content-Type, Accept, If-None-Match');
      reply.header('access-control-max-age', '86400');
      reply.header('cache-control', CACHE.noStore);
      reply.code(204).send();
      return;
    }
    done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    if (!reply.hasHeader('cache-control') && (reply.statusCode >= 400 || req.method === 'POST')) {
      reply.header('cache-control', CACHE.noStore);
    }
    done(null, payload);
  });
});

/** Marks a plugin so its hooks apply to the whole app (what the fastify-plugin package does). */
function shareScope<T extends FastifyPluginAsync<HeaderHookOptions>>(plugin: T): T {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
