// Lifetimes over HTTP: expiry, activeDuration refresh, reset/destroy/setDuration, ephemeral and
// maxAge cookies, key rotation, and no state shared between requests.
import { afterEach, describe, expect, it } from 'vitest';

import sessions from './helpers/sessions';
import { BACKEND, SECRET, codecOn } from './helpers/backend';
import { Browser, FRAMEWORKS, isWebStandard, parseSetCookie, sendJson, startApp, type RunningApp } from './helpers/http';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY_MS = 24 * HOUR;
let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const codec = codecOn({ cookieName: 'session', secret: SECRET });
const fields = (browser: Browser) => browser.jar.get('session')!.value.split('.');

const routes = {
  '/set': (req: any, res: any) => {
    req.session.n = (req.session.n ?? 0) + 1;
    res.end();
  },
  '/read': (req: any, res: any) => sendJson(res, { n: req.session.n ?? null }),
  '/reset': (req: any, res: any) => {
    req.session.reset(['keep']);
    res.end();
  },
  '/destroy': (req: any, res: any) => {
    req.session.destroy();
    res.end();
  },
  '/short': (req: any, res: any) => {
    req.session.setDuration(10 * MIN);
    res.end();
  },
  '/browser-session': (req: any, res: any) => {
    req.session.setDuration(HOUR, true);
    res.end();
  },
};

