// Attestations: the leaves of a timestamp tree (SPEC §3). Known payloads are parsed strictly and
// re-written canonically; unknown ones are kept byte-for-byte so that a proof round-trips.
import { compareBytes, equalBytes, toHex, utf8 } from './bytes.js';
import { coreErrors } from './errors.js';
import { BytesReader, BytesWriter } from './reader.js';

/** Attestation payloads are capped at 8192 bytes, even for unknown tags (reference). */
export const MAX_ATTESTATION_PAYLOAD_LENGTH = 8192;
/** Pending URIs are capped at 1000 bytes (reference). */
export const MAX_PENDING_URI_LENGTH = 1000;
export const ATTESTATION_TAG_LENGTH = 8;

export const PENDING_TAG = Uint8Array.of(0x83, 0xdf, 0xe3, 0x0d, 0x2e, 0xf9, 0x0c, 0x8e);
export const BITCOIN_TAG = Uint8Array.of(0x05, 0x88, 0x96, 0x0d, 0x73, 0xd7, 0x19, 0x01);
export const LITECOIN_TAG = Uint8Array.of(0x06, 0x86, 0x9a, 0x0d, 0x73, 0xd7, 0x1b, 0x45);
export const ETHEREUM_TAG = Uint8Array.of(0x30, 0xfe, 0x80, 0x87, 0xb5, 0xc7, 0xea, 0xd7);

/** The characters the reference allows in a pending URI: A-Z a-z 0-9 - . _ / : */
const URI_ALLOWED = /^[A-Za-z0-9\-._/:]*$/;

export type Attestation =
  | { readonly type: 'pending'; readonly uri: string }
  | { readonly type: 'bitcoin' | 'litecoin' | 'ethereum'; readonly height: bigint }
  | { readonly type: 'unknown'; readonly tag: Uint8Array; readonly payload: Uint8Array };

export type HeightAttestationType = 'bitcoin' | 'litecoin' | 'ethereum';

const TAG_BY_TYPE = {
  pending: PENDING_TAG,
  bitcoin: BITCOIN_TAG,
  litecoin: LITECOIN_TAG,
  ethereum: ETHEREUM_TAG,
} as const;

/** A pending attestation; validates the URI as the reference does. */
export function pendingAttestation(uri: string): Attestation {
  validatePendingUri(utf8.encode(uri));
  return { type: 'pending', uri };
}

export function bitcoinAttestation(height: number | bigint): Attestation {
  return { type: 'bitcoin', height: BigInt(height) };
}

