// The pure node:crypto codec: what runs where no native binary loads. Byte-for-byte the same
// format and the same decisions as the Rust core, and as fast as node:crypto allows: keys are
// derived and imported once, IVs come from a pooled CSPRNG buffer, and the checks that need no
// crypto run first.

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  getCiphers,
  randomFillSync,
  timingSafeEqual,
  type Cipher,
  type Decipher,
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
  type CookieFormat,
  type DecodeResult,
  type InvalidReason,
  type TestableCodec,
} from '../codec';
import type { ResolvedCodecOptions, ResolvedKeySet } from '../options';
import { base64urlDecodedLength, isPossibleBase64Length } from './base64url';
import { checkBytes, checkIv, checkJson, checkKeyIndex, checkMillis, checkNow, parseCanonicalDecimal } from './checks';

interface JsKeySet {
  encryptionKey: KeyObject;
  signatureKey: KeyObject;
  /**
   * AES in ECB mode without padding, made once and reused for every decryption with this key.
   * ECB keeps no state between update() calls, so CBC decryption is one update() over all
   * blocks plus an XOR with the previous ciphertext block: no Decipheriv object per cookie,
   * which was the largest single cost of a js decode after the HMAC.
   */
  blockDecryptor: Decipher;
  /** AES-ECB encryption for runtimes whose node:crypto lacks this key size's CBC (see cbcEncrypt). */
  blockEncryptor: Cipher | undefined;
}

const IV_LENGTH = 16;
const IV_TEXT_LENGTH = 22;
const DOT = 0x2e;

