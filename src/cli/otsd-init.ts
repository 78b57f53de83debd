// `otsd init`: creates a calendar directory laid out like the reference's (SPEC §8): uri,
// donation_addr, a fresh 32-byte hmac-key (mode 0600). Refuses to overwrite an existing key.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Address, NETWORK, TEST_NETWORK } from '@scure/btc-signer';
import { type Command, Option } from 'commander';
import { initCalendarDir } from '../calendar/index.js';
import { applyEnvAndFile } from './config.js';
import { otsdErrors } from './otsd-errors.js';
import { failAndExit } from './otsd-fail.js';

/** The reference's default calendar directory. */
export const DEFAULT_CALENDAR_DIR = join(homedir(), '.otsd', 'calendar');

/** Which Bitcoin network addresses are checked against. */
export type BitcoinNetwork = 'mainnet' | 'testnet' | 'regtest';

/** Options of `otsd init` after parsing. */
export interface InitOptions {
  calendar: string;
  uri: string;
  donationAddr?: string;
  btcRegtest?: boolean;
  btcTestnet?: boolean;
}

/** Adds the `init` command to `program`. */
export function registerInitCommand(program: Command): Command {
  return program
    .command('init')
    .description('create a calendar directory: uri, donation_addr and a new hmac-key (never overwritten)')
    .option('-c, --calendar <dir>', 'calendar directory to create', DEFAULT_CALENDAR_DIR)
    .requiredOption('--uri <url>', 'public URL of this calendar, written into every pending attestation')
    .option('--donation-addr <address>', 'Bitcoin address shown for donations (checked for the network)')
    .addOption(new Option('--btc-regtest', 'addresses are for regtest').conflicts('btcTestnet'))
    .addOption(new Option('--btc-testnet', 'addresses are for testnet').conflicts('btcRegtest'))
    // OTSD_CALENDAR etc. work here too, so one environment serves both init and run.
    .hook('preAction', (self) => {
      try {
        applyEnvAndFile(self, process.env);
      } catch (err) {
        failAndExit(err);
      }
    })
    .action(async (opts: InitOptions) => {
      await runInit(opts);
      process.stdout.write(`otsd: calendar created; start it with: otsd run -c ${opts.calendar}\n`);
    });
}

/** Validates the arguments and writes the directory. */
export async function runInit(opts: InitOptions): Promise<void> {
  const network: BitcoinNetwork = opts.btcRegtest ? 'regtest' : opts.btcTestnet ? 'testnet' : 'mainnet';
  if (opts.donationAddr !== undefined) validateDonationAddress(opts.donationAddr, network);
  await initCalendarDir(opts.calendar, {
    uri: opts.uri,
    ...(opts.donationAddr !== undefined ? { donationAddr: opts.donationAddr } : {}),
  });
}

/** Throws OTS_ERR_INIT_BAD_DONATION_ADDR unless `address` decodes for `network`. */
export function validateDonationAddress(address: string, network: BitcoinNetwork): void {
  const candidates =
    network === 'mainnet'
      ? [NETWORK]
      : network === 'testnet'
        ? [TEST_NETWORK]
        : // bitcoind's regtest prefix, and bcoin's (the embedded node) `rb`.
          [{ ...TEST_NETWORK, bech32: 'bcrt' }, { ...TEST_NETWORK, bech32: 'rb' }];
  for (const net of candidates) {
    try {
      Address(net).decode(address);
      return;
    } catch {
      // try the next prefix
    }
  }
  throw otsdErrors.OTS_ERR_INIT_BAD_DONATION_ADDR(network);
}
