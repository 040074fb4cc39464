// The pure node:crypto codec: what runs where no native binary loads. Byte-for-byte the same
// format and the same decisions as the Rust core, and as fast as node:crypto allows: keys are
// derived and imported once, IVs come from a pooled CSPRNG buffer, and the checks that need no
// crypto run first.

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomFillSync,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';

import {
  ENCRYPTION_ALGORITHMS,
  KDF_ENCRYPTION_LABEL,
  KDF_SIGNATURE_LABEL,
  SIGNATURE_ALGORITHMS,
} from '../algorithms';
import {
  MAX_COOKIE_VALUE_LENGTH,
  MAX_HEADER_CANDIDATES,
  absentResult,
  type DecodeResult,
  type InvalidReason,
  type TestableCodec,
} from '../codec';
import { codedError } from '../errors';
import type { ResolvedCodecOptions, ResolvedKeySet } from '../options';
import { base64urlDecodedLength, hasCanonicalTail } from './base64url';
import { checkJson, checkMillis, checkNow, parseCanonicalDecimal } from './checks';

interface JsKeySet {
  encryptionKey: KeyObject;
  signatureKey: KeyObject;
}

const IV_LENGTH = 16;
const IV_TEXT_LENGTH = 22;
const DOT = 0x2e;

// Five fields: base64url, base64url, canonical decimal, canonical decimal, base64url.
const COOKIE_SYNTAX = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.(?:0|[1-9][0-9]{0,15})\.(?:0|[1-9][0-9]{0,15})\.[A-Za-z0-9_-]+$/;

// IVs are cut from a pool filled by the OS CSPRNG, so most cookies cost no randomness call.
const ivPool = Buffer.alloc(IV_LENGTH * 256);
let ivPoolOffset = ivPool.length;

function nextIv(): Buffer {
  if (ivPoolOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivPoolOffset = 0;
  }
  // A copy: the pool is refilled in place later, and the caller may keep what it gets.
  const iv = Buffer.from(ivPool.subarray(ivPoolOffset, ivPoolOffset + IV_LENGTH));
  ivPool.fill(0, ivPoolOffset, ivPoolOffset + IV_LENGTH);
  ivPoolOffset += IV_LENGTH;
  return iv;
}

