// client-sessions-native/hono through Hono's own API (app.request()): written only when the
// session changed, on every kind of response Hono makes (errors, redirects, streams, 404s),
// beside other cookies; several instances side by side; c.set(key, null) and c.set(key, object);
// late changes; onError's Context. The shared behaviour specs (middleware-*, idioms, pollution,
// hardening-http, ...) run on Hono too, over real HTTP, through helpers/hono-app.ts.
import { Hono, type Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { stream } from 'hono/streaming';
import { describe, expect, it } from 'vitest';

import { sessions, type HonoSessionOptions, type SessionProblem } from '../src/hono.js'; // .js: hono.ts (vite would take hono.mts)
import { BACKEND, SECRET, codecOn } from './helpers/backend';
import { parseSetCookie } from './helpers/http';

const HOUR = 60 * 60 * 1000;
const codec = codecOn({ cookieName: 'session', secret: SECRET });

/** A session middleware on the `session` cookie, problems collected. */
function sessionsFor(problems: SessionProblem[] = [], options: Partial<HonoSessionOptions> = {}) {
  return sessions({ cookieName: 'session', secret: SECRET, onError: (e) => problems.push(e), ...options });
}

/** `name=value` of the named cookie in a response, for the next request's Cookie header. */
function cookieFrom(res: Response, name = 'session'): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  if (line === undefined) throw new Error(`no ${name} cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  return `${name}=${parseSetCookie(line).cookie.value}`;
}

function sessionIn(res: Response, name = 'session', secret = SECRET): unknown {
  const decoded = codecOn({ cookieName: name, secret }).decode(cookieFrom(res, name).slice(name.length + 1));
  return decoded.status === 'valid' ? JSON.parse(decoded.json) : decoded.status;
}

const names = (res: Response): string[] => res.headers.getSetCookie().map((l) => parseSetCookie(l).name);

describe(`client-sessions-native/hono (${BACKEND})`, () => {
  it('writes the cookie only when the session changed, and reads it back', async () => {
    const app = new Hono()
      .use(sessionsFor())
      .get('/none', (c) => c.text('ok'))
      .get('/read', (c) => c.json({ n: c.get('session').n ?? null }))
      .get('/write', (c) => {
        const session = c.get('session');
        session.n = (session.n ?? 0) + 1;
        return c.text('ok');
      });
    expect(names(await app.request('/none'))).toEqual([]);
    expect(names(await app.request('/read'))).toEqual([]);
    const write = await app.request('/write');
    expect(names(write)).toEqual(['session']);
    expect(sessionIn(write)).toEqual({ n: 1 });
    const cookie = cookieFrom(write);
    const read = await app.request('/read', { headers: { cookie } });
    expect(await read.json()).toEqual({ n: 1 });
    expect(names(read)).toEqual([]);
    expect(sessionIn(await app.request('/write', { headers: { cookie } }))).toEqual({ n: 2 });
  });

  it('runs several instances side by side, each on its cookie and its variable', async () => {
    const app = new Hono()
      .use(sessions({ cookieName: 'auth', secret: SECRET }))
      .use(sessions({ cookieName: 'prefs_cookie', requestKey: 'prefs', secret: `${SECRET} 2` }))
      .get('/', (c) => {
        c.get('auth').user = 'ada';
        c.get('prefs').theme = 'dark';
        return c.json({ sameObject: (c.get('auth') as object) === c.get('prefs'), prefsCookieVar: c.get('prefs_cookie' as never) ?? null });
      })
      .get('/auth-only', (c) => {
        c.get('auth').user = 'grace';
        return c.text('ok');
      });
    const res = await app.request('/');
    expect(await res.json()).toEqual({ sameObject: false, prefsCookieVar: null });
    expect(names(res).sort()).toEqual(['auth', 'prefs_cookie']);
    expect(sessionIn(res, 'auth')).toEqual({ user: 'ada' });
    expect(sessionIn(res, 'prefs_cookie', `${SECRET} 2`)).toEqual({ theme: 'dark' });
    expect(names(await app.request('/auth-only'))).toEqual(['auth']);
  });

  it('c.set(key, null) removes the cookie, and c.get(key) is then an empty session a write makes new', async () => {
    const app = new Hono()
      .use(sessionsFor())
      .get('/logout', (c) => {
        c.set('session', null as never);
        const session = c.get('session');
        return c.json({ keys: Object.keys(session), user: session.user ?? null, reset: typeof session.reset });
      })
      .get('/switch', (c) => {
        c.set('session', null as never);
        c.get('session').user = 'grace';
        return c.text('ok');
      });
    const cookie = `session=${codec.encode('{"user":"ada"}', Date.now(), HOUR)}`;
    const logout = await app.request('/logout', { headers: { cookie } });
    expect(await logout.json()).toEqual({ keys: [], user: null, reset: 'function' });
    expect(logout.headers.getSetCookie()).toEqual(['session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly']);
    expect(sessionIn(await app.request('/switch', { headers: { cookie } }))).toEqual({ user: 'grace' });
  });

  it('c.set(key, the session itself) is no change: nothing is written (found by mutation testing)', async () => {
    const app = new Hono().use(sessionsFor()).get('/same', (c) => {
      c.set('session', c.get('session'));
      return c.text('ok');
    });
    const cookie = cookieFrom(await new Hono().use(sessionsFor()).get('/', (c) => {
      c.get('session').user = 'ada';
      return c.text('ok');
    }).request('/'));
    const same = await app.request('/same', { headers: { cookie } });
    expect(same.headers.getSetCookie()).toEqual([]);
  });

  it('c.set(key, object) replaces the content at once; anything else throws the TypeError there', async () => {
    const thrown: string[] = [];
    const app = new Hono()
      .use(sessionsFor())
      .get('/replace', (c) => {
        c.set('session', { theme: 'dark', reset: 'x' } as never);
        const session = c.get('session');
        return c.json({ keys: Object.keys(session), reset: typeof session.reset, isHandle: typeof session.regenerate === 'function' });
      })
      .get('/bad', (c) => {
        for (const value of [5, 'x', [1], new Date(0)]) {
          try {
            c.set('session', value as never);
          } catch (err) {
            thrown.push(`${(err as Error).constructor.name}: ${(err as Error).message}`);
          }
        }
        // Other variables are Hono's as ever.
        c.set('other' as never, 1 as never);
        return c.json({ other: c.get('other' as never), keys: Object.keys(c.get('session')) });
      });
    const cookie = `session=${codec.encode('{"user":"ada"}', Date.now() - HOUR / 2, HOUR)}`;
    const replaced = await app.request('/replace', { headers: { cookie } });
    expect(await replaced.json()).toEqual({ keys: ['theme'], reset: 'function', isHandle: true });
    expect(sessionIn(replaced)).toEqual({ theme: 'dark' });
    // The lifetime is kept.
    expect(cookieFrom(replaced).split('.')[2]).toBe(cookie.split('.')[2]);
    const bad = await app.request('/bad', { headers: { cookie } });
    expect(await bad.json()).toEqual({ other: 1, keys: ['user'] });
    expect(thrown).toEqual(Array(4).fill('TypeError: cannot set client-session to non-object'));
    expect(names(bad)).toEqual([]);
  });

  it('puts the cookie on app.onError responses, redirects, streams and 404s', async () => {
    const app = new Hono()
      .use(sessionsFor())
      .use(async (c, next) => {
        if (c.req.path === '/missing') c.get('session').missed = true;
        await next();
      })
      .get('/throw', (c) => {
        c.get('session').failed = true;
        throw new Error('boom');
      })
      .get('/redirect', (c) => {
        c.get('session').user = 'ada';
        return c.redirect('/home', 303);
      })
      .get('/stream', (c) => {
        c.get('session').streamed = true;
        return stream(c, async (s) => {
          await s.write('one,');
          await s.write('two');
        });
      });
    app.onError((err, c) => c.text(`handled: ${err.message}`, 500));
    const failed = await app.request('/throw');
    expect([failed.status, await failed.text()]).toEqual([500, 'handled: boom']);
    expect(sessionIn(failed)).toEqual({ failed: true });
    const redirect = await app.request('/redirect');
    expect([redirect.status, redirect.headers.get('location')]).toEqual([303, '/home']);
    expect(sessionIn(redirect)).toEqual({ user: 'ada' });
    const streamed = await app.request('/stream');
    expect(sessionIn(streamed)).toEqual({ streamed: true });
    expect(await streamed.text()).toBe('one,two');
    const missing = await app.request('/missing');
    expect(missing.status).toBe(404);
    expect(sessionIn(missing)).toEqual({ missed: true });
  });

  it('puts the cookie on a response whose headers cannot change, and replaces a finished response\'s cookie of its name', async () => {
    const app = new Hono()
      .use(sessionsFor())
      .get('/moved', (c) => {
        c.get('session').user = 'ada';
        // Response.redirect()'s headers are immutable: the middleware must copy the response.
        return Response.redirect('http://localhost/home', 302);
      })
      .get('/proxied', (c) => {
        c.get('session').user = 'bob';
        // A finished response with cookies of its own, one of them of the session's name.
        return new Response('from upstream', { headers: [['set-cookie', 'theme=dark'], ['set-cookie', 'session=stale']] });
      });
    const moved = await app.request('/moved');
    expect([moved.status, moved.headers.get('location')]).toEqual([302, 'http://localhost/home']);
    expect(sessionIn(moved)).toEqual({ user: 'ada' });
    const proxied = await app.request('/proxied');
    expect(proxied.headers.getSetCookie().map((c) => c.split('=', 1)[0])).toEqual(['theme', 'session']);
    expect(sessionIn(proxied)).toEqual({ user: 'bob' });
    expect(await proxied.text()).toBe('from upstream');
  });

  it("keeps other Set-Cookie values (hono/cookie's setCookie), and replaces one of the session's name", async () => {
    const app = new Hono()
      .use(sessionsFor())
      .get('/', (c) => {
        setCookie(c, 'theme', 'dark', { path: '/' });
        setCookie(c, 'lang', 'en');
        c.get('session').user = 'ada';
        return c.text('ok');
      })
      .get('/ours', (c) => {
        setCookie(c, 'session', 'stale');
        setCookie(c, 'other', '1');
        c.get('session').user = 'grace';
        return c.redirect('/');
      })
      .get('/untouched', (c) => {
        setCookie(c, 'session', 'set-by-hand');
        return c.text('ok');
      });
    const res = await app.request('/');
    expect(names(res)).toEqual(['theme', 'lang', 'session']);
    expect(res.headers.getSetCookie()[0]).toBe('theme=dark; Path=/');
    const ours = await app.request('/ours');
    expect(names(ours)).toEqual(['other', 'session']);
    expect(sessionIn(ours)).toEqual({ user: 'grace' });
    // An unchanged session leaves the application's cookie alone, whatever its name.
    expect((await app.request('/untouched')).headers.getSetCookie()).toEqual(['session=set-by-hand; Path=/']);
  });

  it('a change after the middleware finished is reported as ERR_CLIENT_SESSIONS_HEADERS_SENT', async () => {
    const problems: SessionProblem[] = [];
    let later: Promise<void> | undefined;
    const app = new Hono()
      .use(sessionsFor(problems))
      .get('/stream', (c) =>
        stream(c, async (s) => {
          await s.write('a');
          await s.sleep(5);
          c.get('session').late = true;
          await s.write('b');
        }),
      )
      .get('/timer', (c) => {
        c.get('session').early = true;
        later = new Promise((resolve) =>
          setTimeout(() => {
            c.get('session').late = true;
            resolve();
          }, 5),
        );
        return c.text('ok');
      });
    const streamed = await app.request('/stream');
    expect(await streamed.text()).toBe('ab');
    expect(names(streamed)).toEqual([]);
    expect(problems.map((p) => [p.code, p.level])).toEqual([['ERR_CLIENT_SESSIONS_HEADERS_SENT', 'warn']]);
    const timer = await app.request('/timer');
    // What was sent is the session before the change.
    expect(sessionIn(timer)).toEqual({ early: true });
    await later;
    expect(problems.map((p) => p.code)).toEqual(['ERR_CLIENT_SESSIONS_HEADERS_SENT', 'ERR_CLIENT_SESSIONS_HEADERS_SENT']);
  });

  it("onError gets the request's Context, and nothing is decoded before the session is used", async () => {
    const seen: Array<[string, Context]> = [];
    let handlerContext: Context | undefined;
    const app = new Hono()
      .use(sessions({ cookieName: 'session', secret: SECRET, onError: (e, c) => seen.push([e.reason ?? e.code, c]) }))
      .get('/none', (c) => c.text('ok'))
      .get('/read', (c) => {
        handlerContext = c;
        return c.json({ n: c.get('session').n ?? null });
      });
    const tampered = `session=${codec.encode('{"n":1}', Date.now(), HOUR).slice(0, -3)}abc`;
    const none = await app.request('/none', { headers: { cookie: tampered } });
    expect(names(none)).toEqual([]);
    expect(seen).toEqual([]);
    const read = await app.request('/read', { headers: { cookie: tampered } });
    expect(await read.json()).toEqual({ n: null });
    expect(seen.map(([reason]) => reason)).toEqual(['bad-mac']);
    expect(seen[0]![1]).toBe(handlerContext);
    expect(seen[0]![1].req.path).toBe('/read');
  });

  it('mounted twice (on the app and on a route), the first one serves and only one cookie is written', async () => {
    const middleware = sessionsFor();
    const app = new Hono().use(middleware);
    app.use('/admin/*', middleware);
    app.get('/admin/x', (c) => {
      c.get('session').admin = true;
      return c.text('ok');
    });
    const res = await app.request('/admin/x');
    expect(names(res)).toEqual(['session']);
    expect(sessionIn(res)).toEqual({ admin: true });
  });

  it('marks the cookie Secure from the request URL, or X-Forwarded-Proto with proxy: true', async () => {
    const route = (c: Context) => {
      (c.get('session') as Record<string, unknown>).x = 1;
      return c.text('ok');
    };
    const auto = new Hono().use(sessionsFor([], { cookie: { secure: 'auto' } })).get('/', route);
    const proxied = new Hono().use(sessionsFor([], { cookie: { secure: 'auto' }, proxy: true })).get('/', route);
    const secure = async (res: Response | Promise<Response>) => parseSetCookie((await res).headers.getSetCookie()[0]!).cookie.attributes.secure ?? false;
    expect(await secure(auto.request('https://app.example/'))).toBe(true);
    expect(await secure(auto.request('http://app.example/'))).toBe(false);
    expect(await secure(auto.request('http://app.example/', { headers: { 'x-forwarded-proto': 'https' } }))).toBe(false);
    expect(await secure(proxied.request('http://app.example/', { headers: { 'x-forwarded-proto': 'https' } }))).toBe(true);
  });

  it('checks its options when built, with the Hono usage in the message', () => {
    expect(() => sessions(undefined as never)).toThrow(
      expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_OPTIONS', message: expect.stringContaining('sessions({ cookieName: "session", secret: process.env.SESSION_SECRET })') }),
    );
    expect(() => sessions({ secret: SECRET, duration: 0 })).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_DURATION' }));
  });
});
