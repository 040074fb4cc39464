// Format 2 through every adapter: sessions kept in it, client-sessions' own cookies migrated to
// it in the same response, the absolute lifetime, and chunking in a cookie jar. The codec's
// bytes are format2.test.ts's; this is what an application sees.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';

import sessions from './helpers/sessions';
import { BACKEND, SECRET, codecOn } from './helpers/backend';
import { Browser, FRAMEWORKS, sendJson, startApp, type RunningApp } from './helpers/http';

const clientSessions = createRequire(__filename)('client-sessions');

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const OPTIONS = { cookieName: 'session', secret: SECRET, format: 2 as const };
const codec = codecOn(OPTIONS);

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const routes = {
  '/count': (req: any, res: any) => {
    req.session.n = (req.session.n ?? 0) + 1;
    sendJson(res, { n: req.session.n });
  },
  '/read': (req: any, res: any) => sendJson(res, { session: { ...req.session } }),
  '/reset': (req: any, res: any) => {
    req.session.reset();
    res.end();
  },
  '/regenerate': async (req: any, res: any) => {
    await req.session.regenerate();
    req.session.n = 1;
    res.end();
  },
  '/short': (req: any, res: any) => {
    req.session.setDuration(10 * MIN);
    res.end();
  },
  '/touch': (req: any, res: any) => {
    req.session.touch();
    res.end();
  },
  '/fill': (req: any, res: any) => {
    const size = Number(new URL(req.url, 'http://x').searchParams.get('size'));
    req.session.blob = 'b'.repeat(size);
    sendJson(res, { size });
  },
};

const decodeJar = (browser: Browser) => codec.decodeFromHeader(browser.cookieHeader());

