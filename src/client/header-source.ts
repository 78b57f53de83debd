// Where verify reads Bitcoin block headers: a Bitcoin Core node over JSON-RPC (getblockhash +
// getblockheader verbose=false) or an Esplora-style explorer API. Each header is checked against its hash.
import { equalBytes, fromHex, isHex, isOtsError, reverseBytes, sha256d } from '../core/index.js';
import { clientErrors } from './errors.js';
import { boundedRequest, type FetchLike, joinUrl, redactUrl } from './http.js';

/** The small interface verify needs: the 80-byte header at a height, undefined if there is no such block. */
export interface BlockHeaderSource {
  headerAt(height: number): Promise<Uint8Array | undefined>;
  /** Where headers come from, for messages (no credentials). */
  readonly label: string;
}

/** Bitcoin networks verify understands. */
export type BitcoinNetwork = 'mainnet' | 'testnet' | 'regtest';

/** Bitcoin Core's default RPC port per network. */
export const DEFAULT_RPC_PORT: Record<BitcoinNetwork, number> = { mainnet: 8332, testnet: 18332, regtest: 18443 };

/** Public Esplora instances used when neither --bitcoin-node nor --esplora is given (none for regtest). */
export const DEFAULT_ESPLORA: Partial<Record<BitcoinNetwork, string>> = {
  mainnet: 'https://blockstream.info/api',
  testnet: 'https://blockstream.info/testnet/api',
};

/** Header sources answer fast; a slow one is given this long per request. */
const HEADER_TIMEOUT_MS = 10000;
const HEADER_LENGTH = 80;
/** Bitcoin Core's error for a height above the tip. */
const RPC_OUT_OF_RANGE = -8;

/** Options shared by both sources. */
export interface HeaderSourceOptions {
  timeoutMs?: number;
  fetch?: FetchLike;
}

/**
 * Bitcoin Core JSON-RPC. `url` may carry credentials (http://user:pass@host:port); without a port the
 * network's default port is used.
 */
export function coreRpcHeaderSource(url: string, network: BitcoinNetwork, opts: HeaderSourceOptions = {}): BlockHeaderSource {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw clientErrors.OTS_ERR_CLIENT_BAD_URL('the --bitcoin-node value');
  }
  if (!parsed.port) parsed.port = String(DEFAULT_RPC_PORT[network]);
  const auth =
    parsed.username || parsed.password
      ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`
      : undefined;
  parsed.username = '';
  parsed.password = '';
  const endpoint = parsed.toString();
  const label = redactUrl(endpoint);
  let id = 0;

  async function call(method: string, params: unknown[]): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
    const res = await boundedRequest(endpoint, {
      method: 'POST',
      body: Buffer.from(JSON.stringify({ jsonrpc: '1.0', id: ++id, method, params })),
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
      timeoutMs: opts.timeoutMs ?? HEADER_TIMEOUT_MS,
      fetch: opts.fetch,
      maxBytes: 100000,
      label,
    }).catch((err: unknown) => {
      throw clientErrors.OTS_ERR_VERIFY_NODE_UNREACHABLE(label).causedBy(err);
    });
    if (res.status === 401 || res.status === 403) throw clientErrors.OTS_ERR_VERIFY_NODE_ERROR(label, 'RPC authentication failed');
    try {
      return JSON.parse(Buffer.from(res.body).toString('utf8')) as { result?: unknown; error?: { code: number; message: string } };
    } catch (err) {
      throw clientErrors.OTS_ERR_VERIFY_NODE_ERROR(label, `HTTP ${res.status} without a JSON-RPC body`).causedBy(err);
    }
  }

  return {
    label,
    async headerAt(height) {
      const hash = await call('getblockhash', [height]);
      if (hash.error?.code === RPC_OUT_OF_RANGE) return undefined;
      if (hash.error || typeof hash.result !== 'string') throw clientErrors.OTS_ERR_VERIFY_NODE_ERROR(label, `getblockhash: ${hash.error?.message ?? 'no result'}`);
      const header = await call('getblockheader', [hash.result, false]);
      if (header.error || typeof header.result !== 'string') {
        throw clientErrors.OTS_ERR_VERIFY_NODE_ERROR(label, `getblockheader: ${header.error?.message ?? 'no result'}`);
      }
      return checkHeader(label, hash.result, header.result);
    },
  };
}

/** Esplora-style API: GET <base>/block-height/<h> -> hash, GET <base>/block/<hash>/header -> hex. */
export function esploraHeaderSource(baseUrl: string, opts: HeaderSourceOptions = {}): BlockHeaderSource {
  const label = redactUrl(baseUrl);
  const get = async (path: string) => {
    const res = await boundedRequest(joinUrl(baseUrl, path), {
      timeoutMs: opts.timeoutMs ?? HEADER_TIMEOUT_MS,
      fetch: opts.fetch,
      label,
    }).catch((err: unknown) => {
      throw clientErrors.OTS_ERR_VERIFY_NODE_UNREACHABLE(label).causedBy(err);
    });
    return { status: res.status, text: Buffer.from(res.body).toString('utf8').trim() };
  };
  return {
    label,
    async headerAt(height) {
      const hash = await get(`block-height/${height}`);
      // Esplora answers 404 (or 400 "Block not found") for a height above its tip.
      if (hash.status === 404 || (hash.status === 400 && /not found/i.test(hash.text))) return undefined;
      if (hash.status !== 200) throw clientErrors.OTS_ERR_VERIFY_NODE_ERROR(label, `block-height answered HTTP ${hash.status}`);
      const header = await get(`block/${hash.text}/header`);
      if (header.status !== 200) throw clientErrors.OTS_ERR_VERIFY_NODE_ERROR(label, `block header answered HTTP ${header.status}`);
      return checkHeader(label, hash.text, header.text);
    },
  };
}

/** Decodes a header and checks that it hashes to the block hash it was fetched by. */
function checkHeader(label: string, hashHex: string, headerHex: string): Uint8Array {
  if (!isHex(hashHex) || hashHex.length !== 64 || !isHex(headerHex) || headerHex.length !== HEADER_LENGTH * 2) {
    throw clientErrors.OTS_ERR_VERIFY_NODE_ERROR(label, 'malformed block hash or header');
  }
  const header = fromHex(headerHex);
  if (!equalBytes(reverseBytes(sha256d(header)), fromHex(hashHex))) {
    throw clientErrors.OTS_ERR_VERIFY_NODE_ERROR(label, 'the header does not hash to the block hash it was served for');
  }
  return header;
}

/** Tries each source in order, moving on only when one is unreachable (e.g. a local node that is down). */
export function firstReachable(sources: readonly BlockHeaderSource[]): BlockHeaderSource {
  if (sources.length === 1) return sources[0]!;
  return {
    label: sources.map((s) => s.label).join(' or '),
    async headerAt(height) {
      let last: unknown;
      for (const source of sources) {
        try {
          return await source.headerAt(height);
        } catch (err) {
          if (!isOtsError(err, 'OTS_ERR_VERIFY_NODE_UNREACHABLE')) throw err;
          last = err;
        }
      }
      throw last;
    },
  };
}
