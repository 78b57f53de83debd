// Connects the Bitcoin side (stamper on Core RPC or the embedded regtest node) to a running calendar:
// the --btc-* flags of `otsd run`/`otsd dev` and the handle the server reads (SPEC §9.2-9.3, §10).
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Logger } from 'pino';
import {
  type BitcoinBackend,
  bitcoinErrors,
  CoreBackend,
  discoverRpc,
  EmbeddedNode,
  RpcClient,
  Stamper,
  type StamperCalendar,
} from '../bitcoin/index.js';

/** What the server asks about a commitment the store does not hold yet. */
export interface CommitmentStatusSource {
  /** 'mined' while a commitment's tx waits for confirmations; undefined when the stamper knows nothing more. */
  lookup(commitment: Uint8Array): { state: 'mined'; txid: string; confirmationsNeeded: number } | undefined;
}

/** Health of one part of the daemon, for /health, /ready and the stats. */
export interface HealthReport {
  ok: boolean;
  components: Record<string, { ok: boolean; detail: string }>;
}

/** The running Bitcoin side as the server and the CLI see it. */
export interface BitcoinHandle {
  statusSource: CommitmentStatusSource;
  health(): HealthReport;
  stats(): Record<string, unknown>;
  /** Tip of the latest unconfirmed stamp tx (GET /tip). */
  tip(): Uint8Array | undefined;
  stop(): Promise<void>;
  /** The embedded regtest node when --btc-embedded is used (dev mode mines with it). */
  embedded?: EmbeddedNode;
  /** The stamper itself, for its events ('broadcast', 'mined', 'saved', 'reorg', 'problem', 'tick'). */
  stamper: Stamper;
}

/** Reference defaults (otsd --help): 6 confirmations, 6 h between txs, 0.001 BTC, target 1008, 1 sat/vB. */
export const BITCOIN_DEFAULTS = {
  minConfirmations: 6,
  minTxIntervalSeconds: 6 * 3600,
  maxFeeBtc: 0.001,
  confTarget: 1008,
  minRelayFeeRate: 1,
} as const;

/** Adds the --btc-* flags to a command. */
export function addBitcoinOptions(cmd: Command): Command {
  return cmd
    .option('--btc-conf <file>', 'bitcoin.conf to read rpcport/rpcuser/rpcpassword from (default: the datadir of the network)')
    .option('--btc-rpc-url <url>', 'Bitcoin Core JSON-RPC URL; credentials may be in it (http://user:pass@host:port)')
    .option('--btc-wallet <name>', 'Core wallet to use (RPC path /wallet/<name>)')
    .addOption(new Option('--btc-regtest', 'use Bitcoin regtest').conflicts('btcTestnet'))
    .addOption(new Option('--btc-testnet', 'use Bitcoin testnet3').conflicts('btcRegtest'))
    .option('--btc-min-confirmations <n>', 'confirmations before a proof is stored (> 1)', minConfirmations, BITCOIN_DEFAULTS.minConfirmations)
    .option('--btc-min-tx-interval <seconds>', 'wait after a confirmed tx before the next one (× random 1..2)', nonNegative, BITCOIN_DEFAULTS.minTxIntervalSeconds)
    .option('--btc-max-fee <btc>', 'largest total fee of one stamp transaction', nonNegative, BITCOIN_DEFAULTS.maxFeeBtc)
    .option('--btc-conf-target <blocks>', 'estimatesmartfee target of a new transaction', positiveInt, BITCOIN_DEFAULTS.confTarget)
    .option('--btc-min-relay-feerate <satvb>', 'fee rate floor and per-block RBF bump, sat/vB', nonNegative, BITCOIN_DEFAULTS.minRelayFeeRate)
    .option('--no-bitcoin', 'run the calendar only: digests stay pending, nothing is anchored')
    .option('--btc-embedded', 'use an in-process regtest node (fresh chain on every start; development only)');
}

