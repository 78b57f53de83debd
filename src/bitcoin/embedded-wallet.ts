// The embedded regtest node's wallet: one random P2WPKH key (bcoin regtest address form, `rb1…`),
// the outputs ever paid to it (spentness is asked of the chain), and signing with @scure/btc-signer.
import { p2wpkh, Transaction } from '@scure/btc-signer';
import { pubECDSA, randomPrivateKeyBytes } from '@scure/btc-signer/utils.js';
import { toHex } from '../core/index.js';
import type { Utxo } from './backend.js';

/** bcoin regtest address prefixes (bech32 'rb', not Core's 'bcrt'). */
const BCOIN_REGTEST = { bech32: 'rb', pubKeyHash: 0x3c, scriptHash: 0x26, wif: 0x5a };

/** The part of a bcoin block the wallet scan reads. */
export interface ScannedBlock {
  txs: { outputs: { script: { toRaw(): Buffer }; value: number }[]; rhash(): string }[];
}

/** A single-key wallet; the key lives in memory only, like the dev chain. */
export class OneKeyWallet {
  private readonly priv = randomPrivateKeyBytes();
  private readonly pay = p2wpkh(pubECDSA(this.priv), BCOIN_REGTEST);
  /** Every output ever paid to our script, keyed by "txid(display):vout". */
  private readonly outputs = new Map<string, Utxo>();

  /** The wallet address (bcoin regtest form). */
  get address(): string {
    return this.pay.address!;
  }

  /** The P2WPKH output script (mining reward and change go here). */
  get script(): Uint8Array {
    return this.pay.script;
  }

  /** Every output ever paid to the wallet; the caller filters the spent ones. */
  candidates(): IterableIterator<Utxo> {
    return this.outputs.values();
  }

  /** The wallet output at txid:vout, if it is one. */
  output(txid: string, vout: number): Utxo | undefined {
    return this.outputs.get(`${txid}:${vout}`);
  }

  /** Records the outputs of a connected block that pay the wallet. */
  scan(block: ScannedBlock): void {
    const ours = toHex(this.pay.script);
    for (const tx of block.txs) {
      tx.outputs.forEach((out, vout) => {
        const script = new Uint8Array(out.script.toRaw());
        if (toHex(script) !== ours) return;
        const txid = tx.rhash();
        this.outputs.set(`${txid}:${vout}`, { txid, vout, amountSat: BigInt(out.value), script });
      });
    }
  }

  /** Signs the single segwit input of `raw`, which spends `utxo`. */
  sign(raw: Uint8Array, utxo: Utxo): Uint8Array {
    const tx = Transaction.fromRaw(raw, { allowUnknownOutputs: true });
    tx.updateInput(0, { witnessUtxo: { script: utxo.script, amount: utxo.amountSat } });
    tx.sign(this.priv);
    tx.finalize();
    return tx.extract();
  }
}
