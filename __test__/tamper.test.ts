// Damaged, forged and foreign cookies are a status with a reason, never an exception and never
// content.
import { createCipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import type { DecodeResult } from '../src/index';
import { BACKEND, DAY, SECRET, T0, codecOn } from './helpers/backend';
import { sameCookie } from './helpers/spelling';

const codec = codecOn({ cookieName: 'session', secret: SECRET });
const good = codec.encode(JSON.stringify({ user: 'alice', admin: false }), T0, DAY);
const [iv, ct, created, duration, tag] = good.split('.') as [string, string, string, string, string];

function expectInvalid(result: DecodeResult, reason?: string): void {
  expect(result.status).toBe('invalid');
  expect(result.json).toBeUndefined();
  if (reason) expect(result.reason).toBe(reason);
}

describe(`tampering (${BACKEND})`, () => {
  it('the untouched cookie is valid (the baseline the other cases change)', () => {
    expect(codec.decode(good, T0)).toMatchObject({ status: 'valid', json: '{"user":"alice","admin":false}' });
  });

  it('every single character changed anywhere is rejected, but for unused bits of a last character', () => {
    let changed = 0;
    const respelled: number[] = [];
    for (let i = 0; i < good.length; i++) {
      for (const c of ['A', 'g', '0', '-', '_', '.', '=', '+', '/', ' ', 'é', 'B', 'Q', 'R', 'h', 'w', 'x']) {
        if (good[i] === c) continue;
        const forged = good.slice(0, i) + c + good.slice(i + 1);
        if (sameCookie(good, forged)) {
          expect(codec.decode(forged, T0)).toMatchObject({ status: 'valid', json: '{"user":"alice","admin":false}' });
          respelled.push(i);
        } else {
          expectInvalid(codec.decode(forged, T0));
        }
        changed++;
      }
    }
    expect(changed).toBeGreaterThan(good.length * 10);
    // Only the last character of the iv, the ciphertext or the MAC can be respelled.
    const lastOfField = [iv.length - 1, iv.length + 1 + ct.length - 1, good.length - 1];
    // The iv's last character carries four unused bits: B, R, h and x each respell one of A, Q, g and w.
    expect(respelled.length, good).toBeGreaterThan(0);
    for (const at of respelled) expect(lastOfField).toContain(at);
  });

  it('each field flipped by one character is rejected with the right reason', () => {
    const flip = (field: string): string => (field[0] === 'A' ? 'B' : 'A') + field.slice(1);
    expectInvalid(codec.decode([flip(iv), ct, created, duration, tag].join('.'), T0), 'bad-mac');
    expectInvalid(codec.decode([iv, flip(ct), created, duration, tag].join('.'), T0), 'bad-mac');
    expectInvalid(codec.decode([iv, ct, String(T0 + 1), duration, tag].join('.'), T0), 'bad-mac');
    expectInvalid(codec.decode([iv, ct, created, String(DAY * 365), tag].join('.'), T0), 'bad-mac');
    expectInvalid(codec.decode([iv, ct, created, duration, flip(tag)].join('.'), T0), 'bad-mac');
  });

  it('truncation anywhere, extra fields and missing fields are rejected', () => {
    for (let len = 0; len < good.length; len++) expectInvalid(codec.decode(good.slice(0, len), T0));
    expectInvalid(codec.decode(`${good}.`, T0), 'malformed');
    expectInvalid(codec.decode(`${good}.extra`, T0), 'malformed');
    expectInvalid(codec.decode([iv, ct, created, duration].join('.'), T0), 'malformed');
    expectInvalid(codec.decode([iv, ct, created, tag].join('.'), T0), 'malformed');
    expectInvalid(codec.decode([iv, ct, ct, created, duration, tag].join('.'), T0), 'malformed');
  });

  it('a wrong key or a wrong cookie name is rejected', () => {
    expectInvalid(codecOn({ cookieName: 'session', secret: `${SECRET}!` }).decode(good, T0), 'bad-mac');
    expectInvalid(codecOn({ cookieName: 'Session', secret: SECRET }).decode(good, T0), 'wrong-name');
    expectInvalid(codecOn({ cookieName: 'sessionx', secret: SECRET }).decode(good, T0), 'wrong-name');
  });

  it('timestamps that are not canonical decimals are rejected before any crypto', () => {
    for (const [c, d] of [
      [`0${created}`, duration],
      [`${created}abc`, duration],
      [`+${created}`, duration],
      [`-${created}`, duration],
      [`${created}.0`, duration],
      [created, `${duration} `],
      [created, '8.64e7'],
      [created, '0x5265C00'],
      [created, '9007199254740992'],
      [created, ''],
    ] as const) {
      expectInvalid(codec.decode([iv, ct, c, d, tag].join('.'), T0), 'malformed');
    }
  });

  it('malformed inputs are invalid: empty, non-base64, padding, standard alphabet, huge', () => {
    for (const value of ['', ' ', '....', 'not a cookie', 'a.b.c.d.e', `${iv}==.${ct}.${created}.${duration}.${tag}`]) {
      expectInvalid(codec.decode(value, T0), 'malformed');
    }
    const standard = good.replace(/-/g, '+').replace(/_/g, '/');
    if (standard !== good) expectInvalid(codec.decode(standard, T0), 'malformed');
    expectInvalid(codec.decode([iv, `${ct}=`, created, duration, tag].join('.'), T0), 'malformed');
    expectInvalid(codec.decode([iv, ct.slice(0, -4), created, duration, tag].join('.'), T0));
    expectInvalid(codec.decode('A'.repeat(16 * 1024 + 1), T0), 'too-large');
    expectInvalid(codec.decode('.'.repeat(1 << 20), T0), 'too-large');
    expectInvalid(codec.decode(`${good}${'A'.repeat(17 * 1024)}`, T0), 'too-large');
  });

  it('non-string values are invalid, not exceptions', () => {
    for (const value of [undefined, null, 42, {}, Buffer.from(good)]) {
      expectInvalid(codec.decode(value as unknown as string, T0), 'malformed');
    }
  });

  /** An authentic cookie (correct MAC) around `plaintext` encrypted as is, padding and all. */
  function sealedAsIs(plaintext: Buffer, ivFill: number): string {
    const encryptionKey = createHmac('sha256', SECRET).update('cookiesession-encryption').digest();
    const ivBytes = Buffer.alloc(16, ivFill);
    const cipher = createCipheriv('aes-256-cbc', encryptionKey, ivBytes).setAutoPadding(false);
    const blocks = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const mac = codec.computeMac(0, ivBytes, blocks, '1', '999999999999');
    return [ivBytes, blocks].map((b) => b.toString('base64url')).join('.') + `.1.999999999999.${mac.toString('base64url')}`;
  }

  /** `session={"a":"xx…"}` filled so that `pad` (the padding bytes) ends it on a 32-byte boundary. */
  function withPadding(pad: number[]): { plaintext: Buffer; json: string } {
    const json = `{"a":"${'x'.repeat(32 - pad.length - 16)}"}`;
    return { plaintext: Buffer.concat([Buffer.from(`session=${json}`), Buffer.from(pad)]), json };
  }

  it('authentic ciphertext with broken PKCS#7 padding is rejected as bad-padding', () => {
    // Built by hand: two blocks ending in a 0x00 byte (never valid padding), correctly MACed.
    const plaintext = Buffer.concat([Buffer.from('session={"a":1}'), Buffer.alloc(17)]);
    expectInvalid(codec.decode(sealedAsIs(plaintext, 3), 2), 'bad-padding');
  });

  it('every padding byte is checked, not only the last one', () => {
    const broken: Array<[string, number[]]> = [
      ['01 02 03', [0x01, 0x02, 0x03]],
      ['02 03 03 (the first pad byte)', [0x02, 0x03, 0x03]],
      ['03 02 03 (a middle pad byte)', [0x03, 0x02, 0x03]],
      ['00 03 03', [0x00, 0x03, 0x03]],
      ['0f then fifteen 10s (a whole block of padding, its first byte wrong)', [0x0f, ...Array(15).fill(0x10)]],
      ['fifteen 10s then 0f', [...Array(15).fill(0x10), 0x0f]],
      ['sixteen 11s (a pad longer than a block)', Array(16).fill(0x11)],
    ];
    for (const [name, pad] of broken) {
      const { plaintext } = withPadding(pad);
      expect(plaintext.length, name).toBe(32);
      expect(codec.decode(sealedAsIs(plaintext, 5), 2), name).toMatchObject({ status: 'invalid', reason: 'bad-padding' });
    }
    // The same construction with correct padding is valid: what is refused above is the padding.
    for (const pad of [[0x01], [0x03, 0x03, 0x03], Array(16).fill(0x10), Array(15).fill(0x0f)]) {
      const { plaintext, json } = withPadding(pad);
      expect(codec.decode(sealedAsIs(plaintext, 5), 2), pad.join(' ')).toMatchObject({ status: 'valid', json });
    }
  });

  it('a pad longer than a block is refused even when every pad byte agrees', () => {
    const plaintext = Buffer.concat([Buffer.from(`session={"a":"${'x'.repeat(15)}"}`), Buffer.alloc(17, 0x11)]);
    expect(plaintext.length).toBe(48);
    expectInvalid(codec.decode(sealedAsIs(plaintext, 6), 2), 'bad-padding');
  });

  it('authentic plaintext shorter than the name, or exactly the name, is told apart', () => {
    const padded = (text: string): Buffer => {
      const pad = 16 - (Buffer.byteLength(text) % 16);
      return Buffer.concat([Buffer.from(text), Buffer.alloc(pad, pad)]);
    };
    expectInvalid(codec.decode(sealedAsIs(padded('sess'), 7), 2), 'wrong-name');
    expectInvalid(codec.decode(sealedAsIs(padded(''), 7), 2), 'wrong-name');
    expect(codec.decode(sealedAsIs(padded('session='), 7), 2)).toMatchObject({ status: 'valid', json: '' });
  });

  it('authentic ciphertext that is not whole blocks is malformed', () => {
    const ivBytes = Buffer.alloc(16, 8);
    for (const length of [1, 15, 17, 31]) {
      const blocks = Buffer.alloc(length, 0x42);
      const mac = codec.computeMac(0, ivBytes, blocks, '1', '999999999999');
      const forged = [ivBytes, blocks].map((b) => b.toString('base64url')).join('.') + `.1.999999999999.${mac.toString('base64url')}`;
      expectInvalid(codec.decode(forged, 2), 'malformed');
    }
  });

  it('the size limit is 16 KiB exactly: a value of that length is looked at', () => {
    // Without dots it is read as format 2: its first byte is not format 2's version.
    expectInvalid(codec.decode('A'.repeat(16 * 1024), T0), 'unknown-format');
    expectInvalid(codec.decode('A'.repeat(16 * 1024 + 1), T0), 'too-large');
    // In UTF-8 bytes: 8192 two-byte characters are at the limit, one more is over it.
    expectInvalid(codec.decode('\u00e9'.repeat(8192), T0), 'malformed');
    expectInvalid(codec.decode('\u00e9'.repeat(8193), T0), 'too-large');
  });

  it('a byte order mark at the start of the content is content, kept as it was written', () => {
    const json = '\uFEFF{"a":1}';
    expect(codec.decode(codec.encode(json, T0, DAY), T0)).toMatchObject({ status: 'valid', json });
  });

  it('authentic content that is not UTF-8 is rejected as not-utf8', () => {
    const encryptionKey = createHmac('sha256', SECRET).update('cookiesession-encryption').digest();
    const ivBytes = Buffer.alloc(16, 4);
    const cipher = createCipheriv('aes-256-cbc', encryptionKey, ivBytes);
    const blocks = Buffer.concat([cipher.update(Buffer.from([...Buffer.from('session="'), 0xc3, 0x28, 0x22])), cipher.final()]);
    const mac = codec.computeMac(0, ivBytes, blocks, '1', '999999999999');
    const forged = [ivBytes, blocks].map((b) => b.toString('base64url')).join('.') + `.1.999999999999.${mac.toString('base64url')}`;
    expectInvalid(codec.decode(forged, 2), 'not-utf8');
  });
});