/** Throws OTS_ERR_ATTESTATION_BAD_URI unless the URI fits the reference's length and alphabet. */
export function validatePendingUri(uri: Uint8Array): void {
  if (uri.length > MAX_PENDING_URI_LENGTH) {
    throw coreErrors.OTS_ERR_ATTESTATION_BAD_URI(`${uri.length} bytes long, at most ${MAX_PENDING_URI_LENGTH} allowed`);
  }
  for (const b of uri) {
    const ok =
      (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x2f || b === 0x3a;
    if (!ok) {
      throw coreErrors.OTS_ERR_ATTESTATION_BAD_URI(
        `byte 0x${b.toString(16).padStart(2, '0')} is not allowed; only A-Z a-z 0-9 - . _ / : may appear`,
      );
    }
  }
}

/** True when `uri` is acceptable in a pending attestation. */
export function isValidPendingUri(uri: string): boolean {
  return URI_ALLOWED.test(uri) && utf8.encode(uri).length <= MAX_PENDING_URI_LENGTH;
}

export function attestationTag(a: Attestation): Uint8Array {
  return a.type === 'unknown' ? a.tag : TAG_BY_TYPE[a.type];
}

/** The payload bytes a writer emits (canonical for known types, verbatim for unknown). */
export function attestationPayload(a: Attestation): Uint8Array {
  if (a.type === 'unknown') return a.payload;
  const w = new BytesWriter(16);
  if (a.type === 'pending') w.writeVarbytes(utf8.encode(a.uri));
  else w.writeVaruint(a.height);
  return w.finish();
}

/** Canonical order (SPEC §3): tag bytes across types; URI, height or (tag, payload) within one. */
export function compareAttestations(a: Attestation, b: Attestation): number {
  const byTag = compareBytes(attestationTag(a), attestationTag(b));
  if (byTag !== 0) return byTag;
  if (a.type === 'pending' && b.type === 'pending') return compareBytes(utf8.encode(a.uri), utf8.encode(b.uri));
  if (a.type === 'unknown' && b.type === 'unknown') return compareBytes(a.payload, b.payload);
  if ('height' in a && 'height' in b) return a.height < b.height ? -1 : a.height > b.height ? 1 : 0;
  return 0;
}

export function equalAttestations(a: Attestation, b: Attestation): boolean {
  return compareAttestations(a, b) === 0 && (a.type !== 'unknown' || (b.type === 'unknown' && equalBytes(a.tag, b.tag)));
}

/** Writes tag and varbytes(payload): the body after the 00 marker, and the LevelDB value form. */
export function writeAttestationBody(w: BytesWriter, a: Attestation): void {
  w.writeBytes(attestationTag(a));
  w.writeVarbytes(attestationPayload(a));
}

/** Reads tag and varbytes(payload) (the 00 marker already consumed) and decodes known payloads. */
export function readAttestationBody(r: BytesReader): Attestation {
  const tag = r.readBytes(ATTESTATION_TAG_LENGTH, 'an attestation tag');
  const payload = r.readVarbytes(0, MAX_ATTESTATION_PAYLOAD_LENGTH, 'an attestation payload', (length) =>
    coreErrors.OTS_ERR_ATTESTATION_PAYLOAD_LENGTH(length, MAX_ATTESTATION_PAYLOAD_LENGTH),
  );
  return decodeAttestation(tag, payload);
}

/** Decodes a payload for a given tag; known payloads must be consumed exactly. */
export function decodeAttestation(tag: Uint8Array, payload: Uint8Array): Attestation {
  const p = new BytesReader(payload);
  if (equalBytes(tag, PENDING_TAG)) {
    const uri = p.readVarbytes(0, MAX_PENDING_URI_LENGTH, 'a pending URI', (length) =>
      coreErrors.OTS_ERR_ATTESTATION_BAD_URI(`${length} bytes long, at most ${MAX_PENDING_URI_LENGTH} allowed`),
    );
    p.assertEnd('a pending attestation payload');
    validatePendingUri(uri);
    return { type: 'pending', uri: utf8.decode(uri) };
  }
  const type = equalBytes(tag, BITCOIN_TAG)
    ? 'bitcoin'
    : equalBytes(tag, LITECOIN_TAG)
      ? 'litecoin'
      : equalBytes(tag, ETHEREUM_TAG)
        ? 'ethereum'
        : undefined;
  if (type === undefined) return { type: 'unknown', tag: Uint8Array.from(tag), payload: Uint8Array.from(payload) };
  const height = p.readVaruint();
  p.assertEnd(`a ${type} attestation payload`);
  return { type, height };
}

const CLASS_NAME = {
  pending: 'PendingAttestation',
  bitcoin: 'BitcoinBlockHeaderAttestation',
  litecoin: 'LitecoinBlockHeaderAttestation',
  ethereum: 'EthereumBlockHeaderAttestation',
} as const;

/** The reference's text form, e.g. `PendingAttestation('https://…')`, `BitcoinBlockHeaderAttestation(358391)`. */
export function formatAttestation(a: Attestation): string {
  switch (a.type) {
    case 'pending':
      return `${CLASS_NAME.pending}('${a.uri}')`;
    case 'unknown':
      return `UnknownAttestation(${pythonBytesRepr(a.tag)}, ${pythonBytesRepr(a.payload)})`;
    default:
      return `${CLASS_NAME[a.type]}(${a.height})`;
  }
}

/** Python's repr() of a bytes object, as the reference prints unknown attestations. */
function pythonBytesRepr(b: Uint8Array): string {
  // Python quotes with " when the bytes contain ' but no ", and escapes ' otherwise.
  const quote = b.includes(0x27) && !b.includes(0x22) ? '"' : "'";
  let s = '';
  for (const c of b) {
    if (c === 0x5c) s += '\\\\';
    else if (c === 0x27 && quote === "'") s += "\\'";
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\x' + toHex(Uint8Array.of(c));
  }
  return `b${quote}${s}${quote}`;
}
