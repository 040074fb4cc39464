// Format 2 (SECURITY.md, "Format 2: the specification") on this project's backend: the bytes,
// the keys and key ids, the order of the reading checks and their reasons, expiry with
// absoluteDuration, both formats read by every codec, chunks joined from a Cookie header, the
// draft's XChaCha20 vectors, and the golden vectors both backends must reproduce byte for byte.
//
// Values are checked against a reference written here from the spec (HKDF and SHA-256 from
// node:crypto, XChaCha20-Poly1305 from the js module, itself checked against the draft's vectors).
import { createHash, hkdfSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

import type { CodecOptions, DecodeResult } from '../src/index';
import { hchacha20, xchacha20poly1305Decrypt, xchacha20poly1305Encrypt } from '../src/backend/xchacha20';
import { BACKEND, DAY, SECRET, T0, codecOn } from './helpers/backend';
import { thrownBy } from './helpers/thrown';

const NAME = 'session';
const OTHER_SECRET = 'another secret, just as long and just as random';
const options: CodecOptions = { cookieName: NAME, secret: SECRET, format: 2 };
const codec = codecOn(options);
const format1 = codecOn({ cookieName: NAME, secret: SECRET });
const NONCE = Buffer.from('000102030405060708090a0b0c0d0e0f1011121314151617', 'hex');
const JSON_TEXT = JSON.stringify({ user: 'ada', admin: false });

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// ---- The reference, from SECURITY.md ----

function ikmOf(set: { secret?: string | Buffer; encryptionKey?: Buffer; signatureKey?: Buffer }): Buffer {
  if (set.secret !== undefined) return Buffer.from(set.secret);
  return Buffer.concat([set.encryptionKey!, set.signatureKey!]);
}

function referenceKey(ikm: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'client-sessions-native format 2 encryption key', 32));
}

function referenceKeyId(ikm: Buffer, id?: string): Buffer {
  if (id !== undefined) return createHash('sha256').update(`client-sessions-native format 2 key id:${id}`, 'utf8').digest().subarray(0, 4);
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'client-sessions-native format 2 key id', 4));
}

interface Sealed {
  version?: number;
  chunks?: number;
  keyId?: Buffer;
  key?: Buffer;
  nonce?: Buffer;
  name?: string;
  issuedAt?: bigint | number;
  expiresAt?: bigint | number;
  json?: string | Buffer;
}

const SECRET_IKM = Buffer.from(SECRET);

/** B sealed by the reference (any field may be one the codec never writes). */
function sealBytes(fields: Sealed = {}): Buffer {
  const head = Buffer.alloc(6);
  head[0] = fields.version ?? 2;
  head[1] = fields.chunks ?? 1;
  (fields.keyId ?? referenceKeyId(SECRET_IKM)).copy(head, 2);
  const nonce = fields.nonce ?? NONCE;
  const times = Buffer.alloc(16);
  times.writeBigUInt64BE(BigInt(fields.issuedAt ?? T0), 0);
  times.writeBigUInt64BE(BigInt(fields.expiresAt ?? T0 + DAY), 8);
  const json = typeof fields.json === 'string' || fields.json === undefined ? Buffer.from(fields.json ?? JSON_TEXT, 'utf8') : fields.json;
  const ad = Buffer.concat([head, Buffer.from(fields.name ?? NAME, 'utf8')]);
  const sealed = xchacha20poly1305Encrypt(fields.key ?? referenceKey(SECRET_IKM), nonce, ad, Buffer.concat([times, json]));
  return Buffer.concat([head, nonce, sealed]);
}

const seal = (fields: Sealed = {}): string => sealBytes(fields).toString('base64url');

/** The reference's reading of a value: header fields and plaintext, or undefined if the tag fails. */
function open(value: string, name = NAME, key = referenceKey(SECRET_IKM)) {
  const b = Buffer.from(value, 'base64url');
  const plaintext = xchacha20poly1305Decrypt(key, b.subarray(6, 30), Buffer.concat([b.subarray(0, 6), Buffer.from(name)]), b.subarray(30));
  if (plaintext === undefined) return undefined;
  return {
    version: b[0],
    chunks: b[1],
    keyId: b.subarray(2, 6).toString('hex'),
    nonce: b.subarray(6, 30).toString('hex'),
    issuedAt: Number(plaintext.readBigUInt64BE(0)),
    expiresAt: Number(plaintext.readBigUInt64BE(8)),
    json: plaintext.subarray(16).toString('utf8'),
  };
}

function expectInvalid(result: DecodeResult, reason: string): void {
  expect(result).toMatchObject({ status: 'invalid', reason, createdAt: 0, duration: 0, issuedAt: 0, format: 0, keyIndex: 0, refresh: false });
  expect(result.json).toBeUndefined();
}


// ---- The draft's vectors, on the js module itself ----

describe('XChaCha20-Poly1305 in src/backend/xchacha20.ts (draft-irtf-cfrg-xchacha-03)', () => {
  it('HChaCha20 gives §2.2.1 test vector', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const input = hex('000000090000004a0000000031415927');
    expect(hchacha20(key, input).toString('hex')).toBe('82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc');
  });

  const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
  const nonce = hex('404142434445464748494a4b4c4d4e4f5051525354555657');
  const aad = hex('50515253c0c1c2c3c4c5c6c7');
  const plaintext = Buffer.from("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
  const ciphertext = hex(`
    bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39
    ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
    21f9664c97637da9768812f615c68b13b52e`);
  const tag = hex('c0875924c1c7987947deafd8780acf49');

  it('AEAD_XChaCha20_Poly1305 gives §A.3.1 test vector, and opens it', () => {
    // The Poly1305 key of §A.3.1 is the first 32 bytes of the keystream under the subkey; the
    // ciphertext and tag say the same.
    expect(xchacha20poly1305Encrypt(key, nonce, aad, plaintext).toString('hex')).toBe(Buffer.concat([ciphertext, tag]).toString('hex'));
    expect(xchacha20poly1305Decrypt(key, nonce, aad, Buffer.concat([ciphertext, tag]))?.toString()).toBe(plaintext.toString());
  });

  it('refuses the vector with any byte of the ciphertext, tag, nonce, AAD or key changed', () => {
    const sealed = Buffer.concat([ciphertext, tag]);
    for (let i = 0; i < sealed.length; i++) {
      const forged = Buffer.from(sealed);
      forged[i]! ^= 0x01;
      expect(xchacha20poly1305Decrypt(key, nonce, aad, forged), `byte ${i}`).toBeUndefined();
    }
    for (const [k, n, a] of [
      [Buffer.from(key).fill(0x80, 31), nonce, aad],
      [key, Buffer.from(nonce).fill(0, 0, 1), aad],
      [key, Buffer.from(nonce).fill(0, 23), aad],
      [key, nonce, aad.subarray(1)],
    ] as const) {
      expect(xchacha20poly1305Decrypt(k, n, a, sealed)).toBeUndefined();
    }
    expect(xchacha20poly1305Decrypt(key, nonce, aad, tag.subarray(1))).toBeUndefined();
  });
});