for (const framework of FRAMEWORKS) {
  describe(`format 2 sessions on ${framework} (${BACKEND})`, () => {
    it('a session is kept across requests in a format 2 cookie', async () => {
      app = await startApp(framework, [sessions(OPTIONS)], routes);
      const browser = new Browser(app.url);
      for (const n of [1, 2, 3]) expect(await browser.json('/count')).toEqual({ n });
      const value = browser.jar.get('session')!.value;
      expect(value).not.toContain('.');
      expect(decodeJar(browser)).toMatchObject({ status: 'valid', format: 2, json: '{"n":3}' });
    });

    it("client-sessions 0.8.0's own cookie is read and re-issued as format 2 in the same response, which client-sessions then sees as no session", async () => {
      app = await startApp(framework, [sessions(OPTIONS)], routes);
      const opts = { cookieName: 'session', secret: SECRET };
      const old = clientSessions.util.encode(opts, { user: 'ada', n: 4 }, HOUR);
      const browser = new Browser(app.url);
      const reply = await browser.get('/read', { cookie: `session=${old}` });
      expect(JSON.parse(reply.body)).toEqual({ session: { user: 'ada', n: 4 } });
      // Only read, yet written again: in format 2, with the lifetime the old cookie had.
      expect(reply.setCookies).toHaveLength(1);
      const reissued = browser.jar.get('session')!.value;
      expect(reissued).not.toContain('.');
      const [, , createdAt] = old.split('.');
      expect(codec.decode(reissued)).toMatchObject({ status: 'valid', format: 2, issuedAt: Number(createdAt), json: '{"user":"ada","n":4}' });
      expect(() => clientSessions.util.decode(opts, reissued)).not.toThrow();
      expect(clientSessions.util.decode(opts, reissued)).toBeUndefined();
    });

    it('absoluteDuration ends an active session, caps the cookie, and reset starts a new one', async () => {
      const problems: any[] = [];
      app = await startApp(framework, [sessions({ ...OPTIONS, duration: 24 * HOUR, absoluteDuration: HOUR, onError: (e) => problems.push(e) })], routes);
      const now = Date.now();
      // Issued two hours ago and still in date by its sliding expiry: past the absolute limit.
      const stale = codec.encode('{"n":9}', now - 2 * HOUR, 3 * HOUR, now - 2 * HOUR);
      const browser = new Browser(app.url);
      expect(await browser.json('/count', { cookie: `session=${stale}` })).toEqual({ n: 1 });
      expect(problems).toEqual([expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', reason: 'expired' })]);

      // Issued 50 minutes ago: still valid, and neither its expiry nor the cookie's outlives the hour.
      const issued = now - 50 * MIN;
      const young = codec.encode('{"n":1}', issued, 24 * HOUR, issued);
      const fresh = new Browser(app.url);
      expect(await fresh.json('/count', { cookie: `session=${young}` })).toEqual({ n: 2 });
      const written = decodeJar(fresh);
      expect(written).toMatchObject({ status: 'valid', issuedAt: issued });
      expect(written.createdAt + written.duration).toBe(issued + HOUR);
      expect(Date.parse(fresh.jar.get('session')!.attributes.expires as string)).toBeLessThanOrEqual(issued + HOUR);

      // reset, regenerate and setDuration each start a new absolute lifetime; a plain write does not.
      for (const route of ['/reset', '/regenerate', '/short']) {
        const browser = new Browser(app.url);
        await browser.get('/count', { cookie: `session=${young}` });
        expect(decodeJar(browser).issuedAt, route).toBe(issued);
        await browser.get(route);
        expect(decodeJar(browser).issuedAt, route).toBeGreaterThanOrEqual(now);
      }
    });

    // Format 2 seals when a session ends, not how long it lasts: touch() and setDuration work
    // from the configured duration, not from whatever the cookie had left.
    it("touch() gives a session the configured duration from now, whatever its cookie had left, and keeps when it began", async () => {
      app = await startApp(framework, [sessions({ ...OPTIONS, duration: 24 * HOUR, secureSessionMethods: true })], routes);
      const before = Date.now();
      // Issued two hours ago, ending in one: three hours in all, not the configured day.
      const issued = before - 2 * HOUR;
      const cookie = codec.encode('{"n":1}', issued, 3 * HOUR, issued);
      const browser = new Browser(app.url);
      await browser.get('/touch', { cookie: `session=${cookie}` });
      const after = Date.now();
      const written = decodeJar(browser);
      expect(written).toMatchObject({ status: 'valid', issuedAt: issued, json: '{"n":1}' });
      expect(written.createdAt + written.duration).toBeGreaterThanOrEqual(before + 24 * HOUR);
      expect(written.createdAt + written.duration).toBeLessThanOrEqual(after + 24 * HOUR);
    });

    it('a session too big for one cookie is split, joined back, and stale chunks are expired when it shrinks', async () => {
      app = await startApp(framework, [sessions({ ...OPTIONS, maxChunks: 3 })], routes);
      const browser = new Browser(app.url);
      // 5000 bytes of JSON are about 6,750 characters of value: two cookies.
      const grown = await browser.get('/fill?size=5000');
      expect(grown.setCookies.map((c) => c.split('=', 1)[0])).toEqual(['session', 'session.1']);
      for (const line of grown.setCookies) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(4096);
      expect((await browser.json('/read')).session.blob).toHaveLength(5000);

      const shrunk = await browser.get('/fill?size=10');
      expect(shrunk.setCookies.map((c) => c.split('=', 1)[0])).toEqual(['session', 'session.1']);
      expect(shrunk.setCookies[1]).toMatch(/^session\.1=; path=\/; expires=Thu, 01 Jan 1970 00:00:00 GMT/);
      expect([...browser.jar.keys()]).toEqual(['session']);
      expect((await browser.json('/read')).session.blob).toBe('b'.repeat(10));
    });

    it('past maxChunks nothing is written and onError hears of it; the old session stays', async () => {
      const problems: any[] = [];
      app = await startApp(framework, [sessions({ ...OPTIONS, maxChunks: 2, onError: (e) => problems.push(e) })], routes);
      const browser = new Browser(app.url);
      await browser.get('/fill?size=100');
      const before = browser.jar.get('session')!.value;
      const reply = await browser.get('/fill?size=9000');
      expect(reply.status).toBe(200);
      expect(reply.setCookies).toEqual([]);
      expect(problems).toEqual([expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE', level: 'warn' })]);
      expect(problems[0].message).toMatch(/even in 2 cookies/);
      expect(browser.jar.get('session')!.value).toBe(before);
    });
  });
}
