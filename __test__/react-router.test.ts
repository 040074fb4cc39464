// client-sessions-native/react-router: React Router's SessionStorage over the session core, on
// React Router 7 and 8 (each spec body runs on both, with that version's own createSession and
// isSession). Lifetimes are checked against the encoded createdAt and the Expires attribute with
// a fake clock; wire compatibility against the Express middleware over real HTTP; the example app
// (examples/react-router) through its loaders and actions with real Requests.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { sessionStorageWith, type ReactRouterSessionApi, type ReactRouterSessionOptions } from '../src/adapters/react-router/storage';
import { resolveCookieOptions, serializeCookie, type CookieOptions } from '../src/cookie';
import { SessionState } from '../src/core/session-state';
// '.js': Vite would otherwise pick react-router.mts (the ESM re-export of the CommonJS build).
import { createSessionStorage } from '../src/react-router.js';
import { BACKEND, DAY, SECRET, T0, codecOn } from './helpers/backend';
import { parseSetCookie, sendJson, startApp, type RunningApp } from './helpers/http';
import sessions from './helpers/sessions';

const load = createRequire(__filename);

interface ReactRouterModule extends ReactRouterSessionApi {
  createSession(initialData?: Record<string, unknown>, id?: string): any;
}

// react-router8 is an npm alias of react-router 8: ESM only, loaded here (as the built entry
// loads the application's copy) by require(), which Node 20.19+ and 22.12+ do for ESM.
const VERSIONS = [
  { label: 'React Router 7', rr: load('react-router') as ReactRouterModule, version: load('react-router/package.json').version as string },
  { label: 'React Router 8', rr: load('react-router8') as ReactRouterModule, version: load('react-router8/package.json').version as string },
];

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const OLD_SECRET = 'the previous secret, still accepted while cookies made with it expire';

const codec = codecOn({ cookieName: 'session', secret: SECRET });

/** `name=value` of a Set-Cookie line: what the browser sends back. */
const pairOf = (line: string): string => line.slice(0, line.indexOf(';') < 0 ? line.length : line.indexOf(';'));
const valueOf = (line: string): string => parseSetCookie(line).cookie.value;
const attributesOf = (line: string) => parseSetCookie(line).cookie.attributes;
const decoded = (line: string) => codec.decode(valueOf(line));

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const fakeClock = (now: number) => vi.useFakeTimers({ now, toFake: ['Date'] });

