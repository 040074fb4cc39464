// Unpacks the native decode result. The Rust binding returns one string instead of an object
// because each property set across N-API costs more than the whole decode (see
// crates/node/src/packed.rs for the format and the measurement): the kind, the chunk cookie
// mask, then for expired and valid results the format (and refresh), the numbers, the JSON.

import type { CookieFormat, DecodeResult, InvalidReason } from '../codec';

const ABSENT = 0x61; // 'a'
const INVALID = 0x69; // 'i'
const EXPIRED = 0x65; // 'e'
const REFRESH = 0x31; // '1'
const ZERO = 0x30; // '0'

export function unpackDecoded(packed: string): DecodeResult {
  const kind = packed.charCodeAt(0);
  const chunkCookies = packed.charCodeAt(1) - ZERO;
  if (kind === ABSENT) return { status: 'absent', createdAt: 0, duration: 0, issuedAt: 0, format: 0, keyIndex: 0, chunkCookies, refresh: false };
  if (kind === INVALID) {
    return {
      status: 'invalid',
      reason: packed.slice(2) as InvalidReason,
      createdAt: 0,
      duration: 0,
      issuedAt: 0,
      format: 0,
      keyIndex: 0,
      chunkCookies,
      refresh: false,
    };
  }
  const format = (packed.charCodeAt(2) - ZERO) as CookieFormat;
  const first = kind === EXPIRED ? 3 : 4;
  const d1 = packed.indexOf('.', first);
  const d2 = packed.indexOf('.', d1 + 1);
  const d3 = packed.indexOf('.', d2 + 1);
  const d4 = kind === EXPIRED ? packed.length : packed.indexOf('.', d3 + 1);
  const keyIndex = Number(packed.slice(first, d1));
  const createdAt = Number(packed.slice(d1 + 1, d2));
  const duration = Number(packed.slice(d2 + 1, d3));
  const issuedAt = Number(packed.slice(d3 + 1, d4));
  if (kind === EXPIRED) return { status: 'expired', createdAt, duration, issuedAt, format, keyIndex, chunkCookies, refresh: false };
  return {
    status: 'valid',
    json: packed.slice(d4 + 1),
    createdAt,
    duration,
    issuedAt,
    format,
    keyIndex,
    chunkCookies,
    refresh: packed.charCodeAt(3) === REFRESH,
  };
}
