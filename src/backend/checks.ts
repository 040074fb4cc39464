// Argument checks shared by both backends, so misuse fails the same way on each: the same coded
// TypeError for every bad argument, checked in TypeScript before anything crosses into Rust
// (napi's own conversions throw uncoded errors, and would copy oversized input first).

import { MAX_CHUNKS, MAX_TIMESTAMP, type CookieFormat } from '../codec';
import { codedError } from '../errors';

const CANONICAL_DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/** The number a canonical decimal field holds, or -1: no sign, no leading zero, at most 2^53-1. */
export function parseCanonicalDecimal(text: string): number {
  if (!CANONICAL_DECIMAL.test(text)) return -1;
  const value = Number(text);
  return value <= MAX_TIMESTAMP ? value : -1;
}

/** What a bad argument was, for a message: numbers as themselves, anything else by its kind. */
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (value instanceof Date) return 'a Date';
  return `a ${typeof value}`;
}

export function checkMillis(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_TIMESTAMP',
      `${what} must be a whole number of milliseconds from 0 to 2^53-1, got ${shown(value)}`,
      TypeError,
    );
  }
  return value;
}

/**
 * `now` must be a number, like Date.now() (a Date, a string or null is refused rather than read
 * as 0, which made every expired cookie valid); a fraction (e.g. from performance.now()) is
 * dropped, as in Rust.
 */
export function checkNow(now: unknown): number {
  if (typeof now !== 'number') {
    throw codedError('ERR_CLIENT_SESSIONS_TIMESTAMP', `now must be a number of milliseconds such as Date.now(), got ${shown(now)}`, TypeError);
  }
  return checkMillis(Math.floor(now), 'now');
}

export function checkJson(json: unknown): asserts json is string {
  if (typeof json !== 'string') {
    throw codedError('ERR_CLIENT_SESSIONS_CONTENT', 'json must be a string of JSON text', TypeError);
  }
}

export function checkKeyIndex(keyIndex: unknown, keyCount: number): number {
  if (typeof keyIndex !== 'number' || !Number.isSafeInteger(keyIndex) || keyIndex < 0 || keyIndex >= keyCount) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_KEY_INDEX',
      `keyIndex must be the index of one of this codec's ${keyCount} key set(s), got ${shown(keyIndex)}`,
      TypeError,
    );
  }
  return keyIndex;
}

export function checkBytes(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw codedError('ERR_CLIENT_SESSIONS_CONTENT', `${what} must be a Buffer or Uint8Array, got ${shown(value)}`, TypeError);
  }
  return value;
}

export function checkIv(iv: unknown): Uint8Array {
  if (!(iv instanceof Uint8Array) || iv.length !== 16) {
    throw codedError('ERR_CLIENT_SESSIONS_IV', 'iv must be exactly 16 bytes', TypeError);
  }
  return iv;
}

/** Format 2's nonce, given to encodeWithIv as its `iv`: exactly 24 bytes. */
export function checkNonce(iv: unknown): Uint8Array {
  if (!(iv instanceof Uint8Array) || iv.length !== 24) {
    const got = iv instanceof Uint8Array ? String(iv.length) : shown(iv);
    throw codedError('ERR_CLIENT_SESSIONS_IV', `iv must be exactly 24 bytes (format 2's nonce), got ${got}`, TypeError);
  }
  return iv;
}

/**
 * encode's chunk count: how many cookies the value will be split across, 1 (the default) to 4,
 * sealed into a format 2 value; a format 1 value cannot be split, so it takes only 1.
 */
export function checkChunks(chunks: unknown, format: CookieFormat): number {
  if (chunks === undefined) return 1;
  if (typeof chunks !== 'number' || !Number.isInteger(chunks) || chunks < 1 || chunks > MAX_CHUNKS) {
    throw codedError('ERR_CLIENT_SESSIONS_ARGUMENT', `chunks must be a whole number from 1 to ${MAX_CHUNKS}, got ${shown(chunks)}`, TypeError);
  }
  if (format === 1 && chunks !== 1) {
    throw codedError('ERR_CLIENT_SESSIONS_ARGUMENT', `format 1 cookies are never split: chunks must be 1, got ${chunks}`, TypeError);
  }
  return chunks;
}

/**
 * Format 2's sealed times: `expiresAt = createdAt + duration` and `issuedAt` (default
 * `createdAt`), each at most 2^53-1, and the session cannot have begun after it ends.
 */
export function checkSealedTimes(createdAt: number, duration: number, issuedAt: unknown): { issuedAt: number; expiresAt: number } {
  const expiresAt = createdAt + duration;
  if (expiresAt > MAX_TIMESTAMP) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_TIMESTAMP',
      `createdAt + duration must be at most 2^53-1 (format 2 seals the time the session expires), got ${createdAt} + ${duration}`,
      TypeError,
    );
  }
  const issued = issuedAt === undefined ? createdAt : checkMillis(issuedAt, 'issuedAt');
  if (issued > expiresAt) {
    throw codedError('ERR_CLIENT_SESSIONS_TIMESTAMP', `issuedAt must not be after createdAt + duration, got ${issued} and ${expiresAt}`, TypeError);
  }
  return { issuedAt: issued, expiresAt };
}
