// Codec options: validated once, at setup, into the exact shape both backends take. Every
// message names the option and the fix.

import { createHmac, timingSafeEqual } from 'node:crypto';

import {
  DEFAULT_ENCRYPTION_ALGORITHM,
  DEFAULT_SIGNATURE_ALGORITHM,
  DERIVED_KEY_LENGTH,
  ENCRYPTION_ALGORITHMS,
  KDF_ENCRYPTION_LABEL,
  KDF_SIGNATURE_LABEL,
  SIGNATURE_ALGORITHMS,
  isEncryptionAlgorithm,
  isSignatureAlgorithm,
  type EncryptionAlgorithm,
  type SignatureAlgorithm,
} from './algorithms';
import type { BackendChoice, CookieFormat } from './codec';
import { PACKAGE, codedError, emitWarning, type CodedError } from './errors';

/** One key set: a `secret` both keys are derived from, or the two raw keys. */
export interface KeySetOptions {
  secret?: string | Uint8Array | undefined;
  encryptionKey?: Uint8Array | undefined;
  signatureKey?: Uint8Array | undefined;
  /**
   * Format 2: a name for this key set (1 to 64 characters), from which the key id sealed into
   * its cookies is made. Without one, the id is derived from the key. Ids must differ.
   */
  id?: string | undefined;
}

export interface CodecOptions {
  /** The cookie's name, also sealed inside every value. Default `session_state`. */
  cookieName?: string | undefined;
  /**
   * A secret, or a list of them for rotation: the first makes new cookies, all are accepted.
   * Keys are derived once, as client-sessions does.
   */
  secret?: string | Uint8Array | ReadonlyArray<string | Uint8Array> | undefined;
  /** A raw AES key of exactly the algorithm's size; with `signatureKey`, instead of `secret`. */
  encryptionKey?: Uint8Array | undefined;
  /** A raw HMAC key at least as long as the hash output; must differ from `encryptionKey`. */
  signatureKey?: Uint8Array | undefined;
  /** Key sets for rotation, newest first, when raw keys are used. */
  keys?: ReadonlyArray<KeySetOptions> | undefined;
  /** `aes128`, `aes192` or `aes256` (default), always CBC. (At run time any case is accepted, as in client-sessions.) */
  encryptionAlgorithm?: EncryptionAlgorithm | undefined;
  /** `sha256` (default), `sha256-drop128`, `sha384`, `sha384-drop192`, `sha512`, `sha512-drop256`. */
  signatureAlgorithm?: SignatureAlgorithm | undefined;
  /** Milliseconds before expiry within which a valid cookie is reported as `refresh`. Default 5 min. */
  activeDuration?: number | undefined;
  /** Force a backend; default from `CLIENT_SESSIONS_NATIVE_BACKEND`, else `auto`. */
  backend?: BackendChoice | undefined;
  /**
   * The cookie format written: `1` (default), client-sessions v0.8's; `2`, XChaCha20-Poly1305
   * with key ids and encrypted timestamps (SECURITY.md). Both are always read, and a cookie in
   * the other format is re-issued in this one.
   */
  format?: CookieFormat | undefined;
  /**
   * Format 2: the longest a session may live from when it was issued (login, reset, regenerate,
   * setDuration), however active, in ms. Checked on the server; default: no limit.
   */
  absoluteDuration?: number | undefined;
}

export interface ResolvedKeySet {
  secret?: Buffer;
  encryptionKey?: Buffer;
  signatureKey?: Buffer;
  /** Format 2's key id name, when given. */
  id?: string;
}

export interface ResolvedCodecOptions {
  cookieName: string;
  encryptionAlgorithm: EncryptionAlgorithm;
  signatureAlgorithm: SignatureAlgorithm;
  keys: ResolvedKeySet[];
  activeDuration: number;
  /** The format written. */
  format: CookieFormat;
  /** Format 2's absolute lifetime in ms; 0 for none. */
  absoluteDuration: number;
}

