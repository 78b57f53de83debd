// In-process regtest Bitcoin node (bcoin 1.0.2, chain and mempool in memory) with a one-key wallet,
// for `otsd dev` and tests. Fresh chain on every start. Implements BitcoinBackend (SPEC §7, §10).
import bcoin from 'bcoin';
import type { Logger } from 'pino';
import { fromHex, reverseBytes, toHex } from '../core/index.js';
import type { BitcoinBackend, BlockInfo, PendingStampTx, Utxo } from './backend.js';
import { bitcoinErrors } from './errors.js';
import { OneKeyWallet, type ScannedBlock } from './embedded-wallet.js';
import { DUST_LIMIT_SAT, readStampTx } from './stamp-tx.js';

/** bcoin's regtest activates segwit only after 3 windows of 144 blocks; mine past it before spending. */
export const SEGWIT_SAFE_HEIGHT = 500;
const COINBASE_MATURITY = 100;

/** Options of the embedded node. */
export interface EmbeddedNodeOptions {
  /** Blocks mined at start (≥ SEGWIT_SAFE_HEIGHT so segwit is active and coinbases are mature). */
  initialBlocks?: number;
  log?: Logger;
}

/** A bcoin full node in memory, driven through its JS API, plus a single-key P2WPKH wallet. */
export class EmbeddedNode implements BitcoinBackend {
  readonly network = 'regtest';
  private readonly wallet = new OneKeyWallet();
  private mining: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private constructor(private readonly node: any, private readonly log?: Logger) {}

  /** Starts a fresh in-memory regtest chain and mines `initialBlocks` to the wallet. */
  static async start(opts: EmbeddedNodeOptions = {}): Promise<EmbeddedNode> {
    const node = new bcoin.FullNode({
      network: 'regtest',
      memory: true,
      listen: false,
      logLevel: 'none',
      workers: false,
      // bcoin always opens its HTTP/RPC server; an ephemeral loopback port lets several nodes run at once
      httpHost: '127.0.0.1',
      httpPort: 0,
      // accept BIP125-signalling txs; bcoin 1.0.2 itself never replaces, see broadcast()
      replaceByFee: true,
    });
    await node.open();
    const self = new EmbeddedNode(node, opts.log);
    node.chain.on('connect', (_entry: unknown, block: ScannedBlock) => self.wallet.scan(block));
    await self.mine(Math.max(opts.initialBlocks ?? SEGWIT_SAFE_HEIGHT, SEGWIT_SAFE_HEIGHT));
    opts.log?.info({ height: self.node.chain.height, address: self.address }, 'embedded regtest node ready (fresh chain)');
    return self;
  }

  /** The wallet's (only) address, bcoin regtest form. */
  get address(): string {
    return this.wallet.address;
  }

