// Real-world corpus (shared/real-ots): every .ots published in the collected repositories parses or is
// refused with a coded OtsError, never anything else. Current proofs re-serialize to a fixed point;
// old formats and the deliberately invalid examples are refused with the expected code; `info` output
// matches the reference client's printouts kept beside some proofs; file digests match the originals.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import {
  equalBytes,
  hashStream,
  isOtsError,
  readProof,
  renderProof,
  toHex,
  writeProof,
  type DetachedProof,
} from '../src/core/index.js';
import { hasShared, SHARED_SKIP, sharedPath } from './support/fixtures.js';

interface Source {
  file: string;
  note?: string;
  original_file?: string;
  deliberately_malformed?: string;
  peer_info_file?: string;
}

const ROOT = sharedPath('real-ots');
const sources: Source[] = hasShared() ? (JSON.parse(readFileSync(join(ROOT, 'sources.json'), 'utf8')) as Source[]) : [];
const byFile = new Map(sources.map((s) => [s.file, s]));
/** The reference client's own examples at its recorded HEAD: written by the reference, canonical, digests match. */
const REFERENCE_EXAMPLES = 'files/opentimestamps__opentimestamps-client/examples/';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
/** Every proof file in the corpus, including `.ots.pending` leftovers of early clients. */
const proofFiles = hasShared()
  ? walk(join(ROOT, 'files'))
      .filter((p) => /\.ots(\.pending)?$/.test(p))
      .map((p) => relative(ROOT, p))
      .sort()
  : [];

/** What a file should do, from its bytes and its sources.json entry. */
function expectation(file: string, bytes: Uint8Array): { refuse?: string; why: string } {
  if (bytes[0] === 0x7b || bytes[0] === 0x5b) return { refuse: 'OTS_ERR_PROOF_BAD_MAGIC', why: 'JSON format of 2015' };
  if (bytes.length > 31 && bytes[0] === 0x00 && bytes[31] === 0x00) return { refuse: 'OTS_ERR_PROOF_UNSUPPORTED_VERSION', why: 'major version 0' };
  if (file.includes('/invalid/')) {
    const code = file.includes('bad-major-version')
      ? 'OTS_ERR_PROOF_UNSUPPORTED_VERSION'
      : file.includes('exceeds-max-msg-length')
        ? 'OTS_ERR_OP_RESULT_TOO_LONG'
        : 'OTS_ERR_PROOF_BAD_FILE_HASH_OP';
    return { refuse: code, why: byFile.get(file)?.deliberately_malformed ?? 'deliberately invalid example' };
  }
  return { why: 'current format' };
}

describe('real-world proofs', { skip: SHARED_SKIP }, () => {
  it('finds the whole corpus listed in sources.json', () => {
    assert.ok(proofFiles.length >= 73, `only ${proofFiles.length} proofs found`);
    for (const s of sources) assert.ok(proofFiles.includes(s.file), `${s.file} is listed but missing`);
  });

  for (const file of proofFiles) {
    it(`${file.replace(/^files\//, '')}`, (t) => {
      const bytes = new Uint8Array(readFileSync(join(ROOT, file)));
      const { refuse, why } = expectation(file, bytes);
      let proof: DetachedProof;
      try {
        proof = readProof(bytes);
      } catch (err) {
        assert.ok(isOtsError(err), `not a coded error: ${String(err)}`);
        assert.equal(err.code, refuse ?? 'accepted', `refused with ${err.code}: ${err.message}`);
        t.diagnostic(`refused as expected (${why}): ${err.code}`);
        return;
      }
      assert.equal(refuse, undefined, `accepted, but expected ${refuse} (${why})`);
      const canonical = writeProof(proof);
      assert.ok(equalBytes(writeProof(readProof(canonical)), canonical), 'canonical form is a fixed point');
      if (file.startsWith(REFERENCE_EXAMPLES)) assert.equal(toHex(canonical), toHex(bytes), 'the reference writes canonical files');
      else if (!equalBytes(canonical, bytes)) {
        // Other implementations may keep siblings unsorted (same length) or repeat an op, where the
        // later branch replaces the earlier one as in the reference (shorter).
        t.diagnostic(`not canonical as written: ${bytes.length} bytes, ${canonical.length} canonical`);
      }
    });
  }
});

describe('real-world proofs: file digests', { skip: SHARED_SKIP }, () => {
  for (const s of sources.filter((x) => x.original_file)) {
    const bytes = new Uint8Array(readFileSync(join(ROOT, s.file)));
    const skip = expectation(s.file, bytes).refuse ? 'the proof is in a refused format' : false;
    it(`${s.original_file!.replace(/^files\//, '')} hashes to the proof's digest`, { skip }, async (t) => {
      const proof = readProof(bytes);
      const digest = await hashStream(proof.fileHashOp, [new Uint8Array(readFileSync(join(ROOT, s.original_file!)))]);
      if (s.file.startsWith(REFERENCE_EXAMPLES)) {
        assert.equal(toHex(digest), toHex(proof.timestamp.msg));
      } else if (!equalBytes(digest, proof.timestamp.msg)) {
        // The corpus README: a few originals changed after they were stamped.
        t.diagnostic('original changed after it was stamped: digest differs (informational)');
      }
    });
  }
});

describe('real-world proofs: info printouts', { skip: SHARED_SKIP }, () => {
  for (const s of sources.filter((x) => x.peer_info_file)) {
    const info = readFileSync(join(ROOT, s.peer_info_file!), 'utf8');
    const proof = readProof(new Uint8Array(readFileSync(join(ROOT, s.file))));
    const ours = renderProof(proof);
    const referenceFormat = /^File \w+ hash: [0-9a-f]+\nTimestamp:\n/.test(info);
    // A printout kept in another commit may describe another proof of the same file: every op argument
    // it shows must occur in this proof, or it is not about this proof.
    const args = [...info.matchAll(/^\s*(?:-> )?(?:append|prepend) ([0-9a-f]+)$/gm)].map((m) => m[1]);
    const opArgs = new Set([...proof.timestamp.nodes()].flatMap((n) => n.ops.flatMap(({ op }) => ('arg' in op ? [toHex(op.arg)] : []))));
    const sameProof = args.every((a) => opArgs.has(a!));
    const skip = !referenceFormat ? 'not in the reference format' : !sameProof ? 'the printout describes another version of this proof' : false;
    it(`${s.peer_info_file!.replace(/^files\//, '')} matches renderProof`, { skip }, (t) => {
      if (ours === info) return;
      // Some implementations print the tree like the reference but without its `#` comment lines.
      const withoutComments = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#')).join('\n');
      assert.equal(withoutComments(ours), withoutComments(info));
      t.diagnostic('matches except for the reference comment lines, which that implementation omits');
    });
  }
});