/**
 * `strict` (the middleware and `createCodec`) applies client-sessions' setup checks: signature key
 * length, distinct keys, a cookie name a `Cookie` header can carry. `compatible` (`util.*`) checks
 * only what the cipher needs, as client-sessions' `util` functions did.
 */
export type KeyPolicy = 'strict' | 'compatible';

export const DEFAULT_COOKIE_NAME = 'session_state';

/**
 * The longest duration, activeDuration, maxAge or setDuration accepted: 10^15 ms, about 31,700
 * years. With it every date the library computes is a valid Date (at most 8.64e15 ms) and every
 * timestamp stays an exact integer below 2^53: now + duration + activeDuration + 1 s fits with
 * room to spare for the next several thousand years of `now`. Past Date's range, Expires came
 * out as "Invalid Date", and a createdAt pushed past 2^53 stopped the cookie being re-issued.
 */
export const MAX_DURATION = 10 ** 15;
export const DEFAULT_ACTIVE_DURATION = 5 * 60 * 1000;

// RFC 7230 token characters: what a cookie name may hold.
const COOKIE_NAME_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function resolveCodecOptions(options: CodecOptions, policy: KeyPolicy): ResolvedCodecOptions {
  // util.* keeps client-sessions' leniency towards an array (its own check comes first).
  if (options === null || typeof options !== 'object' || (policy === 'strict' && Array.isArray(options))) {
    throw optionsNotAnObject(options);
  }
  const encryptionAlgorithm = resolveEncryptionAlgorithm(options.encryptionAlgorithm);
  const signatureAlgorithm = resolveSignatureAlgorithm(options.signatureAlgorithm);
  const keys = resolveKeySets(options).map((set, index, all) =>
    checkKeySet(set, all.length > 1 ? ` (key set ${index})` : '', encryptionAlgorithm, signatureAlgorithm, policy),
  );
  const cookieName = resolveCookieName(options.cookieName, policy);
  if (policy === 'strict') warnAboutWeakSecrets(keys, cookieName);
  const format = resolveFormat(options.format);
  const absoluteDuration = resolveMilliseconds('absoluteDuration', options.absoluteDuration, 0, 1);
  if (absoluteDuration !== 0 && format !== 2) {
    throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', 'absoluteDuration needs format: 2 (format 1 cookies carry no time of issue): add format: 2, or leave absoluteDuration out');
  }
  checkKeyIds(keys);
  return {
    cookieName,
    encryptionAlgorithm,
    signatureAlgorithm,
    keys,
    activeDuration: resolveMilliseconds('activeDuration', options.activeDuration, DEFAULT_ACTIVE_DURATION),
    format,
    absoluteDuration,
  };
}

function resolveFormat(format: unknown): CookieFormat {
  if (format === undefined) return 1;
  if (format === 1 || format === 2) return format;
  throw codedError(
    'ERR_CLIENT_SESSIONS_OPTIONS',
    `format must be 1 (client-sessions v0.8's cookies, the default) or 2 (XChaCha20-Poly1305 with key ids, see SECURITY.md), got ${describe(format)}`,
    TypeError,
  );
}

/** Key set names for format 2's key ids: 1 to 64 characters, each used once. */
function checkKeyIds(keys: readonly ResolvedKeySet[]): void {
  const seen = new Set<string>();
  keys.forEach(({ id }, index) => {
    if (id === undefined) return;
    if (seen.has(id)) {
      throw codedError('ERR_CLIENT_SESSIONS_KEY_ID', `keys[${index}].id ${JSON.stringify(id)} is already the id of an earlier key set: give each key set its own id`);
    }
    seen.add(id);
  });
}

/** For options that are a string, a number, an array...: the error shows the shape they take. */
export function optionsNotAnObject(options: unknown): CodedError {
  return codedError(
    'ERR_CLIENT_SESSIONS_OPTIONS',
    `options must be an object such as { cookieName: "session", secret: process.env.SESSION_SECRET }, got ${describe(options)}`,
    TypeError,
  );
}

