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
const NINE = 0x39; // '9'

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
  // The numbers are read digit by digit: `Number(packed.slice(…))` made a string and a runtime
  // call for each of the four (about 1,800 instructions per decode). Whole numbers up to 2^53
  // are exact in a double, and the core writes no others (the digit is added whole: `n * 10 + c -
  // ZERO` rounds at 2^53 before subtracting). Each loop stops at the first non-digit
  // (the `.` after a number; past the end of an expired result, charCodeAt's NaN).
  let at = first;
  let keyIndex = 0;
  for (let c = packed.charCodeAt(at); c >= ZERO && c <= NINE; c = packed.charCodeAt(++at)) keyIndex = keyIndex * 10 + (c - ZERO);
  let createdAt = 0;
  for (let c = packed.charCodeAt(++at); c >= ZERO && c <= NINE; c = packed.charCodeAt(++at)) createdAt = createdAt * 10 + (c - ZERO);
  let duration = 0;
  for (let c = packed.charCodeAt(++at); c >= ZERO && c <= NINE; c = packed.charCodeAt(++at)) duration = duration * 10 + (c - ZERO);
  let issuedAt = 0;
  for (let c = packed.charCodeAt(++at); c >= ZERO && c <= NINE; c = packed.charCodeAt(++at)) issuedAt = issuedAt * 10 + (c - ZERO);
  if (kind === EXPIRED) return { status: 'expired', createdAt, duration, issuedAt, format, keyIndex, chunkCookies, refresh: false };
  return {
    status: 'valid',
    json: packed.slice(at + 1),
    createdAt,
    duration,
    issuedAt,
    format,
    keyIndex,
    chunkCookies,
    refresh: packed.charCodeAt(3) === REFRESH,
  };
}
