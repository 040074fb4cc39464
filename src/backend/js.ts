// The pure node:crypto codec: what runs where no native binary loads. Byte-for-byte the same
// formats and the same decisions as the Rust core, and as fast as node:crypto allows: keys are
// derived and imported once, IVs and nonces come from a pooled CSPRNG buffer, and the checks
// that need no crypto run first. Format 1 is client-sessions' AES-CBC and HMAC; format 2
// (SECURITY.md) is XChaCha20-Poly1305, with HChaCha20 in xchacha20.ts and node:crypto's
// chacha20-poly1305, or where node:crypto lacks it (Bun) the plain TypeScript one in
// chacha20-poly1305.ts (xchacha20.ts chooses, once per process).

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createHash,
  createSecretKey,
  getCiphers,
  hkdfSync,
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
  MAX_CHUNKS,
  MAX_COOKIE_VALUE_LENGTH,
  MAX_HEADER_CANDIDATES,
  absentResult,
  type CookieFormat,
  type DecodeResult,
  type InvalidReason,
  type TestableCodec,
} from '../codec';
import type { ResolvedCodecOptions, ResolvedKeySet } from '../options';
import { codedError } from '../errors';
import { base64urlDecodedLength, isPossibleBase64Length } from './base64url';
import {
  checkBytes,
  checkChunks,
  checkIv,
  checkJson,
  checkKeyIndex,
  checkMillis,
  checkNonce,
  checkNow,
  checkSealedTimes,
  parseCanonicalDecimal,
} from './checks';
import { POLY1305_TAG_LENGTH, XCHACHA20_NONCE_LENGTH, keyWords, xchachaOpen, xchachaSealInPlace } from './xchacha20';

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

/** A key set's format 2 keys (SECURITY.md, "Keys"). */
interface Format2Key {
  /** K, as the eight little-endian words HChaCha20 takes. */
  key: Uint32Array;
  /** The 4-byte key id, as a big-endian number. */
  id: number;
}

const FORMAT2_VERSION = 0x02;
const FORMAT2_KEY_INFO = 'client-sessions-native format 2 encryption key';
const FORMAT2_KEY_ID_INFO = 'client-sessions-native format 2 key id';
const FORMAT2_NAMED_KEY_ID_PREFIX = 'client-sessions-native format 2 key id:';
/** Version, chunk count, key id: the clear header, also the start of the associated data. */
const FORMAT2_HEADER_LENGTH = 6;
/** Where the sealed part starts: after the header and the 24-byte nonce. */
const FORMAT2_SEALED_START = FORMAT2_HEADER_LENGTH + XCHACHA20_NONCE_LENGTH;
/** issuedAt and expiresAt, two u64s, before the JSON in the plaintext. */
const FORMAT2_TIMES_LENGTH = 16;
/** The shortest value: empty JSON. */
const FORMAT2_MIN_LENGTH = FORMAT2_SEALED_START + FORMAT2_TIMES_LENGTH + POLY1305_TAG_LENGTH;
const TWO_TO_THE_32 = 2 ** 32;
/** The largest high word of a u64 that is at most 2^53-1. */
const MAX_HIGH_WORD = 0x1fffff;
const BASE64URL_TEXT = /^[A-Za-z0-9_-]*$/;

const IV_LENGTH = 16;
const IV_TEXT_LENGTH = 22;
const DOT = 0x2e;

/** Characters Buffer's base64url decoder accepts or acts on that canonical base64url lacks. */
function hasForeignBase64Character(value: string): boolean {
  return value.includes('+') || value.includes('/') || value.includes('=');
}

// IVs and nonces are cut from a pool filled by the OS CSPRNG, so most cookies cost no randomness
// call. Every byte is handed out once: the pool is refilled when what is left is too short.
const ivPool = Buffer.alloc(IV_LENGTH * 256);
let ivPoolOffset = ivPool.length;

