// The idioms users bring from connect's cookieSession, cookie-session, express-session and
// client-sessions itself, over real HTTP on every framework: each works as they wrote it.
import { afterEach, describe, expect, it } from 'vitest';

import sessions from './helpers/sessions';
import { BACKEND, SECRET } from './helpers/backend';
import { Browser, FRAMEWORKS, sendJson, startApp, type RunningApp } from './helpers/http';

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const EXPIRED = 'session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly';

/** Login, state and the logout idiom under test, on one framework. */
async function logoutApp(framework: (typeof FRAMEWORKS)[number], logout: Record<string, (req: any, res: any) => unknown>): Promise<Browser> {
  app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
    '/login': (req, res) => {
      req.session.user = 'ada';
      req.session.cart = ['tea'];
      res.end('ok');
    },
    '/state': (req, res) => sendJson(res, { ...req.session }),
    ...logout,
  });
  const browser = new Browser(app.url);
  await browser.get('/login');
  expect(browser.jar.has('session')).toBe(true);
  return browser;
}

function redirect(res: any, to: string): void {
  res.statusCode = 302;
  res.setHeader('Location', to);
  res.end();
}

for (const framework of FRAMEWORKS) {
  describe(`idioms on ${framework} (${BACKEND})`, () => {
    it("express-session's destroy(callback) calls back, and the session is empty", async () => {
      const browser = await logoutApp(framework, {
        '/logout': (req, res) => req.session.destroy((err: unknown) => (err ? res.end('error') : redirect(res, '/state'))),
      });
      const reply = await browser.get('/logout');
      expect(reply.status).toBe(302);
      expect(reply.setCookies).toHaveLength(1);
      expect(await browser.json('/state')).toEqual({});
    });

    it('destroy() without a callback returns a Promise', async () => {
      const browser = await logoutApp(framework, {
        '/logout': async (req, res) => {
          const done = req.session.destroy();
          expect(done).toBeInstanceOf(Promise);
          await done;
          res.end('bye');
        },
      });
      expect((await browser.get('/logout')).body).toBe('bye');
      expect(await browser.json('/state')).toEqual({});
    });

    for (const value of [null, undefined]) {
      it(`req.session = ${value} deletes the cookie and leaves an empty session for the rest of the request`, async () => {
        const browser = await logoutApp(framework, {
          '/logout': (req, res) => {
            req.session = value;
            sendJson(res, { user: req.session.user ?? 'nobody', keys: Object.keys(req.session), reset: typeof req.session.reset });
          },
        });
        const reply = await browser.get('/logout');
        expect(reply.status).toBe(200);
        expect(JSON.parse(reply.body)).toEqual({ user: 'nobody', keys: [], reset: 'function' });
        expect(reply.setCookies).toEqual([EXPIRED]);
        expect(browser.jar.has('session')).toBe(false);
        expect(await browser.json('/state')).toEqual({});
      });
    }

    it('req.session = null, then a write, sends the new session instead of the deletion', async () => {
      const browser = await logoutApp(framework, {
        '/switch': (req, res) => {
          req.session = null;
          req.session.user = 'grace';
          res.end();
        },
      });
      const reply = await browser.get('/switch');
      expect(reply.setCookies).toHaveLength(1);
      expect(reply.setCookies[0]).not.toBe(EXPIRED);
      expect(await browser.json('/state')).toEqual({ user: 'grace' });
    });

    it("reset('key') keeps that key, as reset(['key']) does", async () => {
      const browser = await logoutApp(framework, {
        '/logout': (req, res) => {
          req.session.reset('cart');
          res.end();
        },
      });
      await browser.get('/logout');
      expect(await browser.json('/state')).toEqual({ cart: ['tea'] });
    });

    it('assigning a whole object before the session was read replaces what the cookie held', async () => {
      const browser = await logoutApp(framework, {
        '/replace': (req, res) => {
          // client-sessions decoded the cookie on the next read and so threw this away.
          req.session = { theme: 'dark' };
          sendJson(res, { ...req.session });
        },
      });
      const createdAt = browser.jar.get('session')!.value.split('.')[2];
      const reply = await browser.get('/replace');
      expect(JSON.parse(reply.body)).toEqual({ theme: 'dark' });
      expect(await browser.json('/state')).toEqual({ theme: 'dark' });
      // The session keeps its lifetime.
      expect(browser.jar.get('session')!.value.split('.')[2]).toBe(createdAt);
    });

    it('an assigned object cannot shadow the session methods: those keys are not stored', async () => {
      const browser = await logoutApp(framework, {
        '/replace': (req, res) => {
          req.session = { theme: 'dark', reset: 'x', save: 1 };
          sendJson(res, { keys: Object.keys(req.session), reset: typeof req.session.reset });
        },
      });
      expect(JSON.parse((await browser.get('/replace')).body)).toEqual({ keys: ['theme'], reset: 'function' });
      expect(await browser.json('/state')).toEqual({ theme: 'dark' });
    });

    it('assigning to a session method throws a coded TypeError that says why', async () => {
      let thrown: unknown;
      const browser = await logoutApp(framework, {
        '/assign': (req, res) => {
          try {
            req.session.reset = () => undefined;
          } catch (err) {
            thrown = err;
          }
          res.end();
        },
      });
      await browser.get('/assign');
      expect(thrown).toBeInstanceOf(TypeError);
      expect(thrown).toMatchObject({
        code: 'ERR_CLIENT_SESSIONS_RESERVED_KEY',
        message: expect.stringMatching(/^client-sessions-native: "reset" is a session method and cannot be assigned/),
      });
      expect(() => Object.defineProperty({}, 'x', {})).not.toThrow();
    });
  });
}

describe(`mistakes that are heard (${BACKEND})`, () => {
  it('a Secure cookie on plain HTTP is a process warning once per middleware, and a debug report per request', async () => {
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    const reports: string[] = [];
    try {
      app = await startApp('http', [
        sessions({ cookieName: 'a', secret: SECRET, cookie: { secure: true }, onError: (e) => reports.push(e.code) }),
        sessions({ cookieName: 'b', secret: SECRET, cookie: { sameSite: 'none' }, onError: (e) => reports.push(e.code) }),
      ], {
        '/': (req, res) => {
          req.a.x = 1;
          req.b.x = 1;
          res.end('ok');
        },
      });
      const browser = new Browser(app.url);
      for (let i = 0; i < 3; i++) expect((await browser.get('/')).setCookies).toEqual([]);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    const ours = warnings.filter((w) => (w as Error & { code?: string }).code === 'ERR_CLIENT_SESSIONS_INSECURE_CONNECTION');
    expect(ours.map((w) => w.message).sort()).toEqual([
      expect.stringMatching(/the a cookie was not sent, because the request came over plain HTTP and it has cookie\.secure: true.*cookie\.secure: 'auto'/),
      expect.stringMatching(/the b cookie was not sent, .*it is Secure \(SameSite=None and Partitioned cookies must be\)/),
    ]);
    expect(reports).toEqual(Array(6).fill('ERR_CLIENT_SESSIONS_INSECURE_CONNECTION'));
  });

  it('a session that JSON cannot hold is reported in words that read well', async () => {
    const problems: string[] = [];
    app = await startApp('http', [sessions({ cookieName: 'session', secret: SECRET, onError: (e) => problems.push(e.message) })], {
      '/': (req, res) => {
        req.session.n = 1n;
        res.end('ok');
      },
    });
    expect((await new Browser(app.url).get('/')).status).toBe(200);
    expect(problems).toEqual([expect.stringMatching(/^client-sessions-native: the session in the session cookie cannot be written as JSON \(/)]);
  });
});