// ---- The codec ----

describe(`format 2 (${BACKEND})`, () => {
  it('writes B = [2][n][key id][nonce][sealed issuedAt ‖ expiresAt ‖ JSON] as unpadded base64url', () => {
    const value = codec.encodeWithIv(JSON_TEXT, T0, DAY, NONCE);
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(value).not.toContain('.');
    expect(value.length).toBe(Math.ceil((4 * (62 + Buffer.byteLength(JSON_TEXT))) / 3));
    expect(open(value)).toEqual({
      version: 2,
      chunks: 1,
      keyId: referenceKeyId(SECRET_IKM).toString('hex'),
      nonce: NONCE.toString('hex'),
      issuedAt: T0,
      expiresAt: T0 + DAY,
      json: JSON_TEXT,
    });
    // Byte for byte what the reference seals.
    expect(value).toBe(seal());
    expect(codec.encodeWithIv(JSON_TEXT, T0, DAY, NONCE, T0 - 5, 3)).toBe(seal({ issuedAt: T0 - 5, chunks: 3 }));
    expect(codec.format).toBe(2);
  });

  it('round-trips any JSON, with createdAt = issuedAt and the duration running to expiresAt', () => {
    for (const json of ['{}', JSON_TEXT, JSON.stringify({ text: 'żółw 🐢 \u2028 "quoted"', n: [1, 2, 3] }), `{"big":"${'x'.repeat(3000)}"}`]) {
      const value = codec.encode(json, T0, DAY);
      expect(codec.decode(value, T0)).toEqual({ status: 'valid', json, createdAt: T0, duration: DAY, issuedAt: T0, format: 2, keyIndex: 0, chunkCookies: 0, refresh: false });
    }
    const reissued = codec.encode(JSON_TEXT, T0, DAY, T0 - 3 * DAY);
    expect(codec.decode(reissued, T0)).toMatchObject({ status: 'valid', createdAt: T0 - 3 * DAY, duration: 4 * DAY, issuedAt: T0 - 3 * DAY, format: 2 });
  });

  it('uses a fresh nonce for every cookie', () => {
    const values = new Set(Array.from({ length: 300 }, () => codec.encode('{}', T0, DAY)));
    expect(values.size).toBe(300);
    const nonces = new Set([...values].map((v) => Buffer.from(v, 'base64url').subarray(6, 30).toString('hex')));
    expect(nonces.size).toBe(300);
  });

  it('checks its arguments: the nonce, chunks, and the sealed times', () => {
    expect(thrownBy(() => codec.encodeWithIv('{}', T0, DAY, Buffer.alloc(16)))).toMatchObject({ kind: 'TypeError', code: 'ERR_CLIENT_SESSIONS_IV' });
    expect(thrownBy(() => codec.encodeWithIv('{}', T0, DAY, Buffer.alloc(25)))).toMatchObject({ kind: 'TypeError', code: 'ERR_CLIENT_SESSIONS_IV' });
    for (const chunks of [0, 5, 1.5, Number.NaN, '2', null]) {
      expect(thrownBy(() => codec.encode('{}', T0, DAY, T0, chunks as number)), String(chunks)).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_ARGUMENT' });
    }
    for (const chunks of [1, 2, 3, 4]) expect(Buffer.from(codec.encode('{}', T0, DAY, T0, chunks), 'base64url')[1]).toBe(chunks);
    expect(thrownBy(() => codec.encode('{}', Number.MAX_SAFE_INTEGER - 10, 11))).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_TIMESTAMP' });
    expect(codec.decode(codec.encode('{}', Number.MAX_SAFE_INTEGER - 10, 10), Number.MAX_SAFE_INTEGER)).toMatchObject({ status: 'valid', duration: 10 });
    expect(thrownBy(() => codec.encode('{}', T0, DAY, T0 + DAY + 1))).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_TIMESTAMP' });
    for (const issuedAt of [-1, 1.5, '1', Number.MAX_SAFE_INTEGER + 2]) {
      expect(thrownBy(() => codec.encode('{}', T0, DAY, issuedAt as number)), String(issuedAt)).toMatchObject({ kind: 'TypeError', code: 'ERR_CLIENT_SESSIONS_TIMESTAMP' });
    }
    expect(thrownBy(() => codec.encode(42 as unknown as string, T0, DAY))).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_CONTENT' });
  });

  it('a format 1 codec ignores issuedAt and takes only chunks 1', () => {
    const iv = Buffer.alloc(16, 7);
    expect(format1.encodeWithIv('{}', T0, DAY, iv, T0 - DAY, 1)).toBe(format1.encodeWithIv('{}', T0, DAY, iv));
    expect(format1.decode(format1.encode('{}', T0, DAY, T0 - DAY), T0)).toMatchObject({ format: 1, issuedAt: T0, createdAt: T0 });
    for (const chunks of [2, 4]) {
      expect(thrownBy(() => format1.encode('{}', T0, DAY, T0, chunks))).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_ARGUMENT', message: expect.stringMatching(/^client-sessions-native: /) });
    }
    expect(thrownBy(() => format1.encodeWithIv('{}', T0, DAY, NONCE))).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_IV' });
  });

  it('every codec reads both formats, and reports which one it read', () => {
    const two = codec.encode(JSON_TEXT, T0, DAY, T0 - DAY);
    const one = format1.encode(JSON_TEXT, T0, DAY);
    expect(format1.decode(two, T0)).toEqual({ status: 'valid', json: JSON_TEXT, createdAt: T0 - DAY, duration: 2 * DAY, issuedAt: T0 - DAY, format: 2, keyIndex: 0, chunkCookies: 0, refresh: false });
    expect(codec.decode(one, T0)).toEqual({ status: 'valid', json: JSON_TEXT, createdAt: T0, duration: DAY, issuedAt: T0, format: 1, keyIndex: 0, chunkCookies: 0, refresh: false });
    expect(format1.decode(two, T0 + 2 * DAY)).toEqual({ status: 'expired', createdAt: T0 - DAY, duration: 2 * DAY, issuedAt: T0 - DAY, format: 2, keyIndex: 0, chunkCookies: 0, refresh: false });
    expect(codec.decode(one, T0 + 2 * DAY)).toMatchObject({ status: 'expired', format: 1, issuedAt: T0 });
  });

  it('refuses every single character changed, and every truncation or extension', () => {
    const value = codec.encode(JSON_TEXT, T0, DAY);
    let changed = 0;
    for (let i = 0; i < value.length; i++) {
      for (const c of ['A', 'B', 'Q', 'g', 'w', 'x', '0', '-', '_', '.', '=', '+', '/', ' ', 'é', '\0']) {
        if (value[i] === c) continue;
        const forged = value.slice(0, i) + c + value.slice(i + 1);
        const decoded = codec.decode(forged, T0);
        expect(decoded.status, `${i} ${c}`).toBe('invalid');
        expect(decoded.json).toBeUndefined();
        changed++;
      }
    }
    expect(changed).toBeGreaterThan(value.length * 14);
    for (let length = 0; length < value.length; length++) expect(codec.decode(value.slice(0, length), T0).status).toBe('invalid');
    for (const extra of ['A', 'AA', 'AAA', 'AAAA', '=', '==', '.']) expect(codec.decode(value + extra, T0).status, extra).toBe('invalid');
  });

  it('accepts only the canonical spelling of the last character (no unused bits set)', () => {
    // 62 + 2 bytes of JSON = 64 bytes: 86 characters, the last carrying 4 unused bits.
    const value = codec.encode('{}', T0, DAY);
    expect(value.length % 4).toBe(2);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(value.at(-1)!);
    for (let bits = 1; bits < 16; bits++) {
      expectInvalid(codec.decode(value.slice(0, -1) + alphabet[last | bits], T0), 'malformed');
    }
    expect(codec.decode(value, T0).status).toBe('valid');
  });

  it('refuses a value sealed for another cookie name', () => {
    const value = codec.encode(JSON_TEXT, T0, DAY);
    for (const name of ['auth', 'session_', 'Session', 'session.1']) {
      expectInvalid(codecOn({ ...options, cookieName: name }).decode(value, T0), 'bad-mac');
      expectInvalid(codecOn({ cookieName: name, secret: SECRET }).decode(value, T0), 'bad-mac');
    }
    expect(codec.decode(seal({ name: 'auth' }), T0).status).toBe('invalid');
  });

  it('tries only the key set its key id names: unknown ids are refused without a MAC', () => {
    const value = codec.encode(JSON_TEXT, T0, DAY);
    expectInvalid(codecOn({ ...options, secret: OTHER_SECRET }).decode(value, T0), 'unknown-key');
    // The right key id with the wrong key fails the tag.
    expectInvalid(codec.decode(seal({ key: referenceKey(Buffer.from(OTHER_SECRET)) }), T0), 'bad-mac');
    // Rotation: the key set at index 1 opens it, without the first being tried.
    const rotated = codecOn({ ...options, secret: [OTHER_SECRET, SECRET] });
    expect(rotated.decode(value, T0)).toMatchObject({ status: 'valid', keyIndex: 1, json: JSON_TEXT });
    expect(Buffer.from(rotated.encode('{}', T0, DAY), 'base64url').subarray(2, 6)).toEqual(referenceKeyId(Buffer.from(OTHER_SECRET)));
    expect(codecOn({ cookieName: NAME, secret: [OTHER_SECRET, SECRET] }).decode(value, T0)).toMatchObject({ status: 'valid', keyIndex: 1 });
  });

  it('names key ids from keys[].id, or derives them from the key material', () => {
    const named = codecOn({ cookieName: NAME, format: 2, keys: [{ id: '2026-12', secret: SECRET }] });
    const value = named.encodeWithIv('{}', T0, DAY, NONCE);
    expect(Buffer.from(value, 'base64url').subarray(2, 6).toString('hex')).toBe(referenceKeyId(SECRET_IKM, '2026-12').toString('hex'));
    expect(value).toBe(seal({ keyId: referenceKeyId(SECRET_IKM, '2026-12'), json: '{}' }));
    // The id is only a name: the key still comes from the secret.
    expect(codec.decode(value, T0).status).toBe('invalid');
    expectInvalid(codec.decode(value, T0), 'unknown-key');
    expectInvalid(codecOn({ cookieName: NAME, format: 2, keys: [{ id: '2026-11', secret: SECRET }] }).decode(value, T0), 'unknown-key');
    expectInvalid(codecOn({ cookieName: NAME, format: 2, keys: [{ id: '2026-12', secret: OTHER_SECRET }] }).decode(value, T0), 'bad-mac');
    expect(codecOn({ cookieName: NAME, keys: [{ secret: SECRET }, { id: '2026-12', secret: SECRET }] }).decode(value, T0)).toMatchObject({ status: 'valid', keyIndex: 1 });
    // A non-ASCII name is hashed as UTF-8.
    const unicode = codecOn({ cookieName: NAME, format: 2, keys: [{ id: 'clé-🔑', secret: SECRET }] });
    expect(Buffer.from(unicode.encode('{}', T0, DAY), 'base64url').subarray(2, 6)).toEqual(referenceKeyId(SECRET_IKM, 'clé-🔑'));

    // Raw keys: IKM is encryptionKey ‖ signatureKey.
    const encryptionKey = Buffer.alloc(32, 0x11);
    const signatureKey = Buffer.alloc(32, 0x22);
    const raw = codecOn({ cookieName: NAME, format: 2, encryptionKey, signatureKey });
    const rawValue = raw.encodeWithIv('{}', T0, DAY, NONCE);
    const ikm = ikmOf({ encryptionKey, signatureKey });
    expect(open(rawValue, NAME, referenceKey(ikm))).toMatchObject({ keyId: referenceKeyId(ikm).toString('hex'), json: '{}' });
    // A key set with a secret uses the secret, whatever raw key sits beside it.
    const both = codecOn({ cookieName: NAME, format: 2, keys: [{ secret: SECRET, signatureKey }] });
    expect(both.encodeWithIv(JSON_TEXT, T0, DAY, NONCE)).toBe(seal());
    // A Buffer secret is its bytes.
    expect(codecOn({ ...options, secret: Buffer.from(SECRET) }).encodeWithIv(JSON_TEXT, T0, DAY, NONCE)).toBe(seal());
  });

  it('refuses two key sets with the same key id when writing format 2, and tolerates them in format 1', () => {
    const clash = thrownBy(() => codecOn({ ...options, secret: [SECRET, OTHER_SECRET, SECRET] }));
    expect(clash).toEqual({
      kind: 'Error',
      code: 'ERR_CLIENT_SESSIONS_KEY_ID',
      message: 'client-sessions-native: keys[0] and keys[2] have the same key id: give one of them an id (format 2 picks the key by it)',
    });
    expect(thrownBy(() => codecOn({ cookieName: NAME, format: 2, keys: [{ secret: SECRET }, { secret: SECRET, id: 'renamed' }] }))).toBe('no throw');
    const tolerant = codecOn({ cookieName: NAME, secret: [OTHER_SECRET, SECRET, SECRET] });
    expect(tolerant.decode(codec.encode('{}', T0, DAY), T0)).toMatchObject({ status: 'valid', keyIndex: 1 });
  });

  it('checks in order: size and base64url, version, chunk count, key id, tag, expiry, UTF-8', () => {
    expectInvalid(codec.decode('', T0), 'malformed');
    expectInvalid(codec.decode('A'.repeat(16 * 1024 + 1), T0), 'too-large');
    expectInvalid(codec.decode(`${seal()}${'A'.repeat(16 * 1024)}`, T0), 'too-large');
    // Shorter than 62 bytes, whatever the version says.
    expectInvalid(codec.decode(sealBytes().subarray(0, 61).toString('base64url'), T0), 'malformed');
    expectInvalid(codec.decode(Buffer.concat([Buffer.from([3]), sealBytes().subarray(1, 61)]).toString('base64url'), T0), 'malformed');
    // Not base64url, padded, or a character Buffer's decoder would skip.
    const good = seal();
    for (const forged of [`${good}=`, `${good.slice(0, 8)}+${good.slice(9)}`, `${good.slice(0, 8)}/${good.slice(9)}`, `${good.slice(0, 8)} ${good.slice(9)}`, sealBytes().toString('base64')]) {
      expectInvalid(codec.decode(forged, T0), 'malformed');
    }
    expectInvalid(codec.decode(`${good.slice(0, -1)}é`, T0), 'malformed');
    // The version, then the count, sealed validly or not.
    for (const version of [0, 1, 3, 0x2e, 255]) expectInvalid(codec.decode(seal({ version }), T0), 'unknown-format');
    for (const chunks of [0, 5, 255]) expectInvalid(codec.decode(seal({ chunks }), T0), 'malformed');
    expectInvalid(codec.decode(seal({ version: 3, chunks: 0 }), T0), 'unknown-format');
    expectInvalid(codec.decode(seal({ chunks: 0, keyId: Buffer.alloc(4) }), T0), 'malformed');
    expectInvalid(codec.decode(seal({ keyId: Buffer.alloc(4) }), T0), 'unknown-key');
    // The tag covers every byte of B and the name.
    const bytes = sealBytes();
    for (let i = 0; i < bytes.length; i++) {
      if (i < 6 && i !== 1) continue; // the version and key id are refused before the tag
      const forged = Buffer.from(bytes);
      forged[i]! ^= i === 1 ? 0x02 : 0x80;
      expectInvalid(codec.decode(forged.toString('base64url'), T0), 'bad-mac');
    }
    // Expiry comes before UTF-8: an expired session's content is never looked at.
    const notUtf8 = Buffer.from([0x7b, 0xff, 0x7d]);
    expectInvalid(codec.decode(seal({ json: notUtf8 }), T0), 'not-utf8');
    expect(codec.decode(seal({ json: notUtf8, issuedAt: T0 - DAY, expiresAt: T0 - 1 }), T0)).toMatchObject({ status: 'expired' });
    expectInvalid(codec.decode(seal({ json: Buffer.from([0xed, 0xa0, 0x80]) }), T0), 'not-utf8');
    // A BOM is content; an empty JSON text is a valid length.
    expect(codec.decode(seal({ json: '\ufeff{}' }), T0)).toMatchObject({ status: 'valid', json: '\ufeff{}' });
    expect(codec.decode(seal({ json: '' }), T0)).toMatchObject({ status: 'valid', json: '' });
  });

  it('refuses authentic times it never writes: above 2^53-1, or issued after expiry', () => {
    expectInvalid(codec.decode(seal({ expiresAt: 2n ** 53n }), T0), 'malformed');
    expectInvalid(codec.decode(seal({ issuedAt: 2n ** 64n - 1n }), T0), 'malformed');
    expectInvalid(codec.decode(seal({ issuedAt: T0 + 1, expiresAt: T0 }), T0), 'malformed');
    expect(codec.decode(seal({ issuedAt: 0, expiresAt: 2 ** 53 - 1 }), T0)).toMatchObject({ status: 'valid', createdAt: 0, duration: 2 ** 53 - 1 });
    expect(codec.decode(seal({ issuedAt: T0, expiresAt: T0 }), T0)).toMatchObject({ status: 'valid', duration: 0 });
  });

  it('expires at expiresAt, on the server clock; an expired result has the times but no JSON', () => {
    const value = codec.encode(JSON_TEXT, T0, DAY, T0 - DAY);
    expect(codec.decode(value, T0 + DAY)).toMatchObject({ status: 'valid', json: JSON_TEXT });
    expect(codec.decode(value, T0 + DAY + 1)).toEqual({ status: 'expired', createdAt: T0 - DAY, duration: 2 * DAY, issuedAt: T0 - DAY, format: 2, keyIndex: 0, chunkCookies: 0, refresh: false });
    // A cookie from the future is valid (as in format 1): clocks are not compared but for expiry.
    expect(codec.decode(value, 0)).toMatchObject({ status: 'valid' });
  });

  it('refreshes within activeDuration of expiresAt', () => {
    const active = codecOn({ ...options, activeDuration: 1000 });
    const value = active.encode('{}', T0, DAY);
    expect(active.decode(value, T0 + DAY - 1000).refresh).toBe(false);
    expect(active.decode(value, T0 + DAY - 999).refresh).toBe(true);
    expect(codecOn({ ...options, activeDuration: 0 }).decode(value, T0 + DAY).refresh).toBe(false);
  });

  it('absoluteDuration expires a session issuedAt + absoluteDuration, however it was extended', () => {
    const capped = codecOn({ ...options, absoluteDuration: 10 * DAY, activeDuration: DAY });
    const value = capped.encode('{}', T0, DAY, T0 - 9 * DAY);
    expect(capped.decode(value, T0 + DAY)).toMatchObject({ status: 'valid' });
    const late = capped.encode('{}', T0 + DAY, DAY, T0 - 9 * DAY);
    expect(capped.decode(late, T0 + DAY)).toMatchObject({ status: 'valid', issuedAt: T0 - 9 * DAY });
    expect(capped.decode(late, T0 + DAY + 1)).toEqual({ status: 'expired', createdAt: T0 - 9 * DAY, duration: 11 * DAY, issuedAt: T0 - 9 * DAY, format: 2, keyIndex: 0, chunkCookies: 0, refresh: false });
    // Without absoluteDuration the same cookie lives to its expiresAt.
    expect(codec.decode(late, T0 + DAY + 1)).toMatchObject({ status: 'valid' });
  });

  it('does not refresh a session whose expiresAt already reaches its absolute end', () => {
    const capped = codecOn({ ...options, absoluteDuration: 10 * DAY, activeDuration: DAY });
    // Ends before the cap: refreshed within activeDuration of its end.
    const early = capped.encode('{}', T0, DAY, T0 - 5 * DAY);
    expect(capped.decode(early, T0 + DAY / 2)).toMatchObject({ status: 'valid', refresh: true });
    // Ends exactly at (or after) issuedAt + absoluteDuration: never refreshed, it cannot be extended.
    const atCap = capped.encode('{}', T0, DAY, T0 - 9 * DAY);
    expect(capped.decode(atCap, T0 + DAY / 2)).toMatchObject({ status: 'valid', refresh: false });
    const pastCap = capped.encode('{}', T0, 2 * DAY, T0 - 9 * DAY);
    expect(capped.decode(pastCap, T0 + DAY / 2)).toMatchObject({ status: 'valid', refresh: false });
    // One millisecond short of the cap: refreshed.
    const short = capped.encode('{}', T0, DAY - 1, T0 - 9 * DAY);
    expect(capped.decode(short, T0 + DAY / 2)).toMatchObject({ status: 'valid', refresh: true });
  });

  it('applies absoluteDuration to format 1 cookies, their createdAt taken as issuedAt', () => {
    const capped = codecOn({ ...options, absoluteDuration: 10 * DAY, activeDuration: DAY });
    const old = format1.encode('{}', T0 - 10 * DAY, 20 * DAY);
    expect(capped.decode(old, T0)).toMatchObject({ status: 'valid', format: 1, issuedAt: T0 - 10 * DAY, refresh: false });
    expect(capped.decode(old, T0 + 1)).toEqual({ status: 'expired', createdAt: T0 - 10 * DAY, duration: 20 * DAY, issuedAt: T0 - 10 * DAY, format: 1, keyIndex: 0, chunkCookies: 0, refresh: false });
    const near = format1.encode('{}', T0, 2 * DAY);
    expect(capped.decode(near, T0 + 1.5 * DAY)).toMatchObject({ status: 'valid', refresh: true });
  });
});

