// The js backend's CBC encryption for runtimes whose node:crypto lacks a key size's CBC cipher
// (aes-192-cbc on Deno 2.9) is byte for byte node:crypto's own, padding included.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { cbcEncrypt } from '../src/backend/js';
import { BACKEND } from './helpers/backend';

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
});
