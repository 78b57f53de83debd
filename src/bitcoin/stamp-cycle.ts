// One stamp cycle (SPEC §10): the wallet output it spends and its RBF versions. Starting a cycle,
// adopting one found after a restart, and sending the next version with the reference's fee policy.
import type { Logger } from 'pino';
import { isOtsError } from '../core/index.js';
import type { BitcoinBackend, Utxo } from './backend.js';
import { bitcoinErrors } from './errors.js';
import { buildStampTx, commitmentsTip, DUST_LIMIT_SAT, inspectSignedTx, readStampTx } from './stamp-tx.js';

/** Attempts after a rejection, each at 1.25× the fee rate (the reference retries on RPC error -26). */
const MAX_REJECTED_RETRIES = 5;

/** One broadcast version of the cycle's tx. Commitments are empty for a version adopted after a restart. */
export interface TxVersion { txid: string; stripped: Uint8Array; tip: Uint8Array; commitments: Uint8Array[]; feeSat: bigint; vsize: number }

/** The unconfirmed tx: the spent output, the change script, the fee rate and all versions so far. */
export interface StampCycle { utxo: Utxo; changeScript: Uint8Array; feeRate: number; versions: TxVersion[]; firstHeight: number }

/** What sending needs from the stamper's settings. */
export interface CyclePolicy { confTarget: number; minRelayFeeRate: number; maxFeeSat: bigint; log: Logger }

/** A new cycle from the wallet's largest confirmed output; fee rate from estimatesmartfee or the floor. */
export async function startCycle(backend: BitcoinBackend, policy: CyclePolicy, height: number): Promise<StampCycle> {
  const utxo = await backend.largestUtxo();
  if (!utxo) throw bitcoinErrors.OTS_ERR_STAMP_WALLET_EMPTY();
  const feeRate = await feeRateOf(backend, policy);
  return { utxo, changeScript: await backend.changeScript(), feeRate, versions: [], firstHeight: height };
}

/**
 * After a restart: the wallet's stamp tx still in the mempool as a cycle of one version (its
 * commitments unknown), so the next version replaces it instead of anchoring the same commitments twice.
 */
export async function adoptCycle(backend: BitcoinBackend, policy: CyclePolicy, height: number): Promise<StampCycle | undefined> {
  const found = await backend.unconfirmedStampTx();
  const stamp = found && readStampTx(found.raw);
  if (!found || !stamp) return undefined;
  const info = inspectSignedTx(found.raw);
  policy.log.info({ txid: info.txid, feeSat: Number(found.feeSat) }, 'adopted the unconfirmed stamp tx found at start-up');
  return {
    utxo: found.utxo,
    changeScript: stamp.changeScript,
    feeRate: await feeRateOf(backend, policy),
    versions: [{ txid: info.txid, stripped: info.stripped, tip: stamp.tip, commitments: [], feeSat: found.feeSat, vsize: info.vsize }],
    firstHeight: height,
  };
}

/**
 * Builds, signs and broadcasts the next version over `commitments`; each version pays the previous
 * fee plus its own vsize × fee rate (reference). On rejection raises the fee rate ×1.25 and retries.
 */
export async function sendVersion(
  backend: BitcoinBackend,
  cycle: StampCycle,
  commitments: Uint8Array[],
  policy: CyclePolicy,
  lockTime: number,
): Promise<TxVersion> {
  const tip = commitmentsTip(commitments);
  const prev = cycle.versions.at(-1);
  const sign = async (changeSat: bigint) => {
    const unsigned = buildStampTx({ utxo: cycle.utxo, changeScript: cycle.changeScript, changeSat, tip, lockTime });
    return backend.sign(unsigned, cycle.utxo);
  };
  for (let attempt = 0; ; attempt++) {
    const draft = inspectSignedTx(await sign(cycle.utxo.amountSat));
    // the +1 covers a signature one byte longer than in the draft
    const ownFee = BigInt(Math.ceil((draft.vsize + 1) * cycle.feeRate));
    const feeSat = prev ? prev.feeSat + ownFee : ownFee;
    if (feeSat > policy.maxFeeSat) throw bitcoinErrors.OTS_ERR_STAMP_FEE_CAP(feeSat, policy.maxFeeSat);
    if (cycle.utxo.amountSat - feeSat <= DUST_LIMIT_SAT) throw bitcoinErrors.OTS_ERR_STAMP_WALLET_EMPTY();
    const raw = await sign(cycle.utxo.amountSat - feeSat);
    try {
      await backend.broadcast(raw);
    } catch (err) {
      if (!isOtsError(err, 'OTS_ERR_STAMP_REJECTED') || attempt >= MAX_REJECTED_RETRIES) throw err;
      policy.log.warn({ err, feeRate: cycle.feeRate }, 'stamp tx rejected; raising the fee rate');
      cycle.feeRate *= 1.25;
      continue;
    }
    const info = inspectSignedTx(raw);
    const version = { txid: info.txid, stripped: info.stripped, tip, commitments, feeSat, vsize: info.vsize };
    cycle.versions.push(version);
    policy.log.info({ txid: info.txid, version: cycle.versions.length, commitments: commitments.length, feeSat: Number(feeSat) }, 'stamp tx sent');
    return version;
  }
}

async function feeRateOf(backend: BitcoinBackend, policy: CyclePolicy): Promise<number> {
  return Math.max((await backend.estimateFeeRate(policy.confTarget)) ?? 0, policy.minRelayFeeRate);
}