/** Options startBitcoin reads (commander's camelCase of the flags above). */
interface BitcoinFlags {
  bitcoin?: boolean;
  btcEmbedded?: boolean;
  btcConf?: string;
  btcRpcUrl?: string;
  btcWallet?: string;
  btcRegtest?: boolean;
  btcTestnet?: boolean;
  btcMinConfirmations?: number;
  btcMinTxInterval?: number;
  btcMaxFee?: number;
  btcConfTarget?: number;
  btcMinRelayFeerate?: number;
  /** Dev mode: poll period of the stamper loop. */
  btcPollMs?: number;
  /** Embedded node: mine a block this often while a stamp tx waits (default 10 s). */
  btcBlockMs?: number;
}

/**
 * Starts the stamper for `calendar`; undefined with --no-bitcoin. `given` replaces the backend the
 * flags would choose (tests keep one embedded node across calendar restarts); the caller closes it.
 */
export async function startBitcoin(
  opts: Record<string, unknown>,
  calendar: unknown,
  log: Logger,
  given?: BitcoinBackend,
): Promise<BitcoinHandle | undefined> {
  const flags = opts as BitcoinFlags;
  if (flags.bitcoin === false) {
    log.warn('bitcoin disabled (--no-bitcoin): commitments stay pending');
    return undefined;
  }
  let backend: BitcoinBackend;
  let embedded: EmbeddedNode | undefined;
  if (given) {
    backend = given;
  } else if (flags.btcEmbedded) {
    embedded = await EmbeddedNode.start({ log });
    backend = embedded;
  } else {
    const network = flags.btcRegtest ? 'regtest' : flags.btcTestnet ? 'test' : 'main';
    const endpoint = discoverRpc({ network, rpcUrl: flags.btcRpcUrl, confFile: flags.btcConf, wallet: flags.btcWallet });
    backend = new CoreBackend(new RpcClient(endpoint), network);
    log.info({ network, url: endpoint.url }, 'using bitcoin core json-rpc');
  }
  const stamper = new Stamper(backend, calendar as StamperCalendar, {
    minConfirmations: flags.btcMinConfirmations ?? BITCOIN_DEFAULTS.minConfirmations,
    minTxIntervalMs: (flags.btcMinTxInterval ?? BITCOIN_DEFAULTS.minTxIntervalSeconds) * 1000,
    maxFeeSat: BigInt(Math.round((flags.btcMaxFee ?? BITCOIN_DEFAULTS.maxFeeBtc) * 1e8)),
    confTarget: flags.btcConfTarget ?? BITCOIN_DEFAULTS.confTarget,
    minRelayFeeRate: flags.btcMinRelayFeerate ?? BITCOIN_DEFAULTS.minRelayFeeRate,
    ...(flags.btcPollMs !== undefined ? { pollMs: flags.btcPollMs } : {}),
    log: log.child({ area: 'stamper' }),
  });
  stamper.start();
  if (embedded) {
    const node = embedded;
    // mine while a tx waits in the mempool or for its confirmations, so proofs complete by themselves
    node.autoMine(flags.btcBlockMs ?? 10_000, () => node.mempoolSize() > 0 || Number(stamper.stats().txsWaitingForConfirmation) > 0);
  }
  return {
    statusSource: { lookup: (c) => stamper.lookup(c) },
    health: () => {
      const r = stamper.health.report();
      return { ok: r.state === 'ok', components: { stamper: { ok: r.state === 'ok', detail: r.problem ? `${r.problem.code}: ${r.problem.message}` : 'making progress' } } };
    },
    stats: () => stamper.stats(),
    tip: () => stamper.tip(),
    stop: async () => {
      await stamper.stop();
      if (!given) await backend.close();
    },
    stamper,
    ...(embedded ? { embedded } : {}),
  };
}

function minConfirmations(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2) throw new InvalidArgumentError(bitcoinErrors.OTS_ERR_STAMP_BAD_OPTION('--btc-min-confirmations', 'must be an integer greater than 1').message);
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
}
