// The example app new users start with `npm start`: login, counter, cart in a second cookie, logout.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BACKEND } from './helpers/backend';
import { Browser } from './helpers/http';

const { createApp } = createRequire(__filename)('../examples/express/server.js');

describe(`examples/express (${BACKEND})`, () => {
  let server: Server;
  let browser: Browser;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const post = (path: string, body: string) => browser.request(path, { method: 'POST', headers: form, body });

  beforeAll(async () => {
    process.env.SESSION_SECRET = 'example test session secret, long and random enough';
    process.env.CART_SECRET = 'example test cart secret, long and random enough too';
    server = createApp().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    browser = new Browser(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts visits, logs in, fills a cart, logs out keeping the cart', async () => {
    expect((await browser.get('/')).body).toContain(`<code>${BACKEND}</code>`);
    await browser.get('/');
    expect(await browser.json('/api/session')).toEqual({ user: null, visits: 2, cart: [] });
    expect((await post('/login', 'username=ada')).status).toBe(303);
    await post('/cart/add', 'id=tea');
    await post('/cart/add', 'id=tea');
    await post('/cart/add', 'id=mug');
    const session = await browser.json('/api/session');
    expect(session.user.name).toBe('ada');
    expect(session.cart).toEqual([{ id: 'tea', qty: 2 }, { id: 'mug', qty: 1 }]);
    expect([...browser.jar.keys()].sort()).toEqual(['cart', 'session']);
    await post('/logout', '');
    expect(await browser.json('/api/session')).toEqual({ user: null, visits: 0, cart: session.cart });
  });

  // Login CSRF: another site's page auto-submits the login form. SameSite=Lax keeps the visitor's
  // cookie off that POST, but without the protection its Set-Cookie would log them in as mallory.
  const forged = {
    'Sec-Fetch-Site': { ...form, 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' },
    'Origin alone (a browser without Sec-Fetch-Site)': { ...form, origin: 'http://evil.example' },
  };
  for (const [what, headers] of Object.entries(forged)) {
    it(`refuses a cross-site POST /login by ${what} with 403, setting no session`, async () => {
      const visitor = new Browser(browser.base);
      expect((await visitor.request('/login', { method: 'POST', headers: form, body: 'username=ada' })).status).toBe(303);
      const before = visitor.cookieHeader();
      const attack = await visitor.request('/login', { method: 'POST', headers, body: 'username=mallory' });
      expect(attack.status).toBe(403);
      expect(attack.setCookies).toEqual([]);
      expect(visitor.cookieHeader()).toBe(before);
      expect((await visitor.json('/api/session')).user.name).toBe('ada');
      const stranger = new Browser(browser.base);
      expect((await stranger.request('/login', { method: 'POST', headers, body: 'username=mallory' })).setCookies).toEqual([]);
      expect(stranger.jar.size).toBe(0);
    });
  }

  it('logs in from its own page (Sec-Fetch-Site: same-origin) and from curl (no such headers)', async () => {
    for (const headers of [{ ...form, 'sec-fetch-site': 'same-origin', origin: browser.base }, form]) {
      const visitor = new Browser(browser.base);
      const login = await visitor.request('/login', { method: 'POST', headers, body: 'username=ada' });
      expect(login.status, JSON.stringify(headers)).toBe(303);
      expect((await visitor.json('/api/session')).user.name).toBe('ada');
    }
  });

  it('without the protection (a test-only switch), the same forged POST logs the visitor in as mallory', async () => {
    const unprotected = createApp({ crossOriginProtection: false }).listen(0, '127.0.0.1');
    await new Promise((resolve) => unprotected.once('listening', resolve));
    try {
      const visitor = new Browser(`http://127.0.0.1:${(unprotected.address() as AddressInfo).port}`);
      const attack = await visitor.request('/login', { method: 'POST', headers: forged['Sec-Fetch-Site'], body: 'username=mallory' });
      expect(attack.status).toBe(303);
      expect((await visitor.json('/api/session')).user.name).toBe('mallory');
    } finally {
      await new Promise<void>((resolve) => unprotected.close(() => resolve()));
    }
  });

  it('refuses to start under NODE_ENV=production without real secrets', () => {
    const saved = { NODE_ENV: process.env.NODE_ENV, SESSION_SECRET: process.env.SESSION_SECRET, CART_SECRET: process.env.CART_SECRET };
    const set = (env: Record<string, string | undefined>) => {
      for (const [name, value] of Object.entries(env)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    };
    try {
      set({ NODE_ENV: 'production', SESSION_SECRET: undefined, CART_SECRET: undefined });
      expect(() => createApp()).toThrow(
        'NODE_ENV=production but SESSION_SECRET and CART_SECRET are not set: the development secrets are public, so anyone could forge sessions with them. Set each to a long random string, e.g. SESSION_SECRET=$(openssl rand -hex 32) CART_SECRET=$(openssl rand -hex 32).',
      );
      set({ SESSION_SECRET: saved.SESSION_SECRET });
      expect(() => createApp()).toThrow(/^NODE_ENV=production but CART_SECRET is not set: /);
      // The public development secret, copied into the environment, is no secret either.
      set({ CART_SECRET: 'DEVELOPMENT-ONLY-cart-secret-do-not-use-in-production' });
      expect(() => createApp()).toThrow(/^NODE_ENV=production but CART_SECRET is not set: /);
      set({ CART_SECRET: saved.CART_SECRET });
      expect(typeof createApp()).toBe('function');
    } finally {
      set(saved);
    }
  });

  it('refuses bad input with 400 and escapes it', async () => {
    const bad = await post('/login', 'username=%3Cscript%3E');
    expect(bad.status).toBe(400);
    expect(bad.body).not.toContain('<script>');
    expect((await post('/cart/add', 'id=__proto__')).status).toBe(400);
  });
});