/** Shorter secrets than this can be guessed offline from one cookie; raw keys are not checked. */
export const MIN_SECRET_LENGTH = 32;

/**
 * A secret is the only thing between an attacker and forged sessions, and one cookie is enough
 * to test guesses offline, so a short one is worth a warning at setup (never an error: an
 * existing deployment must keep working while its secret is rotated). The message gives the
 * length, never the secret.
 */
function warnAboutWeakSecrets(keys: readonly ResolvedKeySet[], cookieName: string): void {
  keys.forEach((set, index) => {
    // Beside one raw key, the secret still derives the other one.
    if (set.secret === undefined || (set.encryptionKey && set.signatureKey) || set.secret.length >= MIN_SECRET_LENGTH) return;
    const which = keys.length > 1 ? `secret ${index}` : 'the secret';
    emitWarning(
      `${PACKAGE}: ${which} for the ${cookieName} cookie is only ${set.secret.length} bytes: use at least ${MIN_SECRET_LENGTH} random characters, e.g. crypto.randomBytes(32).toString('base64url')`,
      'ERR_CLIENT_SESSIONS_WEAK_SECRET',
    );
  });
}

export function resolveCookieName(name: unknown, policy: KeyPolicy): string {
  if (name === undefined || name === null || name === '') {
    if (policy === 'compatible') throw codedError('ERR_CLIENT_SESSIONS_COOKIE_NAME', 'cookieName option required', Error, false);
    return DEFAULT_COOKIE_NAME;
  }
  const text = String(name);
  if (text.includes('=')) {
    if (policy === 'compatible') throw codedError('ERR_CLIENT_SESSIONS_COOKIE_NAME', 'cookieName cannot include "="', Error, false);
    throw codedError('ERR_CLIENT_SESSIONS_COOKIE_NAME', `cookieName ${JSON.stringify(text)} cannot include "="`);
  }
  if (policy === 'strict') {
    if (typeof name !== 'string') {
      throw codedError('ERR_CLIENT_SESSIONS_COOKIE_NAME', `cookieName must be a string, got ${typeof name}`, TypeError);
    }
    if (!COOKIE_NAME_TOKEN.test(text)) {
      throw codedError(
        'ERR_CLIENT_SESSIONS_COOKIE_NAME',
        `cookieName ${JSON.stringify(text)} is not a valid cookie name: use only letters, digits and !#$%&'*+-.^_\`|~`,
      );
    }
  }
  return text;
}

function resolveEncryptionAlgorithm(name: unknown): EncryptionAlgorithm {
  if (name === undefined || name === null || name === '') return DEFAULT_ENCRYPTION_ALGORITHM;
  const lower = String(name).toLowerCase();
  if (typeof name !== 'string' || !isEncryptionAlgorithm(lower)) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_ENCRYPTION_ALGORITHM',
      `invalid encryptionAlgorithm ${JSON.stringify(String(name))}, supported are: ${Object.keys(ENCRYPTION_ALGORITHMS).join(', ')}`,
    );
  }
  return lower;
}

export function resolveSignatureAlgorithm(name: unknown): SignatureAlgorithm {
  if (name === undefined || name === null || name === '') return DEFAULT_SIGNATURE_ALGORITHM;
  const lower = String(name).toLowerCase();
  if (typeof name !== 'string' || !isSignatureAlgorithm(lower)) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_SIGNATURE_ALGORITHM',
      `invalid signatureAlgorithm ${JSON.stringify(String(name))}, supported are: ${Object.keys(SIGNATURE_ALGORITHMS).join(', ')}`,
    );
  }
  return lower;
}

/**
 * A whole number of milliseconds of at least `minimum` (0 for activeDuration, 1 for duration),
 * or the default when absent. `whenZero` is added to the message when 0 is given and refused.
 */
