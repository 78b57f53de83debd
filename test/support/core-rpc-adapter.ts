// Test-only JSON-RPC server speaking Bitcoin Core's method names and reply shapes over the embedded
// regtest node, so CoreBackend is tested against real HTTP. Covers exactly the methods CoreBackend
// calls: getblockchaininfo, getblockcount, getblockhash, getblockheader (verbose=false), getblock
// (verbosity 1: tx ids), getmempoolentry, listunspent (the largest spendable output only),
// getrawchangeaddress, getaddressinfo, signrawtransactionwithwallet, sendrawtransaction,
// estimatesmartfee (no estimate, like a fresh regtest node), and for a restart listtransactions /
// gettransaction / gettxout (the wallet's unconfirmed stamp tx only). Basic auth as Core: 401 when wrong.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isOtsError, toHex } from '../../src/core/index.js';
import { fromHex } from '../../src/core/index.js';
import { type EmbeddedNode, inspectSignedTx } from '../../src/bitcoin/index.js';

/** A running adapter: its URL (no credentials), and a way to stop and restart it on the same port. */
export interface CoreRpcAdapter {
  url: string;
  username: string;
  password: string;
  /** Closes the listener (the node stays up): clients see connection refused. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

/** Starts the adapter on 127.0.0.1 (port 0 = any free port). */
export async function startCoreRpcAdapter(node: EmbeddedNode, port = 0): Promise<CoreRpcAdapter> {
  const username = 'otsd';
  const password = 'test-password';
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  let server: Server;
  const listen = (p: number) =>
    new Promise<number>((resolve) => {
      server = createServer((req, res) => {
        if (req.headers.authorization !== expected) {
          res.writeHead(401).end();
          return;
        }
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const { id, method, params } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; method: string; params: unknown[] };
          dispatch(node, method, params).then(
            (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result, error: null, id })),
            (err: { rpcCode?: number; message: string }) =>
              res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ result: null, error: { code: err.rpcCode ?? -1, message: err.message }, id })),
          );
        });
      });
      server.listen(p, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const bound = await listen(port);
  return {
    url: `http://127.0.0.1:${bound}/`,
    username,
    password,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
    restart: async () => { await listen(bound); },
  };
}

function rpcError(rpcCode: number, message: string): Error {
  return Object.assign(new Error(message), { rpcCode });
}

async function heightOf(node: EmbeddedNode, hash: string): Promise<number> {
  for (let h = await node.tipHeight(); h >= 0; h--) if ((await node.blockHash(h)) === hash) return h;
  throw rpcError(-5, 'Block not found');
}

async function dispatch(node: EmbeddedNode, method: string, params: unknown[]): Promise<unknown> {
  switch (method) {
    case 'getblockchaininfo': {
      const blocks = await node.tipHeight();
      return { chain: 'regtest', blocks, headers: blocks, bestblockhash: await node.blockHash(blocks), initialblockdownload: false };
    }
    case 'getblockcount':
      return node.tipHeight();
    case 'getblockhash':
      return node.blockHash(params[0] as number);
    case 'getblockheader':
      return toHex((await node.block(await heightOf(node, params[0] as string))).header);
    case 'getblock': {
      const block = await node.block(await heightOf(node, params[0] as string));
      return { hash: block.hash, height: block.height, tx: block.txids.map((id) => toHex(Uint8Array.from(id).reverse())) };
    }
    case 'getmempoolentry':
      if (await node.mempoolHas(params[0] as string)) return { vsize: 0 };
      throw rpcError(-5, 'Transaction not in mempool');
    case 'listunspent': {
      const u = await node.largestUtxo();
      return u ? [{ txid: u.txid, vout: u.vout, amount: Number(u.amountSat) / 1e8, scriptPubKey: toHex(u.script), spendable: true, confirmations: 1 }] : [];
    }
    case 'getrawchangeaddress':
      return node.address;
    case 'getaddressinfo':
      return { address: params[0], scriptPubKey: toHex(await node.changeScript()) };
    case 'signrawtransactionwithwallet': {
      const [prev] = params[1] as { txid: string; vout: number; scriptPubKey: string; amount: number }[];
      const utxo = { txid: prev!.txid, vout: prev!.vout, script: fromHex(prev!.scriptPubKey), amountSat: BigInt(Math.round(prev!.amount * 1e8)) };
      return { hex: toHex(await node.sign(fromHex(params[0] as string), utxo)), complete: true };
    }
    case 'sendrawtransaction':
      try {
        return await node.broadcast(fromHex(params[0] as string));
      } catch (err) {
        throw isOtsError(err) ? rpcError(-26, err.message) : err;
      }
    case 'listtransactions': {
      // only what CoreBackend.unconfirmedStampTx looks for: the wallet's stamp tx in the mempool
      const pending = await node.unconfirmedStampTx();
      return pending ? [{ txid: inspectSignedTx(pending.raw).txid, category: 'send', confirmations: 0 }] : [];
    }
    case 'gettransaction': {
      const raw = node.mempoolTx(params[0] as string);
      if (!raw) throw rpcError(-5, 'Invalid or non-wallet transaction id');
      const pending = await node.unconfirmedStampTx();
      return { hex: toHex(raw), confirmations: 0, fee: pending ? -Number(pending.feeSat) / 1e8 : 0 };
    }
    case 'gettxout': {
      const out = await node.txOut(params[0] as string, params[1] as number);
      return out ? { value: Number(out.amountSat) / 1e8, scriptPubKey: { hex: toHex(out.script) } } : null;
    }
    case 'estimatesmartfee':
      return { errors: ['Insufficient data or no feerate found'], blocks: params[0] };
    default:
      throw rpcError(-32601, 'Method not found');
  }
}