  /**
   * URL of bcoin's own HTTP/JSON-RPC server (ephemeral loopback port, no auth on regtest). Its
   * Core-style read methods (getblockhash, getblockheader …) work; its wallet RPCs are incomplete.
   */
  get bcoinRpcUrl(): string {
    const address = this.node.http.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  /** Mines `n` blocks on the best tip including the mempool; returns their display hashes. */
  mine(n = 1): Promise<string[]> {
    return this.serial(async () => {
      const hashes: string[] = [];
      for (let i = 0; i < n; i++) {
        const block = await this.node.miner.mineBlock(this.node.chain.tip, this.minerAddress());
        await this.node.chain.add(block);
        hashes.push(block.rhash());
      }
      return hashes;
    });
  }

  /**
   * Mines `n` blocks without mempool txs on top of the block at `fromHeight` (default: the tip). A branch
   * longer than the current one from an earlier height makes the node reorganize (tests use this).
   */
  mineEmpty(n = 1, fromHeight?: number): Promise<string[]> {
    return this.serial(async () => {
      const chain = this.node.chain;
      let tip = fromHeight === undefined ? chain.tip : await chain.getEntryByHeight(fromHeight);
      const hashes: string[] = [];
      const mempool = this.node.miner.mempool;
      for (let i = 0; i < n; i++) {
        this.node.miner.mempool = null; // the template then holds only the coinbase
        let block;
        try {
          block = await this.node.miner.mineBlock(tip, this.minerAddress());
        } finally {
          this.node.miner.mempool = mempool;
        }
        await chain.add(block);
        tip = await chain.getEntry(block.hash('hex'));
        hashes.push(block.rhash());
      }
      return hashes;
    });
  }

  /**
   * Mines a block every `intervalMs` while `isWanted()` says so (dev mode); by default while the
   * mempool holds a transaction. Dev mode also keeps mining while a stamp tx waits for confirmations.
   */
  autoMine(intervalMs: number, isWanted: () => boolean = () => this.mempoolSize() > 0): void {
    this.stopAutoMine();
    this.timer = setInterval(() => {
      if (!isWanted()) return;
      this.mine(1).then(
        ([hash]) => this.log?.info({ height: this.node.chain.height, hash }, 'embedded node mined a block'),
        (err: unknown) => this.log?.error({ err }, 'embedded node failed to mine'),
      );
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer started by autoMine. */
  stopAutoMine(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async check(): Promise<void> {}

  async tipHeight(): Promise<number> {
    return this.node.chain.height as number;
  }

  async blockHash(height: number): Promise<string> {
    const hash = await this.node.chain.getHash(height);
    if (!hash) throw bitcoinErrors.OTS_ERR_RPC_FAILED('getblockhash', -8, `block height ${height} out of range`);
    return displayHex(hash);
  }

  async block(height: number): Promise<BlockInfo> {
    const hash = await this.node.chain.getHash(height);
    const block = hash ? await this.node.chain.getBlock(hash) : null;
    if (!block) throw bitcoinErrors.OTS_ERR_RPC_FAILED('getblock', -8, `block height ${height} out of range`);
    return {
      height,
      hash: block.rhash(),
      header: new Uint8Array(block.toHead()),
      // bcoin 1.0.2 returns internal-order hashes as Buffers (hash()) or hex (hash('hex'))
      txids: block.txs.map((tx: { hash(): Buffer }) => new Uint8Array(tx.hash())),
    };
  }

  async mempoolHas(txid: string): Promise<boolean> {
    return this.node.mempool.hasEntry(internalHex(txid)) as boolean;
  }

  /** Number of transactions in the mempool. */
  mempoolSize(): number {
    return this.node.mempool.map.size as number;
  }

  /** Display txids of the mempool (tests). */
  mempoolTxids(): string[] {
    return [...this.node.mempool.map.values()].map((e: { tx: { rhash(): string } }) => e.tx.rhash());
  }

  async largestUtxo(): Promise<Utxo | undefined> {
    const height = this.node.chain.height as number;
    let best: Utxo | undefined;
    for (const utxo of this.wallet.candidates()) {
      const hash = internalHex(utxo.txid);
      const coin = await this.node.chain.getCoin(hash, utxo.vout);
      if (!coin) continue; // spent or not on the best chain
      if (coin.coinbase && height - coin.height + 1 < COINBASE_MATURITY) continue;
      if (this.node.mempool.isSpent(hash, utxo.vout)) continue;
      if (utxo.amountSat <= DUST_LIMIT_SAT) continue;
      if (!best || utxo.amountSat > best.amountSat) best = utxo;
    }
    return best;
  }

  async unconfirmedStampTx(): Promise<PendingStampTx | undefined> {
    for (const entry of this.node.mempool.map.values()) {
      const raw = new Uint8Array(entry.tx.toRaw());
      const stamp = readStampTx(raw);
      const utxo = stamp && this.wallet.output(stamp.txid, stamp.vout);
      if (utxo) return { raw, utxo, feeSat: BigInt(entry.fee) };
    }
    return undefined;
  }

  /** An unspent best-chain output (gettxout), or undefined when spent or unknown. */
  async txOut(txid: string, vout: number): Promise<{ amountSat: bigint; script: Uint8Array } | undefined> {
    const coin = await this.node.chain.getCoin(internalHex(txid), vout);
    return coin ? { amountSat: BigInt(coin.value), script: new Uint8Array(coin.script.toRaw()) } : undefined;
  }

  /** Raw bytes of a mempool tx, or undefined. */
  mempoolTx(txid: string): Uint8Array | undefined {
    const tx = this.node.mempool.getTX(internalHex(txid));
    return tx ? new Uint8Array(tx.toRaw()) : undefined;
  }

  async changeScript(): Promise<Uint8Array> {
    return this.wallet.script;
  }

  async sign(raw: Uint8Array, utxo: Utxo): Promise<Uint8Array> {
    return this.wallet.sign(raw, utxo);
  }

  async broadcast(raw: Uint8Array): Promise<string> {
    if (this.closed) throw bitcoinErrors.OTS_ERR_RPC_UNREACHABLE('embedded node closed');
    const tx = bcoin.TX.fromRaw(Buffer.from(raw));
    await this.replaceConflicts(tx);
    try {
      const missing = await this.node.mempool.addTX(tx);
      if (missing) throw new Error('missing inputs');
    } catch (err) {
      const reason = (err as { reason?: string }).reason ?? (err as Error).message;
      throw bitcoinErrors.OTS_ERR_STAMP_REJECTED(reason).causedBy(err);
    }
    return tx.rhash() as string;
  }

  async estimateFeeRate(): Promise<number | undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopAutoMine();
    await this.mining.catch(() => undefined);
    await this.node.close();
  }

  /**
   * bcoin 1.0.2 rejects any double spend, so BIP125 replacement is done here: the conflicting mempool
   * tx must signal (rule 1) and the new one must pay more, by at least 1 sat/vB of its size (rules 3-4).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async replaceConflicts(tx: any): Promise<void> {
    const mempool = this.node.mempool;
    for (const input of tx.inputs) {
      const old = mempool.getSpent(input.prevout.hash, input.prevout.index);
      if (!old) continue;
      if (!old.tx.isRBF()) throw bitcoinErrors.OTS_ERR_STAMP_REJECTED('txn-mempool-conflict (original does not signal BIP125)');
      const view = await mempool.getCoinView(tx);
      const fee = tx.getFee(view) as number;
      if (fee < old.fee + tx.getVirtualSize()) throw bitcoinErrors.OTS_ERR_STAMP_REJECTED('insufficient fee for replacement');
      mempool.evictEntry(old);
    }
  }

  private minerAddress(): unknown {
    return bcoin.Address.fromScript(bcoin.Script.fromRaw(Buffer.from(this.wallet.script)));
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.mining.then(job, job);
    this.mining = run.catch(() => undefined);
    return run;
  }
}

function displayHex(internal: string | Buffer): string {
  const bytes = typeof internal === 'string' ? fromHex(internal) : new Uint8Array(internal);
  return toHex(reverseBytes(bytes));
}

function internalHex(display: string): string {
  return toHex(reverseBytes(fromHex(display)));
}
