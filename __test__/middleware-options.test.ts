// The middleware's own options: checked at setup, with messages that say what to change.
import { describe, expect, it } from 'vitest';

import sessions, { createCodec } from '../src/index';
import { BACKEND, SECRET } from './helpers/backend';
import { Browser, parseSetCookie, sendJson, startApp } from './helpers/http';

function refusal(options: unknown): Error & { code?: string } {
  try {
    sessions(options as never);
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the options to be refused');
}

/** The Set-Cookie line a middleware with `options` writes for a request that stores `{ n: 1 }`. */
async function cookieWrittenWith(options: Parameters<typeof sessions>[0]): Promise<string> {
  const app = await startApp('http', [sessions(options)], {
    '/': (req, res) => {
      req[options.requestKey ?? options.cookieName ?? 'session_state'].n = 1;
      res.end();
    },
  });
  try {
    const reply = await new Browser(app.url).get('/');
    expect(reply.setCookies).toHaveLength(1);
    return reply.setCookies[0]!;
  } finally {
    await app.close();
  }
}

describe(`middleware options (${BACKEND})`, () => {
  it('needs options with keys', () => {
    for (const missing of [undefined, null]) {
      const err = refusal(missing);
      expect(err).toBeInstanceOf(TypeError);
      expect(err).toMatchObject({
        code: 'ERR_CLIENT_SESSIONS_OPTIONS',
        message: 'client-sessions-native: no options provided: pass at least { secret }, e.g. sessions({ cookieName: "session", secret: process.env.SESSION_SECRET })',
      });
    }
    expect(refusal({ cookieName: 'x' })).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_NO_KEYS' });
  });

  it('options that are not an object say so, and show the object they should be', () => {
    const cases: Array<[unknown, string]> = [
      ['my secret', 'a string'],
      [42, '42'],
      [[{ secret: SECRET }], 'an array'],
      [true, 'a boolean'],
    ];
    for (const [options, got] of cases) {
      const err = refusal(options);
      expect(err).toBeInstanceOf(TypeError);
      expect(err).toMatchObject({
        code: 'ERR_CLIENT_SESSIONS_OPTIONS',
        message: `client-sessions-native: options must be an object such as { cookieName: "session", secret: process.env.SESSION_SECRET }, got ${got}`,
      });
      expect(err.message).not.toContain('my secret');
    }
  });

  it('checks duration, requestKey, proxy and onError', () => {
    expect(refusal({ secret: SECRET, duration: -5 })).toMatchObject({
      code: 'ERR_CLIENT_SESSIONS_DURATION',
      message: 'client-sessions-native: duration must be a whole number of milliseconds above 0 up to 1000000000000000 (about 31,700 years), got -5',
    });
    expect(refusal({ secret: SECRET, duration: '1d' })).toMatchObject({
      code: 'ERR_CLIENT_SESSIONS_DURATION',
      message: 'client-sessions-native: duration must be a whole number of milliseconds above 0 up to 1000000000000000 (about 31,700 years), got a string',
    });
    expect(refusal({ secret: SECRET, duration: '1d' })).toBeInstanceOf(TypeError);
    expect(refusal({ secret: SECRET, requestKey: '' })).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_REQUEST_KEY' });
    expect(refusal({ secret: SECRET, proxy: 'yes' })).toMatchObject({ message: expect.stringMatching(/proxy must be true or false/) });
    expect(refusal({ secret: SECRET, onError: 'log' })).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_ON_ERROR' });
  });

  it('duration 0 is refused, saying what client-sessions made of it', async () => {
    // client-sessions read `opts.duration || 24h`: 0 was its 24-hour default.
    const err = refusal({ secret: SECRET, duration: 0 });
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({
      code: 'ERR_CLIENT_SESSIONS_DURATION',
      message:
        'client-sessions-native: duration must be a whole number of milliseconds above 0 up to 1000000000000000 (about 31,700 years), got 0 (client-sessions treated 0 as its 24-hour default: leave duration out, or write 86400000, for the same lifetime)',
    });
    // The shortest duration is taken as given: 1 ms, in the cookie's duration field.
    expect(parseSetCookie(await cookieWrittenWith({ secret: SECRET, duration: 1 })).cookie.value.split('.')[3]).toBe('1');
  });

  it('every duration is bounded, so every date the middleware computes is a valid, exact one', async () => {
    // 10^15 ms: now + duration + activeDuration + 1 s stays a valid Date (< 8.64e15) and an exact integer.
    const before = Date.now();
    const longest = parseSetCookie(await cookieWrittenWith({ secret: SECRET, duration: 1e15, activeDuration: 1e15, cookie: { maxAge: 1e15 } })).cookie;
    expect(longest.value.split('.')[3]).toBe('1000000000000000');
    expect(Date.parse(longest.attributes.expires as string)).toBeGreaterThanOrEqual(Math.floor((before + 1e15) / 1000) * 1000);
    const widest = parseSetCookie(await cookieWrittenWith({ secret: SECRET, duration: 1e15 })).cookie;
    expect(Date.parse(widest.attributes.expires as string)).toBeGreaterThanOrEqual(Math.floor((before + 1e15 + 1000) / 1000) * 1000);
    for (const options of [
      { duration: 1e15 + 1 },
      { duration: 8.7e15 },
      { activeDuration: 1e15 + 1 },
      { activeDuration: Number.MAX_SAFE_INTEGER },
      { cookie: { maxAge: 1e15 + 1 } },
    ]) {
      expect(refusal({ secret: SECRET, ...options }).message, JSON.stringify(options)).toMatch(/up to 1000000000000000/);
    }
  });

  it('checks cookie attributes, so nothing can inject into the header', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['nope', /cookie must be an object/],
      [{ path: '/a; Domain=evil.example' }, /cookie.path must be a string of printable ASCII without ';'/],
      [{ path: '/a\r\nSet-Cookie: x=1' }, /cookie.path/],
      [{ domain: 'example.com\n' }, /cookie.domain/],
      [{ sameSite: 'sometimes' }, /cookie.sameSite must be 'strict', 'lax', 'none', true or false, got "sometimes"/],
      [{ priority: 'urgent' }, /cookie.priority must be 'low', 'medium' or 'high'/],
      [{ httpOnly: 'true' }, /cookie.httpOnly must be true or false/],
      [{ secure: 'yes' }, /^client-sessions-native: cookie\.secure must be true, false or 'auto', got a string$/],
      [{ secure: 1 }, /^client-sessions-native: cookie\.secure must be true, false or 'auto', got 1$/],
      [{ maxAge: -1 }, /cookie.maxAge must be a whole number of milliseconds above 0/],
      [{ expires: 'tomorrow' }, /cookie.expires must be a valid Date/],
      [{ ephemeral: true, maxAge: 1000 }, /you cannot have an ephemeral cookie with a maxAge/],
    ];
    for (const [cookie, message] of cases) {
      const err = refusal({ secret: SECRET, cookie });
      expect(err.message, JSON.stringify(cookie)).toMatch(message);
      expect(err.message).toMatch(/^client-sessions-native: /);
      expect(err.code).toBe('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS');
    }
  });

  it('accepts the full set of client-sessions options, and each one takes effect', async () => {
    const middleware = sessions({
      cookieName: 'mySession',
      requestKey: 'session',
      secret: SECRET,
      duration: 24 * 60 * 60 * 1000,
      activeDuration: 0,
      encryptionAlgorithm: 'aes256',
      signatureAlgorithm: 'sha256-drop128',
      cookie: { path: '/api', domain: 'example.com', httpOnly: true, secure: false, sameSite: 'strict', maxAge: 14 * 24 * 60 * 60 * 1000 },
    });
    expect(middleware.length).toBe(3);
    const app = await startApp('http', [middleware], {
      '/': (req, res) => {
        req.session.user = 'ada';
        sendJson(res, { underRequestKey: typeof req.session.setDuration, underCookieName: req.mySession ?? null });
      },
    });
    try {
      const before = Date.now();
      const reply = await new Browser(app.url).get('/');
      expect(JSON.parse(reply.body)).toEqual({ underRequestKey: 'function', underCookieName: null });
      expect(reply.setCookies).toHaveLength(1);
      const { name, cookie } = parseSetCookie(reply.setCookies[0]!);
      expect(name).toBe('mySession');
      expect(reply.setCookies[0]).toMatch(/^mySession=[^;]+; path=\/api; expires=[^;]+; domain=example\.com; samesite=strict; httponly$/);
      // maxAge: Expires is 14 days from now, not the one-day session's end.
      const expires = Date.parse(cookie.attributes.expires as string);
      expect(expires).toBeGreaterThanOrEqual(Math.floor((before + 14 * 86_400_000) / 1000) * 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 14 * 86_400_000);
      // sha256-drop128: a 16-byte tag (22 characters); the duration field is the one given.
      const fields = cookie.value.split('.');
      expect(fields[3]).toBe('86400000');
      expect(fields[4]).toHaveLength(22);
      const codec = createCodec({ cookieName: 'mySession', secret: SECRET, signatureAlgorithm: 'sha256-drop128', activeDuration: 0 });
      expect(codec.decode(cookie.value)).toMatchObject({ status: 'valid', json: '{"user":"ada"}', refresh: false });
    } finally {
      await app.close();
    }
  });

  it('does not modify the options object it is given', () => {
    const options = { secret: SECRET, cookie: { path: '/' } };
    const snapshot = JSON.stringify(options);
    sessions(options);
    expect(JSON.stringify(options)).toBe(snapshot);
  });
});
