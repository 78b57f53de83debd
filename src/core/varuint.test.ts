// varuint (SPEC §1.1): the reference vectors (shared/spec/vectors/varuint.json) and our own fixture
// (test/fixtures/varuint.json) with values beyond 32 and 53 bits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hex, loadFixture, loadVector, SHARED_SKIP } from '../../test/support/fixtures.js';
import { toHex } from './bytes.js';
import { decodeVaruint, encodeVaruint } from './varuint.js';

interface VaruintVectors {
  encode: { value: string; hex: string }[];
  decode_noncanonical_accepted: { hex: string; value: string; canonical_hex: string; note: string }[];
  decode_rejected: { hex: string; error: string; note: string }[];
}
interface VaruintFixture {
  valid: { description: string; hex: string; value: string; canonical: boolean }[];
  invalid: { description: string; hex: string; code: string }[];
}

/** The reference's exception for a varuint that runs off the end, as our code. */
const REFERENCE_ERROR_CODE: Record<string, string> = { TruncationError: 'OTS_ERR_PROOF_TRUNCATED' };

describe('varuint reference vectors', { skip: SHARED_SKIP }, () => {
  const v = loadVector<VaruintVectors>('varuint.json');
  for (const c of v?.encode ?? []) {
    it(`encodes ${c.value} minimally as ${c.hex} and reads it back`, () => {
      assert.equal(toHex(encodeVaruint(BigInt(c.value))), c.hex);
      assert.deepEqual(decodeVaruint(hex(c.hex)), { value: BigInt(c.value), length: c.hex.length / 2 });
    });
  }
  for (const c of v?.decode_noncanonical_accepted ?? []) {
    it(`accepts ${c.note} (${c.hex})`, () => {
      const d = decodeVaruint(hex(c.hex));
      assert.equal(d.value, BigInt(c.value));
      assert.equal(d.length, c.hex.length / 2);
      assert.equal(toHex(encodeVaruint(d.value)), c.canonical_hex);
    });
  }
  for (const c of v?.decode_rejected ?? []) {
    it(`rejects ${c.note} (${c.hex || 'empty'})`, () => {
      assert.throws(() => decodeVaruint(hex(c.hex)), { code: REFERENCE_ERROR_CODE[c.error] });
    });
  }
});

describe('varuint fixture', () => {
  const { valid, invalid } = loadFixture<VaruintFixture>('varuint.json');
  for (const c of valid) {
    it(`reads ${c.description}`, () => {
      const d = decodeVaruint(hex(c.hex));
      assert.equal(d.value, BigInt(c.value));
      assert.equal(d.length, c.hex.length / 2);
      assert.equal(toHex(encodeVaruint(d.value)) === c.hex, c.canonical);
    });
  }
  for (const c of invalid) {
    it(`rejects ${c.description} with ${c.code}`, () => {
      assert.throws(() => decodeVaruint(hex(c.hex)), { code: c.code });
    });
  }
  it('decodes at an offset and reports only the bytes it used', () => {
    assert.deepEqual(decodeVaruint(hex('ff8001ff'), 1), { value: 128n, length: 2 });
  });
  it('round-trips any value up to 2^100 and accepts any zero padding (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 100n }), fc.nat(20), (value, padding) => {
        const minimal = encodeVaruint(value);
        assert.deepEqual(decodeVaruint(minimal), { value, length: minimal.length });
        // Pad as non-minimal writers do: set the continuation bit on the last byte, then 0x80s, then 0x00.
        const padded = Uint8Array.of(...minimal.subarray(0, -1), minimal[minimal.length - 1]! | 0x80, ...new Array<number>(padding).fill(0x80), 0x00);
        assert.deepEqual(decodeVaruint(padded), { value, length: padded.length });
      }),
      { seed: 11, numRuns: 500 },
    );
  });
  it('refuses to encode a negative number', () => {
    assert.throws(() => encodeVaruint(-1), RangeError);
  });
});
