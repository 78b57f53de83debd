// `otsd mirror` (follow a calendar through its backup chunks, SPEC §9.6, and serve its proofs read-only
// on port 14799 like otsd-backup) and `otsd mirror-restore` (turn a mirror back into a calendar).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { pino } from 'pino';
import { RpcClient } from '../bitcoin/index.js';
import { CalendarStore, type HeaderSource, LogMirror, Mirror, reindexFromLog, restoreFromMirror } from '../calendar/index.js';
import { fromHex, reverseBytes } from '../core/index.js';
import { buildMirrorServer } from '../server/index.js';
import { intInRange } from './config.js';
import { applyConfigBeforeAction, packageVersion } from './otsd-common.js';
import { DEFAULT_CALENDAR_DIR } from './otsd-init.js';
import { otsdErrors } from './otsd-errors.js';
import { EXIT_INTERRUPTED, failAndExit } from './otsd-fail.js';

/** Where a mirror lives unless told otherwise (beside the reference's ~/.otsd/calendar). */
export const DEFAULT_MIRROR_DIR = join(homedir(), '.otsd', 'mirror');
/** The port of the reference's otsd-backup. */
export const DEFAULT_MIRROR_PORT = 14799;

/** Options of `otsd mirror` after flags, environment and config file are merged. */
export interface MirrorCliOptions {
  upstream: string;
  calendar: string;
  rpcPort: number;
  rpcAddress: string;
  pollSeconds: number;
  btcRpcUrl?: string;
  chunkSize: number;
  via: 'chunks' | 'log';
  logLevel: string;
  config?: string;
}

/** Adds `otsd mirror`. */
export function registerMirrorCommand(program: Command): Command {
  const cmd = program
    .command('mirror')
    .description("follow a calendar (ours or a Python otsd) through its backup chunks and serve its proofs read-only")
    .requiredOption('--upstream <url>', 'base URL of the calendar to follow, e.g. https://alice.btc.calendar.opentimestamps.org')
    .option('-c, --calendar <dir>', 'mirror directory (db/, journal, mirror.json)', DEFAULT_MIRROR_DIR)
    .option('--rpc-port <port>', 'HTTP port to serve the mirrored proofs on', intInRange(0, 65535), DEFAULT_MIRROR_PORT)
    .option('--rpc-address <host>', 'address to listen on', 'localhost')
    .option('--poll-seconds <s>', 'wait between polls once caught up (the reference says 60 on its 404s)', intInRange(1, 86_400), 60)
    .option('--btc-rpc-url <url>', 'Bitcoin Core RPC (http://user:password@127.0.0.1:8332) to check attestations against block headers')
    .addOption(
      new Option('--via <source>', 'backup chunks (any upstream, complete proofs per 1000) or the replication log (ours with --replication-log, every stamp at once)')
        .choices(['chunks', 'log'])
        .default('chunks'),
    )
    .addOption(new Option('--chunk-size <n>', 'records per chunk (tests only)').argParser(intInRange(1, 1_000_000)).default(1000).hideHelp())
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error']).default('info'))
    .option('--config <file>', 'TOML file whose keys are these long flag names');
  cmd.addHelpText('after', `\nWithout --btc-rpc-url, Bitcoin attestations are stored unverified (counted in /mirror/stats).\n`);
  applyConfigBeforeAction(cmd);
  return cmd.action(async (opts: MirrorCliOptions) => runMirror(opts));
}

/** Adds `otsd mirror-restore`. */
export function registerMirrorRestoreCommand(program: Command): Command {
  return program
    .command('mirror-restore')
    .description('rebuild a lost calendar from a stopped mirror: copies db/ and journal into a directory holding uri and hmac-key')
    .requiredOption('--from <dir>', 'the mirror directory')
    .option('-c, --calendar <dir>', 'calendar directory with the restored uri and hmac-key', DEFAULT_CALENDAR_DIR)
    .action(async (opts: { from: string; calendar: string }) => {
      try {
        const report = await restoreFromMirror({ mirrorDir: opts.from, calendarDir: opts.calendar, logger: pino({ level: 'warn' }) });
        process.stdout.write(`otsd: restored ${report.commitments} commitments (${report.chunks} chunks); start it with: otsd run -c ${opts.calendar}\n`);
      } catch (err) {
        failAndExit(err, `calendar: ${opts.calendar}`);
      }
    });
}

