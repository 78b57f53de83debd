// A minimal Bitcoin Core JSON-RPC 1.0 client over HTTP: timeouts, bounded retries with backoff for
// transport failures, and coded errors for unreachable nodes and refused credentials.
import { request } from 'node:http';
import type { RpcEndpoint } from './bitcoin-conf.js';
import { bitcoinErrors } from './errors.js';

/** Transport knobs. */
export interface RpcClientOptions {
  /** Per-request timeout (default 30 s; sendrawtransaction and getblock can be slow on a busy node). */
  timeoutMs?: number;
  /** Extra attempts after a transport failure (default 2), waiting 250 ms, 500 ms, … between them. */
  retries?: number;
}

/** An RPC error reply from the node (not a transport failure). */
export class RpcReplyError extends Error {
  constructor(readonly method: string, readonly rpcCode: number, message: string) {
    super(message);
  }
}

/** Calls Core's JSON-RPC methods by name. */
export class RpcClient {
  private nextId = 1;
  constructor(private readonly endpoint: RpcEndpoint, private readonly opts: RpcClientOptions = {}) {}

  /** Calls `method`; throws RpcReplyError for node-side errors, OTS_ERR_RPC_* for transport/auth. */
  async call<T>(method: string, ...params: unknown[]): Promise<T> {
    const retries = this.opts.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, params);
      } catch (err) {
        const isTransport = !(err instanceof RpcReplyError) && (err as { code?: string }).code !== 'OTS_ERR_RPC_AUTH';
        if (!isTransport || attempt >= retries) throw err;
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      }
    }
  }

  private once<T>(method: string, params: unknown[]): Promise<T> {
    const body = JSON.stringify({ jsonrpc: '1.0', id: this.nextId++, method, params });
    const url = new URL(this.endpoint.url);
    const auth = Buffer.from(`${this.endpoint.username}:${this.endpoint.password}`).toString('base64');
    return new Promise<T>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          timeout: this.opts.timeoutMs ?? 30_000,
          headers: { 'content-type': 'application/json', authorization: `Basic ${auth}`, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(bitcoinErrors.OTS_ERR_RPC_UNREACHABLE('reply interrupted').causedBy(err)));
          res.on('end', () => {
            if (res.statusCode === 401 || res.statusCode === 403) return reject(bitcoinErrors.OTS_ERR_RPC_AUTH());
            let reply: { result?: T; error?: { code: number; message: string } | null };
            try {
              reply = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch (err) {
              return reject(bitcoinErrors.OTS_ERR_RPC_UNREACHABLE(`http ${res.statusCode} without json`).causedBy(err));
            }
            // Core answers RPC errors with http 500 (or 404 for unknown methods) and a json error body
            if (reply.error) return reject(new RpcReplyError(method, reply.error.code, reply.error.message));
            resolve(reply.result as T);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.opts.timeoutMs ?? 30_000} ms`)));
      req.on('error', (err) => reject(bitcoinErrors.OTS_ERR_RPC_UNREACHABLE(`${method}: ${err.message}`).causedBy(err)));
      req.end(body);
    });
  }
}