function nextRandom(length: number): Buffer {
  if (ivPoolOffset + length > ivPool.length) {
    randomFillSync(ivPool);
    ivPoolOffset = 0;
  }
  // A copy: the pool is refilled in place later, and the caller may keep what it gets.
  const bytes = Buffer.from(ivPool.subarray(ivPoolOffset, ivPoolOffset + length));
  ivPool.fill(0, ivPoolOffset, ivPoolOffset + length);
  ivPoolOffset += length;
  return bytes;
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
  /** Format 2's absolute lifetime from issuedAt, applied to format 1 cookies too; 0 for none. */
  readonly #absoluteDuration: number;
  readonly #keys: JsKeySet[];
  readonly #format2Keys: Format2Key[];
  /** Format 2: key id → index of the key set it names (the first, where format 1 tolerates a clash). */
  readonly #keyIds: Map<number, number>;
  /**
   * Format 2's associated data, `B[0..6] ‖ cookieName`: the name is written once, the six header
   * bytes before each use (everything here is synchronous, and setAAD copies what it is given).
   */
  readonly #associatedData: Buffer;
  /** The cookie's name, then the names of its chunk cookies: `name.1` to `name.3`. */
  readonly #chunkNames: readonly string[];

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
    this.#absoluteDuration = options.absoluteDuration;
    // Format 2's keys first: importKeySet wipes the raw keys once they are KeyObjects.
    this.#format2Keys = options.keys.map(deriveFormat2Key);
    this.#keys = options.keys.map((set) => importKeySet(set, blockCipher, !this.#nativeCbc));
    this.#keyIds = new Map();
    this.#format2Keys.forEach(({ id }, index) => {
      const earlier = this.#keyIds.get(id);
      if (earlier === undefined) this.#keyIds.set(id, index);
      else if (options.format === 2) {
        throw codedError(
          'ERR_CLIENT_SESSIONS_KEY_ID',
          `keys[${earlier}] and keys[${index}] have the same key id: give one of them an id (format 2 picks the key by it)`,
        );
      }
    });
    const name = Buffer.from(options.cookieName, 'utf8');
    this.#associatedData = Buffer.alloc(FORMAT2_HEADER_LENGTH + name.length);
    name.copy(this.#associatedData, FORMAT2_HEADER_LENGTH);
    this.#chunkNames = Array.from({ length: MAX_CHUNKS }, (_, index) => (index === 0 ? options.cookieName : `${options.cookieName}.${index}`));
  }

  encode(json: string, createdAt: number, duration: number, issuedAt?: number, chunks?: number): string {
    if (this.format === 2) return this.#seal(json, createdAt, duration, issuedAt, chunks, nextRandom(XCHACHA20_NONCE_LENGTH));
    checkChunks(chunks, 1);
    return this.#encode(json, createdAt, duration, nextRandom(IV_LENGTH));
  }

  encodeWithIv(json: string, createdAt: number, duration: number, iv: Uint8Array, issuedAt?: number, chunks?: number): string {
    if (this.format === 2) return this.#seal(json, createdAt, duration, issuedAt, chunks, checkNonce(iv));
    checkChunks(chunks, 1);
    return this.#encode(json, createdAt, duration, Buffer.from(checkIv(iv)));
  }

  /**
   * Format 2: `B = [0x02][n][key id][nonce][XChaCha20-Poly1305(P)]` in one buffer, the plaintext
   * `issuedAt ‖ expiresAt ‖ JSON` written in place and sealed there, then base64url.
   */
  #seal(json: string, createdAt: number, duration: number, issuedAt: number | undefined, chunks: number | undefined, nonce: Uint8Array): string {
    checkMillis(createdAt, 'createdAt');
    checkMillis(duration, 'duration');
    const times = checkSealedTimes(createdAt, duration, issuedAt);
    const count = checkChunks(chunks, 2);
    checkJson(json);
    const key = this.#format2Keys[0]!;
    const plaintextStart = FORMAT2_SEALED_START;
    const jsonStart = plaintextStart + FORMAT2_TIMES_LENGTH;
    const sealedEnd = jsonStart + Buffer.byteLength(json, 'utf8');
    const bytes = Buffer.allocUnsafe(sealedEnd + POLY1305_TAG_LENGTH);
    bytes[0] = FORMAT2_VERSION;
    bytes[1] = count;
    bytes.writeUInt32BE(key.id, 2);
    bytes.set(nonce, FORMAT2_HEADER_LENGTH);
    writeU64(bytes, plaintextStart, times.issuedAt);
    writeU64(bytes, plaintextStart + 8, times.expiresAt);
    bytes.write(json, jsonStart, 'utf8');
    const associatedData = this.#associatedData;
    bytes.copy(associatedData, 0, 0, FORMAT2_HEADER_LENGTH);
    xchachaSealInPlace(key.key, bytes, FORMAT2_HEADER_LENGTH, associatedData, bytes, plaintextStart, sealedEnd);
    return bytes.toString('base64url');
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
    // One pass over the header: the (first 8) values of the name, the first value of each chunk
    // cookie `name.1` to `name.3`, and which of those the header carries at all.
    const candidates: string[] = [];
    const chunks: Array<string | undefined> = [];
    let chunkCookies = 0;
    for (const [index, value] of namedCookieValues(header, this.#chunkNames)) {
      if (index === 0) {
        if (candidates.length < MAX_HEADER_CANDIDATES) candidates.push(value);
      } else if (chunks[index] === undefined) {
        chunks[index] = value;
        chunkCookies |= 1 << (index - 1);
      }
    }
    // As in the Rust core: the first valid cookie of the name, else the first authentic
    // (expired) one, else the first result.
    let fallback: DecodeResult | undefined;
    for (const value of candidates) {
      const decoded = this.#decodeJoined(value, chunks, nowMillis);
      decoded.chunkCookies = chunkCookies;
      if (decoded.status === 'valid') return decoded;
      if (fallback === undefined || (fallback.status !== 'expired' && decoded.status === 'expired')) fallback = decoded;
    }
    const result = fallback ?? absentResult();
    result.chunkCookies = chunkCookies;
    return result;
  }

  /**
   * A value of the cookie's name, with the chunks it says it has appended (SECURITY.md,
   * "Chunking"): a value without '.' whose first four characters decode to a count `n` (B[1])
   * from 2 to 4 is joined with `name.1` ... `name.(n-1)`, then the whole is decoded once, as
   * format 2 whatever the pieces hold (a '.' in a chunk makes it malformed). The count is not
   * trusted: it is under the tag, so a changed one fails there. Anything else is decoded as it is.
   */
  #decodeJoined(value: string, chunks: ReadonlyArray<string | undefined>, now: number): DecodeResult {
    const count = format2ChunkCount(value);
    if (count <= 1) return this.#decode(value, now);
    let joined = value;
    for (let index = 1; index < count; index++) {
      const chunk = chunks[index];
      if (chunk === undefined) return invalid('missing-chunk');
      joined += chunk;
    }
    const refused = refuseBySize(joined);
    return refused ?? this.#open(joined, now);
  }

  computeMac(keyIndex: number, iv: Uint8Array, ciphertext: Uint8Array, createdAt: string, duration: string): Buffer {
    const key = this.#keys[checkKeyIndex(keyIndex, this.#keys.length)]!;
    return this.#mac(key, checkBytes(iv, 'iv'), checkBytes(ciphertext, 'ciphertext'), String(createdAt), String(duration)).subarray(0, this.#tagLength);
  }

  // Order as in the Rust core: cheap syntax checks, the MAC in constant time against each key
  // set, expiry, and only then decryption of what was authenticated.
  #decode(value: string, now: number): DecodeResult {
    if (typeof value !== 'string') return invalid('malformed');
    const refused = refuseBySize(value);
    if (refused !== undefined) return refused;
    // A format 2 value has no '.', a format 1 value has four.
    if (!value.includes('.')) return this.#open(value, now);
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

    // A format 1 cookie's issuedAt is its createdAt, also for absoluteDuration.
    const expiresAt = createdAt + duration;
    if (this.#isExpired(createdAt, expiresAt, now)) {
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
      refresh: this.#needsRefresh(createdAt, expiresAt, now),
    };
  }

  /** Past its expiry, or past its absolute lifetime from issuedAt (with absoluteDuration). */
  #isExpired(issuedAt: number, expiresAt: number, now: number): boolean {
    return expiresAt < now || (this.#absoluteDuration > 0 && issuedAt + this.#absoluteDuration < now);
  }

  /**
   * Less than activeDuration left: the middleware extends it, unless it already runs to the end
   * of its absolute lifetime (it would not be extended, only rewritten, on every request).
   */
  #needsRefresh(issuedAt: number, expiresAt: number, now: number): boolean {
    if (this.#absoluteDuration > 0 && expiresAt >= issuedAt + this.#absoluteDuration) return false;
    return expiresAt - now < this.#activeDuration;
  }

  /**
   * Format 2 (SECURITY.md, "Reading"), in its order: strict base64url of at least 62 bytes, the
   * version and chunk count, the key named by the key id (only that one is tried), the AEAD tag
   * (checked in constant time before any plaintext is used), expiry, UTF-8. `value` is ASCII and
   * at most 16 KiB (#decode checked).
   */
  #open(value: string, now: number): DecodeResult {
    const length = value.length;
    if (!isPossibleBase64Length(length) || !BASE64URL_TEXT.test(value) || !hasCanonicalEnd(value)) return invalid('malformed');
    const size = base64urlDecodedLength(length);
    if (size < FORMAT2_MIN_LENGTH) return invalid('malformed');
    const bytes = Buffer.allocUnsafe(size);
    if (bytes.write(value, 0, size, 'base64url') !== size) return invalid('malformed');
    if (bytes[0] !== FORMAT2_VERSION) return invalid('unknown-format');
    const count = bytes[1]!;
    if (count < 1 || count > MAX_CHUNKS) return invalid('malformed');
    const keyIndex = this.#keyIds.get(bytes.readUInt32BE(2));
    if (keyIndex === undefined) return invalid('unknown-key');
    const associatedData = this.#associatedData;
    bytes.copy(associatedData, 0, 0, FORMAT2_HEADER_LENGTH);
    const plaintext = xchachaOpen(this.#format2Keys[keyIndex]!.key, bytes, FORMAT2_HEADER_LENGTH, associatedData, bytes.subarray(FORMAT2_SEALED_START));
    if (plaintext === undefined) return invalid('bad-mac');
    const issuedAt = readU64(plaintext, 0);
    const expiresAt = readU64(plaintext, 8);
    // Authentic, but not times this package writes (each at most 2^53-1, issuedAt <= expiresAt).
    if (issuedAt < 0 || expiresAt < 0 || issuedAt > expiresAt) return invalid('malformed');
    const duration = expiresAt - issuedAt;
    if (this.#isExpired(issuedAt, expiresAt, now)) {
      plaintext.fill(0);
      return { status: 'expired', createdAt: issuedAt, duration, issuedAt, format: 2, keyIndex, chunkCookies: 0, refresh: false };
    }
    let json: string;
    try {
      json = utf8.decode(plaintext.subarray(FORMAT2_TIMES_LENGTH));
    } catch {
      return invalid('not-utf8');
    }
    return {
      status: 'valid',
      json,
      createdAt: issuedAt,
      duration,
      issuedAt,
      format: 2,
      keyIndex,
      chunkCookies: 0,
      refresh: this.#needsRefresh(issuedAt, expiresAt, now),
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

/**
 * Format 2's keys from a key set (SECURITY.md, "Keys"): IKM is the secret, else the two raw keys
 * one after the other; K = HKDF-SHA256(empty salt, IKM, "... encryption key", 32); the key id is
 * SHA-256 of the named-id label and the id, or HKDF-SHA256(empty salt, IKM, "... key id", 4).
 */
function deriveFormat2Key(set: ResolvedKeySet): Format2Key {
  const ikm = set.secret ?? Buffer.concat([set.encryptionKey!, set.signatureKey!]);
  const key = Buffer.from(hkdfSync('sha256', ikm, EMPTY, FORMAT2_KEY_INFO, 32));
  const id =
    set.id === undefined
      ? Buffer.from(hkdfSync('sha256', ikm, EMPTY, FORMAT2_KEY_ID_INFO, 4))
      : createHash('sha256').update(FORMAT2_NAMED_KEY_ID_PREFIX + set.id, 'utf8').digest();
  const derived = { key: keyWords(key), id: id.readUInt32BE(0) };
  key.fill(0);
  if (set.secret === undefined) ikm.fill(0);
  return derived;
}

function writeU64(bytes: Buffer, at: number, value: number): void {
  bytes.writeUInt32BE(Math.floor(value / TWO_TO_THE_32), at);
  bytes.writeUInt32BE(value >>> 0, at + 4);
}

/** A u64, big-endian, or -1 above 2^53-1 (not a timestamp this package writes). */
function readU64(bytes: Buffer, at: number): number {
  const high = bytes.readUInt32BE(at);
  return high > MAX_HIGH_WORD ? -1 : high * TWO_TO_THE_32 + bytes.readUInt32BE(at + 4);
}

/** The value of a base64url character (the caller has checked it is one). */
function base64urlValue(code: number): number {
  if (code >= 97) return code - 71; // a-z: 26..51
  if (code === 95) return 63; // '_'
  if (code >= 65) return code - 65; // A-Z: 0..25
  if (code >= 48) return code + 4; // 0-9: 52..61
  return 62; // '-'
}

/** Canonical base64url: the unused low bits of the last character are zero. */
function hasCanonicalEnd(text: string): boolean {
  const unusedBits = text.length % 4 === 2 ? 0x0f : text.length % 4 === 3 ? 0x03 : 0;
  return unusedBits === 0 || (base64urlValue(text.charCodeAt(text.length - 1)) & unusedBits) === 0;
}

/**
 * Sizes are UTF-8 bytes, as the Rust core sees them: over 16 KiB is too large. A cookie is
 * ASCII, so a byte count different from the length means a character Buffer's decoders would
 * quietly narrow: malformed. Undefined for a value that passes.
 */
function refuseBySize(value: string): DecodeResult | undefined {
  if (value.length > MAX_COOKIE_VALUE_LENGTH) return invalid('too-large');
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_COOKIE_VALUE_LENGTH) return invalid('too-large');
  if (bytes !== value.length) return invalid('malformed');
  return undefined;
}

/**
 * The chunk count B[1] of a format 2 value, from its first four characters (three bytes:
 * version, count, a key id byte): 2 to 4 for a value that says it was split, else 1 (not split,
 * a format 1 value, or not a cookie at all, which decoding then refuses on its own).
 */
function format2ChunkCount(value: string): number {
  if (value.length < 4 || value.length > MAX_COOKIE_VALUE_LENGTH || value.includes('.')) return 1;
  const head = value.slice(0, 4);
  if (!BASE64URL_TEXT.test(head)) return 1;
  const count = ((base64urlValue(head.charCodeAt(1)) & 0x0f) << 4) | (base64urlValue(head.charCodeAt(2)) >> 2);
  return count >= 2 && count <= MAX_CHUNKS ? count : 1;
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
  for (const [, value] of namedCookieValues(header, [name])) yield value;
}

/**
 * The values of every cookie whose name is one of `names`, in order, each with the index of its
 * name: one linear pass, however many names are looked for (a few: the cookie and its chunks).
 */
export function* namedCookieValues(header: string, names: readonly string[]): Generator<[number, string]> {
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
    const index = eq < end ? names.indexOf(trim(header, start, eq)) : -1;
    if (index >= 0) {
      let value = trim(header, eq + 1, end);
      if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) {
        value = value.slice(1, -1);
      }
      yield [index, value];
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
