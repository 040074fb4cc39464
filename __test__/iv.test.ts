// Every cookie gets a fresh random IV, so two sessions with the same content never share a
// ciphertext. The js backend cuts IVs from a pooled CSPRNG buffer refilled every 256 IVs, so
// this encodes across several refills: an IV pool stuck at zeros (or handing out one slice
// twice) once passed every other spec.
import { describe, expect, it } from 'vitest';

import { BACKEND, DAY, SECRET, T0, codecOn } from './helpers/backend';

/** More than three pools of 256, so at least two refills happen wherever the pool starts. */
const COOKIES = 256 * 3 + 17;
const ZERO_IV = Buffer.alloc(16).toString('base64url');

describe(`fresh IVs (${BACKEND})`, () => {
  it('the same JSON encoded many times gives distinct IVs, none all-zero, and distinct ciphertexts', () => {
    const codec = codecOn({ cookieName: 'session', secret: SECRET });
    const json = '{"user":"alice","roles":["admin"]}';
    const ivs = new Set<string>();
    const ciphertexts = new Set<string>();
    for (let i = 0; i < COOKIES; i++) {
      const [iv, ciphertext] = codec.encode(json, T0, DAY).split('.') as [string, string];
      expect(Buffer.from(iv, 'base64url')).toHaveLength(16);
      ivs.add(iv);
      ciphertexts.add(ciphertext);
    }
    expect(ivs.has(ZERO_IV), 'an all-zero IV').toBe(false);
    expect(ivs.size, 'distinct IVs').toBe(COOKIES);
    expect(ciphertexts.size, 'distinct ciphertexts').toBe(COOKIES);
  });

  it('IVs stay distinct across codecs, which share the pool, and no IV byte is stuck', () => {
    const codecs = [codecOn({ cookieName: 'a', secret: SECRET }), codecOn({ cookieName: 'b', secret: `${SECRET}2` })];
    const ivs: Buffer[] = [];
    for (let i = 0; i < COOKIES; i++) ivs.push(Buffer.from(codecs[i % 2]!.encode('{}', T0, DAY).split('.')[0]!, 'base64url'));
    expect(new Set(ivs.map((iv) => iv.toString('hex'))).size).toBe(COOKIES);
    // Each of the 16 positions takes many values over 785 random IVs (a byte stuck at one value,
    // or zeroed, would show as a single value); 100 of 256 is far below what chance gives.
    for (let at = 0; at < 16; at++) {
      expect(new Set(ivs.map((iv) => iv[at])).size, `IV byte ${at}`).toBeGreaterThan(100);
    }
  });

  it('every cookie decodes to its content, so the IVs in use are the IVs sent', () => {
    const codec = codecOn({ cookieName: 'session', secret: SECRET });
    for (let i = 0; i < 300; i++) {
      const json = `{"i":${i}}`;
      expect(codec.decode(codec.encode(json, T0, DAY), T0)).toMatchObject({ status: 'valid', json });
    }
  });
});
