// Connects the Bitcoin side (stamper on Core RPC or the embedded regtest node) to a running calendar.
// STUB: replaced by the Bitcoin anchoring work (issue #5). The otsd `run` command calls these.
import type { Command } from 'commander';
import type { Logger } from 'pino';

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

export interface BitcoinHandle {
  statusSource: CommitmentStatusSource;
  health(): HealthReport;
  stats(): Record<string, unknown>;
  stop(): Promise<void>;
}

/** Adds the --btc-* flags to a command. */
export function addBitcoinOptions(cmd: Command): Command {
  return cmd;
}

/** Starts the stamper for `calendar`; the stub starts nothing. */
export async function startBitcoin(_opts: Record<string, unknown>, _calendar: unknown, _log: Logger): Promise<BitcoinHandle | undefined> {
  return undefined;
}
