// `otsd run` (the default command): opens the calendar, starts the Bitcoin side, serves the HTTP API
// (SPEC §9) and shuts down cleanly on the first SIGTERM/SIGINT, at once on the second.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import pino, { type Logger } from 'pino';
import { attachReplicationLog, BackupExporter, Calendar } from '../calendar/index.js';
import { buildServer, startHttpFronts } from '../server/index.js';
import { addBitcoinOptions, type BitcoinHandle, startBitcoin } from './bitcoin-wiring.js';
import { envName, intInRange } from './config.js';
import { ignoreHangup, type LogFile, openLogFile } from './log-file.js';
import { applyConfigBeforeAction, packageVersion } from './otsd-common.js';
import { DEFAULT_CALENDAR_DIR } from './otsd-init.js';
import { otsdErrors } from './otsd-errors.js';
import { EXIT_INTERRUPTED, failAndExit } from './otsd-fail.js';

/** The reference's default HTTP port. */
export const DEFAULT_RPC_PORT = 14788;
/** Pending connections the kernel may queue (capped by net.core.somaxconn); Node's default is 511. */
const LISTEN_BACKLOG = 4096;
/** The reference's aggregation interval. */
export const DEFAULT_ROUND_MS = 1000;

/** Options of `otsd run` after flags, environment and config file are merged. */
export interface RunOptions {
  calendar: string;
  rpcPort: number;
  rpcAddress: string;
  roundMs: number;
  maxPending?: number;
  httpFronts: number;
  replicationLog?: boolean;
  debugFile?: string;
  logLevel: string;
  config?: string;
  [btcFlag: string]: unknown;
}

/** Adds the `run` command (also what `otsd` alone does) with every flag documented in --help. */
export function registerRunCommand(program: Command): Command {
  const cmd = program
    .command('run', { isDefault: true })
    .description('run the calendar: aggregate digests in rounds and serve the HTTP API')
    .option('-c, --calendar <dir>', 'calendar directory (made by otsd init)', DEFAULT_CALENDAR_DIR)
    .option('--rpc-port <port>', 'HTTP port to listen on', intInRange(0, 65535), DEFAULT_RPC_PORT)
    .option('--rpc-address <host>', 'address to listen on', 'localhost')
    .option('--round-ms <ms>', 'length of an aggregation round', intInRange(10, 60_000), DEFAULT_ROUND_MS)
    .option('--max-pending <n>', 'digests waiting for a round before POST /digest answers 503', intInRange(1, 100_000_000))
    .option(
      '--http-fronts <n>',
      'extra processes that serve HTTP on the same port (the calendar stays in this one); for GET-heavy loads with cores to spare',
      intInRange(0, 64),
      0,
    )
    .option('--replication-log', 'log every store write to replication.log first (otsd reindex, GET /experimental/log)')
    .option('--debug-file <file>', 'write the log (JSON lines) to this file instead of stdout')
    .addOption(
      new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    )
    .option('--config <file>', 'TOML file whose keys are these long flag names (e.g. rpc-port = 14788)');
  addBitcoinOptions(cmd);
  for (const flag of ['--btc-regtest', '--btc-testnet']) {
    // The Bitcoin wiring may declare these itself; the reference names them on otsd directly.
    if (!cmd.options.some((o) => o.long === flag)) cmd.option(flag, `use Bitcoin ${flag.slice(6)} instead of mainnet`);
  }
  cmd.addHelpText(
    'after',
    `\nEvery flag can also come from the environment (${envName('rpc-port')}=14788, ${envName('btc-regtest')}=1) ` +
      'or from the --config file (rpc-port = 14788). A flag beats the environment, which beats the file.\n',
  );
  applyConfigBeforeAction(cmd);
  return cmd.action(async (opts: RunOptions) => {
    await runDaemon(opts);
  });
}