/** Characters Buffer's base64url decoder accepts or acts on that canonical base64url lacks. */
function hasForeignBase64Character(value: string): boolean {
  return value.includes('+') || value.includes('/') || value.includes('=');
}

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
  readonly format: CookieFormat;
  readonly #namePrefix: Buffer;
  readonly #cipher: string;
  /** Whether node:crypto has the CBC cipher itself; Deno 2.9 has aes-192-ecb but no aes-192-cbc. */
  readonly #nativeCbc: boolean;
  readonly #hash: string;
  readonly #tagLength: number;
  readonly #tagTextLength: number;
  readonly #activeDuration: number;
  readonly #keys: JsKeySet[];

  constructor(options: ResolvedCodecOptions) {
    this.cookieName = options.cookieName;
    this.format = options.format;
    this.#namePrefix = Buffer.from(`${options.cookieName}=`, 'utf8');
    this.#cipher = ENCRYPTION_ALGORITHMS[options.encryptionAlgorithm].cipher;
    const signature = SIGNATURE_ALGORITHMS[options.signatureAlgorithm];
    this.#hash = signature.hash;
    this.#tagLength = signature.tagLength;
    this.#tagTextLength = Math.ceil((signature.tagLength * 4) / 3);
    this.#activeDuration = options.activeDuration;
    const blockCipher = ENCRYPTION_ALGORITHMS[options.encryptionAlgorithm].blockCipher;
    this.#nativeCbc = getCiphers().includes(this.#cipher);
    this.#keys = options.keys.map((set) => importKeySet(set, blockCipher, !this.#nativeCbc));
  }

  encode(json: string, createdAt: number, duration: number): string {
    return this.#encode(json, createdAt, duration, nextIv());
  }

  encodeWithIv(json: string, createdAt: number, duration: number, iv: Uint8Array): string {
    return this.#encode(json, createdAt, duration, Buffer.from(checkIv(iv)));
  }

  #encode(json: string, createdAt: number, duration: number, iv: Buffer): string {
    checkMillis(createdAt, 'createdAt');
    checkMillis(duration, 'duration');
    checkJson(json);
    const key = this.#keys[0]!;
    let head: Buffer;
    let tail: Buffer;
    if (key.blockEncryptor === undefined) {
      const cipher = createCipheriv(this.#cipher, key.encryptionKey, iv);
      head = cipher.update(this.cookieName + '=' + json, 'utf8');
      tail = cipher.final();
    } else {
      head = cbcEncrypt(key.blockEncryptor, iv, Buffer.from(this.cookieName + '=' + json, 'utf8'));
      tail = EMPTY;
    }
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
    // As in the Rust core: the first valid cookie of the name, else the first authentic
    // (expired) one, else the first result.
    let fallback: DecodeResult | undefined;
    let tried = 0;
    for (const value of cookieValues(header, this.cookieName)) {
      const decoded = this.#decode(value, nowMillis);
      if (decoded.status === 'valid') return decoded;
      if (fallback === undefined || (fallback.status !== 'expired' && decoded.status === 'expired')) fallback = decoded;
      if (++tried === MAX_HEADER_CANDIDATES) break;
    }
    return fallback ?? absentResult();
  }

  computeMac(keyIndex: number, iv: Uint8Array, ciphertext: Uint8Array, createdAt: string, duration: string): Buffer {
    const key = this.#keys[checkKeyIndex(keyIndex, this.#keys.length)]!;
    return this.#mac(key, checkBytes(iv, 'iv'), checkBytes(ciphertext, 'ciphertext'), String(createdAt), String(duration)).subarray(0, this.#tagLength);
  }

  // Order as in the Rust core: cheap syntax checks, the MAC in constant time against each key
  // set, expiry, and only then decryption of what was authenticated.
  #decode(value: string, now: number): DecodeResult {
    if (typeof value !== 'string') return invalid('malformed');
    // Sizes are UTF-8 bytes, as the Rust core sees them. A cookie is ASCII, so a byte count
    // different from the length means a character Buffer's decoders would quietly narrow.
    if (value.length > MAX_COOKIE_VALUE_LENGTH) return invalid('too-large');
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_COOKIE_VALUE_LENGTH) return invalid('too-large');
    if (bytes !== value.length) return invalid('malformed');
    // The iv and tag have fixed lengths, so their separators sit at known places; the two
    // numbers are found by searching back from the tag. A stray '.' elsewhere fails the
    // base64url checks below. (The same approach as the Rust core's wire::parse.)
    const tagStart = value.length - this.#tagTextLength;
    if (tagStart < IV_TEXT_LENGTH + 6 || value.charCodeAt(IV_TEXT_LENGTH) !== DOT || value.charCodeAt(tagStart - 1) !== DOT) {
      return invalid('malformed');
    }
    const durationDot = value.lastIndexOf('.', tagStart - 2);
    const createdAtDot = value.lastIndexOf('.', durationDot - 1);
    if (createdAtDot <= IV_TEXT_LENGTH) return invalid('malformed');
    const ivText = value.slice(0, IV_TEXT_LENGTH);
    const ciphertextText = value.slice(IV_TEXT_LENGTH + 1, createdAtDot);
    const tagText = value.slice(tagStart);
    const createdAt = parseCanonicalDecimal(value.slice(createdAtDot + 1, durationDot));
    const duration = parseCanonicalDecimal(value.slice(durationDot + 1, tagStart - 1));
    const ciphertextLength = base64urlDecodedLength(ciphertextText.length);
    if (
      createdAt < 0 ||
      duration < 0 ||
      ciphertextLength === 0 ||
      ciphertextLength % 16 !== 0 ||
      // Buffer's base64url decoder also takes '+' and '/' and stops at '=': refuse them here,
      // and any other foreign character shows up below as a short decode.
      hasForeignBase64Character(value) ||
      !isPossibleBase64Length(ciphertextText.length)
    ) {
      return invalid('malformed');
    }

    // Decode straight into the MAC input `iv . ciphertext . createdAt . duration`: one buffer,
    // one HMAC update, and the iv and ciphertext are views of it. A decoder that skipped a
    // character writes fewer bytes than the text's length promises.
    const suffixStart = IV_LENGTH + 1 + ciphertextLength;
    const input = Buffer.allocUnsafe(suffixStart + (tagStart - 1 - createdAtDot));
    const tag = Buffer.from(tagText, 'base64url');
    if (
      input.write(ivText, 0, IV_LENGTH, 'base64url') !== IV_LENGTH ||
      input.write(ciphertextText, IV_LENGTH + 1, ciphertextLength, 'base64url') !== ciphertextLength ||
      tag.length !== this.#tagLength
    ) {
      return invalid('malformed');
    }
    input[IV_LENGTH] = DOT;
    input.write(value.slice(createdAtDot, tagStart - 1), suffixStart, 'latin1');
    const iv = input.subarray(0, IV_LENGTH);
    const ciphertext = input.subarray(IV_LENGTH + 1, suffixStart);
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
      return { status: 'expired', createdAt, duration, issuedAt: createdAt, format: 1, keyIndex, chunkCookies: 0, refresh: false };
    }

    const plaintext = cbcDecrypt(this.#keys[keyIndex]!.blockDecryptor, iv, ciphertext);
    if (plaintext === undefined) return invalid('bad-padding');
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
      issuedAt: createdAt,
      format: 1,
      keyIndex,
      chunkCookies: 0,
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

function importKeySet(set: ResolvedKeySet, blockCipher: string, withBlockEncryptor: boolean): JsKeySet {
  const encryption = set.encryptionKey ?? createHmac('sha256', set.secret!).update(KDF_ENCRYPTION_LABEL).digest();
  const signature = set.signatureKey ?? createHmac('sha256', set.secret!).update(KDF_SIGNATURE_LABEL).digest();
  // KeyObjects keep the bytes inside node:crypto; the intermediate Buffers are wiped.
  const encryptionKey = createSecretKey(encryption);
  const keys = {
    encryptionKey,
    signatureKey: createSecretKey(signature),
    blockDecryptor: createDecipheriv(blockCipher, encryptionKey, null).setAutoPadding(false),
    blockEncryptor: withBlockEncryptor ? createCipheriv(blockCipher, encryptionKey, null).setAutoPadding(false) : undefined,
  };
  encryption.fill(0);
  signature.fill(0);
  return keys;
}

const EMPTY = Buffer.alloc(0);

/**
 * AES-CBC encryption with PKCS#7 padding on a reused ECB encryptor, block by block:
 * C[i] = E(P[i] XOR C[i-1]), with the IV as C[-1]. Only where node:crypto lacks the CBC cipher
 * (aes-192-cbc on Deno 2.9): one update() per block is slower than createCipheriv, and the same
 * bytes.
 */
export function cbcEncrypt(blockEncryptor: Cipher, iv: Uint8Array, plain: Uint8Array): Buffer {
  const pad = IV_LENGTH - (plain.length % IV_LENGTH);
  const out = Buffer.alloc(plain.length + pad, pad);
  out.set(plain);
  let previous: Uint8Array = iv;
  for (let offset = 0; offset < out.length; offset += IV_LENGTH) {
    for (let i = 0; i < IV_LENGTH; i++) out[offset + i]! ^= previous[i]!;
    blockEncryptor.update(out.subarray(offset, offset + IV_LENGTH)).copy(out, offset);
    previous = out.subarray(offset, offset + IV_LENGTH);
  }
  return out;
}

/**
 * AES-CBC decryption on a reused ECB decryptor: P[i] = D(C[i]) XOR C[i-1], with the IV as C[-1],
 * then the PKCS#7 padding is checked and removed. Returns undefined for bad padding. Runs only on
 * authenticated ciphertext (the MAC is checked first), so padding errors reveal nothing.
 */
function cbcDecrypt(blockDecryptor: Decipher, iv: Buffer, ciphertext: Buffer): Buffer | undefined {
  const plain = blockDecryptor.update(ciphertext);
  const length = plain.length;
  for (let i = 0; i < IV_LENGTH; i++) plain[i]! ^= iv[i]!;
  for (let i = IV_LENGTH; i < length; i++) plain[i]! ^= ciphertext[i - IV_LENGTH]!;
  const pad = plain[length - 1]!;
  if (length !== ciphertext.length || pad < 1 || pad > 16) return undefined;
  for (let i = length - pad; i < length - 1; i++) if (plain[i] !== pad) return undefined;
  return plain.subarray(0, length - pad);
}

function invalid(reason: InvalidReason): DecodeResult {
  return { status: 'invalid', reason, createdAt: 0, duration: 0, issuedAt: 0, format: 0, keyIndex: 0, chunkCookies: 0, refresh: false };
}

/**
 * The values of every cookie called `name` in a `Cookie` header, in order: pairs split on `;`,
 * spaces and tabs trimmed around names and values, one pair of surrounding quotes removed.
 * The same rules as the Rust core's header scanner.
 */
export function* cookieValues(header: string, name: string): Generator<string> {
  let start = 0;
  // The next '=' at or after `start`, kept across pairs: searching afresh from every pair ran
  // past pairs without one to the end of the header, which made a header of ';'s quadratic.
  let eq = -1;
  while (start <= header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    if (eq !== header.length && eq < start) {
      eq = header.indexOf('=', start);
      if (eq < 0) eq = header.length;
    }
    if (eq < end && trim(header, start, eq) === name) {
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
