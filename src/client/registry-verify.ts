// Verifies a registry: the hash chain in month order (no gaps, each previous_registry_hash equal to the
// sha256 of the previous file) and every month's proof (upgraded where possible), naming the first break.
import { readFile, stat } from 'node:fs/promises';
import { sha256 } from '@noble/hashes/sha2.js';
import { type DetachedProof, isOtsError, readProof, writeProof } from '../core/index.js';
import type { BlockHeaderSource } from './header-source.js';
import { writeFileAtomic } from './proof-files.js';
import { listMonths, nextMonth, proofPath, type RegistryPaths, registryHash, snapshotPath } from './registry.js';
import { type UpgradeOptions, upgradeTimestamp } from './upgrade.js';
import { verifyProof } from './verify.js';

/** Why a link of the chain is broken. */
export type BreakReason =
  | 'missing-month'
  | 'not-json'
  | 'version-mismatch'
  | 'hash-mismatch'
  | 'missing-proof'
  | 'corrupt-proof'
  | 'proof-digest-mismatch'
  | 'attestation-mismatch';

/** One month's state. */
export interface MonthReport {
  month: string;
  /** verified: Bitcoin checked; complete: has a Bitcoin attestation, not checked (no header source). */
  status: 'verified' | 'complete' | 'pending' | 'broken';
  reason?: BreakReason;
  detail?: string;
  height?: number;
  time?: number;
}

/** The verdict: ok when no link is broken (pending proofs are not breaks). */
export interface RegistryVerifyResult {
  ok: boolean;
  months: MonthReport[];
  /** The first broken link in month order. */
  broken?: MonthReport;
}

/** Options of registry verification. */
export interface RegistryVerifyOptions {
  paths: RegistryPaths;
  /** Upgrade pending proofs through their calendars (and write them back); off when undefined. */
  upgrade?: UpgradeOptions;
  /** Check Bitcoin attestations against block headers when given. */
  headerSource?: BlockHeaderSource;
}

/** Checks every month; stops at nothing, so the report lists all months, but `broken` is the first. */
export async function verifyRegistry(opts: RegistryVerifyOptions): Promise<RegistryVerifyResult> {
  const { paths } = opts;
  const months = await listMonths(paths.registryDir);
  const reports: MonthReport[] = [];
  let previous: { month: string; bytes: Uint8Array } | undefined;
  for (const month of months) {
    // A gap is reported at the first month that is missing.
    if (previous && nextMonth(previous.month) !== month) {
      reports.push({ month: nextMonth(previous.month), status: 'broken', reason: 'missing-month', detail: `no snapshot between ${previous.month} and ${month}` });
    }
    const bytes = await readFile(snapshotPath(paths, month));
    reports.push(await checkMonth(month, bytes, previous?.bytes, opts));
    previous = { month, bytes };
  }
  const broken = reports.find((r) => r.status === 'broken');
  return { ok: broken === undefined, months: reports, broken };
}

async function checkMonth(month: string, bytes: Uint8Array, previous: Uint8Array | undefined, opts: RegistryVerifyOptions): Promise<MonthReport> {
  const broken = (reason: BreakReason, detail: string): MonthReport => ({ month, status: 'broken', reason, detail });
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  } catch {
    return broken('not-json', 'the snapshot is not valid JSON');
  }
  if (doc === null || typeof doc !== 'object' || doc.version !== month) return broken('version-mismatch', `"version" is not "${month}"`);
  const expected = previous ? registryHash(previous) : null;
  if (doc.previous_registry_hash !== expected) {
    return broken('hash-mismatch', previous ? 'previous_registry_hash differs from the sha256 of the previous snapshot' : 'the first snapshot must have previous_registry_hash null');
  }
  const path = proofPath(opts.paths, month);
  if (!(await stat(path).then(() => true, () => false))) return broken('missing-proof', 'no proof file for this month');
  let proof: DetachedProof;
  try {
    proof = readProof(await readFile(path));
  } catch (err) {
    return broken('corrupt-proof', isOtsError(err) ? `${err.message} (${err.code})` : 'unreadable proof');
  }
  if (proof.fileHashOp !== 'sha256' || Buffer.compare(Buffer.from(proof.timestamp.msg), Buffer.from(sha256(bytes))) !== 0) {
    return broken('proof-digest-mismatch', 'the proof is for different bytes than this snapshot');
  }
  if (opts.upgrade && !proof.timestamp.isComplete) {
    const report = await upgradeTimestamp(proof.timestamp, opts.upgrade);
    if (report.changed) await writeFileAtomic(path, writeProof(proof));
  }
  if (!opts.headerSource) return { month, status: proof.timestamp.isComplete ? 'complete' : 'pending' };
  const result = await verifyProof(proof, proof.timestamp.msg, opts.headerSource);
  if (result.status === 'verified') return { month, status: 'verified', height: result.height, time: result.time };
  if (result.status === 'failed') return broken('attestation-mismatch', 'no Bitcoin attestation matches its block');
  return { month, status: 'pending' };
}