/** Starts everything; resolves once listening. Exits the process with code 2 on start-up failures. */
export async function runDaemon(opts: RunOptions): Promise<void> {
  const { log, logFile } = await makeLogger(opts);
  let calendar: Calendar;
  try {
    calendar = await Calendar.open({
      dir: opts.calendar,
      roundMs: opts.roundMs,
      logger: log, // the calendar names its own area
      ...(opts.maxPending !== undefined ? { maxPending: opts.maxPending } : {}),
    });
  } catch (err) {
    log.error({ err, dir: opts.calendar }, 'calendar failed to open');
    failAndExit(err, `calendar: ${opts.calendar}`);
  }
  // Before the stamper starts: every store write from here on is logged first.
  const replication = opts.replicationLog ? await attachReplicationLog(opts.calendar, calendar.store, log).catch((err: unknown) => failAndExit(err)) : undefined;
  let bitcoin: BitcoinHandle | undefined;
  try {
    bitcoin = await startBitcoin(opts, calendar, log.child({ area: 'bitcoin' }));
  } catch (err) {
    log.error({ err }, 'bitcoin failed to start');
    await calendar.close();
    failAndExit(err);
  }
  // The reference's backup export (SPEC §9.6), cached in the calendar's backup_cache/ like otsd does.
  const backup = new BackupExporter(calendar, { cacheDir: join(opts.calendar, 'backup_cache'), logger: log.child({ area: 'backup' }) });
  // Build finished chunks ahead of requests, so mirrors get cached bytes instead of waiting for a build.
  const prebuild = setInterval(() => void backup.prebuild().catch((err: unknown) => log.warn({ err }, 'backup prebuild failed')), 60_000);
  prebuild.unref();
  const app = buildServer({
    calendar, bitcoin, backup, replicationLog: replication?.log, logger: log.child({ area: 'http' }), version: packageVersion(),
    donationAddress: readDonationAddress(opts.calendar), processMetrics: true,
  });
  try {
    // A deep accept queue: thousands of clients may (re)connect at once after a restart.
    await app.listen({ port: opts.rpcPort, host: opts.rpcAddress, backlog: LISTEN_BACKLOG });
  } catch (err) {
    log.error({ err }, 'http server failed to listen');
    await bitcoin?.stop();
    await calendar.close();
    const code = (err as NodeJS.ErrnoException).code;
    failAndExit(code === 'EADDRINUSE' ? otsdErrors.OTS_ERR_LISTEN_ADDRESS_IN_USE(opts.rpcPort).causedBy(err) : err);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.rpcPort;
  if (opts.httpFronts > 0) {
    try {
      await startHttpFronts(app, { count: opts.httpFronts, backlog: LISTEN_BACKLOG });
    } catch (err) {
      log.error({ err }, 'HTTP fronts failed to start');
      await app.close();
      await bitcoin?.stop();
      await calendar.close();
      failAndExit(otsdErrors.OTS_ERR_HTTP_FRONTS_FAILED(opts.httpFronts).causedBy(err));
    }
  }
  log.info({ port, host: opts.rpcAddress, uri: calendar.uri, roundMs: opts.roundMs, httpFronts: opts.httpFronts }, 'otsd listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // Safe: every answered digest was fsynced with its round before its 200 went out.
      log.warn({ signal }, 'second signal: exiting at once');
      process.exit(EXIT_INTERRUPTED);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: finishing the round');
    void (async () => {
      try {
        clearInterval(prebuild);
        await app.close(); // stops accepting, waits for digests in flight (they wait for the round)
        await bitcoin?.stop();
        await calendar.close(); // last round, fsync, store closed
        await replication?.close();
        log.info('otsd stopped');
        log.flush();
        logFile?.close();
        process.exit(0);
      } catch (err) {
        log.error({ err }, 'shutdown failed');
        failAndExit(err);
      }
    })();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** stdout, or the --debug-file (reopened on SIGHUP for logrotate); an unusable file fails in one line. */
async function makeLogger(opts: RunOptions): Promise<{ log: Logger; logFile?: LogFile }> {
  const options = { level: opts.logLevel, base: { name: 'otsd' } };
  if (opts.debugFile === undefined) {
    const log = pino(options);
    ignoreHangup(process, () => log.info('SIGHUP: logging to stdout, no file to reopen'));
    return { log };
  }
  try {
    const logFile = await openLogFile(opts.debugFile);
    return { log: pino(options, logFile.stream), logFile };
  } catch (err) {
    failAndExit(err, `log file: ${opts.debugFile}`);
  }
}

/** The calendar's donation_addr (SPEC §8, whitespace-stripped like the reference), if it has one. */
function readDonationAddress(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, 'donation_addr'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
