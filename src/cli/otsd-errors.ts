// Coded errors of the otsd command line: configuration, init arguments and start-up failures that
// come from the operating system (port in use, unwritable directory, full disk). SPEC §9 names the flags.
import { defineError } from '../core/index.js';

/** Every failure the otsd command line reports itself, keyed by its code. */
export const otsdErrors = {
  OTS_ERR_CONFIG_INVALID_VALUE: defineError(
    'OTS_ERR_CONFIG_INVALID_VALUE',
    400,
    (name: string, from: string, why: string) => `invalid value for ${name} (from ${from}): ${why}`,
  ),
  OTS_ERR_CONFIG_UNKNOWN_KEY: defineError(
    'OTS_ERR_CONFIG_UNKNOWN_KEY',
    400,
    (key: string) => `unknown key "${key}" in the config file; keys are the long flag names (see otsd --help)`,
  ),
  OTS_ERR_CONFIG_FILE_UNREADABLE: defineError(
    'OTS_ERR_CONFIG_FILE_UNREADABLE',
    400,
    (why: string) => `cannot read the config file: ${why}`,
  ),
  OTS_ERR_INIT_BAD_DONATION_ADDR: defineError(
    'OTS_ERR_INIT_BAD_DONATION_ADDR',
    400,
    (network: string) => `the donation address is not a valid ${network} Bitcoin address`,
  ),
  OTS_ERR_LISTEN_ADDRESS_IN_USE: defineError(
    'OTS_ERR_LISTEN_ADDRESS_IN_USE',
    503,
    (port: number) => `port ${port} is already in use (another otsd?); stop it or choose another --rpc-port`,
  ),
  OTS_ERR_HTTP_FRONTS_FAILED: defineError(
    'OTS_ERR_HTTP_FRONTS_FAILED',
    503,
    (count: number) => `the ${count} HTTP front process(es) did not start; see the log, or run with --http-fronts 0`,
  ),
  OTS_ERR_LISTEN_FAILED: defineError(
    'OTS_ERR_LISTEN_FAILED',
    503,
    (why: string) => `cannot listen for HTTP requests: ${why}; check --rpc-address and --rpc-port`,
  ),
  OTS_ERR_DIR_UNWRITABLE: defineError(
    'OTS_ERR_DIR_UNWRITABLE',
    503,
    () => 'the calendar directory (or the log file) is not writable by this user; fix its permissions or choose another',
  ),
  OTS_ERR_DISK_FULL: defineError(
    'OTS_ERR_DISK_FULL',
    503,
    () => 'the disk holding the calendar is full; free space, then start otsd again (acknowledged digests are safe)',
  ),
  OTS_ERR_DAEMON_START_FAILED: defineError(
    'OTS_ERR_DAEMON_START_FAILED',
    500,
    (why: string) => `otsd could not start: ${why}`,
  ),
} as const;
