// BitcoinBackend over Bitcoin Core's JSON-RPC (production): chain and mempool queries, wallet UTXOs,
// change addresses, signrawtransactionwithwallet and sendrawtransaction. SPEC §7.2, §10.
import { fromHex, reverseBytes, toHex } from '../core/index.js';
import type { BitcoinBackend, BlockInfo, PendingStampTx, Utxo } from './backend.js';
import { bitcoinErrors } from './errors.js';
import { RpcClient, RpcReplyError } from './rpc-client.js';
import { DUST_LIMIT_SAT, readStampTx } from './stamp-tx.js';

/** Core RPC error codes we act on (src/rpc/protocol.h). */
const RPC_INVALID_ADDRESS_OR_KEY = -5;
const RPC_WALLET_UNLOCK_NEEDED = -13;
const RPC_IN_WARMUP = -28;
const REJECTION_CODES = new Set([-25, -26, -27]);

interface ListUnspentEntry { txid: string; vout: number; amount: number; scriptPubKey: string; spendable: boolean; confirmations: number }

/** Bitcoin Core (or anything speaking its RPC) as the stamper's backend. */
export class CoreBackend implements BitcoinBackend {
  constructor(private readonly rpc: RpcClient, readonly network: string) {}

  async check(): Promise<void> {
    const info = await this.call<{ chain: string; blocks: number; initialblockdownload: boolean }>('getblockchaininfo');
    if (info.chain !== this.network) throw bitcoinErrors.OTS_ERR_RPC_WRONG_NETWORK(this.network, info.chain);
    if (info.initialblockdownload) throw bitcoinErrors.OTS_ERR_RPC_SYNCING(info.blocks);
  }

  tipHeight(): Promise<number> {
    return this.call<number>('getblockcount');
  }

  blockHash(height: number): Promise<string> {
    return this.call<string>('getblockhash', height);
  }

  async block(height: number): Promise<BlockInfo> {
    const hash = await this.blockHash(height);
    const header = fromHex(await this.call<string>('getblockheader', hash, false));
    const { tx } = await this.call<{ tx: string[] }>('getblock', hash, 1);
    return { height, hash, header, txids: tx.map((id) => reverseBytes(fromHex(id))) };
  }

  async mempoolHas(txid: string): Promise<boolean> {
    try {
      await this.rpc.call('getmempoolentry', txid);
      return true;
    } catch (err) {
      if (err instanceof RpcReplyError && err.rpcCode === RPC_INVALID_ADDRESS_OR_KEY) return false;
      throw this.mapError(err);
    }
  }

  async largestUtxo(): Promise<Utxo | undefined> {
    const entries = await this.call<ListUnspentEntry[]>('listunspent', 1);
    let best: Utxo | undefined;
    for (const e of entries) {
      const amountSat = BigInt(Math.round(e.amount * 1e8));
      if (!e.spendable || e.confirmations < 1 || amountSat <= DUST_LIMIT_SAT) continue;
      if (!best || amountSat > best.amountSat) best = { txid: e.txid, vout: e.vout, amountSat, script: fromHex(e.scriptPubKey) };
    }
    return best;
  }

  async unconfirmedStampTx(): Promise<PendingStampTx | undefined> {
    const recent = await this.call<{ txid: string; category: string; confirmations: number }[]>('listtransactions', '*', 100, 0, false);
    const seen = new Set<string>();
    for (const e of recent.reverse()) {
      if (e.category !== 'send' || e.confirmations !== 0 || seen.has(e.txid)) continue;
      seen.add(e.txid);
      if (!(await this.mempoolHas(e.txid))) continue; // replaced or evicted versions stay in the wallet
      const wtx = await this.call<{ hex: string; fee?: number }>('gettransaction', e.txid);
      const raw = fromHex(wtx.hex);
      const stamp = readStampTx(raw);
      if (!stamp) continue;
      // the input is unspent on the chain (only the mempool spends it), so gettxout without mempool finds it
      const out = await this.call<{ value: number; scriptPubKey: { hex: string } } | null>('gettxout', stamp.txid, stamp.vout, false);
      if (!out) continue;
      const utxo = { txid: stamp.txid, vout: stamp.vout, amountSat: BigInt(Math.round(out.value * 1e8)), script: fromHex(out.scriptPubKey.hex) };
      return { raw, utxo, feeSat: BigInt(Math.round(-(wtx.fee ?? 0) * 1e8)) };
    }
    return undefined;
  }

  async changeScript(): Promise<Uint8Array> {
    const address = await this.call<string>('getrawchangeaddress', 'bech32');
    const info = await this.call<{ scriptPubKey: string }>('getaddressinfo', address);
    return fromHex(info.scriptPubKey);
  }

  async sign(raw: Uint8Array, utxo: Utxo): Promise<Uint8Array> {
    const prevtxs = [{ txid: utxo.txid, vout: utxo.vout, scriptPubKey: toHex(utxo.script), amount: Number(utxo.amountSat) / 1e8 }];
    // a locked wallet answers -13 (mapped in call()) or an incomplete signature
    const res = await this.call<{ hex: string; complete: boolean }>('signrawtransactionwithwallet', toHex(raw), prevtxs);
    if (!res.complete) throw bitcoinErrors.OTS_ERR_STAMP_WALLET_LOCKED();
    return fromHex(res.hex);
  }

  async broadcast(raw: Uint8Array): Promise<string> {
    try {
      return await this.rpc.call<string>('sendrawtransaction', toHex(raw));
    } catch (err) {
      if (err instanceof RpcReplyError && REJECTION_CODES.has(err.rpcCode)) throw bitcoinErrors.OTS_ERR_STAMP_REJECTED(err.message).causedBy(err);
      throw this.mapError(err);
    }
  }

  async estimateFeeRate(confTarget: number): Promise<number | undefined> {
    const res = await this.call<{ feerate?: number }>('estimatesmartfee', confTarget);
    // BTC per kvB -> sat per vB
    return res.feerate === undefined ? undefined : (res.feerate * 1e8) / 1000;
  }

  async close(): Promise<void> {}

  private async call<T>(method: string, ...params: unknown[]): Promise<T> {
    try {
      return await this.rpc.call<T>(method, ...params);
    } catch (err) {
      throw this.mapError(err);
    }
  }

  private mapError(err: unknown): unknown {
    if (!(err instanceof RpcReplyError)) return err;
    if (err.rpcCode === RPC_IN_WARMUP) return bitcoinErrors.OTS_ERR_RPC_UNREACHABLE('node warming up').causedBy(err);
    if (err.rpcCode === RPC_WALLET_UNLOCK_NEEDED) return bitcoinErrors.OTS_ERR_STAMP_WALLET_LOCKED().causedBy(err);
    return bitcoinErrors.OTS_ERR_RPC_FAILED(err.method, err.rpcCode, err.message).causedBy(err);
  }
}
