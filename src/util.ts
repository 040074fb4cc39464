// client-sessions' `util` functions with its semantics: the same arguments, defaults, return
// values and setup errors, on either backend. What differs is stricter parsing (a cookie has one
// accepted spelling) and that the options object is not written to (client-sessions stored the
// derived keys on it).

import { createHmac } from 'node:crypto';

import { KDF_SIGNATURE_LABEL, SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from './algorithms';
import type { Codec, TestableCodec } from './codec';
import { createBackendCodec, requestedBackend } from './backend/select';
import { codedError } from './errors';
import { derive, describe, resolveCodecOptions, resolveSignatureAlgorithm, type CodecOptions } from './options';

export interface UtilOptions extends CodecOptions {
  cookieName: string;
}

/** What `computeHmac` needs: the signature key (or a secret to derive it) and the algorithm. */
export interface HmacOptions {
  signatureKey?: Uint8Array | undefined;
  secret?: string | Uint8Array | undefined;
  /** Default `sha256`. */
  signatureAlgorithm?: SignatureAlgorithm | undefined;
}

export interface DecodedCookie<T = unknown> {
  content: T;
  createdAt: number;
  duration: number;
}

const DEFAULT_DURATION = 24 * 60 * 60 * 1000;

interface CacheEntry {
  fingerprint: unknown[];
  codec: TestableCodec;
}

// Building a codec derives keys, so it is kept per options object and rebuilt only when one of
// the fields it was built from is replaced.
const codecs = new WeakMap<object, CacheEntry>();

function fingerprintOf(opts: UtilOptions): unknown[] {
  return [
    opts.cookieName,
    opts.secret,
    opts.encryptionKey,
    opts.signatureKey,
    opts.keys,
    opts.encryptionAlgorithm,
    opts.signatureAlgorithm,
    opts.backend,
  ];
}

function codecFor(opts: UtilOptions): TestableCodec {
  if (opts === null || typeof opts !== 'object') {
    throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', 'opts must be an object with cookieName and secret', TypeError);
  }
  const fingerprint = fingerprintOf(opts);
  const cached = codecs.get(opts);
  if (cached && cached.fingerprint.every((value, i) => value === fingerprint[i])) return cached.codec;
  const codec = createBackendCodec(resolveCodecOptions(opts, 'compatible'), requestedBackend(opts.backend));
  codecs.set(opts, { fingerprint, codec });
  return codec;
}

/**
 * Encrypts and signs `content` (JSON-serialised) into a cookie value. `duration` defaults to
 * 24 hours and `createdAt` to now, as in client-sessions.
 */
export function encode(opts: UtilOptions, content: unknown, duration?: number, createdAt?: number): string {
  const codec = codecFor(opts);
  const json = JSON.stringify(content);
  if (typeof json !== 'string') {
    throw codedError('ERR_CLIENT_SESSIONS_CONTENT', `content must be JSON-serialisable, got ${typeof content}`, TypeError);
  }
  return codec.encode(json, createdAt || Date.now(), duration || DEFAULT_DURATION);
}

/**
 * Decodes a cookie value into `{ content, createdAt, duration }`, or `undefined` if it is not an
 * authentic cookie for `opts.cookieName`. Like client-sessions, it does not check expiry: compare
 * `createdAt + duration` with the time yourself.
 */
export function decode<T = unknown>(opts: UtilOptions, cookieValue: string): DecodedCookie<T> | undefined {
  const codec: Codec = codecFor(opts);
  if (typeof cookieValue !== 'string') return undefined;
  // now = 0: nothing counts as expired, which is client-sessions' util.decode behaviour.
  const decoded = codec.decode(cookieValue, 0);
  if (decoded.status !== 'valid') return undefined;
  let content: T;
  try {
    content = JSON.parse(decoded.json) as T;
  } catch {
    return undefined;
  }
  return { content, createdAt: decoded.createdAt, duration: decoded.duration };
}

/**
 * The MAC of a cookie's fields, as client-sessions computes it: HMAC over
 * `iv . ciphertext . createdAt . duration`, truncated for the `-dropN` algorithms. Like the
 * original it needs only the signature key and algorithm (no cookie name, no encryption key) and
 * takes fields of any length, so its published test vectors hold. It is plain node:crypto on
 * every backend: the cookie codecs compute the same MAC internally, but this is a utility for
 * arbitrary fields and has no hot path.
 */
export function computeHmac(
  opts: HmacOptions,
  iv: Uint8Array | string,
  ciphertext: Uint8Array | string,
  duration: number | string,
  createdAt: number | string,
): Buffer {
  if (opts === null || typeof opts !== 'object') {
    throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', 'computeHmac needs opts with a signatureKey (or a secret) and a signatureAlgorithm', TypeError);
  }
  const signature = SIGNATURE_ALGORITHMS[resolveSignatureAlgorithm(opts.signatureAlgorithm)];
  const key = hmacKey(opts);
  const mac = createHmac(signature.hash, key)
    .update(bytes(iv))
    .update('.')
    .update(bytes(ciphertext))
    .update(`.${String(createdAt)}.${String(duration)}`)
    .digest();
  return mac.subarray(0, signature.tagLength);
}

function hmacKey(opts: HmacOptions): Buffer {
  const { signatureKey, secret } = opts;
  if (signatureKey !== undefined) {
    if (!(signatureKey instanceof Uint8Array)) {
      throw codedError('ERR_CLIENT_SESSIONS_SIGNATURE_KEY', `signatureKey must be a Buffer, got ${describe(signatureKey)}`, TypeError);
    }
    if (signatureKey.length === 0) throw codedError('ERR_CLIENT_SESSIONS_SIGNATURE_KEY', 'signatureKey must not be empty');
    return Buffer.from(signatureKey);
  }
  if (typeof secret === 'string' || secret instanceof Uint8Array) {
    if (secret.length === 0) throw codedError('ERR_CLIENT_SESSIONS_SECRET', 'secret must not be empty');
    return derive(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret), KDF_SIGNATURE_LABEL);
  }
  throw codedError('ERR_CLIENT_SESSIONS_NO_KEYS', 'computeHmac needs opts.signatureKey (a Buffer) or opts.secret to derive it from', TypeError);
}

// hmac.update(string) hashes UTF-8, so strings are accepted the same way.
function bytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** @internal The codec `util` would use for these options, for tests. */
export function utilCodecFor(opts: UtilOptions): TestableCodec {
  return codecFor(opts);
}
