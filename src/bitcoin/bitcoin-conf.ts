// Finds the Bitcoin Core JSON-RPC endpoint the way the reference does (python-bitcoinlib): bitcoin.conf
// in the default datadir per network, rpcport/rpcuser/rpcpassword or the .cookie file. SPEC §10.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { bitcoinErrors } from './errors.js';

/** Where and how to reach the node's RPC. */
export interface RpcEndpoint {
  url: string;
  username: string;
  password: string;
}

/** Core's default RPC ports by chain name. */
export const DEFAULT_RPC_PORTS: Record<string, number> = { main: 8332, test: 18332, testnet4: 48332, signet: 38332, regtest: 18443 };
/** Subdirectory of the datadir per chain (mainnet uses the datadir itself). */
const CHAIN_DIRS: Record<string, string> = { main: '', test: 'testnet3', testnet4: 'testnet4', signet: 'signet', regtest: 'regtest' };
/** Section names of bitcoin.conf per chain. */
const CONF_SECTIONS: Record<string, string> = { main: 'main', test: 'test', testnet4: 'testnet4', signet: 'signet', regtest: 'regtest' };

/** How to find the node: explicit URL, explicit conf file, or the default datadir. */
export interface DiscoverOptions {
  network: string;
  rpcUrl?: string;
  confFile?: string;
  wallet?: string;
  /** Defaults to ~/.bitcoin (tests point it elsewhere). */
  dataDir?: string;
}

/** Resolves the RPC endpoint; credentials in the URL win, then conf values, then the cookie. */
export function discoverRpc(opts: DiscoverOptions): RpcEndpoint {
  const conf = opts.confFile ?? join(opts.dataDir ?? join(homedir(), '.bitcoin'), 'bitcoin.conf');
  const values = existsSync(conf) ? parseBitcoinConf(readFileSync(conf, 'utf8'), opts.network) : {};
  const dataDir = values.datadir ?? (opts.confFile ? dirname(opts.confFile) : (opts.dataDir ?? join(homedir(), '.bitcoin')));
  let url: URL;
  if (opts.rpcUrl) {
    url = new URL(opts.rpcUrl);
  } else {
    const host = values.rpcconnect ?? '127.0.0.1';
    const port = values.rpcport ?? String(DEFAULT_RPC_PORTS[opts.network] ?? 8332);
    url = new URL(`http://${host}:${port}/`);
  }
  let username = decodeURIComponent(url.username);
  let password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  if (!username && values.rpcuser && values.rpcpassword) {
    username = values.rpcuser;
    password = values.rpcpassword;
  }
  if (!username) {
    const cookie = join(dataDir, CHAIN_DIRS[opts.network] ?? '', '.cookie');
    if (!existsSync(cookie)) throw bitcoinErrors.OTS_ERR_RPC_NO_CONFIG();
    const text = readFileSync(cookie, 'utf8').trim();
    const colon = text.indexOf(':');
    username = text.slice(0, colon);
    password = text.slice(colon + 1);
  }
  if (opts.wallet) url.pathname = `/wallet/${encodeURIComponent(opts.wallet)}`;
  return { url: url.toString(), username, password };
}

/**
 * Parses bitcoin.conf: `key=value` lines, `#` comments, `[section]` headers. Keys before any section
 * apply to every chain; keys in the section of `network` override them (as Core reads them).
 */
export function parseBitcoinConf(text: string, network: string): Record<string, string> {
  const global: Record<string, string> = {};
  const own: Record<string, string> = {};
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    // "main.rpcport=..." style prefixes are Core's other way to scope a key
    const dot = key.indexOf('.');
    if (dot > 0) {
      if (key.slice(0, dot) === CONF_SECTIONS[network]) own[key.slice(dot + 1)] = value;
      continue;
    }
    if (section === '') global[key] = value;
    else if (section === CONF_SECTIONS[network]) own[key] = value;
  }
  return { ...global, ...own };
}
