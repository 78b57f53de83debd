// GET /timestamp/<hex> (SPEC §9.2) through fastify: HEAD, and GET when the fast path is off or declines.
// What is answered lives in timestamp-answers.ts, shared with the fast path.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { replyWith } from '../answer.js';
import type { TimestampAnswers } from '../timestamp-answers.js';

/** Options of the timestamp route group. */
export interface TimestampRouteOptions {
  answers: TimestampAnswers;
}

const PREFIX = '/timestamp/';

/** Registers GET /timestamp/*. */
export const timestampRoute: FastifyPluginAsync<TimestampRouteOptions> = async (app, opts) => {
  // Not an async function: a cache hit is answered synchronously, without the promises and microtask
  // hops an async handler costs. A synchronous answer returns undefined: fastify would re-send a
  // returned reply (and warn).
  app.get('/timestamp/*', (req, reply): undefined | Promise<FastifyReply> => {
    const answer = opts.answers.answer(req.url.slice(PREFIX.length), req.headers['if-none-match']);
    if (answer instanceof Promise) return answer.then((a) => replyWith(reply, a));
    replyWith(reply, answer);
    return undefined;
  });
};
