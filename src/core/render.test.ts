// `info` rendering (the reference's str_tree, without colour): forks, attestation comments, the
// Bitcoin transaction annotation and -v results. Reference printouts of real proofs are compared in
// test/real-ots.test.ts; here the shapes are pinned on vectors and small trees.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hex, loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { bitcoinAttestation, pendingAttestation } from './attestation.js';
import { ops } from './op.js';
import { newProof, readProof } from './proof-file.js';
import { renderProof, renderTimestamp } from './render.js';
import { Timestamp } from './timestamp.js';
import { looksLikeTransaction } from './transaction.js';

describe('renderTimestamp', () => {
  it('keeps a linear chain at one indent and indents forks by four after " -> "', () => {
    const t = new Timestamp(hex('00'.repeat(32)));
    t.add(ops.sha256).addAttestation(bitcoinAttestation(1));
    t.add(ops.append(hex('ab'))).addAttestation(pendingAttestation('https://a.example'));
    assert.equal(
      renderTimestamp(t),
      [
        ' -> sha256',
        '    verify BitcoinBlockHeaderAttestation(1)',
        `    # Bitcoin block merkle root ${'66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925'.match(/../g)!.reverse().join('')}`,
        ' -> append ab',
        "    verify PendingAttestation('https://a.example')",
        '',
      ].join('\n'),
    );
  });
  it('appends " == result" to each op line with verbose', () => {
    const proof = newProof('sha256', hex('11'.repeat(32)));
    proof.timestamp.add(ops.reverse).addAttestation(bitcoinAttestation(2));
    assert.equal(
      renderProof(proof, { verbose: true }),
      `File sha256 hash: ${'11'.repeat(32)}\nTimestamp:\nreverse == ${'11'.repeat(32)}\nverify BitcoinBlockHeaderAttestation(2)\n# Bitcoin block merkle root ${'11'.repeat(32)}\n`,
    );
  });
});

describe('transaction annotation', { skip: SHARED_SKIP }, () => {
  const flow = loadVector<{ bitcoin: { tx_with_witness: string; tx_without_witness: string; txid_display: string } }>('calendar_flow.json');
  const files = loadVector<{ files: { name: string; hex: string }[] }>('ots_files.json');
  it('recognises the stamper transaction with and without witness, and nothing shorter', () => {
    assert.ok(looksLikeTransaction(hex(flow.bitcoin.tx_without_witness)));
    assert.ok(looksLikeTransaction(hex(flow.bitcoin.tx_with_witness)));
    assert.equal(looksLikeTransaction(hex(flow.bitcoin.tx_without_witness).subarray(1)), false);
    assert.equal(looksLikeTransaction(hex('00'.repeat(32))), false);
  });
  it('names the transaction id in the printout of a complete real proof', () => {
    const hello = files.files.find((f) => f.name === 'hello-world.txt.ots')!;
    const text = renderProof(readProof(hex(hello.hex)));
    assert.match(text, /^# Bitcoin transaction id [0-9a-f]{64}$/m);
    assert.match(text, /^verify BitcoinBlockHeaderAttestation\(358391\)$/m);
  });
});
