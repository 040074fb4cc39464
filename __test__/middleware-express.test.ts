// Express-only paths: redirect, json, send, "trust proxy", and a Passport login and logout.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';

import sessions from '../src/index';
import { BACKEND, SECRET } from './helpers/backend';
import { Browser, parseSetCookie, startApp, type RunningApp } from './helpers/http';

const load = createRequire(__filename);
let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

for (const framework of ['express4', 'express5'] as const) {
  describe(`${framework} (${BACKEND})`, () => {
    it('the cookie survives res.redirect, res.json and res.send', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {}, (express) => {
        express.post('/login', (req: any, res: any) => {
          req.session.user = 'ada';
          res.redirect(303, '/');
        });
        express.get('/json', (req: any, res: any) => {
          req.session.n = (req.session.n ?? 0) + 1;
          res.json({ n: req.session.n });
        });
        express.get('/send', (req: any, res: any) => {
          req.session.sent = true;
          res.status(202).send('<p>hi</p>');
        });
        express.post('/logout', (req: any, res: any) => {
          req.session.reset();
          res.redirect('/');
        });
        express.get('/', (req: any, res: any) => res.json(req.session));
      });
      const browser = new Browser(app.url);
      const login = await browser.request('/login', { method: 'POST' });
      expect(login.status).toBe(303);
      expect(login.setCookies).toHaveLength(1);
      expect(await browser.json('/')).toEqual({ user: 'ada' });
      expect(JSON.parse((await browser.get('/json')).body)).toEqual({ n: 1 });
      expect((await browser.get('/send')).status).toBe(202);
      expect(await browser.json('/')).toEqual({ user: 'ada', n: 1, sent: true });
      const logout = await browser.request('/logout', { method: 'POST' });
      expect([logout.status, logout.setCookies.length]).toEqual([302, 1]);
      expect(await browser.json('/')).toEqual({});
    });

    it('follows Express "trust proxy" (req.secure) for Secure cookies', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, cookie: { secure: true } })], {
        '/': (req, res) => {
          req.session.x = 1;
          res.end();
        },
      }, (express) => express.set('trust proxy', 'loopback'));
      const reply = await new Browser(app.url).get('/', { 'x-forwarded-proto': 'https' });
      expect(reply.setCookies).toHaveLength(1);
      expect(parseSetCookie(reply.setCookies[0]!).cookie.attributes.secure).toBe(true);
      expect((await new Browser(app.url).get('/')).setCookies).toEqual([]);
    });

    it('Passport logs in and out through regenerate() and save()', async () => {
      const passport = load('passport');
      const LocalStrategy = load('passport-local').Strategy;
      const authenticator = new passport.Passport();
      authenticator.use(new LocalStrategy((username: string, password: string, done: any) =>
        done(null, username === 'ada' && password === 'lovelace' ? { id: 1, name: 'ada' } : false)));
      authenticator.serializeUser((user: any, done: any) => done(null, user.id));
      authenticator.deserializeUser((id: number, done: any) => done(null, id === 1 ? { id: 1, name: 'ada' } : false));

      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {}, (express) => {
        express.use(load(framework === 'express4' ? 'express' : 'express5').urlencoded({ extended: false }));
        express.use(authenticator.initialize());
        express.use(authenticator.session());
        express.post('/login', authenticator.authenticate('local', { failureRedirect: '/failed' }), (_req: any, res: any) => res.redirect('/me'));
        express.post('/logout', (req: any, res: any, next: any) => req.logout((err: unknown) => (err ? next(err) : res.redirect('/me'))));
        express.get('/me', (req: any, res: any) => res.json({ user: req.user ?? null, session: req.session }));
      });
      const browser = new Browser(app.url);
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const bad = await browser.request('/login', { method: 'POST', headers: form, body: 'username=ada&password=nope' });
      expect(bad.headers.get('location')).toBe('/failed');
      const good = await browser.request('/login', { method: 'POST', headers: form, body: 'username=ada&password=lovelace' });
      expect(good.headers.get('location')).toBe('/me');
      expect(await browser.json('/me')).toEqual({ user: { id: 1, name: 'ada' }, session: { passport: { user: 1 } } });
      await browser.request('/logout', { method: 'POST' });
      expect(await browser.json('/me')).toEqual({ user: null, session: {} });
    });
  });
}