describe(`format 2 chunks from a Cookie header (${BACKEND})`, () => {
  const big = JSON.stringify({ blob: 'x'.repeat(600) });
  /** A value sealed for `chunks` cookies, cut into that many pieces. */
  function pieces(chunks: number, json = big): string[] {
    const value = codec.encode(json, T0, DAY, T0, chunks);
    const size = Math.ceil(value.length / chunks);
    return Array.from({ length: chunks }, (_, i) => value.slice(i * size, (i + 1) * size));
  }
  const header = (parts: string[], extra = ''): string => parts.map((piece, i) => `${i === 0 ? NAME : `${NAME}.${i}`}=${piece}`).join('; ') + extra;

  it('joins name, name.1 ... name.(n-1) and verifies the whole once', () => {
    for (const n of [2, 3, 4]) {
      const parts = pieces(n);
      const mask = (1 << (n - 1)) - 1;
      expect(codec.decodeFromHeader(header(parts), T0), String(n)).toMatchObject({ status: 'valid', json: big, chunkCookies: mask, format: 2 });
      // In any order in the header, quoted or among other cookies.
      const shuffled = parts.map((piece, i) => `${i === 0 ? NAME : `${NAME}.${i}`}="${piece}"`).reverse().join('; ');
      expect(codec.decodeFromHeader(`theme=dark; ${shuffled}; lang=en`, T0)).toMatchObject({ status: 'valid', json: big, chunkCookies: mask });
      // A format 1 codec of the name joins them too.
      expect(format1.decodeFromHeader(header(parts), T0)).toMatchObject({ status: 'valid', json: big, chunkCookies: mask });
    }
  });

  it('a missing chunk is missing-chunk, with the chunks that are there reported', () => {
    const [p0, p1, p2, p3] = pieces(4) as [string, string, string, string];
    expect(codec.decodeFromHeader(`${NAME}=${p0}; ${NAME}.1=${p1}; ${NAME}.3=${p3}`, T0)).toMatchObject({ status: 'invalid', reason: 'missing-chunk', chunkCookies: 0b101 });
    expect(codec.decodeFromHeader(`${NAME}=${p0}`, T0)).toMatchObject({ status: 'invalid', reason: 'missing-chunk', chunkCookies: 0 });
    expect(codec.decodeFromHeader(`${NAME}=${p0}; ${NAME}.2=${p2}; ${NAME}.3=${p3}`, T0)).toMatchObject({ status: 'invalid', reason: 'missing-chunk', chunkCookies: 0b110 });
    // decode() of the first piece alone: just a truncated value.
    expect(codec.decode(p0, T0).status).toBe('invalid');
  });

  it('ignores chunk cookies beyond n (left from a larger session), but reports them', () => {
    const small = codec.encode(JSON_TEXT, T0, DAY);
    const stale = pieces(4);
    expect(codec.decodeFromHeader(`${NAME}=${small}; ${NAME}.1=${stale[1]}; ${NAME}.2=${stale[2]}; ${NAME}.3=${stale[3]}`, T0)).toMatchObject({ status: 'valid', json: JSON_TEXT, chunkCookies: 0b111 });
    const [p0, p1] = pieces(2);
    expect(codec.decodeFromHeader(`${NAME}.3=junk; ${NAME}=${p0}; ${NAME}.1=${p1}; ${NAME}.2=`, T0)).toMatchObject({ status: 'valid', json: big, chunkCookies: 0b111 });
    // A format 1 value is never joined.
    const one = format1.encode(JSON_TEXT, T0, DAY);
    expect(codec.decodeFromHeader(`${NAME}=${one}; ${NAME}.1=AAAA`, T0)).toMatchObject({ status: 'valid', format: 1, chunkCookies: 0b001 });
  });

  it('a client cannot change n, drop a piece, add one or swap them without failing the tag', () => {
    const [p0, p1, p2] = pieces(3) as [string, string, string];
    // n is B[1], in the 2nd and 3rd characters: respell it as 2 (drop the last piece) or 4.
    const withCount = (piece: string, n: number): string => {
      const head = Buffer.from(piece.slice(0, 4), 'base64url');
      head[1] = n;
      return head.toString('base64url') + piece.slice(4);
    };
    expect(codec.decodeFromHeader(`${NAME}=${withCount(p0, 2)}; ${NAME}.1=${p1}`, T0)).toMatchObject({ status: 'invalid', reason: 'bad-mac', chunkCookies: 0b001 });
    expect(codec.decodeFromHeader(`${NAME}=${withCount(p0, 4)}; ${NAME}.1=${p1}; ${NAME}.2=${p2}; ${NAME}.3=AAAA`, T0)).toMatchObject({ status: 'invalid', reason: 'bad-mac', chunkCookies: 0b111 });
    expect(codec.decodeFromHeader(`${NAME}=${withCount(p0, 1)}; ${NAME}.1=${p1}; ${NAME}.2=${p2}`, T0)).toMatchObject({ status: 'invalid', chunkCookies: 0b011 });
    expect(codec.decodeFromHeader(`${NAME}=${p0}; ${NAME}.1=${p2}; ${NAME}.2=${p1}`, T0).status).toBe('invalid');
    expect(codec.decodeFromHeader(`${NAME}=${p0}; ${NAME}.1=${p1}; ${NAME}.2=${p2}A`, T0).status).toBe('invalid');
    // The whole value in the first cookie, with n = 3 sealed: decode() reads it, the header
    // reader appends the chunks it names and fails.
    const whole = p0 + p1 + p2;
    expect(codec.decode(whole, T0)).toMatchObject({ status: 'valid', json: big });
    expect(codec.decodeFromHeader(`${NAME}=${whole}; ${NAME}.1=${p1}; ${NAME}.2=${p2}`, T0).status).toBe('invalid');
    // The count is read from any dotless value, whatever its version says; a '.' in a chunk
    // does not make the joined value a format 1 one.
    expect(codec.decodeFromHeader(`${NAME}=${seal({ version: 3, chunks: 2 })}`, T0)).toMatchObject({ status: 'invalid', reason: 'missing-chunk' });
    expect(codec.decodeFromHeader(`${NAME}=${seal({ version: 3, chunks: 2 })}; ${NAME}.1=AAAA`, T0)).toMatchObject({ status: 'invalid', reason: 'unknown-format' });
    const iv = Buffer.alloc(16, 0x02);
    expect(Buffer.from(iv.toString('base64url').slice(0, 4), 'base64url')[1]).toBe(2);
    const one = format1.encodeWithIv(JSON_TEXT, T0, DAY, iv);
    expect(codec.decodeFromHeader(`${NAME}=${one}`, T0)).toMatchObject({ status: 'valid', format: 1 });
    expect(codec.decodeFromHeader(`${NAME}=${one.slice(0, 22)}; ${NAME}.1=${one.slice(22)}`, T0)).toMatchObject({ status: 'invalid', reason: 'malformed' });
    // n out of range (sealed validly) is not joined: a malformed value.
    const five = seal({ chunks: 5 });
    expect(codec.decodeFromHeader(`${NAME}=${five}; ${NAME}.1=AAAA`, T0)).toMatchObject({ status: 'invalid', reason: 'malformed', chunkCookies: 1 });
  });

  it('takes the first occurrence of each chunk cookie', () => {
    const [p0, p1] = pieces(2) as [string, string];
    expect(codec.decodeFromHeader(`${NAME}.1=${p1}; ${NAME}=${p0}; ${NAME}.1=junk`, T0)).toMatchObject({ status: 'valid', chunkCookies: 1 });
    expect(codec.decodeFromHeader(`${NAME}.1=junk; ${NAME}=${p0}; ${NAME}.1=${p1}`, T0)).toMatchObject({ status: 'invalid', chunkCookies: 1 });
  });

  it('tries each value of the name with the same chunks, the first valid one winning', () => {
    const [p0, p1] = pieces(2) as [string, string];
    const single = codec.encode(JSON_TEXT, T0, DAY);
    expect(codec.decodeFromHeader(`${NAME}=junk; ${NAME}=${p0}; ${NAME}.1=${p1}`, T0)).toMatchObject({ status: 'valid', json: big, chunkCookies: 1 });
    expect(codec.decodeFromHeader(`${NAME}=${p0}; ${NAME}=${single}`, T0)).toMatchObject({ status: 'valid', json: JSON_TEXT, chunkCookies: 0 });
    const expired = codec.encode('{}', T0 - 2 * DAY, DAY, T0 - 2 * DAY, 2);
    const size = Math.ceil(expired.length / 2);
    expect(codec.decodeFromHeader(`${NAME}=${p0}; ${NAME}=${expired.slice(0, size)}; ${NAME}.1=${expired.slice(size)}`, T0)).toMatchObject({ status: 'expired', chunkCookies: 1 });
  });

  it('refuses a joined value over 16 KiB', () => {
    const head = codec.encode('{}', T0, DAY, T0, 3);
    const filler = 'A'.repeat(8 * 1024);
    expect(codec.decodeFromHeader(`${NAME}=${head}; ${NAME}.1=${filler}; ${NAME}.2=${filler}`, T0)).toMatchObject({ status: 'invalid', reason: 'too-large', chunkCookies: 0b011 });
  });

  it('reports the chunk cookies the header carries on every result; name.1 is never the name', () => {
    const value = codec.encode(JSON_TEXT, T0, DAY);
    expect(codec.decodeFromHeader(`${NAME}.1=${value}`, T0)).toEqual({ status: 'absent', createdAt: 0, duration: 0, issuedAt: 0, format: 0, keyIndex: 0, chunkCookies: 1, refresh: false });
    expect(codec.decodeFromHeader(`${NAME}.2=x; ${NAME}.3=y; ${NAME}.4=z; ${NAME}.12=w; x${NAME}.1=v; ${NAME}.1x=u`, T0)).toMatchObject({ status: 'absent', chunkCookies: 0b110 });
    expect(codec.decodeFromHeader(` ${NAME}.3 = "y" ; ${NAME}=junk`, T0)).toMatchObject({ status: 'invalid', reason: 'malformed', chunkCookies: 0b100 });
    expect(codec.decodeFromHeader(`${NAME}.1; ${NAME}.2`, T0)).toMatchObject({ status: 'absent', chunkCookies: 0 });
    expect(codec.decodeFromHeader(`${NAME}=${value}; ${NAME}.2=`, T0)).toMatchObject({ status: 'valid', chunkCookies: 0b010 });
    expect(codec.decodeFromHeader('other=1', T0)).toMatchObject({ status: 'absent', chunkCookies: 0 });
    expect(codec.decode(value, T0).chunkCookies).toBe(0);
    // A cookie named like a chunk of this one has its own codec, chunks and all.
    const dotted = codecOn({ ...options, cookieName: `${NAME}.1` });
    const own = dotted.encode(JSON_TEXT, T0, DAY);
    expect(dotted.decodeFromHeader(`${NAME}=${value}; ${NAME}.1=${own}; ${NAME}.1.1=x`, T0)).toMatchObject({ status: 'valid', json: JSON_TEXT, chunkCookies: 1 });
  });

  it('still tries at most 8 values of the name', () => {
    const value = codec.encode(JSON_TEXT, T0, DAY);
    expect(codec.decodeFromHeader(`${`${NAME}=x; `.repeat(8)}${NAME}=${value}; ${NAME}.1=y`, T0)).toMatchObject({ status: 'invalid', chunkCookies: 1 });
    expect(codec.decodeFromHeader(`${`${NAME}=x; `.repeat(7)}${NAME}=${value}`, T0)).toMatchObject({ status: 'valid' });
  });
});

