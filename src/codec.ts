// The interface both backends implement. The middleware, util and tests are written against it,
// so every behaviour is defined once and checked on each backend.

/** Which implementation runs: the Rust addon, or the pure `node:crypto` fallback. */
export type BackendName = 'native' | 'js';

/** What the caller asks for: a backend by name, or `auto` (native when it loads, else js). */
export type BackendChoice = BackendName | 'auto';

export type DecodeStatus = 'absent' | 'valid' | 'expired' | 'invalid';

/**
 * The cookie format a codec writes: `1`, client-sessions v0.8's (the default), or `2`,
 * XChaCha20-Poly1305 with a key id and encrypted timestamps (SECURITY.md). Every codec reads both.
 */
export type CookieFormat = 1 | 2;

export type InvalidReason =
  | 'too-large'
  | 'malformed'
  | 'bad-mac'
  | 'bad-padding'
  | 'wrong-name'
  | 'not-utf8'
  /** Format 2: the version byte is not one this codec knows. */
  | 'unknown-format'
  /** Format 2: sealed with a key id none of the codec's key sets has. */
  | 'unknown-key'
  /** Format 2 (from a header): a chunk cookie the value says it has is missing. */
  | 'missing-chunk';

/** What every decode result carries. */
interface DecodeResultFields {
  /**
   * From the cookie, for `valid` and `expired`; 0 otherwise. The session expires at
   * `createdAt + duration`. (For format 2, `createdAt` is `issuedAt` and `duration` runs to the
   * cookie's `expiresAt`.)
   */
  createdAt: number;
  duration: number;
  /**
   * When the session began, for `valid` and `expired`: format 2's `issuedAt`, which never moves;
   * for a format 1 cookie, its `createdAt`. 0 otherwise.
   */
  issuedAt: number;
  /** The cookie's format, for `valid` and `expired`; 0 otherwise. */
  format: CookieFormat | 0;
  /** Index of the key set that verified the cookie; 0 is the one new cookies use. */
  keyIndex: number;
  /**
   * From `decodeFromHeader`: which chunk cookies `name.1` … `name.3` the header carries, bit
   * `k - 1` for `name.k` (whatever their content), so that stale ones can be expired. 0 from `decode`.
   */
  chunkCookies: number;
}

/** Authentic, in date, made for this cookie name. */
export interface ValidDecodeResult extends DecodeResultFields {
  status: 'valid';
  /** The session's JSON text. */
  json: string;
  reason?: undefined;
  /** Less than `activeDuration` is left: the middleware extends and rewrites it. */
  refresh: boolean;
}

/** Authentic but past `createdAt + duration`; its content is not decrypted. */
export interface ExpiredDecodeResult extends DecodeResultFields {
  status: 'expired';
  json?: undefined;
  reason?: undefined;
  refresh: false;
}

/** Not a cookie this codec issued (or not readable); `reason` says why. */
export interface InvalidDecodeResult extends DecodeResultFields {
  status: 'invalid';
  reason: InvalidReason;
  json?: undefined;
  refresh: false;
}

/** (`decodeFromHeader`) the `Cookie` header has no cookie of this name. */
export interface AbsentDecodeResult extends DecodeResultFields {
  status: 'absent';
  json?: undefined;
  reason?: undefined;
  refresh: false;
}

/**
 * The outcome of a decode, told apart by `status`: after `status === 'valid'`, `json` is a
 * string; after `status === 'invalid'`, `reason` is set.
 */
export type DecodeResult = ValidDecodeResult | ExpiredDecodeResult | InvalidDecodeResult | AbsentDecodeResult;

export interface Codec {
  readonly backend: BackendName;
  readonly cookieName: string;
  /** The format `encode` writes. */
  readonly format: CookieFormat;
  /**
   * Encrypts and signs `json` with the first key set into a cookie value, expiring at
   * `createdAt + duration`. Format 2 also seals `issuedAt` (default `createdAt`) and the number
   * of cookies the value will be split across, `chunks` (1 to 4, default 1); format 1 ignores
   * `issuedAt` and takes only `chunks` 1.
   */
  encode(json: string, createdAt: number, duration: number, issuedAt?: number, chunks?: number): string;
  /** Decodes a cookie value; damaged, forged or foreign values are a status, never a throw. */
  decode(value: string, now?: number): DecodeResult;
  /**
   * Finds this codec's cookie in a raw `Cookie` header and decodes it. Of several cookies of the
   * name (at most 8 are tried), the first valid one wins, else the first expired one, else the first.
   * A format 2 value split across chunk cookies is joined (`name`, `name.1`, ...) and verified as one.
   */
  decodeFromHeader(header: string | undefined, now?: number): DecodeResult;
  /** client-sessions' MAC over `iv . ciphertext . createdAt . duration` with a key set. */
  computeMac(
    keyIndex: number,
    iv: Uint8Array,
    ciphertext: Uint8Array,
    createdAt: string,
    duration: string,
  ): Buffer;
}

/**
 * A codec whose IV can be chosen, so tests can compare backends byte for byte.
 * @internal Never use a fixed IV in production.
 */
export interface TestableCodec extends Codec {
  /** `iv`: 16 bytes for format 1, the 24-byte nonce for format 2. */
  encodeWithIv(json: string, createdAt: number, duration: number, iv: Uint8Array, issuedAt?: number, chunks?: number): string;
}

/** Cookie values longer than this (in UTF-8 bytes) are invalid without being looked at. */
export const MAX_COOKIE_VALUE_LENGTH = 16 * 1024;

/** Format 2: the most cookies one value may be split across. */
export const MAX_CHUNKS = 4;

/** How many same-named cookies in one header are tried. */
export const MAX_HEADER_CANDIDATES = 8;

/** Timestamps are whole milliseconds that JavaScript numbers hold exactly. */
export const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

/** A fresh result for a header without this codec's cookie (fresh: callers may keep it). */
export function absentResult(): AbsentDecodeResult {
  return { status: 'absent', createdAt: 0, duration: 0, issuedAt: 0, format: 0, keyIndex: 0, chunkCookies: 0, refresh: false };
}
