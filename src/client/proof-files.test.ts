import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type HashOpName, hashStream, newProof, toHex, writeProof } from '../core/index.js';
import { tempDir } from '../../test/support/temp.js';
import { hashFile, readProofFile, replaceProofFile, writeFileAtomic, writeNewProofFile } from './proof-files.js';

describe('hashFile', () => {
  for (const op of ['sha256', 'sha1', 'ripemd160', 'keccak256'] as HashOpName[]) {
    it(`gives the core's ${op} digest for a multi-chunk file`, async (t) => {
      const file = join(tempDir(t), 'data');
      const data = Buffer.alloc(3 * (1 << 20) + 17, 0x5a);
      writeFileSync(file, data);
      assert.equal(toHex(await hashFile(file, op)), toHex(await hashStream(op, [data])));
    });
  }
  it('names a missing file with OTS_ERR_CLIENT_FILE_UNREADABLE, without its path', async (t) => {
    const file = join(tempDir(t), 'secret-name');
    await assert.rejects(hashFile(file), (err: Error & { code: string }) => {
      assert.equal(err.code, 'OTS_ERR_CLIENT_FILE_UNREADABLE');
      assert.ok(!err.message.includes('secret-name'));
      return true;
    });
  });
});

describe('proof files', () => {
  const proof = () => {
    const p = newProof('sha256', new Uint8Array(32).fill(1));
    p.timestamp.addAttestation({ type: 'bitcoin', height: 1n });
    return p;
  };

  it('never overwrites with writeNewProofFile', async (t) => {
    const file = join(tempDir(t), 'x.ots');
    writeFileSync(file, 'keep');
    await assert.rejects(writeNewProofFile(file, proof()), { code: 'OTS_ERR_STAMP_PROOF_EXISTS' });
    assert.equal(readFileSync(file, 'utf8'), 'keep');
  });

  it('keeps a .bak on replace and refuses to clobber an existing one', async (t) => {
    const file = join(tempDir(t), 'x.ots');
    writeFileSync(file, 'old');
    await replaceProofFile(file, proof(), true);
    assert.equal(readFileSync(`${file}.bak`, 'utf8'), 'old');
    assert.deepEqual(new Uint8Array(readFileSync(file)), writeProof(proof()));
    await assert.rejects(replaceProofFile(file, proof(), true), { code: 'OTS_ERR_UPGRADE_BACKUP_EXISTS' });
    await replaceProofFile(file, proof(), false);
  });

  it('writes atomically and leaves no temp file behind', async (t) => {
    const dir = tempDir(t);
    await writeFileAtomic(join(dir, 'f'), Buffer.from('x'));
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'x');
    await assert.rejects(writeFileAtomic(join(dir, 'missing-dir', 'f'), Buffer.from('x')), { code: 'OTS_ERR_CLIENT_FILE_UNREADABLE' });
    assert.equal(existsSync(join(dir, 'missing-dir')), false);
  });

  it('reports a corrupt proof with the core code', async (t) => {
    const file = join(tempDir(t), 'bad.ots');
    writeFileSync(file, 'garbage');
    await assert.rejects(readProofFile(file), { code: 'OTS_ERR_PROOF_BAD_MAGIC' });
  });
});