describe.each(VERSIONS.map((v) => [`${v.label} (${v.version}, ${BACKEND})`, v] as const))('%s', (_, { rr, version }) => {
  const storageOn = <Data = Record<string, any>, Flash = Data>(options: ReactRouterSessionOptions) => sessionStorageWith<Data, Flash>(rr, options);
  const storage = () => storageOn({ cookieName: 'session', secret: SECRET });

  it(`runs on the React Router it was given (${version.split('.')[0]}.x)`, async () => {
    // React Router 8's unset() also removes a flash value of the name; 7's leaves it.
    const session = await storage().getSession();
    session.flash('notice', 'hi');
    session.unset('notice');
    expect(session.has('notice')).toBe(version.startsWith('7.'));
  });

  describe('reading and writing', () => {
    it('round-trips through getSession and commitSession, as a React Router Session', async () => {
      const s = storage();
      const session = await s.getSession(null);
      expect(rr.isSession(session)).toBe(true);
      expect(session.id).toBe('');
      expect(session.data).toEqual({});
      session.set('user', { name: 'ada', roles: ['admin'] });
      session.set('visits', 3);
      const line = await s.commitSession(session);
      expect(typeof line).toBe('string');
      expect(line.startsWith('session=')).toBe(true);
      expect(decoded(line)).toMatchObject({ status: 'valid', keyIndex: 0 });
      expect(JSON.parse(decoded(line).json!)).toEqual({ user: { name: 'ada', roles: ['admin'] }, visits: 3 });

      const again = await s.getSession(`theme=dark; ${pairOf(line)}; other=1`);
      expect(rr.isSession(again)).toBe(true);
      expect(again.data).toEqual({ user: { name: 'ada', roles: ['admin'] }, visits: 3 });
      expect(again.get('user')).toEqual({ name: 'ada', roles: ['admin'] });
      expect(s.backend).toBe(BACKEND);
      expect(s.cookieName).toBe('session');
    });

    it('returns Promises, as React Router storages do', () => {
      const s = storage();
      const pending = s.getSession();
      expect(pending).toBeInstanceOf(Promise);
      return pending.then((session) => {
        expect(s.commitSession(session)).toBeInstanceOf(Promise);
        expect(s.destroySession(session)).toBeInstanceOf(Promise);
      });
    });

    it('gives an empty session for no header, undefined, null, "" and a header without the cookie', async () => {
      const onError = vi.fn();
      const s = storageOn({ cookieName: 'session', secret: SECRET, onError });
      for (const header of [undefined, null, '', 'theme=dark; lang=en', 'sessionx=1', ' ; ;']) {
        const session = await s.getSession(header);
        expect(session.data, String(header)).toEqual({});
      }
      expect((await s.getSession()).data).toEqual({});
      // Nothing to report: no cookie is not a bad cookie.
      expect(onError).not.toHaveBeenCalled();
    });

    it('a flash value is read once', async () => {
      const s = storageOn<{ user: string }, { error: string }>({ cookieName: 'session', secret: SECRET });
      const action = await s.getSession();
      action.set('user', 'ada');
      action.flash('error', 'Invalid password');
      const afterAction = await s.commitSession(action);
      expect(JSON.parse(decoded(afterAction).json!)).toEqual({ user: 'ada', __flash_error__: 'Invalid password' });

      const loader = await s.getSession(pairOf(afterAction));
      expect(loader.has('error')).toBe(true);
      expect(loader.get('error')).toBe('Invalid password');
      expect(loader.get('error')).toBeUndefined();
      const afterLoader = await s.commitSession(loader);

      const next = await s.getSession(pairOf(afterLoader));
      expect(next.has('error')).toBe(false);
      expect(next.get('error')).toBeUndefined();
      expect(next.get('user')).toBe('ada');
    });

    it('has and unset', async () => {
      const s = storage();
      const session = await s.getSession();
      session.set('a', 1);
      session.set('b', 0);
      session.set('c', null);
      expect([session.has('a'), session.has('b'), session.has('c'), session.has('d')]).toEqual([true, true, true, false]);
      const read = await s.getSession(pairOf(await s.commitSession(session)));
      expect([read.has('a'), read.has('b'), read.has('c')]).toEqual([true, true, true]);
      read.unset('a');
      expect(read.has('a')).toBe(false);
      const after = await s.getSession(pairOf(await s.commitSession(read)));
      expect(after.data).toEqual({ b: 0, c: null });
    });

    it('keeps keys the Express session reserves for its methods: they are data here', async () => {
      const s = storage();
      const session = await s.getSession();
      const data = { save: 1, reset: 'r', destroy: true, regenerate: [1], setDuration: { a: 1 }, get: 'g', set: 's', data: 'd', options: 'o', touch: 't' };
      for (const [key, value] of Object.entries(data)) session.set(key, value);
      const read = await s.getSession(pairOf(await s.commitSession(session)));
      expect(read.data).toEqual(data);
      // Also with secureSessionMethods, which has no meaning here (and is ignored).
      const secure = storageOn({ cookieName: 'session', secret: SECRET, secureSessionMethods: true });
      const other = await secure.getSession();
      for (const [key, value] of Object.entries(data)) other.set(key, value);
      expect(JSON.parse(decoded(await secure.commitSession(other)).json!)).toEqual(data);
    });

    it('commits a session made by createSession(), starting its lifetime then', async () => {
      fakeClock(T0);
      const s = storage();
      const session = rr.createSession({ a: 1 });
      const line = await s.commitSession(session);
      expect(decoded(line)).toMatchObject({ status: 'valid', createdAt: T0, json: '{"a":1}' });
    });

    it('writes JSON, as React Router does: Dates as strings, undefined values left out', async () => {
      const s = storage();
      const session = await s.getSession();
      session.set('when', new Date(T0));
      session.set('gone', undefined);
      session.set('list', [1, undefined, 'x']);
      const read = await s.getSession(pairOf(await s.commitSession(session)));
      expect(read.data).toEqual({ when: new Date(T0).toISOString(), list: [1, null, 'x'] });
    });

    it('a commit copies the data: changing it afterwards changes neither the cookie nor a second session', async () => {
      const s = storage();
      const session = await s.getSession();
      const user = { name: 'ada' };
      session.set('user', user);
      const line = await s.commitSession(session);
      user.name = 'mallory';
      expect(JSON.parse(decoded(line).json!)).toEqual({ user: { name: 'ada' } });
      const a = await s.getSession(pairOf(line));
      const b = await s.getSession(pairOf(line));
      (a.get('user') as { name: string }).name = 'changed';
      expect(b.get('user')).toEqual({ name: 'ada' });
    });
  });

  describe('lifetime', () => {
    it('a commit keeps the lifetime of the cookie it was read from; after duration the session is gone', async () => {
      fakeClock(T0);
      const s = storageOn({ cookieName: 'session', secret: SECRET, duration: HOUR });
      const first = await s.getSession();
      first.set('n', 1);
      const c1 = await s.commitSession(first);
      expect(decoded(c1)).toMatchObject({ createdAt: T0, duration: HOUR });
      expect(attributesOf(c1).expires).toBe(new Date(T0 + HOUR + 1000).toUTCString());

      vi.setSystemTime(T0 + 20 * MIN);
      const second = await s.getSession(pairOf(c1));
      second.set('n', 2);
      const c2 = await s.commitSession(second);
      expect(decoded(c2)).toMatchObject({ status: 'valid', createdAt: T0, duration: HOUR, json: '{"n":2}' });
      expect(attributesOf(c2).expires).toBe(attributesOf(c1).expires);

      vi.setSystemTime(T0 + 40 * MIN);
      const third = await s.getSession(pairOf(c2));
      third.set('n', 3);
      const c3 = await s.commitSession(third);
      expect(decoded(c3)).toMatchObject({ createdAt: T0, json: '{"n":3}' });
      expect(attributesOf(c3).expires).toBe(attributesOf(c1).expires);

      vi.setSystemTime(T0 + HOUR + 1);
      const gone = await s.getSession(pairOf(c3));
      expect(gone.data).toEqual({});
      // Its next commit is a new session, with a lifetime from now.
      const fresh = await s.commitSession(gone);
      expect(decoded(fresh)).toMatchObject({ createdAt: T0 + HOUR + 1, json: '{}' });
    });

    it('two commits of one Session keep the lifetime the first gave it', async () => {
      fakeClock(T0);
      const s = storageOn({ cookieName: 'session', secret: SECRET, duration: HOUR });
      const session = await s.getSession();
      session.set('n', 1);
      const c1 = await s.commitSession(session);
      vi.setSystemTime(T0 + 10 * MIN);
      session.set('n', 2);
      const c2 = await s.commitSession(session);
      expect(decoded(c2)).toMatchObject({ createdAt: T0, json: '{"n":2}' });
      expect(attributesOf(c2).expires).toBe(attributesOf(c1).expires);
    });

    it('within activeDuration of its end, a session read and committed is extended by activeDuration', async () => {
      fakeClock(T0);
      const s = storageOn({ cookieName: 'session', secret: SECRET, duration: HOUR, activeDuration: 10 * MIN });
      const session = await s.getSession();
      session.set('n', 1);
      const c1 = await s.commitSession(session);

      vi.setSystemTime(T0 + 45 * MIN); // 15 minutes left: not yet
      const early = await s.commitSession(await s.getSession(pairOf(c1)));
      expect(decoded(early)).toMatchObject({ createdAt: T0 });

      vi.setSystemTime(T0 + 55 * MIN); // 5 minutes left
      const late = await s.commitSession(await s.getSession(pairOf(early)));
      expect(decoded(late)).toMatchObject({ status: 'valid', createdAt: T0 + 10 * MIN, duration: HOUR, json: '{"n":1}' });
      expect(attributesOf(late).expires).toBe(new Date(T0 + 10 * MIN + HOUR + 1000).toUTCString());

      vi.setSystemTime(T0 + HOUR + 5 * MIN); // past the first end, within the extended one
      expect((await s.getSession(pairOf(late))).get('n')).toBe(1);
    });

    it('a cookie made with an old key is read, and its commit is made with the current key, same lifetime', async () => {
      fakeClock(T0);
      const before = storageOn({ cookieName: 'session', secret: OLD_SECRET });
      const old = await before.getSession();
      old.set('user', 'ada');
      const oldLine = await before.commitSession(old);

      vi.setSystemTime(T0 + HOUR);
      const rotated = storageOn({ cookieName: 'session', secret: [SECRET, OLD_SECRET] });
      const session = await rotated.getSession(pairOf(oldLine));
      expect(session.get('user')).toBe('ada');
      const line = await rotated.commitSession(session);
      expect(decoded(line)).toMatchObject({ status: 'valid', keyIndex: 0, createdAt: T0, json: '{"user":"ada"}' });
      expect(codecOn({ cookieName: 'session', secret: OLD_SECRET }).decode(valueOf(line)).status).toBe('invalid');
    });

    it('commit maxAge and expires set the cookie Expires only: the session lifetime is duration', async () => {
      fakeClock(T0);
      const s = storageOn({ cookieName: 'session', secret: SECRET, duration: HOUR });
      const session = await s.getSession();
      const line = await s.commitSession(session, { maxAge: 30 * 24 * 3600 });
      expect(attributesOf(line).expires).toBe(new Date(T0 + 30 * DAY).toUTCString());
      expect(decoded(line)).toMatchObject({ createdAt: T0, duration: HOUR });
      vi.setSystemTime(T0 + HOUR + 1);
      expect((await s.getSession(pairOf(line))).data).toEqual({});
    });
  });

  describe('commit options', () => {
    // What src/cookie.ts writes for these options (maxAge in ms there), at the fake clock.
    const expected = (line: string, options: CookieOptions, expires: Date | undefined, secure: boolean) =>
      serializeCookie('session', valueOf(line), resolveCookieOptions(options, 'session'), expires, secure);

    it('maxAge in seconds becomes the Expires our cookie.maxAge (ms) writes; no Max-Age attribute', async () => {
      fakeClock(T0);
      const s = storage();
      const line = await s.commitSession(await s.getSession(), { maxAge: 3600 });
      expect(line).toBe(expected(line, { maxAge: 3600 * 1000 }, new Date(T0 + 3600 * 1000), false));
      expect(line).not.toMatch(/max-age/i);
    });

    it('expires, path, domain, sameSite, secure, httpOnly, partitioned and priority map onto ours', async () => {
      fakeClock(T0);
      const s = storage();
      const expires = new Date(T0 + 2 * DAY);
      const attributes = { path: '/app', domain: 'example.com', sameSite: 'lax', secure: true, httpOnly: false, partitioned: true, priority: 'high' } as const;
      const line = await s.commitSession(await s.getSession(), { ...attributes, expires });
      expect(line).toBe(expected(line, { ...attributes, expires }, expires, true));
      expect(line).toBe(`session=${valueOf(line)}; path=/app; expires=${expires.toUTCString()}; domain=example.com; priority=high; samesite=lax; secure; partitioned`);
      // sameSite: true is Strict, as in the cookie package; 'none' forces Secure.
      expect(attributesOf(await s.commitSession(await s.getSession(), { sameSite: true })).samesite).toBe('strict');
      expect(attributesOf(await s.commitSession(await s.getSession(), { sameSite: 'none' }))).toMatchObject({ samesite: 'none', secure: true });
    });

    it('a commit without options writes the configured cookie, as the Express middleware does', async () => {
      fakeClock(T0);
      const cookie = { path: '/', sameSite: 'strict', domain: 'example.org' } as const;
      const s = storageOn({ cookieName: 'session', secret: SECRET, duration: HOUR, cookie });
      const line = await s.commitSession(await s.getSession());
      expect(line).toBe(expected(line, cookie, new Date(T0 + HOUR + 1000), false));
    });

    it("one commit's options do not carry over to the next commit of the same Session", async () => {
      fakeClock(T0);
      const s = storageOn({ cookieName: 'session', secret: SECRET, duration: HOUR });
      const session = await s.getSession();
      const first = await s.commitSession(session, { maxAge: 60, path: '/app', sameSite: 'lax' });
      expect(attributesOf(first)).toMatchObject({ path: '/app', samesite: 'lax', expires: new Date(T0 + 60_000).toUTCString() });
      const second = await s.commitSession(session);
      expect(second).toBe(expected(second, {}, new Date(T0 + HOUR + 1000), false));
    });

    it("a commit's maxAge or expires replaces the configured cookie lifetime (maxAge, expires, ephemeral)", async () => {
      fakeClock(T0);
      const withMaxAge = storageOn({ cookieName: 'session', secret: SECRET, cookie: { maxAge: HOUR } });
      const at = new Date(T0 + 3 * DAY);
      expect(attributesOf(await withMaxAge.commitSession(await withMaxAge.getSession(), { expires: at })).expires).toBe(at.toUTCString());
      expect(attributesOf(await withMaxAge.commitSession(await withMaxAge.getSession())).expires).toBe(new Date(T0 + HOUR).toUTCString());

      const ephemeral = storageOn({ cookieName: 'session', secret: SECRET, cookie: { ephemeral: true } });
      expect(attributesOf(await ephemeral.commitSession(await ephemeral.getSession())).expires).toBeUndefined();
      expect(attributesOf(await ephemeral.commitSession(await ephemeral.getSession(), { maxAge: 60 })).expires).toBe(new Date(T0 + 60_000).toUTCString());
    });

    it("refuses options it cannot honour, naming them (maxAge is seconds, above 0)", async () => {
      const s = storage();
      const session = await s.getSession();
      const refused: [unknown, RegExp][] = [
        [{ maxAge: 0 }, /maxAge is in seconds.*got 0 \(to remove the cookie, return destroySession/],
        [{ maxAge: -1 }, /maxAge is in seconds/],
        [{ maxAge: 1.5 }, /maxAge is in seconds.*whole number/],
        [{ maxAge: '60' }, /maxAge is in seconds.*got a string/],
        [{ expires: new Date(Number.NaN) }, /expires must be a valid Date/],
        [{ expires: 'tomorrow' }, /expires must be a valid Date/],
        [{ sameSite: 'sometimes' }, /cookie\.sameSite must be/],
        [{ path: 'a;b' }, /cookie\.path must be/],
        [{ priority: 'urgent' }, /cookie\.priority must be/],
      ];
      for (const [options, message] of refused) {
        await expect(s.commitSession(session, options as never), JSON.stringify(options)).rejects.toMatchObject({
          code: 'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS',
          message: expect.stringMatching(message),
        });
      }
      await expect(s.commitSession(session, 'lax' as never)).rejects.toMatchObject({ code: 'ERR_CLIENT_SESSIONS_ARGUMENT', name: 'TypeError' });
      // The prefix rules of the cookie name hold for a commit's options too.
      const host = storageOn({ cookieName: '__Host-session', secret: SECRET });
      await expect(host.commitSession(await host.getSession(), { path: '/app' })).rejects.toMatchObject({ code: 'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', message: expect.stringMatching(/__Host-/) });
      // A refused call changes nothing: the session commits as before.
      expect(decoded(await s.commitSession(session)).status).toBe('valid');
    });

    it('a Secure cookie (secure: true or "auto") is written Secure: a header cannot tell the connection', async () => {
      for (const secure of [true, 'auto'] as const) {
        const s = storageOn({ cookieName: 'session', secret: SECRET, cookie: { secure } });
        expect(attributesOf(await s.commitSession(await s.getSession())).secure, String(secure)).toBe(true);
      }
      const plain = storage();
      expect(attributesOf(await plain.commitSession(await plain.getSession())).secure).toBeUndefined();
      expect(attributesOf(await plain.commitSession(await plain.getSession(), { secure: true })).secure).toBe(true);
    });
  });

  describe('destroySession', () => {
    it('returns an expired, empty cookie, spelled as the core writes a deletion', async () => {
      const s = storage();
      const session = await s.getSession();
      session.set('user', 'ada');
      const read = await s.getSession(pairOf(await s.commitSession(session)));
      expect(await s.destroySession(read)).toBe('session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly');
    });

    it('takes path, domain and the other attributes, and ignores maxAge and expires', async () => {
      const s = storageOn({ cookieName: 'session', secret: SECRET, cookie: { sameSite: 'lax' } });
      const line = await s.destroySession(await s.getSession(), { path: '/app', domain: 'example.com', maxAge: 3600, expires: new Date(T0 + DAY) });
      expect(line).toBe('session=; path=/app; expires=Thu, 01 Jan 1970 00:00:00 GMT; domain=example.com; samesite=lax; httponly');
    });

    it('a destroyed Session committed again is a new session, with a new lifetime', async () => {
      fakeClock(T0);
      const s = storage();
      const first = await s.getSession();
      first.set('a', 1);
      const line = await s.commitSession(first);
      vi.setSystemTime(T0 + HOUR);
      const session = await s.getSession(pairOf(line));
      await s.destroySession(session);
      const again = await s.commitSession(session);
      expect(decoded(again)).toMatchObject({ createdAt: T0 + HOUR, json: '{"a":1}' });
    });

    it('takes any value, as React Router\'s cookie storage does', async () => {
      const s = storage();
      for (const value of [undefined, null, {}, 'x']) {
        expect(await s.destroySession(value as never)).toBe('session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly');
      }
    });
  });

  describe('too large, not JSON, wrong arguments', () => {
    it('rejects a commit over 4096 bytes with ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE, as React Router throws', async () => {
      const onError = vi.fn();
      const s = storageOn({ cookieName: 'session', secret: SECRET, onError });
      const session = await s.getSession();
      session.set('big', 'x'.repeat(4000));
      const err = await s.commitSession(session).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({
        code: 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE',
        cookieName: 'session',
        size: expect.any(Number),
        message: expect.stringMatching(/^client-sessions-native: the session cookie would be \d+ bytes, over the 4096 browsers keep, so commitSession\(\) did not make it/),
      });
      expect((err as { size: number }).size).toBeGreaterThan(4096);
      // The rejection is the report: onError does not hear it a second time.
      expect(onError).not.toHaveBeenCalled();
      // The Session is as it was, and commits once it holds less.
      session.set('big', 'x'.repeat(100));
      expect(JSON.parse(decoded(await s.commitSession(session)).json!)).toEqual({ big: 'x'.repeat(100) });
    });

    it('returns the session cookie without the stale chunk deletions after it, and rejects a value cut in several', async () => {
      // What the core gives when the request carried chunk cookies (name.1, ...) the value no
      // longer uses, and what it would give for a chunked value.
      const s = storage();
      const session = await s.getSession();
      const original = SessionState.prototype.setCookies;
      const stale = 'session.1=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly';
      const spy = vi.spyOn(SessionState.prototype, 'setCookies').mockImplementation(function (this: SessionState, close?: boolean) {
        return [...original.call(this, close), stale];
      });
      const line = await s.commitSession(session);
      expect(line.startsWith('session=')).toBe(true);
      expect(decoded(line).status).toBe('valid');
      expect(await s.destroySession(session)).toBe('session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly');
      spy.mockImplementation(function (this: SessionState, close?: boolean) {
        return [...original.call(this, close), 'session.1=AAAA; path=/; httponly'];
      });
      await expect(s.commitSession(session)).rejects.toMatchObject({ code: 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE', message: expect.stringMatching(/needs 2 cookies, and commitSession\(\) returns one Set-Cookie value/) });
    });

    it('rejects data JSON cannot hold with ERR_CLIENT_SESSIONS_ENCODE_FAILED', async () => {
      const s = storage();
      const big = await s.getSession();
      big.set('n', 10n);
      await expect(s.commitSession(big)).rejects.toMatchObject({ code: 'ERR_CLIENT_SESSIONS_ENCODE_FAILED', name: 'TypeError', message: expect.stringMatching(/cannot be written as JSON/) });
      const circular = await s.getSession();
      const loop: Record<string, unknown> = {};
      loop.self = loop;
      circular.set('loop', loop);
      await expect(s.commitSession(circular)).rejects.toMatchObject({ code: 'ERR_CLIENT_SESSIONS_ENCODE_FAILED' });
    });

    it('commitSession rejects what is not a session; getSession what is not a header', async () => {
      const s = storage();
      for (const value of [undefined, null, {}, { data: {} }, 'session=x']) {
        await expect(s.commitSession(value as never)).rejects.toMatchObject({ code: 'ERR_CLIENT_SESSIONS_ARGUMENT', name: 'TypeError', message: expect.stringMatching(/^client-sessions-native: commitSession\(\) takes a session from getSession\(\)/) });
      }
      const request = new Request('https://example.com/', { headers: { cookie: 'session=x' } });
      await expect(s.getSession(request as never)).rejects.toMatchObject({
        code: 'ERR_CLIENT_SESSIONS_ARGUMENT',
        message: expect.stringMatching(/getSession\(\) takes the request's Cookie header, e\.g\. getSession\(request\.headers\.get\("Cookie"\)\), got a Request$/),
      });
      await expect(s.getSession(request.headers as never)).rejects.toMatchObject({ message: expect.stringMatching(/got a Headers$/) });
      await expect(s.getSession(42 as never)).rejects.toMatchObject({ message: expect.stringMatching(/got 42$/) });
    });
  });

  describe('hostile cookies', () => {
    const other = (options: { cookieName?: string; secret?: string }) => codecOn({ cookieName: 'session', secret: SECRET, ...options });

    it('a tampered, truncated, oversized, expired, foreign or garbage cookie is an empty session, reported at debug', async () => {
      const valid = codec.encode('{"user":"ada"}', Date.now(), DAY);
      const [iv, ciphertext, createdAt, duration, mac] = valid.split('.');
      const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
      const hostile: Record<string, string> = {
        tampered: [iv, flip(ciphertext!), createdAt, duration, mac].join('.'),
        'tampered createdAt': [iv, ciphertext, String(Number(createdAt) + DAY), duration, mac].join('.'),
        'tampered duration': [iv, ciphertext, createdAt, String(Number(duration) * 30), mac].join('.'),
        truncated: valid.slice(0, -7),
        oversized: 'A'.repeat(20_000),
        expired: codec.encode('{"user":"ada"}', Date.now() - 2 * DAY, DAY),
        'made for another cookie name': other({ cookieName: 'admin' }).encode('{"user":"ada"}', Date.now(), DAY),
        'made with another secret': other({ secret: 'someone else entirely, with their own secret' }).encode('{"user":"ada"}', Date.now(), DAY),
        'an array': codec.encode('[1,2]', Date.now(), DAY),
        'a string': codec.encode('"ada"', Date.now(), DAY),
        'null': codec.encode('null', Date.now(), DAY),
        'not JSON': codec.encode('{"user":', Date.now(), DAY),
        garbage: '%E0%A4%A',
        dots: '....',
        empty: '',
        'control characters': '\u0000\u0001\u007f',
        'non-ASCII': 'ünïcödé',
      };
      const reports: unknown[][] = [];
      const s = storageOn({ cookieName: 'session', secret: SECRET, onError: (...args) => reports.push(args) });
      for (const [what, value] of Object.entries(hostile)) {
        const header = `session=${value}`;
        const session = await s.getSession(header);
        expect(session.data, what).toEqual({});
        expect(rr.isSession(session)).toBe(true);
        // It commits as a new session.
        expect(JSON.parse(decoded(await s.commitSession(session)).json!), what).toEqual({});
      }
      expect(reports.length).toBeGreaterThanOrEqual(Object.keys(hostile).length - 1);
      for (const [err, header] of reports) {
        expect(err).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', level: 'debug', cookieName: 'session' });
        // onError receives the Cookie header the session was read from.
        expect(typeof header).toBe('string');
        expect(String(header).startsWith('session=')).toBe(true);
      }
      expect(reports.find(([, header]) => header === `session=${hostile.expired}`)?.[0]).toMatchObject({ reason: 'expired' });
    });

    it('a valid cookie among broken ones of the same name is read', async () => {
      const valid = codec.encode('{"user":"ada"}', Date.now(), DAY);
      const session = await storage().getSession(`session=garbage; session=${valid}; session=...`);
      expect(session.get('user')).toBe('ada');
    });

    it('a throwing onError does not make getSession throw', async () => {
      const s = storageOn({ cookieName: 'session', secret: SECRET, onError: () => { throw new Error('handler failed'); } });
      expect((await s.getSession('session=garbage')).data).toEqual({});
    });
  });

  describe('prototype pollution', () => {
    it('keeps __proto__ keys of a cookie out of the session, at any depth', async () => {
      const json = '{"__proto__":{"polluted":1},"a":{"__proto__":{"polluted":2},"b":1},"list":[{"\\u005f_proto__":{"polluted":3}}]}';
      const session = await storage().getSession(`session=${codec.encode(json, Date.now(), DAY)}`);
      const data = session.data as Record<string, any>;
      expect(Object.prototype.hasOwnProperty.call(data, '__proto__')).toBe(false);
      expect(Object.prototype.hasOwnProperty.call(data.a, '__proto__')).toBe(false);
      expect(Object.prototype.hasOwnProperty.call(data.list[0], '__proto__')).toBe(false);
      expect(data).toEqual({ a: { b: 1 }, list: [{}] });
      const merged = Object.assign({}, data, data.a, data.list[0]);
      expect(merged.polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('keeps __proto__ keys the application stores out of the cookie, at any depth', async () => {
      const s = storage();
      const session = await s.getSession();
      session.set('__proto__', { polluted: 1 });
      session.set('form', JSON.parse('{"__proto__":{"polluted":2},"name":"ada","nested":[{"__proto__":{"polluted":3}}]}'));
      const line = await s.commitSession(session);
      const json = decoded(line).json!;
      expect(json).not.toContain('__proto__');
      expect(JSON.parse(json)).toEqual({ form: { name: 'ada', nested: [{}] } });
      const read = await s.getSession(pairOf(line));
      expect(Object.assign({}, read.get('form')).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe("React Router's createCookieSessionStorage", () => {
    it('its signed cookies are not ours: read as empty (reported), so a migration reads them the old way once', async () => {
      const legacy = (rr as any).createCookieSessionStorage({ cookie: { name: 'session', secrets: [SECRET] } });
      const old = await legacy.getSession();
      old.set('userId', 'ada');
      const oldLine: string = await legacy.commitSession(old);
      const onError = vi.fn();
      const s = storageOn({ cookieName: 'session', secret: SECRET, onError });
      // The README's migration: our session, else the old storage's, committed our way.
      const getSession = async (header: string | null) => {
        const session = await s.getSession(header);
        return Object.keys(session.data).length > 0 ? session : legacy.getSession(header);
      };
      const session = await getSession(pairOf(oldLine));
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_COOKIE_INVALID' }), pairOf(oldLine));
      expect(session.get('userId')).toBe('ada');
      const line = await s.commitSession(session);
      expect(JSON.parse(decoded(line).json!)).toEqual({ userId: 'ada' });
      expect((await getSession(pairOf(line))).get('userId')).toBe('ada');
      // And ours are not theirs: React Router's storage reads our cookie as empty.
      expect((await legacy.getSession(pairOf(line))).data).toEqual({});
    });
  });

  describe('the Express middleware, same options', () => {
    let app: RunningApp | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });
    const options = { cookieName: 'session', secret: SECRET, duration: HOUR, cookie: { sameSite: 'lax' as const } };
    const routes = {
      '/login': (req: any, res: any) => {
        req.session.user = { name: 'ada' };
        res.end();
      },
      '/visit': (req: any, res: any) => {
        req.session.visits = (req.session.visits ?? 0) + 1;
        sendJson(res, { ...req.session });
      },
      '/logout': (req: any, res: any) => {
        req.session = null;
        res.end();
      },
    };

    it('the storage reads what Express wrote and Express reads what the storage wrote, same lifetime and spelling', async () => {
      app = await startApp('express4', [sessions(options)], routes);
      const s = storageOn(options);
      const fromExpress = (await fetch(`${app.url}/login`)).headers.getSetCookie()[0]!;
      const session = await s.getSession(pairOf(fromExpress));
      expect(session.data).toEqual({ user: { name: 'ada' } });
      session.set('cart', ['tea']);
      const fromStorage = await s.commitSession(session);
      // The same attributes, and the lifetime Express started.
      expect(fromStorage.replace(/^session=[^;]*/, '')).toBe(fromExpress.replace(/^session=[^;]*/, ''));
      expect(decoded(fromStorage).createdAt).toBe(decoded(fromExpress).createdAt);

      const reply = await fetch(`${app.url}/visit`, { headers: { cookie: pairOf(fromStorage) } });
      expect(await reply.json()).toEqual({ user: { name: 'ada' }, cart: ['tea'], visits: 1 });
      const back = reply.headers.getSetCookie()[0]!;
      expect(decoded(back).createdAt).toBe(decoded(fromExpress).createdAt);
      expect((await s.getSession(pairOf(back))).data).toEqual({ user: { name: 'ada' }, cart: ['tea'], visits: 1 });
    });

    it('a deletion is spelled as the middleware spells it', async () => {
      app = await startApp('express4', [sessions(options)], routes);
      const s = storageOn(options);
      const expressDeletion = (await fetch(`${app.url}/logout`)).headers.getSetCookie()[0]!;
      expect(await s.destroySession(await s.getSession())).toBe(expressDeletion);
    });
  });

  describe('format 2', () => {
    const options = { cookieName: 'session', secret: SECRET, format: 2 as const, absoluteDuration: HOUR };
    const format2 = codecOn(options);

    it("commits format 2 cookies, migrates client-sessions' own, and keeps the absolute limit", async () => {
      fakeClock(T0);
      const s = storageOn(options);
      const old = load('client-sessions').util.encode({ cookieName: 'session', secret: SECRET }, { user: 'ada' }, DAY, T0 - 10 * MIN);
      const session = await s.getSession(`session=${old}`);
      expect(session.get('user')).toBe('ada');
      const line = await s.commitSession(session);
      const value = valueOf(line);
      expect(value).not.toContain('.');
      // The old cookie's creation is the session's issue time; the hour counts from it.
      expect(format2.decode(value)).toMatchObject({ status: 'valid', format: 2, issuedAt: T0 - 10 * MIN, json: '{"user":"ada"}' });
      expect(Date.parse(attributesOf(line).expires as string)).toBe(T0 + 50 * MIN);
      vi.setSystemTime(T0 + 51 * MIN);
      expect((await s.getSession(pairOf(line))).data).toEqual({});
    });
  });
});

describe(`createSessionStorage (${BACKEND})`, () => {
  it('uses the installed react-router (7 here) and gives React Router sessions', async () => {
    const { rr } = VERSIONS[0]!;
    const s = createSessionStorage<{ user: string }, { notice: string }>({ cookieName: 'session', secret: SECRET });
    const session = await s.getSession(null);
    expect(rr.isSession(session)).toBe(true);
    expect(VERSIONS[1]!.rr.isSession(session)).toBe(true);
    session.flash('notice', 'hi');
    session.unset('notice' as never);
    expect(session.has('notice')).toBe(true); // React Router 7's unset keeps the flash value
    session.set('user', 'ada');
    expect((await s.getSession(pairOf(await s.commitSession(session)))).get('user')).toBe('ada');
  });

  it('refuses bad options, with a message naming the option', () => {
    const refused: [unknown, string, RegExp][] = [
      [undefined, 'ERR_CLIENT_SESSIONS_OPTIONS', /no options provided: pass at least \{ secret \}, e\.g\. createSessionStorage\(\{/],
      ['secret', 'ERR_CLIENT_SESSIONS_OPTIONS', /options must be an object/],
      [{}, 'ERR_CLIENT_SESSIONS_NO_KEYS', /without a secret/],
      [{ secret: SECRET, duration: 0 }, 'ERR_CLIENT_SESSIONS_DURATION', /duration must be/],
      [{ secret: SECRET, activeDuration: -1 }, 'ERR_CLIENT_SESSIONS_DURATION', /activeDuration/],
      [{ secret: SECRET, cookieName: 'a b' }, 'ERR_CLIENT_SESSIONS_COOKIE_NAME', /cookieName/],
      [{ secret: SECRET, cookie: { sameSite: 'sometimes' } }, 'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', /cookie\.sameSite/],
      [{ secret: SECRET, cookie: { maxAge: HOUR, ephemeral: true } }, 'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', /ephemeral/],
      [{ secret: SECRET, cookie: 'lax' }, 'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', /cookie must be an object/],
      [{ secret: SECRET, onError: 'log' }, 'ERR_CLIENT_SESSIONS_ON_ERROR', /onError must be a function/],
      [{ secret: SECRET, backend: 'rust' }, 'ERR_CLIENT_SESSIONS_BACKEND', /backend/],
      // One Set-Cookie value per commit: a session cannot be split across cookies.
      [{ secret: SECRET, format: 2, maxChunks: 2 }, 'ERR_CLIENT_SESSIONS_OPTIONS', /maxChunks above 1 cannot work with React Router: commitSession\(\) returns one Set-Cookie value/],
    ];
    for (const [options, code, message] of refused) {
      let thrown: unknown;
      try {
        createSessionStorage(options as never);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, JSON.stringify(options)).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });

  it('warns about an unknown option, as the other entries do', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    createSessionStorage({ secret: SECRET, cookieName: 'session', cookie: { sameSiteX: 'lax' } as never, signed: true } as never);
    const messages = warn.mock.calls.map(([message]) => String(message));
    expect(messages.some((m) => /unknown option cookie\.sameSiteX \(did you mean cookie\.sameSite\?\)/.test(m))).toBe(true);
    expect(messages.some((m) => /unknown option signed/.test(m))).toBe(true);
  });
});

// The package as users load it: dist/, through require and import, on React Router 7 and 8.
describe(`the built entry (${BACKEND})`, () => {
  const root = join(__dirname, '..');
  const run = (args: string[]) =>
    execFileSync(process.execPath, args, { cwd: root, env: { ...process.env, CLIENT_SESSIONS_NATIVE_BACKEND: BACKEND }, encoding: 'utf8' }).trim();
  const script = `
    const s = createSessionStorage({ cookieName: 's', secret: ${JSON.stringify(SECRET)} });
    const session = await s.getSession(null);
    session.set('a', 1);
    session.flash('f', 1);
    session.unset('f');
    const line = await s.commitSession(session);
    const read = await s.getSession(line.split(';')[0]);
    console.log(JSON.stringify([s.backend, read.get('a'), read.has('f'), typeof nativeLoadError]));`;

  it('has been built (run `npm run build:ts` first)', () => {
    for (const file of ['dist/react-router.js', 'dist/react-router.mjs', 'dist/react-router.d.ts', 'dist/react-router.d.mts']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
  });

  it('works through require() and import, sharing one instance', () => {
    const cjs = run(['-e', `const { createSessionStorage, nativeLoadError } = require('client-sessions-native/react-router'); (async () => { ${script} })();`]);
    expect(JSON.parse(cjs)).toEqual([BACKEND, 1, true, 'function']);
    const esm = run([
      '--input-type=module',
      '-e',
      `import { createSessionStorage, nativeLoadError } from 'client-sessions-native/react-router';
       import { createRequire } from 'node:module';
       if (createRequire(import.meta.url)('client-sessions-native/react-router').createSessionStorage !== createSessionStorage) throw new Error('two instances');
       ${script}`,
    ]);
    expect(JSON.parse(esm)).toEqual([BACKEND, 1, true, 'function']);
  });

  it(`loads React Router 8 (ESM only) on Node ${process.versions.node}`, () => {
    // The application's `react-router` is version 8 here: resolved to the react-router8 alias.
    const hook = `const M = require('node:module'); const r = M._resolveFilename; M._resolveFilename = function (request, ...rest) { return r.call(this, request === 'react-router' ? 'react-router8' : request, ...rest); };`;
    const out = run(['-e', `${hook} const { createSessionStorage, nativeLoadError } = require('client-sessions-native/react-router'); (async () => { ${script} })();`]);
    // React Router 8's unset() removed the flash value too.
    expect(JSON.parse(out)).toEqual([BACKEND, 1, false, 'function']);
  });
});

// examples/react-router, loaded as an application loads it (client-sessions-native/react-router
// from dist/, React Router 7), its loaders and actions called with real Requests.
describe(`examples/react-router (${BACKEND})`, () => {
  type RouteModule = { loader?: (args: any) => Promise<unknown>; action?: (args: any) => Promise<unknown> };
  let routes: Record<'home' | 'login' | 'logout', RouteModule>;
  const jar = new Map<string, string>();

  beforeAll(async () => {
    process.env.SESSION_SECRET = 'example test session secret, long and random enough';
    // A variable path: the example is run from dist/ as users run it, not type-checked as a
    // spec (`npx tsc -p examples/react-router` does that, after a build).
    const dir = '../examples/react-router/app/routes';
    routes = {
      home: await import(`${dir}/home`),
      login: await import(`${dir}/login`),
      logout: await import(`${dir}/logout`),
    };
  });

  /** Calls a loader or action like React Router does, keeping cookies like a browser. */
  async function call(route: RouteModule, kind: 'loader' | 'action', path: string, form?: Record<string, string>) {
    const headers = new Headers();
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const init: RequestInit = { method: form ? 'POST' : 'GET', headers };
    if (form) init.body = new URLSearchParams(form);
    const request = new Request(`http://localhost:5173${path}`, init);
    const result = (await route[kind]!({ request, params: {}, context: {} })) as any;
    const response = result instanceof Response ? result : undefined;
    const resultHeaders = new Headers(response ? response.headers : result?.init?.headers);
    for (const line of resultHeaders.getSetCookie()) {
      const { name, cookie } = parseSetCookie(line);
      if (cookie.attributes.expires === 'Thu, 01 Jan 1970 00:00:00 GMT') jar.delete(name);
      else jar.set(name, cookie.value);
    }
    return response ? { redirect: response.headers.get('location'), status: response.status } : { data: result?.data };
  }

  it('logs in with a flash error first, shows the user, logs out', async () => {
    expect(await call(routes.home, 'loader', '/')).toEqual({ redirect: '/login', status: 302 });
    expect(await call(routes.login, 'loader', '/login')).toEqual({ data: { error: undefined } });

    expect(await call(routes.login, 'action', '/login', { username: 'ada lovelace!' })).toEqual({ redirect: '/login', status: 302 });
    expect([...jar.keys()]).toEqual(['__session']);
    expect(await call(routes.login, 'loader', '/login')).toEqual({ data: { error: 'Usernames are 1 to 32 letters, digits, - or _' } });
    // Read once: the loader's commit removed it from the cookie.
    expect(await call(routes.login, 'loader', '/login')).toEqual({ data: { error: undefined } });

    expect(await call(routes.login, 'action', '/login', { username: 'ada' })).toEqual({ redirect: '/', status: 302 });
    expect(await call(routes.home, 'loader', '/')).toEqual({ data: { userId: 'ada', backend: BACKEND } });
    expect(await call(routes.login, 'loader', '/login')).toEqual({ redirect: '/', status: 302 });

    expect(await call(routes.logout, 'action', '/logout', {})).toEqual({ redirect: '/login', status: 302 });
    expect(jar.size).toBe(0);
    expect(await call(routes.home, 'loader', '/')).toEqual({ redirect: '/login', status: 302 });
  });

  it('a login starts a new lifetime; a later commit keeps it', async () => {
    jar.clear();
    fakeClock(T0);
    const example = codecOn({ cookieName: '__session', secret: process.env.SESSION_SECRET! });
    const inJar = () => example.decode(jar.get('__session')!);
    await call(routes.login, 'loader', '/login');
    expect(inJar()).toMatchObject({ status: 'valid', createdAt: T0, json: '{}' });
    vi.setSystemTime(T0 + 3 * DAY);
    await call(routes.login, 'action', '/login', { username: 'ada' });
    expect(inJar()).toMatchObject({ status: 'valid', createdAt: T0 + 3 * DAY, duration: 7 * DAY, json: '{"userId":"ada"}' });
    vi.setSystemTime(T0 + 4 * DAY);
    expect(await call(routes.home, 'loader', '/')).toEqual({ data: { userId: 'ada', backend: BACKEND } });
    expect(inJar()).toMatchObject({ createdAt: T0 + 3 * DAY });
    // Within its last day (activeDuration), the home loader's commit extends it by a day.
    vi.setSystemTime(T0 + 9 * DAY + HOUR);
    await call(routes.home, 'loader', '/');
    expect(inJar()).toMatchObject({ createdAt: T0 + 4 * DAY });
    vi.setSystemTime(T0 + 11 * DAY + HOUR);
    expect(await call(routes.home, 'loader', '/')).toEqual({ redirect: '/login', status: 302 });
  });

  it('its cookie is encrypted: the user name is not in it', async () => {
    jar.clear();
    await call(routes.login, 'action', '/login', { username: 'ada' });
    expect(jar.get('__session')).toBeDefined();
    expect(jar.get('__session')).not.toContain('ada');
    expect(Buffer.from(jar.get('__session')!.split('.')[1]!, 'base64url').toString('latin1')).not.toContain('ada');
  });
});
