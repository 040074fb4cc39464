// An application written for client-sessions v0.8 runs unchanged on this package, and its users
// stay logged in across the switch (and across a switch back).
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';

import ours from '../src/index';
import { BACKEND } from './helpers/backend';
import { Browser, type RunningApp } from './helpers/http';

const load = createRequire(__filename);
const original = load('client-sessions');

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The application, as it was written for client-sessions: only the factory is swapped. */
async function startLegacyApp(sessions: any): Promise<RunningApp> {
  const express = load('express');
  const server = express();
  server.use(sessions({ cookieName: 'mySession', secret: 'blargadeeblargblarg', duration: 24 * 60 * 60 * 1000, activeDuration: 1000 * 60 * 5 }));
  server.use(sessions({ cookieName: 'shopping_cart', secret: 'first secret', duration: 7 * 24 * 60 * 60 * 1000 }));
  server.get('/', (req: any, res: any) => {
    if (req.mySession.seenyou) {
      res.setHeader('X-Seen-You', 'true');
    } else {
      req.mySession.seenyou = true;
      res.setHeader('X-Seen-You', 'false');
    }
    res.end();
  });
  server.get('/login', (req: any, res: any) => {
    req.mySession.csrf = 'token-123';
    req.mySession.user = { name: 'ada', roles: ['admin'] };
    res.end();
  });
  server.get('/cart/add', (req: any, res: any) => {
    req.shopping_cart.items = (req.shopping_cart.items || []).concat(['book']);
    res.end();
  });
  server.get('/logout', (req: any, res: any) => {
    req.mySession.reset(['csrf']);
    res.redirect('/state');
  });
  server.get('/state', (req: any, res: any) => res.json({ session: req.mySession, cart: req.shopping_cart }));
  const listening = server.listen(0, '127.0.0.1');
  await new Promise((resolve) => listening.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${listening.address().port}`,
    errors: [],
    close: () => new Promise<void>((resolve) => listening.close(() => resolve())),
  };
}

describe(`drop-in for client-sessions v0.8 (${BACKEND})`, () => {
  it('exports the same shape: a factory with util.encode/decode/computeHmac', () => {
    expect(typeof ours).toBe('function');
    for (const name of ['encode', 'decode', 'computeHmac']) expect(typeof (ours.util as any)[name]).toBe(typeof original.util[name]);
  });

  it('users of a client-sessions app stay logged in when it switches, and when it switches back', async () => {
    const browser = new Browser('');
    const use = async (factory: unknown) => {
      await app?.close();
      app = await startLegacyApp(factory);
      (browser as { base: string }).base = app.url;
    };

    await use(original);
    expect((await browser.get('/')).headers.get('x-seen-you')).toBe('false');
    await browser.get('/login');
    await browser.get('/cart/add');

    await use(ours);
    expect((await browser.get('/')).headers.get('x-seen-you')).toBe('true');
    expect(await browser.json('/state')).toEqual({
      session: { seenyou: true, csrf: 'token-123', user: { name: 'ada', roles: ['admin'] } },
      cart: { items: ['book'] },
    });
    await browser.get('/cart/add');

    await use(original);
    expect(await browser.json('/state')).toEqual({
      session: { seenyou: true, csrf: 'token-123', user: { name: 'ada', roles: ['admin'] } },
      cart: { items: ['book', 'book'] },
    });

    await use(ours);
    const logout = await browser.get('/logout');
    expect(logout.status).toBe(302);
    expect(await browser.json('/state')).toEqual({ session: { csrf: 'token-123' }, cart: { items: ['book', 'book'] } });
  });
});
