// The README's Web, Next.js, Bun/Deno/Workers, SvelteKit/Astro and Hono examples, run as they
// are (examples/web/, examples/hono/), and the README checked to show each file unchanged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BACKEND } from './helpers/backend';

const root = join(__dirname, '..');
const EXAMPLES = ['examples/web/server.mjs', 'examples/web/next-route.mjs', 'examples/web/next-middleware.mjs', 'examples/web/sveltekit.mjs', 'examples/hono/server.mjs'];

const load = (file: string): Promise<any> => import(pathToFileURL(join(root, file)).href);

/** The name=value part of each Set-Cookie, as a browser would send them back. */
const cookiesOf = (response: Response): string => response.headers.getSetCookie().map((c) => c.split(';', 1)[0]).join('; ');

describe(`README examples for the web store and Hono (${BACKEND})`, () => {
  const saved = { session: process.env.SESSION_SECRET, cart: process.env.CART_SECRET };
  beforeAll(() => {
    process.env.SESSION_SECRET = 'an examples test session secret, long enough';
    process.env.CART_SECRET = 'an examples test cart secret, long enough too';
  });
  afterAll(() => {
    process.env.SESSION_SECRET = saved.session;
    process.env.CART_SECRET = saved.cart;
  });

  it('the README shows every example file as it is', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const file of EXAMPLES) expect(readme.includes(readFileSync(join(root, file), 'utf8').trimEnd()), file).toBe(true);
  });

  it('server.mjs (Bun, Deno, Workers) counts visits in the session on this backend', async () => {
    const { default: server } = await load('examples/web/server.mjs');
    const first: Response = await server.fetch(new Request('http://localhost/'));
    expect(await first.json()).toEqual({ visits: 1, backend: BACKEND });
    expect(first.headers.getSetCookie()).toEqual([expect.stringMatching(/^session=[\w.-]+; path=\/; expires=[^;]+; httponly$/)]);
    const second: Response = await server.fetch(new Request('http://localhost/', { headers: { cookie: cookiesOf(first) } }));
    expect(await second.json()).toEqual({ visits: 2, backend: BACKEND });
    // A forged cookie is a new session, not an error.
    const forged: Response = await server.fetch(new Request('http://localhost/', { headers: { cookie: `${cookiesOf(first)}x` } }));
    expect(await forged.json()).toEqual({ visits: 1, backend: BACKEND });
  });

  it('the Next.js route handler counts visits, and DELETE expires the cookie', async () => {
    const route = await load('examples/web/next-route.mjs');
    expect(route.runtime).toBe('nodejs');
    const first: Response = await route.GET(new Request('http://localhost/api/visits'));
    const second: Response = await route.GET(new Request('http://localhost/api/visits', { headers: { cookie: cookiesOf(first) } }));
    expect(await second.json()).toEqual({ visits: 2 });
    const gone: Response = await route.DELETE(new Request('http://localhost/api/visits', { method: 'DELETE', headers: { cookie: cookiesOf(second) } }));
    expect(gone.status).toBe(204);
    expect(gone.headers.getSetCookie()).toEqual(['session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly']);
  });

  it("the Next.js middleware, with Next's own NextRequest and NextResponse, redirects the signed out and touches the signed in", async () => {
    // next/server has types, but no "exports" map that node16 resolution reads them through.
    const { NextRequest } = (await import('next/server' as string)) as typeof import('next/server.js');
    const { middleware, config } = await load('examples/web/next-middleware.mjs');
    expect(config).toEqual({ matcher: '/account/:path*', runtime: 'nodejs' });
    const out: Response = middleware(new NextRequest('http://localhost/account'));
    expect([out.status, out.headers.get('location'), out.headers.getSetCookie()]).toEqual([307, 'http://localhost/login', []]);

    const { createSessionStore } = await import('client-sessions-native/web');
    const store = createSessionStore({ cookieName: 'session', secret: process.env.SESSION_SECRET! });
    const session = store.load(null);
    session.userId = 'ada';
    const cookie = store.setCookies(session)[0]!.split(';', 1)[0]!;
    const before = Date.now();
    const passed: Response = middleware(new NextRequest('http://localhost/account', { headers: { cookie } }));
    expect(passed.headers.get('x-middleware-next')).toBe('1');
    const seen = store.load(cookiesOf(passed));
    expect(seen.userId).toBe('ada');
    expect(seen.lastSeen).toBeGreaterThanOrEqual(before);
  });

  it('the SvelteKit/Astro endpoint takes { request } and keeps the session', async () => {
    const { GET } = await load('examples/web/sveltekit.mjs');
    const first: Response = GET({ request: new Request('http://localhost/api/visits') });
    const second: Response = GET({ request: new Request('http://localhost/api/visits', { headers: { cookie: cookiesOf(first) } }) });
    expect(await second.json()).toEqual({ visits: 2 });
  });

  it('the Hono example keeps a session and a cart in two cookies, and logout keeps the cart', async () => {
    const { app } = await load('examples/hono/server.mjs');
    const first: Response = await app.request('/');
    expect(await first.json()).toEqual({ visits: 1, cart: [] });
    // Only the session changed: the untouched cart cookie is not written.
    expect(first.headers.getSetCookie().map((c) => c.split('=', 1)[0])).toEqual(['session']);
    const jar = new Map(first.headers.getSetCookie().map((c) => c.split(';', 1)[0]!.split('=') as [string, string]));
    const send = (response: Response): void => {
      for (const c of response.headers.getSetCookie()) {
        const [name, value] = c.split(';', 1)[0]!.split('=') as [string, string];
        if (value === '') jar.delete(name);
        else jar.set(name, value);
      }
    };
    const cookie = (): string => [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
    send(await app.request('/cart/tea', { method: 'POST', headers: { cookie: cookie() } }));
    const counted: Response = await app.request('/', { headers: { cookie: cookie() } });
    expect(await counted.json()).toEqual({ visits: 2, cart: ['tea'] });
    send(counted);
    const logout: Response = await app.request('/logout', { method: 'POST', headers: { cookie: cookie() } });
    expect([logout.status, logout.headers.get('location')]).toEqual([303, '/']);
    send(logout);
    expect([...jar.keys()]).toEqual(['cart']);
    expect(await (await app.request('/', { headers: { cookie: cookie() } })).json()).toEqual({ visits: 1, cart: ['tea'] });
  });
});