/** Adds `otsd reindex`. */
export function registerReindexCommand(program: Command): Command {
  return program
    .command('reindex')
    .description('rebuild db/ from replication.log (written by otsd run --replication-log); the old db/ is moved aside')
    .option('-c, --calendar <dir>', 'calendar directory (stop otsd first)', DEFAULT_CALENDAR_DIR)
    .action(async (opts: { calendar: string }) => {
      const logger = pino({ level: 'warn' });
      try {
        const report = await reindexFromLog(opts.calendar, (path) => CalendarStore.open(path, logger), logger);
        const moved = report.previousDb ? `; the previous db/ is at ${report.previousDb}` : '';
        process.stdout.write(`otsd: db/ rebuilt from ${report.records} log records (${report.puts} node writes)${moved}\n`);
      } catch (err) {
        failAndExit(err, `calendar: ${opts.calendar}`);
      }
    });
}

/** Opens the mirror, serves it and follows the upstream until SIGTERM/SIGINT. */
export async function runMirror(opts: MirrorCliOptions): Promise<void> {
  const log = pino({ level: opts.logLevel, base: { name: 'otsd-mirror' } });
  let mirror: Mirror | LogMirror;
  const common = {
    dir: opts.calendar,
    upstream: opts.upstream,
    logger: log,
    pollMs: opts.pollSeconds * 1000,
    headers: opts.btcRpcUrl ? rpcHeaderSource(opts.btcRpcUrl) : undefined,
  };
  try {
    mirror = opts.via === 'log' ? await LogMirror.open(common) : await Mirror.open({ ...common, chunkSize: opts.chunkSize });
  } catch (err) {
    failAndExit(err, `mirror: ${opts.calendar}`);
  }
  // A chunk mirror serves the mirrored chunks again, so otsd-backup or another mirror can follow it.
  const backup = mirror instanceof Mirror ? mirror.exporter(join(opts.calendar, 'backup_cache')) : undefined;
  const app = buildMirrorServer({ mirror, backup, logger: log.child({ area: 'http' }), version: packageVersion() });
  try {
    await app.listen({ port: opts.rpcPort, host: opts.rpcAddress });
  } catch (err) {
    await mirror.close();
    const code = (err as NodeJS.ErrnoException).code;
    failAndExit(code === 'EADDRINUSE' ? otsdErrors.OTS_ERR_LISTEN_ADDRESS_IN_USE(opts.rpcPort).causedBy(err) : err);
  }
  const address = app.server.address();
  log.info({ port: typeof address === 'object' && address ? address.port : opts.rpcPort, upstream: mirror.uri }, 'mirror listening');
  mirror.start();
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(EXIT_INTERRUPTED); // safe: each chunk is stored in one sync batch
    stopping = true;
    log.info({ signal }, 'mirror shutting down');
    void (async () => {
      await app.close();
      await mirror.close();
      log.flush();
      process.exit(0);
    })().catch((err: unknown) => failAndExit(err));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Block merkle roots from Bitcoin Core (getblockhash + getblockheader); unknown heights give undefined. */
export function rpcHeaderSource(rpcUrl: string): HeaderSource {
  const url = new URL(rpcUrl);
  const endpoint = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password), url: '' };
  url.username = '';
  url.password = '';
  endpoint.url = url.toString();
  const rpc = new RpcClient(endpoint, { timeoutMs: 10_000 });
  const cache = new Map<number, Uint8Array>();
  return {
    async merkleRootAt(height) {
      const cached = cache.get(height);
      if (cached) return cached;
      let root: Uint8Array;
      try {
        const hash = await rpc.call<string>('getblockhash', height);
        const header = await rpc.call<{ merkleroot: string }>('getblockheader', hash, true);
        root = reverseBytes(fromHex(header.merkleroot)); // RPC shows display order (SPEC §11 item 8)
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('OTS_ERR_')) throw err; // node down: retry the chunk later
        return undefined; // height beyond the node's tip
      }
      cache.set(height, root);
      return root;
    },
  };
}
