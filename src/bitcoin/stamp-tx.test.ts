import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BytesWriter, fromHex, ops, toHex, writeOp } from '../core/index.js';
import { loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { buildBitcoinProofs, buildStampTx, commitmentsTip, inspectSignedTx, RBF_SEQUENCE, splitAroundTip, txidBytes } from './stamp-tx.js';

interface Flow {
  stamper: { pending_commitments: string[]; tip: string };
  bitcoin: {
    block_height: number;
    tx_with_witness: string;
    tx_without_witness: string;
    txid_display: string;
    commitment_tip: string;
    prepend_prefix: string;
    append_suffix: string;
    block_txids_internal: string[];
    block_header_80: string;
    block_hash_display: string;
    tip_to_merkleroot_ops: { op: string; tag: string; arg?: string }[];
  };
}
const flow = loadVector<Flow>('calendar_flow.json');

function opHex(op: ReturnType<typeof ops.append> | typeof ops.sha256): string {
  const w = new BytesWriter();
  writeOp(w, op);
  return toHex(w.finish());
}

describe('stamp transaction path (calendar_flow.json bitcoin)', { skip: SHARED_SKIP }, () => {
  it('computes the calendar tip over hashed commitments', () => {
    assert.equal(toHex(commitmentsTip(flow.stamper.pending_commitments.map(fromHex))), flow.stamper.tip);
  });

  it('strips the witness and splits the tx around the tip byte for byte', () => {
    const b = flow.bitcoin;
    const info = inspectSignedTx(fromHex(b.tx_with_witness));
    assert.equal(toHex(info.stripped), b.tx_without_witness);
    assert.equal(info.txid, b.txid_display);
    const { prefix, suffix } = splitAroundTip(info.stripped, fromHex(b.commitment_tip));
    assert.equal(toHex(prefix), b.prepend_prefix);
    assert.equal(toHex(suffix), b.append_suffix);
  });

  it('builds the ops from tip to merkle root and the attestation of the vector', () => {
    const b = flow.bitcoin;
    const commitments = flow.stamper.pending_commitments.map(fromHex);
    const block = {
      height: b.block_height,
      hash: b.block_hash_display,
      header: fromHex(b.block_header_80),
      txids: b.block_txids_internal.map(fromHex),
    };
    const roots = buildBitcoinProofs(commitments, fromHex(b.tx_without_witness), block);
    assert.equal(roots.length, 3);
    // walk from the first commitment: sha256, calendar path, then the tip node's ops
    let node = roots[0]!;
    while (!node.msg.every((x, i) => x === fromHex(b.commitment_tip)[i]) || node.msg.length !== 32) {
      node = node.ops[0]!.child;
    }
    const seen: string[] = [];
    while (node.opCount > 0) {
      const edges = node.ops;
      assert.equal(edges.length, 1);
      seen.push(opHex(edges[0]!.op));
      node = edges[0]!.child;
    }
    const expected = b.tip_to_merkleroot_ops.map((o) => o.tag + (o.arg ? toHex(new Uint8Array([o.arg.length / 2])) + o.arg : ''));
    assert.deepEqual(seen, expected);
    assert.equal(toHex(node.msg), b.block_header_80.slice(72, 136));
    assert.deepEqual(node.attestations, [{ type: 'bitcoin', height: BigInt(b.block_height) }]);
    for (const r of roots) assert.ok(r.isComplete);
  });
});

describe('buildStampTx', () => {
  it('makes version 1, BIP125 signalling, change then OP_RETURN tip, lockTime = height', () => {
    const tip = new Uint8Array(32).fill(7);
    const raw = buildStampTx({
      utxo: { txid: '11'.repeat(32), vout: 3, amountSat: 100000n, script: fromHex('0014' + '22'.repeat(20)) },
      changeScript: fromHex('0014' + '33'.repeat(20)),
      changeSat: 99000n,
      tip,
      lockTime: 812,
    });
    const hex = toHex(raw);
    assert.ok(hex.startsWith('01000000'));
    assert.ok(hex.includes('fdffffff'), 'sequence 0xfffffffd');
    assert.equal(RBF_SEQUENCE, 0xfffffffd);
    assert.ok(hex.endsWith('226a20' + '07'.repeat(32) + '2c030000'));
    assert.ok(hex.includes(toHex(txidBytes('11'.repeat(32))) + '03000000'));
    const { suffix } = splitAroundTip(raw, tip);
    assert.equal(toHex(suffix), '2c030000');
  });
});
