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
  cursor = kind === EXPIRED ? 3 : 4;
  const keyIndex = readNumber(packed);
  const createdAt = readNumber(packed);
  const duration = readNumber(packed);
  const issuedAt = readNumber(packed);
  if (kind === EXPIRED) return { status: 'expired', createdAt, duration, issuedAt, format, keyIndex, chunkCookies, refresh: false };
  return {
    status: 'valid',
    json: packed.slice(cursor),
    createdAt,
    duration,
    issuedAt,
    format,
    keyIndex,
    chunkCookies,
    refresh: packed.charCodeAt(3) === REFRESH,
  };
}

/** Where readNumber starts: the number's first digit. */
let cursor = 0;

/**
 * The decimal number at `cursor`, which is left after the `.` that ends it. Read digit by digit:
 * `Number(packed.slice(…))` made a string and a runtime call for each of the four (about 1,800
 * instructions per decode). Whole numbers up to 2^53 are exact in a double, and the core writes
 * no others (the digit is added whole: `n * 10 + c - ZERO` rounds at 2^53 before subtracting).
 * The loop stops at the first non-digit: the `.` after a number, or past the end of an expired
 * result, charCodeAt's NaN.
 */
function readNumber(packed: string): number {
  let n = 0;
  for (let c = packed.charCodeAt(cursor); c >= ZERO && c <= NINE; c = packed.charCodeAt(++cursor)) n = n * 10 + (c - ZERO);
  cursor++;
  return n;
}
