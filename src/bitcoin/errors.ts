// Failures of the Bitcoin side: talking to the node (RPC) and making stamp transactions (STAMP).
// 503 everywhere: each means a dependency of the calendar is down or cannot make progress.
import { defineError } from '../core/index.js';

/** Codes of src/bitcoin. Keys equal codes; every code is listed in docs/errors.md. */
export const bitcoinErrors = {
  OTS_ERR_RPC_UNREACHABLE: defineError(
    'OTS_ERR_RPC_UNREACHABLE',
    503,
    (what: string) => `bitcoin node unreachable (${what}); check that it runs and the rpc url/port`,
  ),
  OTS_ERR_RPC_AUTH: defineError(
    'OTS_ERR_RPC_AUTH',
    503,
    () => 'bitcoin node refused the rpc credentials; check rpcuser/rpcpassword or the .cookie file',
  ),
  OTS_ERR_RPC_WRONG_NETWORK: defineError(
    'OTS_ERR_RPC_WRONG_NETWORK',
    503,
    (expected: string, actual: string) => `bitcoin node is on chain '${actual}', expected '${expected}'`,
  ),
  OTS_ERR_RPC_SYNCING: defineError(
    'OTS_ERR_RPC_SYNCING',
    503,
    (height: number) => `bitcoin node is still syncing (initial block download at height ${height}); wait for it`,
  ),
  OTS_ERR_RPC_FAILED: defineError(
    'OTS_ERR_RPC_FAILED',
    503,
    (method: string, code: number, message: string) => `bitcoin rpc ${method} failed with code ${code}: ${message}`,
  ),
  OTS_ERR_RPC_NO_CONFIG: defineError(
    'OTS_ERR_RPC_NO_CONFIG',
    503,
    () => 'no rpc credentials found: give --btc-rpc-url or a bitcoin.conf with rpcuser/rpcpassword, or run the node so it writes its .cookie',
  ),
  OTS_ERR_STAMP_WALLET_EMPTY: defineError(
    'OTS_ERR_STAMP_WALLET_EMPTY',
    503,
    () => 'the bitcoin wallet has no confirmed spendable output above 546 sat; fund it',
  ),
  OTS_ERR_STAMP_WALLET_LOCKED: defineError(
    'OTS_ERR_STAMP_WALLET_LOCKED',
    503,
    () => 'the bitcoin wallet is locked or could not sign; unlock it (walletpassphrase) or use an unencrypted wallet',
  ),
  OTS_ERR_STAMP_FEE_CAP: defineError(
    'OTS_ERR_STAMP_FEE_CAP',
    503,
    (feeSat: bigint, maxSat: bigint) => `stamp transaction would pay ${feeSat} sat, above --btc-max-fee ${maxSat} sat`,
  ),
  OTS_ERR_STAMP_REJECTED: defineError(
    'OTS_ERR_STAMP_REJECTED',
    503,
    (reason: string) => `the bitcoin node rejected the stamp transaction: ${reason}`,
  ),
  OTS_ERR_STAMP_STUCK: defineError(
    'OTS_ERR_STAMP_STUCK',
    503,
    (blocks: number) => `stamp transaction still unconfirmed after ${blocks} blocks; check fees and the node's mempool`,
  ),
  OTS_ERR_STAMP_FAILED: defineError(
    'OTS_ERR_STAMP_FAILED',
    500,
    () => 'the stamper failed unexpectedly; see the server log',
  ),
  OTS_ERR_STAMP_BAD_OPTION: defineError(
    'OTS_ERR_STAMP_BAD_OPTION',
    400,
    (option: string, why: string) => `invalid ${option}: ${why}`,
  ),
} as const;
