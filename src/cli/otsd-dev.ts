// `otsd dev` (what `npm start` runs): a calendar on an in-process regtest Bitcoin node with a funded
// wallet that mines while a stamp tx waits, so a proof completes within seconds. Development only.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import pino from 'pino';
import { Calendar, initCalendarDir } from '../calendar/index.js';
import { buildServer } from '../server/index.js';
import { type BitcoinHandle, startBitcoin } from './bitcoin-wiring.js';
import { failAndExit } from './otsd-fail.js';

/** Default dev calendar directory (gitignored), relative to where `npm start` runs. */
export const DEV_CALENDAR_DIR = join('.otsd-dev', 'calendar');
/** Port of the reference otsd; the dev calendar's URI names it. */
export const DEV_PORT = 14788;

/** Options of `otsd dev`. */
export interface DevOptions {
  calendar: string;
  rpcPort: number;
  rpcAddress: string;
  blockMs: number;
  btcMinConfirmations: number;
  logLevel: string;
}

/** A running dev calendar (returned so tests can drive and stop it). */
export interface DevCalendar {
  url: string;
  port: number;
  bitcoin: BitcoinHandle;
  calendar: Calendar;
  stop(): Promise<void>;
}

/** Adds the `dev` command to `program`. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run a local calendar on an embedded regtest Bitcoin node (fresh chain on every start)')
    .option('-c, --calendar <dir>', 'dev calendar directory (created if missing)', DEV_CALENDAR_DIR)
    .option('--rpc-port <port>', 'HTTP port', (v) => Number(v), DEV_PORT)
    .option('--rpc-address <host>', 'address to listen on', '127.0.0.1')
    .option('--block-ms <ms>', 'mine a block this often while a stamp tx waits', (v) => Number(v), 5000)
    .option('--btc-min-confirmations <n>', 'confirmations before a proof is served', (v) => Number(v), 2)
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error']).default('info'))
    .action(async (opts: DevOptions) => {
      try {
        const dev = await startDev(opts);
        process.stdout.write(tryItText(dev.url));
        const stop = () => void dev.stop().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (err) {
        failAndExit(err);
      }
    });
}

/** Starts calendar, embedded node, stamper and HTTP server. */
export async function startDev(opts: DevOptions): Promise<DevCalendar> {
  const log = pino({ level: opts.logLevel, base: { name: 'otsd-dev' } });
  const dir = resolve(opts.calendar);
  if (!existsSync(join(dir, 'hmac-key'))) {
    await initCalendarDir(dir, { uri: `http://127.0.0.1:${opts.rpcPort}` });
    log.info({ dir }, 'dev calendar created');
  }
  const calendar = await Calendar.open({ dir, logger: log });
  log.warn('embedded regtest node: the chain lives in memory and is new on every start; proofs from earlier runs point to a chain that is gone');
  const bitcoin = (await startBitcoin(
    { btcEmbedded: true, btcMinConfirmations: opts.btcMinConfirmations, btcMinTxInterval: 0, btcMinRelayFeerate: 1, btcPollMs: 250, btcBlockMs: opts.blockMs },
    calendar,
    log.child({ area: 'bitcoin' }),
  ))!;
  const app = buildServer({ calendar, bitcoin, logger: log.child({ area: 'http' }), version: 'dev' });
  await app.listen({ port: opts.rpcPort, host: opts.rpcAddress });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.rpcPort;
  const url = `http://${opts.rpcAddress}:${port}`;
  log.info({ url, dir, calendarUri: calendar.uri }, 'dev calendar listening');
  return {
    url,
    port,
    bitcoin,
    calendar,
    stop: async () => {
      await app.close();
      await bitcoin.stop();
      await calendar.close();
    },
  };
}

/** The banner: where the calendar is and three commands that stamp, wait and fetch a complete proof. */
export function tryItText(url: string): string {
  return [
    '',
    `  OpenTimestamps dev calendar: ${url}   (regtest, fresh chain on every start)`,
    '',
    '  Try it:',
    `    echo hello > hello.txt && node bin/ots.js stamp -c ${url} hello.txt`,
    '    sleep 20   # a block every few seconds; the proof is served after 2 confirmations',
    `    node bin/ots.js upgrade -l ${url} hello.txt.ots && node bin/ots.js info hello.txt.ots`,
    '',
    `  With curl only: see README "Bitcoin anchoring" (POST ${url}/digest, GET ${url}/timestamp/<commitment>).`,
    '',
  ].join('\n');
}