// ---- Where node:crypto has no ChaCha20-Poly1305 (Bun 1.4) ----

describe(`the js backend without node:crypto's chacha20-poly1305, as on Bun (${BACKEND})`, () => {
  it('runs format 2 on the plain TypeScript ChaCha20-Poly1305: every golden vector byte for byte, and it reads and is read by the node:crypto path', async () => {
    vi.resetModules();
    vi.doMock('node:crypto', async (importOriginal) => {
      const real = await importOriginal<typeof import('node:crypto')>();
      const refuse = <T extends (...args: never[]) => unknown>(make: T): T =>
        ((name: string, ...rest: unknown[]) => {
          if (name.startsWith('chacha20')) throw new Error(`Unknown cipher: ${name}`);
          return (make as unknown as (...args: unknown[]) => unknown)(name, ...rest);
        }) as unknown as T;
      return {
        ...real,
        getCiphers: () => real.getCiphers().filter((name) => !name.startsWith('chacha20')),
        createCipheriv: refuse(real.createCipheriv),
        createDecipheriv: refuse(real.createDecipheriv),
      };
    });
    try {
      const { JsCodec } = await import('../src/backend/js.js');
      const { resolveCodecOptions } = await import('../src/options.js');
      const { HAS_CHACHA20_POLY1305, XCHACHA20_POLY1305 } = await import('../src/backend/xchacha20.js');
      expect([HAS_CHACHA20_POLY1305, XCHACHA20_POLY1305.name]).toEqual([false, 'js']);
      const js = (o: CodecOptions) => new JsCodec(resolveCodecOptions(o, 'strict'));

      expect(vectors.length).toBeGreaterThanOrEqual(10);
      for (const v of vectors) {
        const vectorOptions: CodecOptions = {
          cookieName: v.cookieName,
          encryptionAlgorithm: v.encryptionAlgorithm,
          signatureAlgorithm: v.signatureAlgorithm,
          keys: v.keys.map(keySetOf),
        };
        const sealing = js({ ...vectorOptions, format: 2 });
        expect(sealing.encodeWithIv(v.json, v.createdAt, v.duration, hex(v.nonce), v.issuedAt, v.chunks), v.name).toBe(v.value);
        for (const reader of [sealing, js(vectorOptions)]) {
          expect(reader.decode(v.value, v.issuedAt), v.name).toMatchObject({ ...v.decoded, json: v.json, chunkCookies: 0 });
          const forged = Buffer.from(v.value, 'base64url');
          forged[forged.length - 1]! ^= 0x01;
          expectInvalid(reader.decode(forged.toString('base64url'), v.issuedAt), 'bad-mac');
        }
      }

      // The fallback, this project's codec (native, or js on node:crypto's cipher) and the
      // reference (node:crypto's cipher) read each other's cookies.
      const fallback = js(options);
      const value = fallback.encode(JSON_TEXT, T0, DAY);
      expect(open(value)).toMatchObject({ version: 2, json: JSON_TEXT, issuedAt: T0, expiresAt: T0 + DAY });
      expect(codec.decode(value, T0)).toMatchObject({ status: 'valid', json: JSON_TEXT, format: 2 });
      expect(fallback.decode(codec.encode(JSON_TEXT, T0, DAY), T0)).toMatchObject({ status: 'valid', json: JSON_TEXT, format: 2 });
      expect(fallback.decode(seal(), T0)).toMatchObject({ status: 'valid', json: JSON_TEXT });
      expect(fallback.decode(format1.encode('{}', T0, DAY), T0)).toMatchObject({ status: 'valid', format: 1 });
      expectInvalid(fallback.decode(seal({ name: 'other' }), T0), 'bad-mac');
      expectInvalid(fallback.decode(seal({ key: referenceKey(Buffer.from(OTHER_SECRET)) }), T0), 'bad-mac');
    } finally {
      vi.doUnmock('node:crypto');
      vi.resetModules();
    }
  });
});

