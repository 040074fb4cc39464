// cookie.* options, resolved once at setup: every attribute's default, what null means, what is
// refused and with which message, and the attributes that force others (SameSite=None and
// Partitioned force Secure). The Set-Cookie they produce is in middleware-headers.test.ts.
import { describe, expect, it } from 'vitest';

import sessions from '../src/index';
import { resolveCookieOptions, serializeCookie } from '../src/cookie';
import { BACKEND, SECRET } from './helpers/backend';

const DEFAULTS = {
  path: '/',
  domain: undefined,
  httpOnly: true,
  secure: 'never',
  sameSite: undefined,
  maxAge: undefined,
  expires: undefined,
  ephemeral: false,
  partitioned: false,
  priority: undefined,
};

/** The error for cookie options, through the middleware as an application meets it. */
function refusal(cookie: unknown, cookieName?: string): Error & { code?: string } {
  try {
    sessions({ secret: SECRET, cookieName, cookie: cookie as never });
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error(`expected cookie ${String(cookie)} to be refused`);
}

function expectRefused(cookie: unknown, message: string, type: typeof Error = TypeError, cookieName?: string): void {
  const err = refusal(cookie, cookieName);
  expect(err, message).toBeInstanceOf(type);
  expect(err.code, message).toBe('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS');
  expect(err.message).toBe(`client-sessions-native: ${message}`);
}

describe(`cookie options (${BACKEND})`, () => {
  it('defaults, for no cookie option, an empty one, and null for every attribute', () => {
    expect(resolveCookieOptions(undefined)).toEqual(DEFAULTS);
    expect(resolveCookieOptions({})).toEqual(DEFAULTS);
    const allNull = Object.fromEntries(Object.keys(DEFAULTS).filter((k) => k !== 'path' && k !== 'domain').map((k) => [k, null]));
    expect(resolveCookieOptions(allNull)).toEqual(DEFAULTS);
    expect(resolveCookieOptions({ secure: false, sameSite: false, httpOnly: false })).toEqual({ ...DEFAULTS, httpOnly: false });
  });

  it('cookie itself must be an object', () => {
    expectRefused(null, 'cookie must be an object of cookie attributes, got null');
    expectRefused('strict', 'cookie must be an object of cookie attributes, got a string');
    expectRefused(7, 'cookie must be an object of cookie attributes, got 7');
  });

  it('secure: true, false, "auto"; SameSite=None and Partitioned force it unless it is already set', () => {
    expect(resolveCookieOptions({ secure: true }).secure).toBe('always');
    expect(resolveCookieOptions({ secure: 'auto' }).secure).toBe('auto');
    expect(resolveCookieOptions({ sameSite: 'none' }).secure).toBe('always');
    expect(resolveCookieOptions({ partitioned: true }).secure).toBe('always');
    expect(resolveCookieOptions({ sameSite: 'none', secure: 'auto' }).secure).toBe('auto');
    expect(resolveCookieOptions({ partitioned: true, secure: 'auto' }).secure).toBe('auto');
    expect(resolveCookieOptions({ sameSite: 'lax' }).secure).toBe('never');
    expectRefused({ secure: 'yes' }, "cookie.secure must be true, false or 'auto', got a string");
    expectRefused({ secure: 1 }, "cookie.secure must be true, false or 'auto', got 1");
  });

  it('sameSite: any case of strict, lax or none, true for strict, false for none; anything else is named', () => {
    for (const [given, resolved] of [['Strict', 'strict'], ['LAX', 'lax'], ['none', 'none'], [true, 'strict'], [false, undefined]] as const) {
      expect(resolveCookieOptions({ sameSite: given as never }).sameSite, String(given)).toBe(resolved);
    }
    expectRefused({ sameSite: 'sometimes' }, `cookie.sameSite must be 'strict', 'lax', 'none', true or false, got "sometimes"`);
    expectRefused({ sameSite: 5 }, `cookie.sameSite must be 'strict', 'lax', 'none', true or false, got 5`);
    expectRefused({ sameSite: {} }, `cookie.sameSite must be 'strict', 'lax', 'none', true or false, got an object`);
  });

  it('priority: any case of low, medium or high; anything else is named', () => {
    for (const [given, resolved] of [['low', 'low'], ['Medium', 'medium'], ['HIGH', 'high']] as const) {
      expect(resolveCookieOptions({ priority: given as never }).priority, given).toBe(resolved);
    }
    expectRefused({ priority: 'urgent' }, `cookie.priority must be 'low', 'medium' or 'high', got "urgent"`);
    expectRefused({ priority: 3 }, `cookie.priority must be 'low', 'medium' or 'high', got 3`);
    expectRefused({ priority: true }, `cookie.priority must be 'low', 'medium' or 'high', got a boolean`);
  });

  it('path and domain: strings of printable ASCII without ";", anything else is named', () => {
    expect(resolveCookieOptions({ path: '/app', domain: 'example.com' })).toMatchObject({ path: '/app', domain: 'example.com' });
    expect(resolveCookieOptions({ path: '' }).path).toBe('');
    expect(resolveCookieOptions({ path: ' !"#$%&\'()*+,-./09:<=>?@AZ[\\]^_`az{|}~' }).path).toBe(' !"#$%&\'()*+,-./09:<=>?@AZ[\\]^_`az{|}~');
    expectRefused({ path: '/a;b' }, `cookie.path must be a string of printable ASCII without ';', got "/a;b"`);
    expectRefused({ path: 5 }, `cookie.path must be a string of printable ASCII without ';', got 5`);
    expectRefused({ path: ['/'] }, `cookie.path must be a string of printable ASCII without ';', got an array`);
    expectRefused({ domain: 'caf\u00e9.example' }, `cookie.domain must be a string of printable ASCII without ';', got "caf\u00e9.example"`);
    expectRefused({ domain: 'a\x7f' }, `cookie.domain must be a string of printable ASCII without ';', got "a\x7f"`);
    expectRefused({ domain: null }, `cookie.domain must be a string of printable ASCII without ';', got null`);
  });

  it('the flags are booleans, and each message names its flag', () => {
    expect(resolveCookieOptions({ httpOnly: false, ephemeral: true, partitioned: true })).toMatchObject({ httpOnly: false, ephemeral: true, partitioned: true });
    expectRefused({ httpOnly: 'true' }, 'cookie.httpOnly must be true or false, got a string');
    expectRefused({ ephemeral: 1 }, 'cookie.ephemeral must be true or false, got 1');
    expectRefused({ partitioned: 'yes' }, 'cookie.partitioned must be true or false, got a string');
  });

  it('maxAge: whole milliseconds above 0 up to 10^15, never with ephemeral', () => {
    expect(resolveCookieOptions({ maxAge: 1 }).maxAge).toBe(1);
    expect(resolveCookieOptions({ maxAge: 1e15 }).maxAge).toBe(1e15);
    const range = 'cookie.maxAge must be a whole number of milliseconds above 0 up to 1000000000000000, got';
    for (const [bad, got] of [[0, '0'], [-1, '-1'], [1.5, '1.5'], [1e15 + 1, '1000000000000001'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], ['1000', 'a string'], [true, 'a boolean']] as const) {
      expectRefused({ maxAge: bad }, `${range} ${got}`);
    }
    expectRefused({ ephemeral: true, maxAge: 1000 }, 'you cannot have an ephemeral cookie with a maxAge: remove one of cookie.ephemeral and cookie.maxAge', Error);
  });

  it('expires: a valid Date, kept as given', () => {
    const when = new Date(Date.UTC(2031, 4, 6, 7, 8, 9));
    expect(resolveCookieOptions({ expires: when }).expires).toBe(when);
    for (const bad of ['2031-05-06', 1_950_000_000_000, new Date(Number.NaN), {}]) {
      expectRefused({ expires: bad }, 'cookie.expires must be a valid Date');
    }
  });

  it('a __Secure- or __Host- name (in any case) is always Secure: secure: false is refused, naming the prefix', () => {
    for (const [cookieName, prefix] of [['__Secure-sid', '__Secure-'], ['__SECURE-sid', '__Secure-'], ['__Host-sid', '__Host-'], ['__host-sid', '__Host-']] as const) {
      expect(resolveCookieOptions({}, cookieName).secure, cookieName).toBe('always');
      expect(resolveCookieOptions({ secure: 'auto' }, cookieName).secure, cookieName).toBe('always');
      expectRefused(
        { secure: false },
        `a cookie named ${prefix}… must be Secure, or browsers drop it: remove cookie.secure: false, or rename the cookie`,
        Error,
        cookieName,
      );
    }
  });

  it('serializeCookie writes the attributes in the order client-sessions does, lower case', () => {
    const all = resolveCookieOptions({ path: '/p', domain: 'example.com', priority: 'high', sameSite: 'lax', partitioned: true, secure: true });
    expect(serializeCookie('s', 'v', all, new Date(0), true)).toBe('s=v; path=/p; expires=Thu, 01 Jan 1970 00:00:00 GMT; domain=example.com; priority=high; samesite=lax; secure; httponly; partitioned');
    expect(serializeCookie('s', 'v', resolveCookieOptions({ httpOnly: false }), undefined, false)).toBe('s=v; path=/');
  });
});
