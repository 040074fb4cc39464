// The js backend's CBC encryption for runtimes whose node:crypto lacks a key size's CBC cipher
// (aes-192-cbc on Deno 2.9) is byte for byte node:crypto's own, padding included, and the codec
// takes that path on such a runtime: node:crypto is mocked here to lack a cipher, as Deno does.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

import { cbcEncrypt } from '../src/backend/js';
import { BACKEND, DAY, T0, codecOn } from './helpers/backend';

/** CBC ciphers this file's node:crypto pretends not to have: left out of getCiphers, refused by createCipheriv. */
const lacking = vi.hoisted(() => new Set<string>());

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const createCipheriv = (name: string, ...rest: unknown[]): unknown => {
    if (lacking.has(name)) throw new Error(`Unknown cipher: ${name}`);
    return (real.createCipheriv as (...args: unknown[]) => unknown)(name, ...rest);
  };
  return { ...real, getCiphers: () => real.getCiphers().filter((name) => !lacking.has(name)), createCipheriv };
});

describe(`CBC on an ECB block cipher (${BACKEND})`, () => {
  for (const bits of [128, 192, 256]) {
    it(`aes-${bits}: equals aes-${bits}-cbc for every length from 0 to 80 bytes`, () => {
      const key = randomBytes(bits / 8);
      const ecb = createCipheriv(`aes-${bits}-ecb`, key, null).setAutoPadding(false);
      for (let length = 0; length <= 80; length++) {
        const iv = randomBytes(16);
        const plain = randomBytes(length);
        const reference = createCipheriv(`aes-${bits}-cbc`, key, iv);
        const whole = Buffer.concat([reference.update(plain), reference.final()]);
        expect(cbcEncrypt(ecb, iv, plain).equals(whole), `length ${length}`).toBe(true);
      }
    });
  }

  it('a js codec built where aes-192-cbc is missing encodes through it: the same cookies, which decode', () => {
    const options = { cookieName: 's', encryptionKey: Buffer.alloc(24, 1), signatureKey: Buffer.alloc(32, 2), encryptionAlgorithm: 'aes192' } as const;
    const iv = Buffer.alloc(16, 3);
    // With the name, 4 bytes, a byte short of a block, exactly a block (a whole block of
    // padding follows), and several blocks of non-ASCII text.
    const contents = ['{}', '{"a":"xyzab"}', '{"ab":"cdefg"}', JSON.stringify({ text: 'caf\u00e9 \u4e2d '.repeat(20) })];
    const withCbc = codecOn(options, 'js');
    const expected = contents.map((json) => withCbc.encodeWithIv(json, T0, DAY, iv));
    lacking.add('aes-192-cbc');
    try {
      expect(() => createCipheriv('aes-192-cbc', options.encryptionKey, iv)).toThrow(/Unknown cipher/);
      const withoutCbc = codecOn(options, 'js');
      expect(contents.map((json) => withoutCbc.encodeWithIv(json, T0, DAY, iv))).toEqual(expected);
      expect(withoutCbc.decode(withoutCbc.encode('{"n":1}', T0, DAY), T0)).toMatchObject({ status: 'valid', json: '{"n":1}' });
      expect(withoutCbc.decode(expected[3]!, T0)).toMatchObject({ status: 'valid', json: contents[3] });
    } finally {
      lacking.clear();
    }
  });
});