// ---- Golden vectors, shared with cargo test ----

interface GoldenKeySet {
  secret?: string;
  secretHex?: string;
  encryptionKey?: string;
  signatureKey?: string;
  id?: string;
  derived: { ikm: string; key: string; keyId: string };
}

interface GoldenVector {
  name: string;
  cookieName: string;
  encryptionAlgorithm: CodecOptions['encryptionAlgorithm'];
  signatureAlgorithm: CodecOptions['signatureAlgorithm'];
  keys: GoldenKeySet[];
  createdAt: number;
  duration: number;
  issuedAt: number;
  expiresAt: number;
  chunks: number;
  nonce: string;
  json: string;
  associatedData: string;
  plaintext: string;
  bytes: string;
  value: string;
  decoded: Partial<DecodeResult>;
}

const VECTORS_PATH = join(__dirname, 'fixtures', 'format2-vectors.json');
const vectors: GoldenVector[] = existsSync(VECTORS_PATH) ? (JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as { vectors: GoldenVector[] }).vectors : [];

function keySetOf(set: GoldenKeySet): NonNullable<CodecOptions['keys']>[number] {
  return {
    secret: set.secretHex !== undefined ? hex(set.secretHex) : set.secret,
    encryptionKey: set.encryptionKey === undefined ? undefined : hex(set.encryptionKey),
    signatureKey: set.signatureKey === undefined ? undefined : hex(set.signatureKey),
    id: set.id,
  };
}

