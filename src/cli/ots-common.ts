// Shared pieces of the `ots` CLI: exit codes, one-line error reporting, stderr progress, and the
// options every subcommand understands (calendars, whitelist, Bitcoin network and header source).
import { type Command, InvalidArgumentError } from 'commander';
import { isOtsError, type OtsError } from '../core/index.js';
import {
  type BitcoinNetwork,
  type BlockHeaderSource,
  coreRpcHeaderSource,
  DEFAULT_ESPLORA,
  DEFAULT_RPC_PORT,
  DEFAULT_TIMEOUT_MS,
  esploraHeaderSource,
  firstReachable,
  makeWhitelist,
  type UrlWhitelist,
} from '../client/index.js';

/** Exit codes of `ots`, documented in the README. */
export const EXIT = {
  /** Done: stamped, upgraded to complete, verified, registry intact. */
  OK: 0,
  /** An error: calendar(s) failed, unreadable or corrupt file, header source down… */
  ERROR: 1,
  /** Bad command line. */
  USAGE: 2,
  /** Not yet: the proof is still pending / cannot be verified yet. */
  PENDING: 3,
  /** Verification failed: file does not match the proof, attestation does not match its block, registry chain broken. */
  FAILED: 4,
} as const;

/** Codes that mean "the evidence is wrong" rather than "something did not work". */
const FAILED_CODES = new Set(['OTS_ERR_VERIFY_DIGEST_MISMATCH']);

/** Options every subcommand may read (program-level flags). */
export interface GlobalOptions {
  verbose?: boolean;
  quiet?: boolean;
  whitelist: string[];
  defaultWhitelist: boolean;
  btcTestnet?: boolean;
  btcRegtest?: boolean;
  bitcoinNode?: string;
  esplora?: string;
  timeout: number;
}

/** Writes lines to stderr; `info` is silenced by -q, `debug` needs -v. */
export interface Reporter {
  info(line: string): void;
  debug(line: string): void;
  warn(line: string): void;
}

/** Makes the reporter for the given flags. */
export function reporter(g: Pick<GlobalOptions, 'verbose' | 'quiet'>): Reporter {
  return {
    info: (line) => {
      if (!g.quiet) process.stderr.write(`${line}\n`);
    },
    debug: (line) => {
      if (g.verbose) process.stderr.write(`${line}\n`);
    },
    warn: (line) => process.stderr.write(`${line}\n`),
  };
}

/** Adds the program-level flags of the reference client. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('-v, --verbose', 'more detail on stderr')
    .option('-q, --quiet', 'only errors on stderr')
    .option('-l, --whitelist <url>', 'also follow pending attestations of this calendar (repeatable; globs like https://*.example.org)', collect, [])
    .option('--no-default-whitelist', 'do not follow the public calendars by default')
    .option('--btc-testnet', 'Bitcoin testnet')
    .option('--btc-regtest', 'Bitcoin regtest')
    .option('--bitcoin-node <url>', 'Bitcoin Core RPC URL, e.g. http://user:pass@127.0.0.1:8332')
    .option('--esplora <url>', 'Esplora-style API base URL (fallback after --bitcoin-node)')
    .option('--timeout <seconds>', 'per-request timeout in seconds', seconds, DEFAULT_TIMEOUT_MS / 1000);
}

/** The network chosen by --btc-testnet / --btc-regtest. */
export function networkOf(g: GlobalOptions): BitcoinNetwork {
  return g.btcRegtest ? 'regtest' : g.btcTestnet ? 'testnet' : 'mainnet';
}

/** The whitelist from -l and --no-default-whitelist. */
export function whitelistOf(g: GlobalOptions): UrlWhitelist {
  return makeWhitelist(g.whitelist, g.defaultWhitelist);
}

/**
 * Where headers come from: --bitcoin-node, then --esplora when the node is unreachable; with neither,
 * the public Esplora for mainnet/testnet or the local node's default port for regtest.
 */
export function headerSourceOf(g: GlobalOptions): BlockHeaderSource {
  const network = networkOf(g);
  const sources: BlockHeaderSource[] = [];
  if (g.bitcoinNode) sources.push(coreRpcHeaderSource(g.bitcoinNode, network));
  if (g.esplora) sources.push(esploraHeaderSource(g.esplora));
  if (sources.length === 0) {
    const esplora = DEFAULT_ESPLORA[network];
    sources.push(esplora ? esploraHeaderSource(esplora) : coreRpcHeaderSource(`http://127.0.0.1:${DEFAULT_RPC_PORT[network]}`, network));
  }
  return firstReachable(sources);
}

/** Thrown by subcommands to end with a given exit code after printing their own output. */
export class ExitWith extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Prints one line for an error and returns the exit code; stack traces only for unexpected errors with -v. */
export function reportError(err: unknown, verbose: boolean): number {
  if (err instanceof ExitWith) return err.exitCode;
  if (isOtsError(err)) {
    process.stderr.write(`ots: ${err.message} (${err.code})\n`);
    if (verbose && err.cause) process.stderr.write(`  cause: ${describe(err.cause)}\n`);
    return FAILED_CODES.has(err.code) ? EXIT.FAILED : EXIT.ERROR;
  }
  process.stderr.write(`ots: unexpected failure: ${describe(err)}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return EXIT.ERROR;
}

/** `ots: <message> (<code>)` for a calendar or attestation problem that does not end the command. */
export function errorLine(err: Pick<OtsError, 'message'> & { code?: string }): string {
  return err.code ? `${err.message} (${err.code})` : err.message;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.cause ? `${err.message}; ${describe(err.cause)}` : err.message;
  return String(err);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0) || n > 3600) throw new InvalidArgumentError('expected a number of seconds between 0 and 3600');
  return n;
}