export function resolveMilliseconds(option: string, value: unknown, fallback: number, minimum: 0 | 1 = 0, whenZero = ''): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum || value > MAX_DURATION) {
    const range = `${minimum === 0 ? 'from 0' : 'above 0'} up to ${MAX_DURATION} (about 31,700 years)`;
    const note = value === 0 && whenZero !== '' ? ` (${whenZero})` : '';
    throw codedError(
      'ERR_CLIENT_SESSIONS_DURATION',
      `${option} must be a whole number of milliseconds ${range}, got ${describe(value)}${note}`,
      TypeError,
    );
  }
  return value;
}

function resolveKeySets(options: CodecOptions): KeySetOptions[] {
  const { secret, encryptionKey, signatureKey } = options;
  // An array passed to util.* (client-sessions accepted one) inherits Array.prototype.keys.
  const keys = Array.isArray(options) && !Object.prototype.hasOwnProperty.call(options, 'keys') ? undefined : options.keys;
  if (keys !== undefined) {
    if (secret !== undefined || encryptionKey !== undefined || signatureKey !== undefined) {
      throw codedError(
        'ERR_CLIENT_SESSIONS_OPTIONS',
        'give either keys (a list of key sets) or secret/encryptionKey/signatureKey, not both',
      );
    }
    if (!Array.isArray(keys) || keys.length === 0) {
      throw codedError(
        'ERR_CLIENT_SESSIONS_NO_KEYS',
        'keys must be a non-empty array of { encryptionKey, signatureKey } or { secret }, newest first',
        TypeError,
      );
    }
    return keys.map((set, index) => {
      if (set === null || typeof set !== 'object') {
        throw codedError('ERR_CLIENT_SESSIONS_NO_KEYS', `keys[${index}] must be an object like { encryptionKey, signatureKey }`, TypeError);
      }
      return set;
    });
  }
  if (Array.isArray(secret)) {
    if (encryptionKey !== undefined || signatureKey !== undefined) {
      throw codedError(
        'ERR_CLIENT_SESSIONS_OPTIONS',
        'a list of secrets cannot be combined with encryptionKey/signatureKey: use keys: [{ encryptionKey, signatureKey }, ...]',
      );
    }
    if (secret.length === 0) {
      throw codedError('ERR_CLIENT_SESSIONS_NO_KEYS', 'secret is an empty list: give at least one secret, newest first');
    }
    return secret.map((s: string | Uint8Array) => ({ secret: s }));
  }
  if (!(secret || (encryptionKey && signatureKey))) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_NO_KEYS',
      'cannot set up sessions without a secret or encryptionKey/signatureKey pair: pass { secret: "a long random string" }',
    );
  }
  return [{ secret: secret as string | Uint8Array | undefined, encryptionKey, signatureKey }];
}

