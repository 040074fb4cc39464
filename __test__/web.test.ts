// client-sessions-native/web through its own API: load() from a Request, a Headers, a Cookie
// header string or nothing; setCookies(), commit(), remove() and replace(); what it refuses;
// secure detection; hostile cookies; the session handle as a plain object. The shared behaviour
// specs (middleware-*, idioms, pollution, hardening-http, ...) run on a fetch handler over this
// store too, through helpers/web-app.ts.
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createSessionStore, type SessionProblem, type WebSessionOptions } from '../src/web.js'; // .js: web.ts (vite would take web.mts)
import { BACKEND, SECRET, codecOn } from './helpers/backend';
import { parseSetCookie } from './helpers/http';

const HOUR = 60 * 60 * 1000;
const codec = codecOn({ cookieName: 'session', secret: SECRET });
const cookieOf = (content: object, createdAt = Date.now(), duration = HOUR): string => `session=${codec.encode(JSON.stringify(content), createdAt, duration)}`;

function store(options: Partial<WebSessionOptions> = {}, problems?: SessionProblem[]) {
  return createSessionStore({ cookieName: 'session', secret: SECRET, ...(problems ? { onError: (e: SessionProblem) => problems.push(e) } : {}), ...options });
}

/** The content a Set-Cookie line of ours carries. */
function contentOf(line: string | undefined): unknown {
  expect(line).toBeDefined();
  const decoded = codec.decode(parseSetCookie(line!).cookie.value);
  return decoded.status === 'valid' ? JSON.parse(decoded.json) : decoded.status;
}

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe(`client-sessions-native/web (${BACKEND})`, () => {
  it('runs on the project backend and names its cookie', () => {
    const s = store();
    expect(s.backend).toBe(BACKEND);
    expect(s.cookieName).toBe('session');
    expect(createSessionStore({ secret: SECRET }).cookieName).toBe('session_state');
  });

  it('loads from a Request, a Headers, a Cookie header string, and nothing', () => {
    const s = store();
    const cookie = `theme=dark; ${cookieOf({ user: 'ada' })}; lang=en`;
    expect({ ...s.load(new Request('https://app.example/', { headers: { cookie } })) }).toEqual({ user: 'ada' });
    expect({ ...s.load(new Headers({ cookie })) }).toEqual({ user: 'ada' });
    expect({ ...s.load(cookie) }).toEqual({ user: 'ada' });
    for (const none of [null, undefined, '', new Headers(), new Request('http://app.example/')]) {
      const session = s.load(none);
      expect({ ...session }).toEqual({});
      expect(s.setCookies(session)).toEqual([]);
    }
    // Recognised by shape: a Request or Headers of another implementation works too.
    const foreign = { url: 'http://app.example/', headers: { get: (name: string) => (name === 'cookie' ? cookie : null) } };
    expect(s.load(foreign as never).user).toBe('ada');
  });

  it('refuses what it cannot read a Cookie header from, with a coded TypeError', () => {
    const s = store();
    const cases: Array<[unknown, string]> = [
      [42, 'a number'],
      [{ cookie: 'session=x' }, 'an object that is neither a Request nor a Headers'],
      [['session=x'], 'an array'],
      [{ headers: { cookie: 'session=x' }, url: 'http://x/' }, 'an object that is neither a Request nor a Headers'],
      [true, 'a boolean'],
    ];
    for (const [input, what] of cases) {
      const err = thrown(() => s.load(input as never));
      expect(err, what).toBeInstanceOf(TypeError);
      expect(err).toMatchObject({
        code: 'ERR_CLIENT_SESSIONS_ARGUMENT',
        message: `client-sessions-native: load() takes a Request, a Headers, a Cookie header string, or null, got ${what}`,
      });
    }
  });

  it("refuses a session of another store, or anything that is not a session, in every method", () => {
    const a = store();
    const b = createSessionStore({ cookieName: 'other', secret: SECRET });
    const foreign = b.load(null);
    foreign.x = 1;
    const calls: Record<string, (session: any) => unknown> = {
      setCookies: (session) => a.setCookies(session),
      commit: (session) => a.commit(session, new Headers()),
      remove: (session) => a.remove(session),
      replace: (session) => a.replace(session, {}),
    };
    for (const [method, call] of Object.entries(calls)) {
      for (const [session, what] of [[foreign, "a session of the other cookie's store"], [{ x: 1 }, 'another object'], [null, 'null'], ['s', 'a string']] as const) {
        const err = thrown(() => call(session));
        expect(err, `${method} ${what}`).toBeInstanceOf(TypeError);
        expect(err).toMatchObject({
          code: 'ERR_CLIENT_SESSIONS_ARGUMENT',
          message: `client-sessions-native: ${method}() takes a session returned by this store's load() (for the session cookie), got ${what}`,
        });
      }
    }
    // The other store's session was left alone.
    expect(b.setCookies(foreign)).toHaveLength(1);
  });

  it('setCookies is empty when nothing changed, gives the cookie after a change, then is empty until the next change', () => {
    const s = store();
    const session = s.load(cookieOf({ n: 1 }));
    void session.n;
    JSON.stringify(session);
    session.n = 1; // the same value: no change
    expect(s.setCookies(session)).toEqual([]);
    session.n = 2;
    const first = s.setCookies(session);
    expect(first).toHaveLength(1);
    expect(contentOf(first[0])).toEqual({ n: 2 });
    expect(s.setCookies(session)).toEqual([]);
    // The store leaves the session open: a later change gives the cookie again, and no report.
    session.n = 3;
    const again = s.setCookies(session);
    expect(contentOf(again[0])).toEqual({ n: 3 });
  });

  it('commit appends to the headers, keeping other Set-Cookie values and replacing an earlier one of ours', () => {
    const s = store();
    const session = s.load(null);
    session.user = 'ada';
    const response = new Response('ok', { headers: [['set-cookie', 'theme=dark; Path=/'], ['set-cookie', 'session=stale; Path=/'], ['set-cookie', 'lang=en']] });
    const written = s.commit(session, response.headers);
    expect(written).toHaveLength(1);
    const lines = response.headers.getSetCookie();
    expect(lines.map((l) => parseSetCookie(l).name)).toEqual(['theme', 'lang', 'session']);
    expect(lines[2]).toBe(written[0]);
    expect(contentOf(lines[2])).toEqual({ user: 'ada' });
    // Unchanged since: nothing added, nothing taken away.
    expect(s.commit(session, response.headers)).toEqual([]);
    expect(response.headers.getSetCookie()).toEqual(lines);
    // Changed again, committed to the same headers: still one cookie of ours, the newer one.
    session.user = 'grace';
    s.commit(session, response.headers);
    const after = response.headers.getSetCookie();
    expect(after.map((l) => parseSetCookie(l).name)).toEqual(['theme', 'lang', 'session']);
    expect(contentOf(after[2])).toEqual({ user: 'grace' });
  });

  it('commit to headers that cannot change (Response.redirect) or to no Headers is a coded TypeError', () => {
    const s = store();
    const session = s.load(null);
    session.user = 'ada';
    const redirect = Response.redirect('https://app.example/home', 302);
    const err = thrown(() => s.commit(session, redirect.headers));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.code).toBe('ERR_CLIENT_SESSIONS_ARGUMENT');
    expect(err.message).toMatch(/^client-sessions-native: commit\(\) could not add the session cookie to these headers \(.+\): commit to the headers of a Response you make, e\.g\. new Response\(body, \{ status: 302, headers: \{ location \} \}\)$/);
    for (const [headers, what] of [[{}, 'another object'], [null, 'null'], [undefined, 'a undefined']] as const) {
      expect(thrown(() => s.commit(session, headers as never))).toMatchObject({
        code: 'ERR_CLIENT_SESSIONS_ARGUMENT',
        message: `client-sessions-native: commit() appends to a Headers (e.g. response.headers), got ${what}`,
      });
    }
  });

  it('remove() expires the cookie; the session stays the same object, empty, and a write after it is a new session', () => {
    const s = store();
    const session = s.load(cookieOf({ user: 'ada' }));
    s.remove(session);
    expect({ ...session }).toEqual({});
    expect(typeof session.reset).toBe('function');
    expect(s.setCookies(session)).toEqual(['session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly']);
    session.user = 'grace';
    const [line] = s.setCookies(session);
    expect(contentOf(line)).toEqual({ user: 'grace' });
  });

  it('replace() swaps the content for an object, keeps the lifetime and the object, and refuses non-objects', () => {
    const s = store();
    const createdAt = Date.now() - HOUR / 2;
    const session = s.load(cookieOf({ user: 'ada', cart: [1] }, createdAt));
    s.replace(session, { theme: 'dark', reset: 'x', save: 1 } as never);
    expect(Object.keys(session)).toEqual(['theme']);
    expect(typeof session.reset).toBe('function');
    const [line] = s.setCookies(session);
    expect(contentOf(line)).toEqual({ theme: 'dark' });
    expect(parseSetCookie(line!).cookie.value.split('.')[2]).toBe(String(createdAt));
    for (const value of [5, 'x', [1], true, new Date(0)]) {
      expect(thrown(() => s.replace(session, value as never))).toMatchObject({ name: 'TypeError', message: 'cannot set client-session to non-object' });
    }
    // Given itself back, the session is unchanged and not rewritten.
    s.replace(session, session);
    expect(s.setCookies(session)).toEqual([]);
  });

  it('regenerate() and reset() keep the handle valid: the same object is the new session', async () => {
    const s = store();
    const session = s.load(cookieOf({ user: 'ada', keep: 1 }, Date.now() - HOUR / 2));
    const before = Date.now();
    await session.regenerate();
    expect({ ...session }).toEqual({});
    session.user = 'grace';
    const [line] = s.setCookies(session);
    expect(contentOf(line)).toEqual({ user: 'grace' });
    expect(Number(parseSetCookie(line!).cookie.value.split('.')[2])).toBeGreaterThanOrEqual(before);
    session.reset(['user']);
    session.extra = true;
    expect(contentOf(s.setCookies(session)[0])).toEqual({ user: 'grace', extra: true });
  });

  describe('the Secure attribute', () => {
    // A Secure cookie on plain HTTP is also a process warning (idioms.test.ts); not printed here.
    beforeEach(() => void vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined));
    afterEach(() => vi.restoreAllMocks());
    const secureOf = (lines: string[]) => lines.map((l) => parseSetCookie(l).cookie.attributes.secure ?? false);

    it('follows an https: Request URL, and X-Forwarded-Proto only with proxy: true', () => {
      const problems: SessionProblem[] = [];
      const auto = store({ cookie: { secure: 'auto' } });
      const always = store({ cookie: { secure: true } }, problems);
      const proxied = store({ cookie: { secure: 'auto' }, proxy: true });
      const write = (s: ReturnType<typeof store>, input: Request | Headers | string) => {
        const session = s.load(input);
        session.x = 1;
        return s.setCookies(session);
      };
      const forwarded = (proto: string) => new Request('http://app.example/', { headers: { 'x-forwarded-proto': proto } });
      expect(secureOf(write(auto, new Request('https://app.example/')))).toEqual([true]);
      expect(secureOf(write(auto, new Request('http://app.example/')))).toEqual([false]);
      expect(secureOf(write(auto, forwarded('https')))).toEqual([false]);
      expect(secureOf(write(proxied, forwarded('https, http')))).toEqual([true]);
      expect(secureOf(write(proxied, forwarded('http')))).toEqual([false]);
      expect(secureOf(write(always, new Request('https://app.example/')))).toEqual([true]);
      // Secure on plain HTTP: not sent, and reported with the Request.
      const plain = new Request('http://app.example/');
      expect(write(always, plain)).toEqual([]);
      expect(problems.map((p) => p.code)).toEqual(['ERR_CLIENT_SESSIONS_INSECURE_CONNECTION']);
    });

    it('a Headers or a header string says nothing about the connection: written as configured', () => {
      const write = (options: Partial<WebSessionOptions>, input: Headers | string) => {
        const s = store(options);
        const session = s.load(input);
        session.x = 1;
        return s.setCookies(session);
      };
      for (const input of [new Headers(), '']) {
        expect(secureOf(write({ cookie: { secure: true } }, input))).toEqual([true]);
        expect(secureOf(write({ cookie: { secure: 'auto' } }, input))).toEqual([true]);
        expect(secureOf(write({}, input))).toEqual([false]);
      }
      // Unless proxy: true and the Headers carry X-Forwarded-Proto.
      expect(secureOf(write({ cookie: { secure: 'auto' }, proxy: true }, new Headers({ 'x-forwarded-proto': 'http' })))).toEqual([false]);
      expect(write({ cookie: { secure: true }, proxy: true }, new Headers({ 'x-forwarded-proto': 'http' }))).toEqual([]);
      // proxy: true changes nothing without the header, nor for a string or nothing at all; and
      // without proxy: true the header is not read (found by mutation testing).
      for (const input of [new Headers(), 'a=b', null] as const) {
        expect(secureOf(write({ cookie: { secure: true }, proxy: true }, input as Headers | string)), String(input)).toEqual([true]);
      }
      expect(secureOf(write({ cookie: { secure: true } }, new Headers({ 'x-forwarded-proto': 'http' })))).toEqual([true]);
    });

    it('reads the first X-Forwarded-Proto entry whatever its spacing and case', () => {
      const s = store({ cookie: { secure: 'auto' }, proxy: true });
      for (const proto of ['https , http', ' HTTPS', 'Https']) {
        const session = s.load(new Request('http://app.example/', { headers: { 'x-forwarded-proto': proto } }));
        session.x = 1;
        expect(secureOf(s.setCookies(session)), proto).toEqual([true]);
      }
    });
  });

  it('hostile cookies (tampered, truncated, oversized, expired, garbage) give an empty session, never a throw', () => {
    const problems: SessionProblem[] = [];
    const seen: unknown[] = [];
    const s = createSessionStore({ cookieName: 'session', secret: SECRET, onError: (e, input) => (problems.push(e), seen.push(input)) });
    const good = codec.encode('{"user":"ada"}', Date.now(), HOUR);
    const tampered = good.slice(0, 30) + (good[30] === 'A' ? 'B' : 'A') + good.slice(31);
    const hostile: Record<string, string> = {
      tampered,
      truncated: good.slice(0, -6),
      oversized: `${good}${'x'.repeat(20_000)}`,
      expired: codec.encode('{"user":"ada"}', Date.now() - 2 * HOUR, HOUR),
      garbage: '\u00ff\u00fe%%%;;',
      'foreign name': codecOn({ cookieName: 'other', secret: SECRET }).encode('{"user":"ada"}', Date.now(), HOUR),
      'not an object': codec.encode('[1,2]', Date.now(), HOUR),
    };
    for (const [what, value] of Object.entries(hostile)) {
      problems.length = 0;
      const request = new Request('http://app.example/', { headers: { cookie: `session=${value}` } });
      const session = s.load(request);
      expect({ ...session }, what).toEqual({});
      expect(session.user, what).toBeUndefined();
      // Used, so replaced by an empty session of our own.
      expect(contentOf(s.setCookies(session)[0]), what).toEqual({});
      expect(problems.map((p) => [p.code, p.level]), what).toEqual([['ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug']]);
      expect(seen.at(-1), what).toBe(request);
    }
  });

  it('decodes lazily: a tampered cookie is reported on first use, not at load()', () => {
    const problems: SessionProblem[] = [];
    const s = store({}, problems);
    const good = codec.encode('{"n":1}', Date.now(), HOUR);
    const session = s.load(`session=${good.slice(0, -3)}abc`);
    expect(problems).toEqual([]);
    // Sending nothing for an unused session does not decode it either.
    const unused = s.load(`session=${good.slice(0, -3)}abc`);
    expect(s.setCookies(unused)).toEqual([]);
    expect(problems).toEqual([]);
    void session.n;
    expect(problems.map((p) => p.reason)).toEqual(['bad-mac']);
    void session.n;
    expect(problems).toHaveLength(1);
  });

  it('the handle looks like a plain object: keys, JSON, spread, entries, in, inspect', () => {
    const s = store();
    const session = s.load(cookieOf({ a: 1, b: { c: [1] } }));
    expect(Object.keys(session)).toEqual(['a', 'b']);
    expect(JSON.stringify(session)).toBe('{"a":1,"b":{"c":[1]}}');
    expect({ ...session }).toEqual({ a: 1, b: { c: [1] } });
    expect(Object.entries(session)).toEqual([['a', 1], ['b', { c: [1] }]]);
    expect(['a' in session, 'reset' in session, 'missing' in session]).toEqual([true, true, false]);
    expect(Object.getPrototypeOf(session)).toBe(Object.prototype);
    expect(Array.isArray(session)).toBe(false);
    expect(Object.prototype.toString.call(session)).toBe('[object Object]');
    const inKeys: string[] = [];
    for (const key in session) inKeys.push(key);
    expect(inKeys).toEqual(['a', 'b']);
    // console.log shows the data, not the handle's empty target.
    expect(inspect(session)).toBe("{ a: 1, b: { c: [ 1 ] } }");
    expect(inspect({ session })).toBe(inspect({ session: { a: 1, b: { c: [1] } } }));
    expect(thrown(() => ((session as any).reset = 1))).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_RESERVED_KEY' });
    expect(thrown(() => Object.setPrototypeOf(session, { admin: true }))).toBeInstanceOf(TypeError);
    expect(thrown(() => Object.freeze(session))).toBeInstanceOf(TypeError);
    // Defined and deleted properties go to the session.
    Object.defineProperty(session, 'd', { value: 4, enumerable: true, writable: true });
    delete session.a;
    expect(contentOf(s.setCookies(session)[0])).toEqual({ b: { c: [1] }, d: 4 });
  });

  it('prototype pollution through the handle neither pollutes nor persists', () => {
    const s = store();
    const hostile = '{"__proto__":{"polluted":"root"},"constructor":{"prototype":{"polluted":"ctor"}},"n":1}';
    const session = s.load(`session=${codec.encode(hostile, Date.now(), HOUR)}`) as any;
    try {
      expect(Object.keys(session)).toEqual(['constructor', 'n']);
      // The constructor key is data, and reading through it reaches no prototype.
      expect(session.constructor).toEqual({ prototype: { polluted: 'ctor' } });
      session.__proto__ = { polluted: 'set' };
      session['__proto__'] = { polluted: 'set by key' };
      Object.defineProperty(session, '__proto__', { value: { polluted: 'defined' }, enumerable: true });
      Object.assign(session, JSON.parse('{"__proto__":{"polluted":"assigned"},"m":2}'));
      session.nested = JSON.parse('{"__proto__":{"polluted":"nested"},"x":1}');
      s.replace(session, JSON.parse('{"__proto__":{"polluted":"replaced"},"kept":true,"inner":{"__proto__":{"polluted":"deep"}}}'));
      expect(session.__proto__).toBeUndefined();
      expect(session.inner.__proto__).toBeUndefined();
      expect(session.polluted).toBeUndefined();
      expect(({} as any).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(Object.assign({}, session))).toBe(Object.prototype);
      const [line] = s.setCookies(session);
      const decoded = codec.decode(parseSetCookie(line!).cookie.value);
      expect(decoded.status === 'valid' && decoded.json).toBe('{"kept":true,"inner":{}}');
    } finally {
      delete (Object.prototype as any).polluted;
    }
  });

  it('onError receives the input given to load()', () => {
    const inputs: unknown[] = [];
    const s = createSessionStore({ cookieName: 'session', secret: SECRET, onError: (_e, input) => inputs.push(input) });
    const headers = new Headers({ cookie: 'session=garbage' });
    void s.load(headers).x;
    void s.load('session=garbage').x;
    expect(inputs).toEqual([headers, 'session=garbage']);
    expect(inputs[0]).toBe(headers);
  });
});
