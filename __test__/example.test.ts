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

  it('refuses bad input with 400 and escapes it', async () => {
    const bad = await post('/login', 'username=%3Cscript%3E');
    expect(bad.status).toBe(400);
    expect(bad.body).not.toContain('<script>');
    expect((await post('/cart/add', 'id=__proto__')).status).toBe(400);
  });
});