// Fatal, so invalid UTF-8 is refused exactly as Rust's String::from_utf8 refuses it; ignoreBOM
// keeps a leading U+FEFF as content instead of stripping it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class JsCodec implements TestableCodec {
  readonly backend = 'js' as const;
  readonly cookieName: string;
  readonly #namePrefix: Buffer;
  readonly #cipher: string;
  readonly #hash: string;
  readonly #tagLength: number;
  readonly #tagTextLength: number;
  readonly #activeDuration: number;
  readonly #keys: JsKeySet[];

  constructor(options: ResolvedCodecOptions) {
    this.cookieName = options.cookieName;
    this.#namePrefix = Buffer.from(`${options.cookieName}=`, 'utf8');
    this.#cipher = ENCRYPTION_ALGORITHMS[options.encryptionAlgorithm].cipher;
    const signature = SIGNATURE_ALGORITHMS[options.signatureAlgorithm];
    this.#hash = signature.hash;
    this.#tagLength = signature.tagLength;
    this.#tagTextLength = Math.ceil((signature.tagLength * 4) / 3);
    this.#activeDuration = options.activeDuration;
    this.#keys = options.keys.map((set) => importKeySet(set));
  }

  encode(json: string, createdAt: number, duration: number): string {
    return this.#encode(json, createdAt, duration, nextIv());
  }

  encodeWithIv(json: string, createdAt: number, duration: number, iv: Uint8Array): string {
    if (!(iv instanceof Uint8Array) || iv.length !== IV_LENGTH) {
      throw codedError('ERR_CLIENT_SESSIONS_IV', 'iv must be exactly 16 bytes', TypeError);
    }
    return this.#encode(json, createdAt, duration, Buffer.from(iv));
  }

  #encode(json: string, createdAt: number, duration: number, iv: Buffer): string {
    checkMillis(createdAt, 'createdAt');
    checkMillis(duration, 'duration');
    checkJson(json);
    const key = this.#keys[0]!;
    const cipher = createCipheriv(this.#cipher, key.encryptionKey, iv);
    const head = cipher.update(this.cookieName + '=' + json, 'utf8');
    const tail = cipher.final();
    // The MAC input `iv . ciphertext . createdAt . duration` in one buffer, so the HMAC is fed
    // by a single call (each call into node:crypto costs more than copying a cookie's bytes).
    const suffix = '.' + createdAt + '.' + duration;
    const ciphertextLength = head.length + tail.length;
    const input = Buffer.allocUnsafe(IV_LENGTH + 1 + ciphertextLength + suffix.length);
    iv.copy(input, 0);
    input[IV_LENGTH] = DOT;
    head.copy(input, IV_LENGTH + 1);
    tail.copy(input, IV_LENGTH + 1 + head.length);
    input.write(suffix, IV_LENGTH + 1 + ciphertextLength, 'latin1');
    const tag = createHmac(this.#hash, key.signatureKey).update(input).digest();
    return (
      input.toString('base64url', 0, IV_LENGTH) +
      '.' +
      input.toString('base64url', IV_LENGTH + 1, IV_LENGTH + 1 + ciphertextLength) +
      suffix +
      '.' +
      tag.toString('base64url', 0, this.#tagLength)
    );
  }

  decode(value: string, now: number = Date.now()): DecodeResult {
    const nowMillis = checkNow(now);
    return this.#decode(value, nowMillis);
  }

  decodeFromHeader(header: string | undefined, now: number = Date.now()): DecodeResult {
    const nowMillis = checkNow(now);
    // Most requests carry no session cookie, or carry it among others: skip the scan when the
    // name does not occur at all.
    if (typeof header !== 'string' || !header.includes(this.cookieName)) return absentResult();
    let first: DecodeResult | undefined;
    let tried = 0;
    for (const value of cookieValues(header, this.cookieName)) {
      const decoded = this.#decode(value, nowMillis);
      if (decoded.status === 'valid' || decoded.status === 'expired') return decoded;
      first ??= decoded;
      if (++tried === MAX_HEADER_CANDIDATES) break;
    }
    return first ?? absentResult();
  }

  computeMac(keyIndex: number, iv: Uint8Array, ciphertext: Uint8Array, createdAt: string, duration: string): Buffer {
    const key = this.#keys[keyIndex];
    if (key === undefined) {
      throw codedError('ERR_CLIENT_SESSIONS_KEY_INDEX', 'keyIndex is not a key set of this codec', RangeError);
    }
    return this.#mac(key, iv, ciphertext, String(createdAt), String(duration)).subarray(0, this.#tagLength);
  }

  // Order as in the Rust core: cheap syntax checks, the MAC in constant time against each key
  // set, expiry, and only then decryption of what was authenticated.
  #decode(value: string, now: number): DecodeResult {
    if (typeof value !== 'string') return invalid('malformed');
    if (value.length > MAX_COOKIE_VALUE_LENGTH || utf8Length(value) > MAX_COOKIE_VALUE_LENGTH) {
      return invalid('too-large');
    }
    // One regular expression checks the whole syntax: three base64url fields around two
    // canonical decimals. Lengths and trailing bits are checked after.
    if (!COOKIE_SYNTAX.test(value)) return invalid('malformed');
    const d1 = value.indexOf('.');
    const d2 = value.indexOf('.', d1 + 1);
    const d3 = value.indexOf('.', d2 + 1);
    const d4 = value.indexOf('.', d3 + 1);
    const tagText = value.slice(d4 + 1);
    if (d1 !== IV_TEXT_LENGTH || tagText.length !== this.#tagTextLength) return invalid('malformed');
    const ciphertextText = value.slice(d1 + 1, d2);
    const createdAtText = value.slice(d2 + 1, d3);
    const durationText = value.slice(d3 + 1, d4);
    const createdAt = parseCanonicalDecimal(createdAtText);
    const duration = parseCanonicalDecimal(durationText);
    const ciphertextLength = base64urlDecodedLength(ciphertextText.length);
    if (
      createdAt < 0 ||
      duration < 0 ||
      ciphertextLength === 0 ||
      ciphertextLength % 16 !== 0 ||
      !hasCanonicalTail(ciphertextText) ||
      !hasCanonicalTail(tagText) ||
      !hasCanonicalTail(value.slice(0, d1))
    ) {
      return invalid('malformed');
    }

    // Decode straight into the MAC input `iv . ciphertext . createdAt . duration`: one buffer,
    // one HMAC update, and the iv and ciphertext are views of it.
    const suffixStart = IV_LENGTH + 1 + ciphertextLength;
    const input = Buffer.allocUnsafe(suffixStart + (d4 - d2));
    input.write(value.slice(0, d1), 0, 'base64url');
    input[IV_LENGTH] = DOT;
    input.write(ciphertextText, IV_LENGTH + 1, 'base64url');
    input.write(value.slice(d2, d4), suffixStart, 'latin1');
    const iv = input.subarray(0, IV_LENGTH);
    const ciphertext = input.subarray(IV_LENGTH + 1, suffixStart);
    const tag = Buffer.from(tagText, 'base64url');
    let keyIndex = -1;
    for (let i = 0; i < this.#keys.length; i++) {
      const expected = createHmac(this.#hash, this.#keys[i]!.signatureKey).update(input).digest();
      if (timingSafeEqual(expected.subarray(0, this.#tagLength), tag)) {
        keyIndex = i;
        break;
      }
    }
    if (keyIndex < 0) return invalid('bad-mac');

    const expiresAt = createdAt + duration;
    if (expiresAt < now) {
      return { status: 'expired', createdAt, duration, keyIndex, refresh: false };
    }

    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(this.#cipher, this.#keys[keyIndex]!.encryptionKey, iv);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      return invalid('bad-padding');
    }
    const prefix = this.#namePrefix;
    if (plaintext.length < prefix.length || plaintext.compare(prefix, 0, prefix.length, 0, prefix.length) !== 0) {
      return invalid('wrong-name');
    }
    let json: string;
    try {
      json = utf8.decode(plaintext.subarray(prefix.length));
    } catch {
      return invalid('not-utf8');
    }
    return {
      status: 'valid',
      json,
      createdAt,
      duration,
      keyIndex,
      refresh: expiresAt - now < this.#activeDuration,
    };
  }

  #mac(key: JsKeySet, iv: Uint8Array, ciphertext: Uint8Array, createdAt: string, duration: string): Buffer {
    return createHmac(this.#hash, key.signatureKey)
      .update(iv)
      .update('.')
      .update(ciphertext)
      .update('.' + createdAt + '.' + duration)
      .digest();
  }
}

function importKeySet(set: ResolvedKeySet): JsKeySet {
  const encryption = set.encryptionKey ?? createHmac('sha256', set.secret!).update(KDF_ENCRYPTION_LABEL).digest();
  const signature = set.signatureKey ?? createHmac('sha256', set.secret!).update(KDF_SIGNATURE_LABEL).digest();
  // KeyObjects keep the bytes inside node:crypto; the intermediate Buffers are wiped.
  const keys = { encryptionKey: createSecretKey(encryption), signatureKey: createSecretKey(signature) };
  encryption.fill(0);
  signature.fill(0);
  return keys;
}

function invalid(reason: InvalidReason): DecodeResult {
  return { status: 'invalid', reason, createdAt: 0, duration: 0, keyIndex: 0, refresh: false };
}

/** The UTF-8 length the native backend sees; only computed when it could matter. */
function utf8Length(value: string): number {
  return value.length * 3 <= MAX_COOKIE_VALUE_LENGTH ? value.length : Buffer.byteLength(value, 'utf8');
}

/**
 * The values of every cookie called `name` in a `Cookie` header, in order: pairs split on `;`,
 * spaces and tabs trimmed around names and values, one pair of surrounding quotes removed.
 * The same rules as the Rust core's header scanner.
 */
export function* cookieValues(header: string, name: string): Generator<string> {
  let start = 0;
  while (start <= header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq >= 0 && eq < end && trim(header, start, eq) === name) {
      let value = trim(header, eq + 1, end);
      if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) {
        value = value.slice(1, -1);
      }
      yield value;
    }
    start = end + 1;
  }
}

function trim(text: string, start: number, end: number): string {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}
