// A real calendar in a temp dir and a real HTTP server on 127.0.0.1 port 0, closed after the test.
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Calendar, initCalendarDir } from '../../src/calendar/index.js';
import { buildServer, type BitcoinApi, type ServerOptions } from '../../src/server/index.js';
import { tempDir } from './temp.js';

/** The URI of the recorded reference server in http.json (gives the same body length). */
export const TEST_CALENDAR_URI = 'https://alice.btc.calendar.example.org';

/** How to open the test calendar; `dir` reuses an existing calendar directory. */
export interface TestCalendarOptions {
  dir?: string;
  uri?: string;
  roundMs?: number;
  maxPending?: number;
  randomNonce?: () => Uint8Array;
}

/** Opens a calendar (initialising a fresh temp dir unless `dir` is given); closed in t.after. */
export async function openTestCalendar(t: Pick<TestContext, 'after'>, opts: TestCalendarOptions = {}): Promise<Calendar> {
  let dir = opts.dir;
  if (dir === undefined) {
    dir = tempDir(t, 'ots-cal-');
    await initCalendarDir(dir, { uri: opts.uri ?? TEST_CALENDAR_URI });
  }
  const calendar = await Calendar.open({
    dir,
    roundMs: opts.roundMs ?? 20,
    logger: pino({ level: 'silent' }),
    ...(opts.maxPending !== undefined ? { maxPending: opts.maxPending } : {}),
    ...(opts.randomNonce ? { randomNonce: opts.randomNonce } : {}),
  });
  t.after(() => calendar.close());
  return calendar;
}

/** A listening server over `calendar`; `base` is its http://127.0.0.1:<port> URL. */
export async function startTestServer(
  t: Pick<TestContext, 'after'>,
  calendar: Calendar,
  extra: Partial<Omit<ServerOptions, 'calendar'>> & { bitcoin?: BitcoinApi } = {},
): Promise<{ app: FastifyInstance; base: string; port: number }> {
  const app = buildServer({ calendar, version: 'test', ...extra });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, base: `http://127.0.0.1:${port}`, port };
}

/** A `t.after` stand-in for suite-level setup in `before`: runs the collected cleanups, last first. */
export function suiteScope(after: (fn: () => Promise<void>) => void): Pick<TestContext, 'after'> {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  return { after: (fn: () => unknown) => void cleanups.push(fn) } as Pick<TestContext, 'after'>;
}
