// Byte helpers for the core: hex in lower case, lexicographic comparison, concatenation.
import { coreErrors } from './errors.js';

const HEX_CHARS = '0123456789abcdef';
const BYTE_TO_HEX: string[] = Array.from({ length: 256 }, (_, i) => HEX_CHARS[i >> 4]! + HEX_CHARS[i & 15]!);

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]!]!;
  return out;
}

/** Decodes hex of either case; throws OTS_ERR_HEX_INVALID on odd length or a non-hex character. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0) throw coreErrors.OTS_ERR_HEX_INVALID('odd number of characters');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(text.charCodeAt(2 * i));
    const lo = hexValue(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw coreErrors.OTS_ERR_HEX_INVALID(`bad character near offset ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** True when `text` is non-empty-or-empty valid hex of even length. */
export function isHex(text: string): boolean {
  if (text.length % 2 !== 0) return false;
  for (let i = 0; i < text.length; i++) if (hexValue(text.charCodeAt(i)) < 0) return false;
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Lexicographic byte comparison; a proper prefix sorts first (as Python's bytes comparison). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return concatByteList(parts);
}

/** concatBytes over an array: no spread, so a body read in very many pieces cannot overflow the call stack. */
export function concatByteList(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Byte-reversed copy: Bitcoin shows txids and merkle roots reversed from their internal order. */
export function reverseBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

/** Index of the first occurrence of `needle` in `haystack`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** UTF-8 / ASCII text helpers without node:buffer, so the core stays platform-free. */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const utf8 = {
  encode: (s: string): Uint8Array => encoder.encode(s),
  decode: (b: Uint8Array): string => decoder.decode(b),
};
