// Expiry is `createdAt + duration < now`; the refresh window is the last `activeDuration`.
import { describe, expect, it } from 'vitest';

import { BACKEND, DAY, SECRET, T0, codecOn } from './helpers/backend';

const ACTIVE = 5 * 60 * 1000;

describe(`expiry (${BACKEND})`, () => {
  const codec = codecOn({ secret: SECRET });

  it('is valid up to and including the last millisecond, expired one after', () => {
    const cookie = codec.encode('{"a":1}', T0, 1000);
    expect(codec.decode(cookie, T0 + 1000).status).toBe('valid');
    const expired = codec.decode(cookie, T0 + 1001);
    expect(expired).toMatchObject({ status: 'expired', createdAt: T0, duration: 1000, keyIndex: 0, refresh: false });
    expect(expired.json).toBeUndefined();
  });

  it('a cookie from the future is still valid (server clocks differ)', () => {
    expect(codec.decode(codec.encode('{}', T0, 1000), T0 - DAY).status).toBe('valid');
  });

  it('duration 0 lives for exactly its creation millisecond', () => {
    const cookie = codec.encode('{}', T0, 0);
    expect(codec.decode(cookie, T0).status).toBe('valid');
    expect(codec.decode(cookie, T0 + 1).status).toBe('expired');
  });

  it('reports refresh only within the last activeDuration (5 minutes by default)', () => {
    const cookie = codec.encode('{}', T0, DAY);
    const expiresAt = T0 + DAY;
    expect(codec.decode(cookie, expiresAt - ACTIVE).refresh).toBe(false);
    expect(codec.decode(cookie, expiresAt - ACTIVE + 1).refresh).toBe(true);
    expect(codec.decode(cookie, expiresAt).refresh).toBe(true);
  });

  it('honours a custom activeDuration, and 0 never refreshes', () => {
    const hour = 60 * 60 * 1000;
    const wide = codecOn({ secret: SECRET, activeDuration: hour });
    const none = codecOn({ secret: SECRET, activeDuration: 0 });
    const cookie = wide.encode('{}', T0, DAY);
    expect(wide.decode(cookie, T0 + DAY - hour + 1).refresh).toBe(true);
    expect(wide.decode(cookie, T0 + DAY - hour).refresh).toBe(false);
    expect(none.decode(cookie, T0 + DAY).refresh).toBe(false);
  });

  it('the largest safe timestamps work and never overflow into "valid"', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const cookie = codec.encode('{}', max, max);
    expect(codec.decode(cookie, max)).toMatchObject({ status: 'valid', createdAt: max, duration: max });
    const old = codec.encode('{}', 0, 0);
    expect(codec.decode(old, max).status).toBe('expired');
  });

  it('decode defaults now to the current time', () => {
    expect(codec.decode(codec.encode('{}', Date.now(), 60_000)).status).toBe('valid');
    expect(codec.decode(codec.encode('{}', Date.now() - 120_000, 60_000)).status).toBe('expired');
  });

  it('bad timestamps are refused when encoding, with a code', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => codec.encode('{}', bad, DAY)).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_TIMESTAMP' }));
      expect(() => codec.encode('{}', T0, bad)).toThrow(/duration must be a whole number of milliseconds/);
    }
    expect(() => codec.decode('x', Number.NaN)).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_TIMESTAMP' }));
    expect(codec.decode(codec.encode('{}', T0, 10), T0 + 10.9).status).toBe('valid');
  });
});
