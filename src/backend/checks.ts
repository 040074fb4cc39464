// Argument checks shared by both backends, so misuse fails the same way on each.

import { MAX_TIMESTAMP } from '../codec';
import { codedError } from '../errors';

const CANONICAL_DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/** The number a canonical decimal field holds, or -1: no sign, no leading zero, at most 2^53-1. */
export function parseCanonicalDecimal(text: string): number {
  if (!CANONICAL_DECIMAL.test(text)) return -1;
  const value = Number(text);
  return value <= MAX_TIMESTAMP ? value : -1;
}

export function checkMillis(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw codedError('ERR_CLIENT_SESSIONS_TIMESTAMP', `${what} must be a whole number of milliseconds from 0 to 2^53-1`);
  }
  return value;
}

/** `now` may carry a fraction (e.g. from performance.now()); it is dropped, as in Rust. */
export function checkNow(now: number): number {
  return checkMillis(Math.floor(now), 'now');
}

export function checkJson(json: unknown): asserts json is string {
  if (typeof json !== 'string') {
    throw codedError('ERR_CLIENT_SESSIONS_CONTENT', 'json must be a string of JSON text', TypeError);
  }
}
