// Unpacks the native decode result. The Rust binding returns one string instead of an object
// because each property set across N-API costs more than the whole decode (see
// crates/node/src/packed.rs for the format and the measurement).

import type { DecodeResult, InvalidReason } from '../codec';

const ABSENT = 0x61; // 'a'
const INVALID = 0x69; // 'i'
const EXPIRED = 0x65; // 'e'
const REFRESH = 0x31; // '1'

export function unpackDecoded(packed: string): DecodeResult {
  const kind = packed.charCodeAt(0);
  if (kind === ABSENT) return { status: 'absent', createdAt: 0, duration: 0, issuedAt: 0, format: 0, keyIndex: 0, chunkCookies: 0, refresh: false };
  if (kind === INVALID) {
    return {
      status: 'invalid',
      reason: packed.slice(1) as InvalidReason,
      createdAt: 0,
      duration: 0,
      issuedAt: 0,
      format: 0,
      keyIndex: 0,
      chunkCookies: 0,
      refresh: false,
    };
  }
  const first = kind === EXPIRED ? 1 : 2;
  const d1 = packed.indexOf('.', first);
  const d2 = packed.indexOf('.', d1 + 1);
  const d3 = kind === EXPIRED ? packed.length : packed.indexOf('.', d2 + 1);
  const keyIndex = Number(packed.slice(first, d1));
  const createdAt = Number(packed.slice(d1 + 1, d2));
  const duration = Number(packed.slice(d2 + 1, d3));
  if (kind === EXPIRED) return { status: 'expired', createdAt, duration, issuedAt: createdAt, format: 1, keyIndex, chunkCookies: 0, refresh: false };
  return {
    status: 'valid',
    json: packed.slice(d3 + 1),
    createdAt,
    duration,
    issuedAt: createdAt,
    format: 1,
    keyIndex,
    chunkCookies: 0,
    refresh: packed.charCodeAt(1) === REFRESH,
  };
}
