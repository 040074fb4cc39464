// The Set-Cookie header: written on every response path, merged with other cookies, Secure and
// SameSite handled, never over 4 KB, and never a 500.
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';

import sessions from './helpers/sessions';
import { BACKEND, SECRET } from './helpers/backend';
import { Browser, FRAMEWORKS, parseSetCookie, startApp, type RunningApp } from './helpers/http';

/**
 * After writeHead: on node:http the headers went with that call; on Hono they go once the
 * handler has returned its Response and the middleware after `await next()` has run, so the
 * route waits for that before the late change (elsewhere it changes the session at once).
 */
const headersGone = (framework: (typeof FRAMEWORKS)[number]): Promise<void> | undefined =>
  framework === 'hono' ? new Promise((resolve) => setTimeout(resolve, 5)) : undefined;
import { selfSignedCertificate } from './helpers/tls';

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const touch = (req: any): void => {
  req.session.touched = (req.session.touched ?? 0) + 1;
};

for (const framework of FRAMEWORKS) {
  describe(`Set-Cookie on ${framework} (${BACKEND})`, () => {
    it('is written on every way a response can start', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        '/writeHead': (req, res) => {
          touch(req);
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('x');
        },
        '/writeHeadReason': (req, res) => {
          touch(req);
          res.writeHead(201, 'Made');
          res.end();
        },
        '/end': (req, res) => {
          touch(req);
          res.end('x');
        },
        '/endEmpty': (req, res) => {
          touch(req);
          res.statusCode = 204;
          res.end();
        },
        '/write': (req, res) => {
          touch(req);
          res.write('a');
          res.end('b');
        },
        '/flush': (req, res) => {
          touch(req);
          res.flushHeaders();
          setTimeout(() => res.end('late'), 5);
        },
        '/stream': (req, res) => {
          touch(req);
          Readable.from(['one', 'two', 'three']).pipe(res);
        },
        '/count': (req, res) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ touched: req.session.touched }));
        },
        '/afterAwait': async (req, res) => {
          await new Promise((r) => setTimeout(r, 5));
          touch(req);
          await new Promise((r) => setTimeout(r, 5));
          res.end('x');
        },
      });
      const browser = new Browser(app.url);
      for (const path of ['/writeHead', '/writeHeadReason', '/end', '/endEmpty', '/write', '/flush', '/stream', '/afterAwait']) {
        const reply = await browser.get(path);
        expect(reply.setCookies, path).toHaveLength(1);
        expect(reply.setCookies[0], path).toMatch(/^session=/);
      }
      // Each request saw the previous one's cookie: the counter went up every time.
      expect(await browser.json('/count')).toEqual({ touched: 8 });
    });

    it("keeps the application's and other instances' cookies, including ones passed to writeHead", async () => {
      app = await startApp(framework, [
        sessions({ cookieName: 'a', secret: SECRET }),
        sessions({ cookieName: 'b', secret: `${SECRET}2` }),
      ], {
        '/setHeader': (req, res) => {
          req.a.x = 1;
          req.b.y = 2;
          res.setHeader('Set-Cookie', ['theme=dark; Path=/', 'lang=en']);
          res.end();
        },
        '/inWriteHead': (req, res) => {
          req.a.x = 2;
          req.b.y = 3;
          res.setHeader('Set-Cookie', 'early=1');
          res.writeHead(200, { 'Set-Cookie': ['passed=1', 'passed2=2'], 'X-Other': 'kept' });
          res.end();
        },
        '/rawArray': (req, res) => {
          req.a.x = 3;
          res.writeHead(200, ['set-cookie', 'raw=1', 'x-other', 'kept']);
          res.end();
        },
        '/appSetsOurName': (req, res) => {
          req.a.x = 4;
          res.setHeader('Set-Cookie', ['a=stale; Path=/', 'other=1']);
          res.end();
        },
      });
      const browser = new Browser(app.url);
      const names = (lines: string[]) => lines.map((l) => parseSetCookie(l).name).sort();
      expect(names((await browser.get('/setHeader')).setCookies)).toEqual(['a', 'b', 'lang', 'theme']);
      const inWriteHead = await browser.get('/inWriteHead');
      expect(names(inWriteHead.setCookies)).toEqual(['a', 'b', 'early', 'passed', 'passed2']);
      expect(inWriteHead.headers.get('x-other')).toBe('kept');
      const raw = await browser.get('/rawArray');
      expect(names(raw.setCookies)).toEqual(['a', 'raw']);
      expect(raw.headers.get('x-other')).toBe('kept');
      const replaced = await browser.get('/appSetsOurName');
      expect(names(replaced.setCookies)).toEqual(['a', 'other']);
      expect(replaced.setCookies.find((l) => l.startsWith('a='))).not.toMatch(/^a=stale/);
    });

    it('SameSite, Partitioned, Priority, Domain and Path are written; none and partitioned force Secure', async () => {
      app = await startApp(framework, [
        sessions({ cookieName: 'lax', secret: SECRET, cookie: { sameSite: 'lax', path: '/app', domain: '127.0.0.1', priority: 'high', httpOnly: false } }),
        sessions({ cookieName: 'strict', secret: SECRET, cookie: { sameSite: true } }),
        sessions({ cookieName: 'none', secret: SECRET, cookie: { sameSite: 'none' }, proxy: true }),
        sessions({ cookieName: 'chips', secret: SECRET, cookie: { partitioned: true, sameSite: 'None' }, proxy: true }),
      ], {
        '/': (req, res) => {
          for (const name of ['lax', 'strict', 'none', 'chips']) req[name].x = 1;
          res.end();
        },
      });
      const reply = await new Browser(app.url).get('/', { 'x-forwarded-proto': 'https' });
      const byName = Object.fromEntries(reply.setCookies.map((l) => [parseSetCookie(l).name, parseSetCookie(l).cookie.attributes]));
      expect(byName.lax).toMatchObject({ samesite: 'lax', path: '/app', domain: '127.0.0.1', priority: 'high' });
      expect(byName.lax!.httponly).toBeUndefined();
      expect(byName.strict).toMatchObject({ samesite: 'strict', httponly: true });
      expect(byName.none).toMatchObject({ samesite: 'none', secure: true });
      expect(byName.chips).toMatchObject({ partitioned: true, secure: true, samesite: 'none' });
    });

    it('a Secure cookie is not sent over plain HTTP, and the request still succeeds', async () => {
      const problems: any[] = [];
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, cookie: { secure: true }, onError: (e) => problems.push(e) })], {
        '/': (req, res) => {
          touch(req);
          res.end('fine');
        },
      });
      const reply = await new Browser(app.url).get('/');
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('fine');
      expect(reply.setCookies).toEqual([]);
      expect(problems).toEqual([expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_INSECURE_CONNECTION', level: 'debug' })]);
      // X-Forwarded-Proto is ignored unless proxy: true.
      expect((await new Browser(app.url).get('/', { 'x-forwarded-proto': 'https' })).setCookies).toEqual([]);
    });

    it('over TLS (a real HTTPS server) secure: true is sent with Secure and "auto" marks Secure; over plain HTTP "auto" does not', async () => {
      const tls = selfSignedCertificate();
      const problems: any[] = [];
      const middleware = [
        sessions({ cookieName: 'always', secret: SECRET, cookie: { secure: true }, onError: (e) => problems.push(e) }),
        sessions({ cookieName: 'auto', secret: SECRET, cookie: { secure: 'auto' }, onError: (e) => problems.push(e) }),
      ];
      const routes = {
        '/': (req: any, res: any) => {
          req.always.x = 1;
          req.auto.x = 1;
          res.end(String(req.socket.encrypted === true));
        },
      };
      // No proxy: true and no X-Forwarded-Proto: only the TLS socket says the request is secure.
      app = await startApp(framework, middleware, routes, undefined, { tls });
      expect(app.url).toMatch(/^https:/);
      const overTls = await new Browser(app.url, { ca: tls.cert }).get('/');
      expect([overTls.status, overTls.body]).toEqual([200, 'true']);
      const secure = Object.fromEntries(overTls.setCookies.map((l) => [parseSetCookie(l).name, parseSetCookie(l).cookie.attributes.secure ?? false]));
      expect(secure).toEqual({ always: true, auto: true });
      expect(overTls.setCookies.every((l) => /; secure; httponly$/.test(l))).toBe(true);
      expect(problems).toEqual([]);
      await app.close();

      app = await startApp(framework, middleware, routes);
      const plain = await new Browser(app.url).get('/');
      expect([plain.status, plain.body]).toEqual([200, 'false']);
      expect(plain.setCookies).toHaveLength(1);
      expect(parseSetCookie(plain.setCookies[0]!).name).toBe('auto');
      expect(parseSetCookie(plain.setCookies[0]!).cookie.attributes.secure).toBeUndefined();
      expect(problems).toEqual([expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_INSECURE_CONNECTION', cookieName: 'always', level: 'debug' })]);
    });

    it('proxy: true trusts X-Forwarded-Proto: https; secure: "auto" marks Secure only then', async () => {
      app = await startApp(framework, [
        sessions({ cookieName: 'always', secret: SECRET, cookie: { secure: true }, proxy: true }),
        sessions({ cookieName: 'auto', secret: SECRET, cookie: { secure: 'auto' }, proxy: true }),
      ], {
        '/': (req, res) => {
          req.always.x = 1;
          req.auto.x = 1;
          res.end();
        },
      });
      const viaTls = await new Browser(app.url).get('/', { 'x-forwarded-proto': 'https, http' });
      const attrs = Object.fromEntries(viaTls.setCookies.map((l) => [parseSetCookie(l).name, parseSetCookie(l).cookie.attributes]));
      expect(attrs.always?.secure).toBe(true);
      expect(attrs.auto?.secure).toBe(true);
      const plain = await new Browser(app.url).get('/', { 'x-forwarded-proto': 'http' });
      expect(plain.setCookies.map((l) => parseSetCookie(l).name)).toEqual(['auto']);
      expect(parseSetCookie(plain.setCookies[0]!).cookie.attributes.secure).toBeUndefined();
    });

    it('a cookie over 4096 bytes is not sent; onError hears its size and the response still goes out', async () => {
      const problems: any[] = [];
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, onError: (e) => problems.push(e) })], {
        '/small': (req, res) => {
          req.session.data = 'x'.repeat(2500);
          res.end('ok');
        },
        '/big': (req, res) => {
          req.session.data = 'x'.repeat(3500);
          res.end('ok');
        },
      });
      const browser = new Browser(app.url);
      const small = await browser.get('/small');
      expect(small.setCookies).toHaveLength(1);
      expect(Buffer.byteLength(small.setCookies[0]!)).toBeLessThanOrEqual(4096);
      const big = await browser.get('/big');
      expect(big.status).toBe(200);
      expect(big.setCookies).toEqual([]);
      expect(problems).toEqual([expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE', level: 'warn', cookieName: 'session' })]);
      expect(problems[0].size).toBeGreaterThan(4096);
      expect(problems[0].message).toMatch(/session cookie is \d+ bytes/);
    });

    it('by default an oversized cookie is a process warning naming the cookie and its size', async () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        app = await startApp(framework, [sessions({ cookieName: 'cart', secret: SECRET })], {
          '/': (req, res) => {
            req.cart.data = 'y'.repeat(5000);
            res.end();
          },
        });
        await new Browser(app.url).get('/');
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0]![0])).toMatch(/the cart cookie is \d{4} bytes/);
      } finally {
        warn.mockRestore();
      }
    });

    it('content JSON cannot hold (a cycle, a BigInt) is reported, not a crash or a 500', async () => {
      const problems: any[] = [];
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, onError: (e) => problems.push(e) })], {
        '/cycle': (req, res) => {
          const node: any = {};
          node.self = node;
          req.session.node = node;
          res.end('ok');
        },
        '/bigint': (req, res) => {
          req.session.n = 10n;
          res.end('ok');
        },
      });
      const browser = new Browser(app.url);
      for (const path of ['/cycle', '/bigint']) {
        const reply = await browser.get(path);
        expect([reply.status, reply.body, reply.setCookies]).toEqual([200, 'ok', []]);
      }
      expect(problems.map((p) => [p.code, p.level])).toEqual([
        ['ERR_CLIENT_SESSIONS_ENCODE_FAILED', 'error'],
        ['ERR_CLIENT_SESSIONS_ENCODE_FAILED', 'error'],
      ]);
    });

    // The web store leaves the session open after commit() (the application decides when its
    // Response goes), so it cannot know a later change is late; web.test.ts checks that the
    // next setCookies() gives the changed cookie.
    if (framework !== 'web') it('a change after the headers went out is reported, not lost silently', async () => {
      const problems: any[] = [];
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, onError: (e) => problems.push(e) })], {
        '/late': async (req, res) => {
          res.writeHead(200);
          const gone = headersGone(framework);
          if (gone) await gone;
          req.session.tooLate = true;
          res.end('ok');
        },
        '/untouched': (_req, res) => res.end('ok'),
        '/changedAgain': async (req, res) => {
          req.session.early = true;
          res.writeHead(200);
          const gone = headersGone(framework);
          if (gone) await gone;
          req.session.tooLate = true;
          res.end('ok');
        },
      });
      const browser = new Browser(app.url);
      const late = await browser.get('/late');
      expect([late.status, late.setCookies]).toEqual([200, []]);
      expect(problems).toEqual([expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_HEADERS_SENT', level: 'warn' })]);
      await browser.get('/untouched');
      expect(problems).toHaveLength(1);
      // Written before the headers, changed after: what was sent is the session before the change.
      const again = await browser.get('/changedAgain');
      expect(again.setCookies).toHaveLength(1);
      expect(problems).toHaveLength(2);
      expect(problems[1]).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_HEADERS_SENT' });
    });

    it('an onError that throws changes nothing for the response', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, onError: () => { throw new Error('boom'); } })], {
        '/': (req, res) => {
          req.session.data = 'z'.repeat(5000);
          res.end('ok');
        },
      });
      const reply = await new Browser(app.url).get('/', { cookie: 'session=garbage' });
      expect([reply.status, reply.body]).toEqual([200, 'ok']);
    });
  });
}
