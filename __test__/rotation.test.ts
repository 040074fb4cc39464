// Key rotation: new cookies use the first key set, every listed set is accepted, and decode
// reports which one matched so the middleware can re-issue with the current key.
import { describe, expect, it } from 'vitest';

import { BACKEND, DAY, T0, codecOn } from './helpers/backend';
import { rawKeys } from './helpers/payloads';

describe(`key rotation (${BACKEND})`, () => {
  it('a list of secrets: old cookies still read, with their key index', () => {
    const before = codecOn({ secret: 'the old secret, long and random' });
    const after = codecOn({ secret: ['the new secret, long and random', 'the old secret, long and random'] });
    const old = before.encode('{"u":1}', T0, DAY);
    expect(after.decode(old, T0)).toMatchObject({ status: 'valid', json: '{"u":1}', keyIndex: 1 });
    const fresh = after.encode('{"u":1}', T0, DAY);
    expect(after.decode(fresh, T0).keyIndex).toBe(0);
    expect(before.decode(fresh, T0)).toMatchObject({ status: 'invalid', reason: 'bad-mac' });
  });

  it('a list of raw key sets works the same way', () => {
    const [k1, k2, k3] = [rawKeys('aes256', 1), rawKeys('aes256', 2), rawKeys('aes256', 3)];
    const current = codecOn({ keys: [k1, k2, k3] });
    for (const [index, keys] of [k1, k2, k3].entries()) {
      const cookie = codecOn(keys).encode('{}', T0, DAY);
      expect(current.decode(cookie, T0)).toMatchObject({ status: 'valid', keyIndex: index });
    }
    expect(codecOn({ keys: [k2] }).decode(current.encode('{}', T0, DAY), T0).status).toBe('invalid');
  });

  it('an expired cookie under an old key is reported expired with its key index', () => {
    const before = codecOn({ secret: 'old secret' });
    const after = codecOn({ secret: ['new secret', 'old secret'] });
    expect(after.decode(before.encode('{}', T0, 10), T0 + 11)).toMatchObject({ status: 'expired', keyIndex: 1 });
  });

  it('a dropped secret no longer reads its cookies', () => {
    const old = codecOn({ secret: 'retired secret' }).encode('{}', T0, DAY);
    expect(codecOn({ secret: ['new secret'] }).decode(old, T0).reason).toBe('bad-mac');
  });
});
