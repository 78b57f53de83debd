// Files on disk: streamed file hashing, reading `.ots` files with coded errors, writing them either
// exclusively (never overwrite) or atomically (tmp + rename) so a crash never leaves half a proof.
import { createHash, getHashes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type DetachedProof, type HashOpName, hashStream, isOtsError, readProof, writeProof } from '../core/index.js';
import { clientErrors } from './errors.js';
import { type StampOptions, stampDigests } from './stamp.js';

/** Hash ops OpenSSL computes natively (several times faster than pure JS on large files); keccak256 is not one. */
const NATIVE_HASHES = new Set<string>(getHashes().filter((h) => h === 'sha256' || h === 'sha1' || h === 'ripemd160'));

/** Hashes a file of any size in constant memory (1 MiB chunks), natively where OpenSSL can. */
export async function hashFile(path: string, fileHashOp: HashOpName = 'sha256'): Promise<Uint8Array> {
  try {
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    if (!NATIVE_HASHES.has(fileHashOp)) return await hashStream(fileHashOp, stream);
    const hash = createHash(fileHashOp);
    for await (const chunk of stream) hash.update(chunk as Buffer);
    return new Uint8Array(hash.digest());
  } catch (err) {
    throw clientErrors.OTS_ERR_CLIENT_FILE_UNREADABLE('file', fsReason(err)).causedBy(err);
  }
}

/** Reads and parses a `.ots` file; I/O failures and corrupt proofs both end in coded errors. */
export async function readProofFile(path: string): Promise<DetachedProof> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw clientErrors.OTS_ERR_CLIENT_FILE_UNREADABLE('proof file', fsReason(err)).causedBy(err);
  }
  return readProof(bytes);
}

/** Writes a new proof; fails with OTS_ERR_STAMP_PROOF_EXISTS instead of replacing an existing file. */
export async function writeNewProofFile(path: string, proof: DetachedProof): Promise<void> {
  const bytes = writeProof(proof);
  try {
    await writeFile(path, bytes, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw clientErrors.OTS_ERR_STAMP_PROOF_EXISTS(basename(path, '.ots')).causedBy(err);
    }
    throw clientErrors.OTS_ERR_CLIENT_FILE_UNREADABLE('proof file for writing', fsReason(err)).causedBy(err);
  }
}

/** Replaces `path` atomically: write a temp file beside it, fsync, rename over. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw clientErrors.OTS_ERR_CLIENT_FILE_UNREADABLE('destination for writing', fsReason(err)).causedBy(err);
  }
}

/**
 * Writes an upgraded proof over `path`. With `backup`, the old bytes are first copied to `<path>.bak`
 * like the reference client, which refuses to clobber an existing backup.
 */
export async function replaceProofFile(path: string, proof: DetachedProof, backup: boolean): Promise<void> {
  if (backup) {
    try {
      await copyFile(path, `${path}.bak`, 1 /* COPYFILE_EXCL */);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw clientErrors.OTS_ERR_UPGRADE_BACKUP_EXISTS(basename(path)).causedBy(err);
      throw clientErrors.OTS_ERR_CLIENT_FILE_UNREADABLE('proof file', fsReason(err)).causedBy(err);
    }
  }
  await writeFileAtomic(path, writeProof(proof));
}

/** Options of stampFiles. */
export interface StampFilesOptions extends StampOptions {
  /** Replace existing `.ots` files instead of refusing. */
  force?: boolean;
  fileHashOp?: HashOpName;
  /** Progress for many files: called after each file is hashed. */
  onHashed?: (done: number, total: number, path: string) => void;
}

/**
 * Stamps files: checks no `.ots` would be overwritten, hashes each file (streamed), stamps all digests
 * with one request per calendar, then writes `<file>.ots` for each. Returns the written paths.
 */
export async function stampFiles(paths: readonly string[], opts: StampFilesOptions = {}): Promise<string[]> {
  const fileHashOp = opts.fileHashOp ?? 'sha256';
  if (!opts.force) {
    for (const p of paths) if (await exists(`${p}.ots`)) throw clientErrors.OTS_ERR_STAMP_PROOF_EXISTS(basename(p));
  }
  const items = [];
  for (const [i, p] of paths.entries()) {
    items.push({ fileHashOp, digest: await hashFile(p, fileHashOp) });
    opts.onHashed?.(i + 1, paths.length, p);
  }
  const { proofs } = await stampDigests(items, opts);
  const written: string[] = [];
  for (const [i, p] of paths.entries()) {
    const target = `${p}.ots`;
    if (opts.force) await writeFileAtomic(target, writeProof(proofs[i]!));
    else await writeNewProofFile(target, proofs[i]!);
    written.push(target);
  }
  return written;
}

async function exists(path: string): Promise<boolean> {
  try {
    await open(path, 'r').then((fh) => fh.close());
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** A short reason without the path (messages never carry paths). */
function fsReason(err: unknown): string {
  if (isOtsError(err)) return err.message;
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return code ? `system error ${code}` : 'unexpected I/O failure';
  }
}