describe(`format 2 golden vectors, __test__/fixtures/format2-vectors.json (${BACKEND})`, () => {
  it('the fixture is there, with vectors of every kind', () => {
    expect(existsSync(VECTORS_PATH), `${VECTORS_PATH} is missing: the Rust core writes it (crates/core/tests/format2_vectors.rs)`).toBe(true);
    expect(vectors.length).toBeGreaterThanOrEqual(10);
    expect(new Set(vectors.map((v) => v.name)).size).toBe(vectors.length);
    expect(vectors.some((v) => v.chunks > 1)).toBe(true);
    expect(vectors.some((v) => v.keys.length > 1)).toBe(true);
    expect(vectors.some((v) => v.keys.some((k) => k.id !== undefined))).toBe(true);
    expect(vectors.some((v) => v.keys.some((k) => k.secret === undefined && k.secretHex === undefined))).toBe(true);
  });

  for (const v of vectors) {
    it(`${v.name}: the derived keys, the bytes, decode, and encodeWithIv byte for byte`, () => {
      // The derivations, from the options as SECURITY.md states them.
      for (const set of v.keys) {
        const ikm = ikmOf(keySetOf(set) as Parameters<typeof ikmOf>[0]);
        expect(ikm.toString('hex')).toBe(set.derived.ikm);
        expect(referenceKey(ikm).toString('hex')).toBe(set.derived.key);
        expect(referenceKeyId(ikm, set.id).toString('hex')).toBe(set.derived.keyId);
      }
      const sealer = v.keys[0]!;
      expect(v.expiresAt).toBe(v.createdAt + v.duration);
      // B, AD and P, by the reference.
      const b = Buffer.from(v.value, 'base64url');
      expect(b.toString('hex')).toBe(v.bytes);
      expect(b.toString('base64url')).toBe(v.value);
      expect(Buffer.concat([b.subarray(0, 6), Buffer.from(v.cookieName)]).toString('hex')).toBe(v.associatedData);
      expect([b[0], b[1], b.subarray(2, 6).toString('hex'), b.subarray(6, 30).toString('hex')]).toEqual([2, v.chunks, sealer.derived.keyId, v.nonce]);
      const times = Buffer.alloc(16);
      times.writeBigUInt64BE(BigInt(v.issuedAt), 0);
      times.writeBigUInt64BE(BigInt(v.expiresAt), 8);
      expect(Buffer.concat([times, Buffer.from(v.json, 'utf8')]).toString('hex')).toBe(v.plaintext);
      const ad = hex(v.associatedData);
      expect(xchacha20poly1305Decrypt(hex(sealer.derived.key), hex(v.nonce), ad, b.subarray(30))?.toString('hex')).toBe(v.plaintext);
      expect(xchacha20poly1305Encrypt(hex(sealer.derived.key), hex(v.nonce), ad, hex(v.plaintext)).toString('hex')).toBe(b.subarray(30).toString('hex'));

      // The codec on this backend.
      const vectorOptions: CodecOptions = {
        cookieName: v.cookieName,
        encryptionAlgorithm: v.encryptionAlgorithm,
        signatureAlgorithm: v.signatureAlgorithm,
        keys: v.keys.map(keySetOf),
      };
      const sealing = codecOn({ ...vectorOptions, format: 2 });
      expect(sealing.encodeWithIv(v.json, v.createdAt, v.duration, hex(v.nonce), v.issuedAt, v.chunks)).toBe(v.value);
      for (const reader of [sealing, codecOn(vectorOptions)]) {
        expect(reader.decode(v.value, v.issuedAt)).toMatchObject({ ...v.decoded, json: v.json, chunkCookies: 0 });
        expect(reader.decode(v.value, v.expiresAt)).toMatchObject({ status: 'valid', json: v.json });
        if (v.expiresAt < Number.MAX_SAFE_INTEGER) {
          expect(reader.decode(v.value, v.expiresAt + 1)).toMatchObject({ status: 'expired', createdAt: v.decoded.createdAt, duration: v.decoded.duration, issuedAt: v.issuedAt, format: 2 });
        }
        expect(reader.decode(v.value, v.issuedAt)).toMatchObject({ keyIndex: 0 });
      }
      // Split across its chunk cookies, it is read from a header.
      if (v.chunks > 1) {
        const size = Math.ceil(v.value.length / v.chunks);
        const header = Array.from({ length: v.chunks }, (_, i) => `${i === 0 ? v.cookieName : `${v.cookieName}.${i}`}=${v.value.slice(i * size, (i + 1) * size)}`).join('; ');
        expect(sealing.decodeFromHeader(header, v.issuedAt)).toMatchObject({ status: 'valid', json: v.json, chunkCookies: (1 << (v.chunks - 1)) - 1 });
      } else {
        expect(sealing.decodeFromHeader(`${v.cookieName}=${v.value}`, v.issuedAt)).toMatchObject({ status: 'valid', json: v.json });
      }
    });
  }
});
