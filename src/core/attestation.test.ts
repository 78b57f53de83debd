// Attestations (SPEC §3): the pending URI alphabet and length (test/fixtures/pending-uri.json),
// canonical order across and within types, strict known payloads and verbatim unknown ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hex, loadFixture } from '../../test/support/fixtures.js';
import {
  attestationPayload,
  bitcoinAttestation,
  compareAttestations,
  decodeAttestation,
  ETHEREUM_TAG,
  formatAttestation,
  isValidPendingUri,
  LITECOIN_TAG,
  PENDING_TAG,
  pendingAttestation,
  type Attestation,
} from './attestation.js';
import { toHex, utf8 } from './bytes.js';

interface UriFixture {
  valid: { description: string; uri: string; repeat?: number }[];
  invalid: { description: string; uri: string; repeat?: number; code: string }[];
}
const { valid, invalid } = loadFixture<UriFixture>('pending-uri.json');
const uriOf = (c: { uri: string; repeat?: number }) => c.uri.repeat(c.repeat ?? 1);

describe('pending attestation URI', () => {
  for (const c of valid) {
    it(`accepts ${c.description}`, () => {
      const uri = uriOf(c);
      assert.ok(isValidPendingUri(uri));
      const a = pendingAttestation(uri);
      assert.deepEqual(decodeAttestation(PENDING_TAG, attestationPayload(a)), a);
    });
  }
  for (const c of invalid) {
    it(`rejects ${c.description} with ${c.code}, when built and when parsed`, () => {
      const uri = uriOf(c);
      assert.equal(isValidPendingUri(uri), false);
      assert.throws(() => pendingAttestation(uri), { code: c.code });
      const bytes = utf8.encode(uri);
      const payload = Uint8Array.of(...encodeLength(bytes.length), ...bytes);
      assert.throws(() => decodeAttestation(PENDING_TAG, payload), { code: c.code });
    });
  }
});

describe('attestation payloads', () => {
  it('reads non-minimal heights and writes them minimally', () => {
    const a = decodeAttestation(LITECOIN_TAG, hex('818000'));
    assert.deepEqual(a, { type: 'litecoin', height: 1n });
    assert.equal(toHex(attestationPayload(a)), '01');
  });
  it('reads heights beyond 2^53 exactly', () => {
    const a = decodeAttestation(ETHEREUM_TAG, hex('8180808080808010'));
    assert.deepEqual(a, { type: 'ethereum', height: 9007199254740993n });
  });
  it('keeps unknown payloads byte for byte, even ones that look like a broken varuint', () => {
    const tag = hex('0102030405060708');
    const a = decodeAttestation(tag, hex('80'));
    assert.equal(a.type, 'unknown');
    assert.equal(toHex(attestationPayload(a)), '80');
  });
  it('refuses trailing bytes inside a known payload', () => {
    assert.throws(() => decodeAttestation(hex('0588960d73d71901'), hex('0100')), { code: 'OTS_ERR_PROOF_TRAILING_BYTES' });
  });
});

describe('canonical attestation order', () => {
  const unknown = (tag: string, payload: string): Attestation => decodeAttestation(hex(tag), hex(payload));
  it('sorts by tag across types, then by height, URI or payload', () => {
    const sorted: Attestation[] = [
      unknown('0102030405060708', '00'),
      unknown('0102030405060708', '0000'),
      bitcoinAttestation(2),
      bitcoinAttestation(10),
      { type: 'litecoin', height: 1n },
      { type: 'ethereum', height: 1n },
      pendingAttestation('https://a.example'),
      pendingAttestation('https://b.example'),
      unknown('ff00000000000000', ''),
    ];
    const shuffled = [sorted[4], sorted[7], sorted[0], sorted[8], sorted[3], sorted[6], sorted[1], sorted[5], sorted[2]] as Attestation[];
    assert.deepEqual(shuffled.sort(compareAttestations).map(formatAttestation), sorted.map(formatAttestation));
  });
  it('prints attestations as the reference does', () => {
    assert.equal(formatAttestation(pendingAttestation('https://a.example')), "PendingAttestation('https://a.example')");
    assert.equal(formatAttestation(bitcoinAttestation(358391)), 'BitcoinBlockHeaderAttestation(358391)');
    assert.equal(formatAttestation(unknown('0102030405060708', '27')), `UnknownAttestation(b'\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08', b"'")`);
  });
});

function encodeLength(n: number): number[] {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return out;
}
