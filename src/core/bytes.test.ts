// Byte helpers and the bounded reader: hex both ways with coded errors, Python-like byte ordering,
// and reads that can only end in OTS_ERR_PROOF_* codes, never a read past the end.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareBytes, concatByteList, concatBytes, equalBytes, fromHex, indexOfBytes, isHex, reverseBytes, toHex } from './bytes.js';
import { BytesReader, BytesWriter } from './reader.js';

describe('hex', () => {
  it('round-trips every byte value in lower case and reads upper case', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(fromHex(toHex(all)), all);
    assert.equal(toHex(fromHex('ABCDEF')), 'abcdef');
    assert.deepEqual(fromHex(''), new Uint8Array(0));
  });
  for (const bad of ['a', 'abc', 'zz', '0g', ' 00', '00 ']) {
    it(`refuses ${JSON.stringify(bad)} with OTS_ERR_HEX_INVALID`, () => {
      assert.throws(() => fromHex(bad), { code: 'OTS_ERR_HEX_INVALID' });
      assert.equal(isHex(bad), false);
    });
  }
});

describe('byte comparison', () => {
  it('orders like Python bytes: first difference, then a proper prefix first', () => {
    const sorted = ['', '00', '00ff', '01', '0100', 'ff'].map(fromHex);
    const shuffled = [sorted[3], sorted[5], sorted[0], sorted[2], sorted[4], sorted[1]] as Uint8Array[];
    assert.deepEqual(shuffled.sort(compareBytes).map(toHex), sorted.map(toHex));
  });
  it('concatenates, reverses a copy and finds the first occurrence', () => {
    const a = fromHex('0102');
    assert.equal(toHex(concatBytes(a, fromHex(''), fromHex('03'))), '010203');
    assert.equal(toHex(concatByteList([a, fromHex(''), fromHex('03')])), '010203');
    assert.equal(concatByteList(Array.from({ length: 500_000 }, () => fromHex('01'))).length, 500_000, 'no spread: many pieces are fine');
    assert.equal(toHex(reverseBytes(a)), '0201');
    assert.equal(toHex(a), '0102', 'the input is untouched');
    assert.equal(indexOfBytes(fromHex('00aabbaabb'), fromHex('aabb')), 1);
    assert.equal(indexOfBytes(fromHex('00aa'), fromHex('aabb')), -1);
    assert.ok(equalBytes(fromHex('00'), fromHex('00')) && !equalBytes(fromHex('00'), fromHex('0000')));
  });
});

describe('BytesReader', () => {
  it('refuses to read past the end with OTS_ERR_PROOF_TRUNCATED', () => {
    const r = new BytesReader(fromHex('0102'));
    assert.equal(r.readByte(), 1);
    assert.throws(() => r.readBytes(2), { code: 'OTS_ERR_PROOF_TRUNCATED' });
    assert.equal(r.readByte(), 2);
    assert.throws(() => r.readByte(), { code: 'OTS_ERR_PROOF_TRUNCATED' });
  });
  it('checks a varbytes length before reading, even a 2^63 one', () => {
    const r = new BytesReader(fromHex('ffffffffffffffff7f00'));
    assert.throws(() => r.readVarbytes(1, 4096, 'an argument'), { code: 'OTS_ERR_OP_ARG_LENGTH' });
  });
  it('reports trailing bytes with OTS_ERR_PROOF_TRAILING_BYTES', () => {
    const r = new BytesReader(fromHex('00'));
    assert.throws(() => r.assertEnd('the test'), { code: 'OTS_ERR_PROOF_TRAILING_BYTES' });
  });
  it('writes what it reads, growing past its initial size', () => {
    const w = new BytesWriter(1);
    w.writeVarbytes(fromHex('aa'.repeat(300)));
    w.writeVaruint(2n ** 64n);
    const r = new BytesReader(w.finish());
    assert.equal(toHex(r.readVarbytes(0, 4096, 'x')), 'aa'.repeat(300));
    assert.equal(r.readVaruint(), 2n ** 64n);
    r.assertEnd('the test');
  });
});
