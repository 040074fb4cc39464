// Cookie name prefixes, which browsers enforce: a __Secure- cookie is stored only with Secure, a
// __Host- cookie only with Secure, path '/' and no Domain, which is what stops a sibling
// subdomain from tossing a cookie of that name at this host. Options that could never be stored
// are setup errors; the rest is made Secure.
import { afterEach, describe, expect, it } from 'vitest';

import sessions from './helpers/sessions';
import { BACKEND, SECRET } from './helpers/backend';
import { Browser, FRAMEWORKS, parseSetCookie, startApp, type RunningApp } from './helpers/http';

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function refusal(options: object): Error & { code?: string } {
  try {
    sessions({ secret: SECRET, ...options });
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the options to be refused');
}

describe(`cookie name prefixes (${BACKEND})`, () => {
  it('__Host- with a domain or another path, or either prefix with secure: false, is refused at setup', () => {
    expect(refusal({ cookieName: '__Host-session', cookie: { domain: 'example.com' } })).toMatchObject({
      code: 'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS',
      message: "client-sessions-native: a cookie named __Host-… must have path '/' and no domain, or browsers drop it: remove cookie.domain, or use the __Secure- prefix",
    });
    expect(refusal({ cookieName: '__Host-session', cookie: { path: '/app' } }).message).toMatch(/set cookie.path to '\/'/);
    expect(refusal({ cookieName: '__host-session', cookie: { path: '/app' } }).message).toMatch(/__Host-/);
    for (const cookieName of ['__Host-session', '__Secure-session', '__SECURE-session']) {
      expect(refusal({ cookieName, cookie: { secure: false } }).message, cookieName).toMatch(/must be Secure, or browsers drop it/);
    }
    expect(() => sessions({ secret: SECRET, cookieName: '__Secure-session', cookie: { domain: 'example.com', path: '/app' } })).not.toThrow();
  });

  for (const framework of FRAMEWORKS) {
    it(`on ${framework}, a prefixed cookie is Secure without being asked, and not sent over plain HTTP`, async () => {
      const problems: string[] = [];
      app = await startApp(framework, [
        sessions({ cookieName: '__Host-session', secret: SECRET, proxy: true, onError: (e) => problems.push(e.code) }),
        sessions({ cookieName: '__Secure-cart', secret: SECRET, proxy: true, cookie: { secure: 'auto', domain: '127.0.0.1' } }),
        sessions({ cookieName: 'plain', secret: SECRET }),
      ], {
        '/': (req, res) => {
          req['__Host-session'].user = 'ada';
          req['__Secure-cart'].items = [1];
          req.plain.n = 1;
          res.end('ok');
        },
      });
      const secure = await new Browser(app.url).get('/', { 'x-forwarded-proto': 'https' });
      const byName = Object.fromEntries(secure.setCookies.map((line) => [parseSetCookie(line).name, parseSetCookie(line).cookie.attributes]));
      expect(byName['__Host-session']).toMatchObject({ secure: true, path: '/', httponly: true });
      expect(byName['__Host-session']!.domain).toBeUndefined();
      expect(byName['__Secure-cart']).toMatchObject({ secure: true, domain: '127.0.0.1' });
      expect(byName.plain!.secure).toBeUndefined();
      const insecure = await new Browser(app.url).get('/');
      expect(insecure.setCookies.map((line) => parseSetCookie(line).name)).toEqual(['plain']);
      expect(problems).toEqual(['ERR_CLIENT_SESSIONS_INSECURE_CONNECTION']);
    });
  }
});
