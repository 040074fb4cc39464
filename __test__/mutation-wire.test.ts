// A wire-format case no other spec pinned (mutation testing found it: scripts/mutation-equivalent.md).
// An authentic value whose ciphertext field is empty is malformed on both backends, as the Rust
// core's parser has it: it never reaches the expiry check or decryption, where the js backend's
// CBC would have read zero blocks as a plaintext too short for the cookie name.
import { describe, expect, it } from 'vitest';

import { BACKEND, DAY, OTHER_BACKEND, SECRET, T0, codecOn } from './helpers/backend';

describe(`wire format (${BACKEND}, compared with ${OTHER_BACKEND})`, () => {
  it('an authentic value with an empty ciphertext is malformed, in date or past it', () => {
    const options = { cookieName: 's', secret: SECRET };
    const iv = Buffer.alloc(16, 7);
    for (const codec of [codecOn(options), codecOn(options, OTHER_BACKEND)]) {
      // The MAC is right for these fields: only the empty ciphertext is wrong.
      const tag = codec.computeMac(0, iv, Buffer.alloc(0), String(T0), String(DAY));
      const value = `${iv.toString('base64url')}..${T0}.${DAY}.${tag.toString('base64url')}`;
      for (const now of [T0, T0 + 2 * DAY]) {
        expect(codec.decode(value, now), `${codec.backend} at ${now}`).toEqual({ status: 'invalid', reason: 'malformed', createdAt: 0, duration: 0, issuedAt: 0, format: 0, keyIndex: 0, chunkCookies: 0, refresh: false });
        expect(codec.decodeFromHeader(`s=${value}`, now), `${codec.backend} at ${now}`).toMatchObject({ status: 'invalid', reason: 'malformed' });
      }
    }
  });
});