for (const framework of FRAMEWORKS) {
  describe(`session lifetime on ${framework} (${BACKEND})`, () => {
    it('an expired cookie reads as a new, empty session and is replaced only if used', async () => {
      const problems: any[] = [];
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, duration: HOUR, onError: (e) => problems.push(e) })], routes);
      const browser = new Browser(app.url);
      const expired = codec.encode('{"n":41}', Date.now() - 2 * HOUR, HOUR);
      const untouched = await browser.get('/none-route-404', { cookie: `session=${expired}` });
      expect(untouched.setCookies).toEqual([]);
      expect(problems).toEqual([]);
      const read = await browser.get('/read', { cookie: `session=${expired}` });
      expect(read.body).toBe('{"n":null}');
      expect(read.setCookies).toHaveLength(1);
      expect(problems).toEqual([expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', level: 'debug', reason: 'expired', cookieName: 'session' })]);
      expect(codec.decode(browser.jar.get('session')!.value).json).toBe('{}');
    });

    it('within activeDuration of expiry, a read extends the session by activeDuration', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, duration: HOUR, activeDuration: 10 * MIN })], routes);
      const browser = new Browser(app.url);
      const createdAt = Date.now() - HOUR + 5 * MIN; // 5 minutes left
      const cookie = codec.encode('{"n":7}', createdAt, HOUR);
      const reply = await browser.get('/read', { cookie: `session=${cookie}` });
      expect(reply.body).toBe('{"n":7}');
      expect(reply.setCookies).toHaveLength(1);
      const [, , newCreatedAt, duration] = fields(browser);
      expect(Number(newCreatedAt)).toBe(createdAt + 10 * MIN);
      expect(Number(duration)).toBe(HOUR);
      // Far from expiry: no rewrite.
      expect((await browser.get('/read')).setCookies).toEqual([]);
    });

    it('activeDuration 0 never extends', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, duration: HOUR, activeDuration: 0 })], routes);
      const cookie = codec.encode('{"n":7}', Date.now() - HOUR + 1000, HOUR);
      expect((await new Browser(app.url).get('/read', { cookie: `session=${cookie}` })).setCookies).toEqual([]);
    });

    it('reset keeps the listed keys and restarts the lifetime; destroy empties it', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        ...routes,
        '/fill': (req: any, res: any) => {
          Object.assign(req.session, { keep: 1, drop: 2 });
          res.end();
        },
        '/dump': (req: any, res: any) => sendJson(res, req.session),
      });
      const browser = new Browser(app.url);
      const old = codec.encode('{"keep":1,"drop":2}', Date.now() - HOUR, 24 * HOUR);
      browser.jar.set('session', { value: old, attributes: {} });
      const before = Date.now();
      await browser.get('/reset');
      expect(await browser.json('/dump')).toEqual({ keep: 1 });
      expect(Number(fields(browser)[2])).toBeGreaterThanOrEqual(before);
      await browser.get('/destroy');
      expect(await browser.json('/dump')).toEqual({});
    });

    it('setDuration is stored in the cookie and moves Expires; ephemeral drops Expires', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], routes);
      const browser = new Browser(app.url);
      await browser.get('/short');
      const [, , createdAt, duration] = fields(browser);
      expect(Number(duration)).toBe(10 * MIN);
      expect(Date.parse(browser.jar.get('session')!.attributes.expires as string)).toBe(Math.floor((Number(createdAt) + 10 * MIN + 1000) / 1000) * 1000);
      await browser.get('/set');
      expect(Number(fields(browser)[3])).toBe(10 * MIN);
      await browser.get('/browser-session');
      expect(browser.jar.get('session')!.attributes.expires).toBeUndefined();
      expect(Number(fields(browser)[3])).toBe(HOUR);
    });

    it('setDuration refuses what is not a whole number of ms above 0 and up to 10^15, and the longest works', async () => {
      const BAD: unknown[] = [0, -0, -1, -DAY_MS, 1.5, 0.5, DAY_MS + 0.25, 1e15 + 1, 8.7e15, Infinity, -Infinity, Number.NaN, '1000', null, undefined, true, {}, [1000], 10n];
      const thrown: Array<{ code: string; message: string; type: string }> = [];
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        ...routes,
        '/bad': (req: any, res: any) => {
          for (const ms of BAD) {
            try {
              req.session.setDuration(ms);
              thrown.push({ code: 'accepted', message: String(ms), type: '' });
            } catch (err) {
              const { code, message, constructor } = err as Error & { code: string };
              thrown.push({ code, message, type: constructor.name });
            }
          }
          req.session.setDuration(1e15);
          res.end();
        },
        '/bad-then-write': (req: any, res: any) => {
          for (const ms of BAD) {
            try {
              req.session.setDuration(ms);
            } catch {
              // refused, and the lifetime is left as it was
            }
          }
          req.session.n = 1;
          res.end();
        },
      });
      const browser = new Browser(app.url);
      expect((await browser.get('/bad')).status).toBe(200);
      expect(thrown.map((t) => t.code)).toEqual(Array(BAD.length).fill('ERR_CLIENT_SESSIONS_DURATION'));
      expect(thrown.every((t) => t.type === 'TypeError')).toBe(true);
      expect(thrown[2]!.message).toBe('client-sessions-native: setDuration needs a whole number of milliseconds above 0 up to 1000000000000000, got -1');
      expect(thrown[12]!.message).toMatch(/got a string$/);
      const expires = browser.jar.get('session')!.attributes.expires as string;
      expect(Number.isNaN(Date.parse(expires))).toBe(false);
      expect(Number(fields(browser)[3])).toBe(1e15);
      // Refused calls change nothing: a new session written after them has the default lifetime.
      const fresh = new Browser(app.url);
      await fresh.get('/bad-then-write');
      expect(Number(fields(fresh)[3])).toBe(DAY_MS);
      expect(fresh.jar.get('session')!.attributes.expires).toBeDefined();
    });

    it('setDuration(ms, true) is refused when cookie.maxAge is set, and changes nothing; without ephemeral it works', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, cookie: { maxAge: 2 * HOUR } })], {
        '/': (req: any, res: any) => {
          let refused: unknown;
          try {
            req.session.setDuration(HOUR, true);
          } catch (err) {
            refused = { code: (err as Error & { code: string }).code, message: (err as Error).message };
          }
          req.session.setDuration(10 * MIN);
          sendJson(res, { refused: refused ?? null });
        },
      });
      const browser = new Browser(app.url);
      const before = Date.now();
      const reply = await browser.get('/');
      expect(JSON.parse(reply.body)).toEqual({
        refused: { code: 'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', message: 'you cannot have an ephemeral cookie with a maxAge.' },
      });
      expect(Number(fields(browser)[3])).toBe(10 * MIN);
      // Not ephemeral: Expires follows maxAge from now.
      const expires = Date.parse(browser.jar.get('session')!.attributes.expires as string);
      expect(expires).toBeGreaterThanOrEqual(Math.floor((before + 2 * HOUR) / 1000) * 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 2 * HOUR);
    });

    it('cookie.expires is the Expires of every write, whatever the lifetime; an ephemeral session has none', async () => {
      const fixed = new Date(Date.UTC(2031, 4, 6, 7, 8, 9));
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, duration: HOUR, cookie: { expires: fixed } })], routes);
      const browser = new Browser(app.url);
      const first = await browser.get('/set');
      expect(first.setCookies).toHaveLength(1);
      expect(first.setCookies[0]).toMatch(/^session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.\d+\.3600000\.[A-Za-z0-9_-]+; path=\/; expires=Tue, 06 May 2031 07:08:09 GMT; httponly$/);
      // The session inside keeps its own lifetime: setDuration changes the cookie's field, not Expires.
      await browser.get('/short');
      expect(Number(fields(browser)[3])).toBe(10 * MIN);
      expect(browser.jar.get('session')!.attributes.expires).toBe('Tue, 06 May 2031 07:08:09 GMT');
      await browser.get('/browser-session');
      expect(browser.jar.get('session')!.attributes.expires).toBeUndefined();
    });

    it("one request's setDuration or ephemeral never changes another request's cookie", async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], routes);
      const a = new Browser(app.url);
      const b = new Browser(app.url);
      await a.get('/browser-session');
      await b.get('/set');
      expect(b.jar.get('session')!.attributes.expires).toBeDefined();
      expect(Number(b.jar.get('session')!.value.split('.')[3])).toBe(24 * HOUR);
    });

    it('cookie.ephemeral makes browser-session cookies; cookie.maxAge sets Expires from now', async () => {
      app = await startApp(framework, [
        sessions({ cookieName: 'eph', secret: SECRET, cookie: { ephemeral: true } }),
        sessions({ cookieName: 'aged', secret: SECRET, cookie: { maxAge: 2 * HOUR }, duration: HOUR }),
      ], {
        '/': (req: any, res: any) => {
          req.eph.a = 1;
          req.aged.a = 1;
          res.end();
        },
      });
      const browser = new Browser(app.url);
      const before = Date.now();
      await browser.get('/');
      expect(browser.jar.get('eph')!.attributes.expires).toBeUndefined();
      const expires = Date.parse(browser.jar.get('aged')!.attributes.expires as string);
      expect(expires).toBeGreaterThanOrEqual(Math.floor((before + 2 * HOUR) / 1000) * 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 2 * HOUR);
    });

    it('a cookie made with an old key is read, and re-issued with the current key', async () => {
      const oldSecret = `${SECRET} (old)`;
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: [SECRET, oldSecret] })], routes);
      const browser = new Browser(app.url);
      const old = codecOn({ cookieName: 'session', secret: oldSecret }).encode('{"n":3}', Date.now(), HOUR);
      const reply = await browser.get('/read', { cookie: `session=${old}` });
      expect(reply.body).toBe('{"n":3}');
      expect(reply.setCookies).toHaveLength(1);
      const reissued = codec.decode(browser.jar.get('session')!.value);
      expect(reissued).toMatchObject({ status: 'valid', keyIndex: 0, json: '{"n":3}' });
      // The lifetime is kept, not restarted.
      expect(reissued.duration).toBe(HOUR);
    });

    it('tampered or foreign cookies give an empty session and a debug report with the reason', async () => {
      const problems: any[] = [];
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, onError: (e) => problems.push(e) })], routes);
      const browser = new Browser(app.url);
      const good = codec.encode('{"n":5}', Date.now(), HOUR);
      const forged = good.slice(0, 30) + (good[30] === 'A' ? 'B' : 'A') + good.slice(31);
      for (const value of [forged, 'garbage', '', codecOn({ cookieName: 'other', secret: SECRET }).encode('{"n":9}', Date.now(), HOUR)]) {
        const reply = await browser.get('/read', { cookie: `session=${value}` });
        expect(reply.status).toBe(200);
        expect(reply.body).toBe('{"n":null}');
      }
      expect(problems.map((p) => p.reason)).toEqual(['bad-mac', 'malformed', 'malformed', 'wrong-name']);
      expect(problems.every((p) => p.level === 'debug' && p.code === 'ERR_CLIENT_SESSIONS_COOKIE_INVALID')).toBe(true);
      expect(app.errors).toEqual([]);
    });

    it('an authentic cookie holding JSON that is not an object gives an empty session and a not-an-object report', async () => {
      const problems: any[] = [];
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, onError: (e) => problems.push(e) })], {
        '/dump': (req: any, res: any) => sendJson(res, { keys: Object.keys(req.session), n: req.session.n ?? null, isArray: Array.isArray(req.session), length: req.session.length ?? null }),
      });
      const contents = ['[1,2]', '[{"n":5}]', '["n"]', '[]', '"n"', '"{\\"n\\":5}"', '42', '0', 'null', 'true', 'false', '{', 'not json'];
      for (const json of contents) {
        const reply = await new Browser(app.url).get('/dump', { cookie: `session=${codec.encode(json, Date.now(), HOUR)}` });
        expect(reply.status, json).toBe(200);
        expect(JSON.parse(reply.body), json).toEqual({ keys: [], n: null, isArray: false, length: null });
        // Replaced by a fresh, empty session of our own.
        expect(reply.setCookies, json).toHaveLength(1);
        expect(codec.decode(parseSetCookie(reply.setCookies[0]!).cookie.value).json, json).toBe('{}');
      }
      expect(problems.map((p) => [p.code, p.level, p.reason, p.cookieName])).toEqual(
        contents.map(() => ['ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug', 'not-an-object', 'session']),
      );
      expect(problems[0].message).toBe('client-sessions-native: the session cookie holds no JSON object; starting a new session');
      expect(app.errors).toEqual([]);
    });

    it('regenerate gives a new empty object; save calls back; both have Promise forms', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        '/': async (req: any, res: any) => {
          const old = req.session;
          old.user = 'ada';
          await new Promise<void>((resolve, reject) => old.regenerate((err: unknown) => (err ? reject(err) : resolve())));
          const afterCallback = { old: { ...old }, current: { ...req.session }, same: old === req.session };
          old.stale = true; // writes to the old object do not reach the new session
          req.session.fresh = 1;
          await req.session.save();
          await new Promise<void>((resolve) => req.session.save(resolve));
          await req.session.regenerate();
          req.session.final = true;
          sendJson(res, afterCallback);
        },
        '/dump': (req: any, res: any) => sendJson(res, req.session),
      });
      const browser = new Browser(app.url);
      // Hono's c.get() and the web store's load() give one handle for the request, which stays
      // the session through regenerate(): what was read before it is the new, empty session.
      const regenerated = isWebStandard(framework) ? { old: {}, current: {}, same: true } : { old: { user: 'ada' }, current: {}, same: false };
      expect(await browser.json('/')).toEqual(regenerated);
      expect(await browser.json('/dump')).toEqual({ final: true });
    });
  });
}
