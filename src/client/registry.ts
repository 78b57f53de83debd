// Hash-chained monthly registry snapshots: registries/YYYY-MM.json links the previous snapshot file by
// sha256 and is stamped to proofs/YYYY-MM.json.ots. Anchoring catches up missed months in order.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8, writeProof } from '../core/index.js';
import { clientErrors } from './errors.js';
import { writeFileAtomic } from './proof-files.js';
import { type StampOptions, stampDigests } from './stamp.js';

/** Where snapshots and their proofs live. */
export interface RegistryPaths {
  registryDir: string;
  proofsDir: string;
}

/** Keys the snapshot itself owns; content may not use them. */
export const RESERVED_KEYS = ['version', 'timestamp', 'previous_registry_hash'] as const;
const MONTH_FILE = /^(\d{4}-(?:0[1-9]|1[0-2]))\.json$/;

/** The UTC month of `date` as YYYY-MM. */
export function monthOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month after `month` (YYYY-MM). */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The month before `month` (YYYY-MM). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** `sha256:<hex>` of a snapshot file's exact bytes: what the next month links to. */
export function registryHash(bytes: Uint8Array): string {
  return `sha256:${toHex(sha256(bytes))}`;
}

export const snapshotPath = (paths: RegistryPaths, month: string) => join(paths.registryDir, `${month}.json`);
export const proofPath = (paths: RegistryPaths, month: string) => join(paths.proofsDir, `${month}.json.ots`);

/** Months that have a snapshot file, in order (files not named YYYY-MM.json are ignored). */
export async function listMonths(registryDir: string): Promise<string[]> {
  const names = await readdir(registryDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  return names.flatMap((n) => MONTH_FILE.exec(n)?.[1] ?? []).sort();
}

/**
 * Loads the content to snapshot. A file must hold one JSON object whose keys go into the snapshot. A
 * directory contributes each `*.json` file directly inside it, keyed by file name without `.json`
 * (sorted by name), so `members.json` becomes `"members": <its JSON>`.
 */
export async function loadContent(path: string): Promise<Record<string, unknown>> {
  const info = await stat(path).catch((err: unknown) => {
    throw clientErrors.OTS_ERR_REGISTRY_CONTENT_INVALID('the content path does not exist').causedBy(err);
  });
  let content: Record<string, unknown>;
  if (info.isDirectory()) {
    content = {};
    const names = (await readdir(path)).filter((n) => n.endsWith('.json') && n.length > 5).sort();
    for (const name of names) content[name.slice(0, -5)] = await parseJsonFile(join(path, name), name);
  } else {
    const value = await parseJsonFile(path, 'the content file');
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw clientErrors.OTS_ERR_REGISTRY_CONTENT_INVALID('the content file must hold a JSON object');
    }
    content = value as Record<string, unknown>;
  }
  for (const key of RESERVED_KEYS) {
    if (key in content) throw clientErrors.OTS_ERR_REGISTRY_CONTENT_INVALID(`the key "${key}" is reserved for the snapshot itself`);
  }
  return content;
}

/** The snapshot bytes: version, timestamp, previous hash first, then the content; 2-space JSON + newline. */
export function buildSnapshot(month: string, now: Date, previousHash: string | null, content: Record<string, unknown>): Uint8Array {
  const doc = { version: month, timestamp: now.toISOString(), previous_registry_hash: previousHash, ...content };
  return utf8.encode(`${JSON.stringify(doc, null, 2)}\n`);
}

/** Options of anchoring. */
export interface AnchorOptions extends StampOptions {
  paths: RegistryPaths;
  content: Record<string, unknown>;
  /** Injectable clock (tests). */
  now?: () => Date;
}

/** What an anchoring pass did. */
export interface AnchorResult {
  /** Months whose snapshot (and proof) were written now. */
  anchored: string[];
  /** Months whose snapshot existed without proof and were stamped now. */
  repaired: string[];
}

/**
 * Brings the registry up to `target`: stamps a snapshot left without proof by an interrupted run, then
 * writes one snapshot per month from the one after the last existing month up to `target`, each
 * linking the previous file. With no snapshot yet, only `target` is written (its previous hash is null).
 * All new snapshots are stamped in one request per calendar before anything is written.
 */
export async function anchorUpTo(target: string, opts: AnchorOptions): Promise<AnchorResult> {
  const { paths } = opts;
  const now = (opts.now ?? (() => new Date()))();
  const months = await listMonths(paths.registryDir);
  const last = months[months.length - 1];
  const toStamp: { month: string; bytes: Uint8Array; isNew: boolean }[] = [];
  let previous: Uint8Array | undefined;
  if (last !== undefined) {
    previous = await readFile(snapshotPath(paths, last));
    if (!(await exists(proofPath(paths, last)))) toStamp.push({ month: last, bytes: previous, isNew: false });
  }
  let month = last === undefined ? target : nextMonth(last);
  for (; month <= target; month = nextMonth(month)) {
    const bytes = buildSnapshot(month, now, previous ? registryHash(previous) : null, opts.content);
    toStamp.push({ month, bytes, isNew: true });
    previous = bytes;
  }
  if (toStamp.length === 0) return { anchored: [], repaired: [] };
  const { proofs } = await stampDigests(
    toStamp.map((s) => ({ fileHashOp: 'sha256' as const, digest: sha256(s.bytes) })),
    opts,
  );
  await mkdir(paths.registryDir, { recursive: true });
  await mkdir(paths.proofsDir, { recursive: true });
  // Snapshot before proof: a crash in between leaves a snapshot the next run repairs.
  for (const [i, s] of toStamp.entries()) {
    if (s.isNew) await writeFileAtomic(snapshotPath(paths, s.month), s.bytes);
    await writeFileAtomic(proofPath(paths, s.month), writeProof(proofs[i]!));
  }
  return {
    anchored: toStamp.filter((s) => s.isNew).map((s) => s.month),
    repaired: toStamp.filter((s) => !s.isNew).map((s) => s.month),
  };
}

/** True when `month` has both its snapshot and its proof. */
export async function isAnchored(paths: RegistryPaths, month: string): Promise<boolean> {
  return (await exists(snapshotPath(paths, month))) && (await exists(proofPath(paths, month)));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function parseJsonFile(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (err) {
    throw clientErrors.OTS_ERR_REGISTRY_CONTENT_INVALID(`${what} is not readable JSON`).causedBy(err);
  }
}