function checkKeySet(
  set: KeySetOptions,
  where: string,
  encryptionAlgorithm: EncryptionAlgorithm,
  signatureAlgorithm: SignatureAlgorithm,
  policy: KeyPolicy,
): ResolvedKeySet {
  const resolved: ResolvedKeySet = {};
  if (set.id !== undefined) {
    if (typeof set.id !== 'string' || set.id.length === 0 || set.id.length > 64) {
      throw codedError('ERR_CLIENT_SESSIONS_KEY_ID', `the id of a key set${where} must be a string of 1 to 64 characters (a name such as "2026-12"), got ${describe(set.id)}`, TypeError);
    }
    resolved.id = set.id;
  }
  if (set.secret !== undefined && set.secret !== null) {
    resolved.secret = toSecretBuffer(set.secret, where);
  }
  if (set.encryptionKey !== undefined) resolved.encryptionKey = toKeyBuffer('encryptionKey', set.encryptionKey, where);
  if (set.signatureKey !== undefined) resolved.signatureKey = toKeyBuffer('signatureKey', set.signatureKey, where);
  if (!resolved.secret && !(resolved.encryptionKey && resolved.signatureKey)) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_NO_KEYS',
      `a key set${where} needs a secret, or both an encryptionKey and a signatureKey`,
    );
  }

  const encryption = ENCRYPTION_ALGORITHMS[encryptionAlgorithm];
  const encryptionLength = resolved.encryptionKey?.length ?? DERIVED_KEY_LENGTH;
  if (encryptionLength !== encryption.keyLength) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_ENCRYPTION_KEY',
      resolved.encryptionKey
        ? `encryptionKey${where} for ${encryptionAlgorithm} must be exactly ${encryption.keyLength} bytes (${encryption.keyLength * 8} bits), got ${encryptionLength}`
        : `a secret derives a ${DERIVED_KEY_LENGTH}-byte encryption key, which fits only aes256: set encryptionAlgorithm to 'aes256', or give an encryptionKey of ${encryption.keyLength} bytes with a signatureKey`,
    );
  }

  if (policy === 'strict') {
    const signature = SIGNATURE_ALGORITHMS[signatureAlgorithm];
    const signatureLength = resolved.signatureKey?.length ?? DERIVED_KEY_LENGTH;
    if (signatureLength < signature.minKeyLength) {
      throw codedError(
        'ERR_CLIENT_SESSIONS_SIGNATURE_KEY',
        resolved.signatureKey
          ? `signatureKey${where} for ${signatureAlgorithm} must be at least ${signature.minKeyLength} bytes (${signature.minKeyLength * 8} bits), got ${signatureLength}`
          : `a secret derives a ${DERIVED_KEY_LENGTH}-byte signature key, too short for ${signatureAlgorithm}: use sha256 or sha256-drop128, or give a signatureKey of at least ${signature.minKeyLength} bytes`,
      );
    }
    const encryptionKey = resolved.encryptionKey ?? derive(resolved.secret, KDF_ENCRYPTION_LABEL);
    const signatureKey = resolved.signatureKey ?? derive(resolved.secret, KDF_SIGNATURE_LABEL);
    if (encryptionKey.length === signatureKey.length && timingSafeEqual(encryptionKey, signatureKey)) {
      throw codedError('ERR_CLIENT_SESSIONS_SAME_KEYS', `Encryption and Signature keys must be different${where}: use two independent random keys`);
    }
  }
  return resolved;
}

export function derive(secret: Buffer | undefined, label: string): Buffer {
  return createHmac('sha256', secret ?? Buffer.alloc(0)).update(label).digest();
}

// Empty key material of any type is refused: HMAC takes an empty key without complaint, and
// keys derived from one can be computed by anyone, so sessions could be forged. It is what
// `secret: Buffer.from(process.env.UNSET ?? '', 'base64')` gives when the variable is missing.
function toSecretBuffer(secret: unknown, where: string): Buffer {
  let bytes: Buffer;
  if (typeof secret === 'string') bytes = Buffer.from(secret, 'utf8');
  else if (secret instanceof Uint8Array) bytes = Buffer.from(secret);
  else throw codedError('ERR_CLIENT_SESSIONS_SECRET', `secret${where} must be a string or a Buffer, got ${describeType(secret)}`, TypeError);
  if (bytes.length === 0) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_SECRET',
      `secret${where} is empty, and keys derived from an empty secret can be computed by anyone: give a long random secret (is the environment variable it comes from unset?)`,
    );
  }
  return bytes;
}

// A copy, so changing the caller's Buffer later does not change the keys in use.
function toKeyBuffer(name: string, key: unknown, where: string): Buffer {
  const code = name === 'encryptionKey' ? 'ERR_CLIENT_SESSIONS_ENCRYPTION_KEY' : 'ERR_CLIENT_SESSIONS_SIGNATURE_KEY';
  if (!(key instanceof Uint8Array)) throw codedError(code, `${name}${where} must be a Buffer, got ${describeType(key)}`, TypeError);
  if (key.length === 0) {
    throw codedError(code, `${name}${where} is empty: give random key bytes (is the environment variable it comes from unset?)`);
  }
  return Buffer.from(key);
}

/**
 * A value's kind for a message about key material: never the value, not even a number (a
 * secret passed as a number is still a secret).
 */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Describes a value for an error message without printing it (it may be a secret). */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `${value}`;
  return typeof value === 'object' ? `an object` : `a ${typeof value}`;
}
