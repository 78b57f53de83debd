// Ops (SPEC §2): evaluation with the size limits, wire form and canonical sibling order, driven by
// shared/spec/vectors/ops.json.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hex, loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { opFromVector, opToVector, type VectorOp } from '../../test/support/vector-tree.js';
import { toHex } from './bytes.js';
import { applyOp, compareOps, formatOp, ops, writeOp, readOpAfterTag, OP_TAG } from './op.js';
import { BytesReader, BytesWriter } from './reader.js';

interface OpVectors {
  apply: (VectorOp & { input: string; output?: string; error?: string; reason?: string })[];
  serialize: (VectorOp & { serialized: string })[];
  canonical_sort_order: VectorOp[];
}

/**
 * The reference raises MsgValueError for every limit; which of our codes applies follows from its
 * reason text. One table, so a new reason in the vectors fails loudly here.
 */
function expectedCode(reason: string): string {
  if (reason.startsWith('Result too long')) return 'OTS_ERR_OP_RESULT_TOO_LONG';
  if (reason.startsWith('Message too long')) return 'OTS_ERR_OP_MSG_TOO_LONG';
  if (reason.includes('empty message')) return 'OTS_ERR_OP_EMPTY_MSG';
  throw new Error(`no code mapped for reference reason ${JSON.stringify(reason)}`);
}

describe('ops reference vectors', { skip: SHARED_SKIP }, () => {
  const v = loadVector<OpVectors>('ops.json');
  for (const c of v?.apply ?? []) {
    const op = opFromVector(c);
    const label = `${c.op}${c.arg ? ` ${c.arg.slice(0, 16)}` : ''} on ${c.input.length / 2}-byte input`;
    if (c.error) {
      it(`${label} fails: ${c.reason}`, () => {
        assert.throws(() => applyOp(op, hex(c.input)), { code: expectedCode(c.reason ?? '') });
      });
    } else {
      it(`${label} gives ${c.output?.slice(0, 16)}…`, () => {
        assert.equal(toHex(applyOp(op, hex(c.input))), c.output);
      });
    }
  }
  for (const c of v?.serialize ?? []) {
    it(`serializes ${c.op} as ${c.serialized} and reads it back`, () => {
      const w = new BytesWriter();
      writeOp(w, opFromVector(c));
      assert.equal(toHex(w.finish()), c.serialized);
      const r = new BytesReader(hex(c.serialized));
      const back = readOpAfterTag(r, r.readByte());
      assert.deepEqual(opToVector(back), opToVector(opFromVector(c)));
      assert.equal(r.remaining, 0);
    });
  }
  it('sorts siblings in the canonical order of the reference', () => {
    const expected = v.canonical_sort_order.map(opFromVector);
    const shuffled = [...expected].reverse();
    shuffled.push(shuffled.shift()!);
    assert.deepEqual(shuffled.sort(compareOps).map(opToVector), expected.map(opToVector));
  });
});

describe('op limits at their edges', () => {
  it('accepts a result of exactly 4096 bytes and refuses 4097', () => {
    assert.equal(applyOp(ops.append(new Uint8Array(1)), new Uint8Array(4095)).length, 4096);
    assert.throws(() => applyOp(ops.append(new Uint8Array(2)), new Uint8Array(4095)), { code: 'OTS_ERR_OP_RESULT_TOO_LONG' });
  });
  it('hexlifies 2048 bytes and refuses 2049', () => {
    assert.equal(applyOp(ops.hexlify, new Uint8Array(2048)).length, 4096);
    assert.throws(() => applyOp(ops.hexlify, new Uint8Array(2049)), { code: 'OTS_ERR_OP_MSG_TOO_LONG' });
  });
  it('refuses empty and oversized binary arguments when an op is built', () => {
    assert.throws(() => ops.append(new Uint8Array(0)), { code: 'OTS_ERR_OP_ARG_LENGTH' });
    assert.throws(() => ops.prepend(new Uint8Array(4097)), { code: 'OTS_ERR_OP_ARG_LENGTH' });
  });
  it('hashes the empty message (only reverse and hexlify refuse it)', () => {
    assert.equal(applyOp(ops.sha256, new Uint8Array(0)).length, 32);
    assert.throws(() => applyOp(ops.reverse, new Uint8Array(0)), { code: 'OTS_ERR_OP_EMPTY_MSG' });
  });
  it('uses original Keccak for keccak256, not SHA3-256', () => {
    // keccak256("") from Ethereum; SHA3-256("") is a7ffc6f8…
    assert.equal(toHex(applyOp(ops.keccak256, new Uint8Array(0))), 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  });
  it('rejects an unknown tag with a coded error', () => {
    assert.throws(() => readOpAfterTag(new BytesReader(new Uint8Array(0)), 0x04), { code: 'OTS_ERR_PROOF_UNKNOWN_OP' });
  });
  it('prints ops in the reference text form', () => {
    assert.equal(formatOp(ops.append(hex('0a1b'))), 'append 0a1b');
    assert.equal(formatOp(ops.sha256), 'sha256');
    assert.equal(OP_TAG.hexlify, 0xf3);
  });
});
