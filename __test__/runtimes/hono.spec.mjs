// The Hono middleware (`client-sessions-native/hono`) by its named ESM export: an app served by
// the runtime's own server (serve.mjs: Bun.serve and Deno.serve take app.fetch, Node runs
// @hono/node-server), and through app.request(): cookies written only when a session changed,
// two instances side by side, c.set(key, null), hostile cookies.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { Hono } from 'hono';
import { createCodec } from 'client-sessions-native';
import { sessions } from 'client-sessions-native/hono';

import { expectedBackend, test } from './harness.cjs';
import { cookieValue, expiresOf, forge, get, withServer } from './serve.mjs';

const require = createRequire(import.meta.url);
const SECRET = 'a runtimes test secret, long enough';
const OTHER_SECRET = 'another runtimes secret, long enough too';
const HOUR = 3_600_000;
const codec = createCodec({ cookieName: 'session', secret: SECRET });
const EXPIRED = (name) => `${name}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly`;

/** /count adds a visit, /peek only reads, /logout is c.set(key, null), /replace c.set(key, {…}). */
function app(options = {}) {
  const hono = new Hono();
  hono.use(sessions({ cookieName: 'session', secret: SECRET, duration: HOUR, ...options }));
  hono.get('/count', (c) => {
    const session = c.get('session');
    session.visits = (session.visits ?? 0) + 1;
    return c.json({ visits: session.visits });
  });
  hono.get('/peek', (c) => c.json({ visits: c.get('session').visits ?? null }));
  hono.get('/logout', (c) => {
    c.set('session', null);
    return c.json({ removed: true });
  });
  hono.get('/replace', (c) => {
    c.set('session', { fresh: true });
    return c.json({ replaced: true });
  });
  return hono;
}

async function request(hono, path, cookie) {
  const res = await hono.request(path, { headers: cookie === undefined ? {} : { cookie } });
  return { status: res.status, body: await res.json(), setCookies: res.headers.getSetCookie() };
}

test("the named import resolves to dist/hono.mjs through the package's exports, and shares require's instance", () => {
  assert.equal(fileURLToPath(import.meta.resolve('client-sessions-native/hono')), fileURLToPath(new URL('../../dist/hono.mjs', import.meta.url)));
  assert.equal(typeof sessions, 'function');
  assert.equal(require('client-sessions-native/hono').sessions, sessions);
});

test(`the middleware's cookies are read by a codec on ${expectedBackend()} and on js`, async () => {
  const { setCookies } = await request(app(), '/count');
  const value = cookieValue(setCookies[0], assert);
  assert.equal(createCodec({ cookieName: 'session', secret: SECRET }).backend, expectedBackend());
  for (const backend of [undefined, 'js']) {
    assert.equal(createCodec({ cookieName: 'session', secret: SECRET, backend }).decode(value).json, '{"visits":1}');
  }
  // And a cookie the js backend wrote is read by the middleware (on this run's backend).
  const js = createCodec({ cookieName: 'session', secret: SECRET, backend: 'js' }).encode('{"visits":41}', Date.now(), HOUR);
  assert.deepEqual((await request(app(), '/count', `session=${js}`)).body, { visits: 42 });
});

test('over HTTP: a session is kept across two requests, spelled as client-sessions spells it', () =>
  withServer(app().fetch, async (origin) => {
    const before = Date.now();
    const first = await get(`${origin}/count`);
    const after = Date.now();
    assert.deepEqual([first.status, first.body], [200, { visits: 1 }]);
    assert.equal(first.setCookies.length, 1, String(first.setCookies));
    const value = cookieValue(first.setCookies[0], assert);
    const at = expiresOf(first.setCookies[0]);
    assert.ok(at > before + HOUR && at <= after + HOUR + 1000, `expires is not an hour from now: ${first.setCookies[0]}`);

    const second = await get(`${origin}/count`, `session=${value}`);
    assert.deepEqual(second.body, { visits: 2 });
    assert.equal(codec.decode(cookieValue(second.setCookies[0], assert)).json, '{"visits":2}');
  }));

test('over HTTP: a tampered cookie starts a new session; one left alone gets no Set-Cookie', () =>
  withServer(app().fetch, async (origin) => {
    const value = cookieValue((await get(`${origin}/count`)).setCookies[0], assert);
    assert.deepEqual((await get(`${origin}/count`, `session=${forge(value)}`)).body, { visits: 1 });
    const peek = await get(`${origin}/peek`, `session=${value}`);
    assert.deepEqual([peek.body, peek.setCookies], [{ visits: 1 }, []]);
  }));

test('app.request(): a cookie is written only when the session changed', async () => {
  const hono = app();
  const anonymous = await request(hono, '/peek');
  assert.deepEqual([anonymous.status, anonymous.body, anonymous.setCookies], [200, { visits: null }, []]);
  const first = await request(hono, '/count');
  assert.equal(first.setCookies.length, 1);
  const cookie = `session=${cookieValue(first.setCookies[0], assert)}`;
  assert.deepEqual(await request(hono, '/peek', cookie), { status: 200, body: { visits: 1 }, setCookies: [] });
  assert.equal((await request(hono, '/count', cookie)).setCookies.length, 1);
  // A 404 (no handler ran) leaves the session alone too.
  const missing = await hono.request('/nowhere', { headers: { cookie } });
  assert.deepEqual([missing.status, missing.headers.getSetCookie()], [404, []]);
});

test('app.request(): two instances side by side, each on its own cookie and variable', async () => {
  const hono = new Hono();
  hono.use(sessions({ cookieName: 'cart', secret: SECRET, duration: HOUR }));
  hono.use(sessions({ cookieName: 'prefs', requestKey: 'settings', secret: OTHER_SECRET, duration: HOUR }));
  hono.get('/cart', (c) => {
    c.get('cart').items = ['book'];
    return c.json({ prefs: c.get('settings').theme ?? null });
  });
  hono.get('/prefs', (c) => {
    c.get('settings').theme = 'dark';
    return c.json({ cart: c.get('cart').items ?? null });
  });
  const cart = await request(hono, '/cart');
  assert.deepEqual(cart.body, { prefs: null });
  assert.equal(cart.setCookies.length, 1);
  assert.match(cart.setCookies[0], /^cart=/);
  const prefs = await request(hono, '/prefs', cart.setCookies[0].split(';')[0]);
  assert.deepEqual(prefs.body, { cart: ['book'] });
  assert.equal(prefs.setCookies.length, 1);
  assert.match(prefs.setCookies[0], /^prefs=/);
  const both = [cart.setCookies[0].split(';')[0], prefs.setCookies[0].split(';')[0]].join('; ');
  const again = await request(hono, '/cart', both);
  assert.deepEqual(again.body, { prefs: 'dark' });
  // Only the cart changed (to what it was: still written, as assigning is a change), prefs not.
  assert.deepEqual(again.setCookies.map((c) => c.split('=')[0]), ['cart']);
  // Each cookie is sealed with its own secret.
  const prefsValue = prefs.setCookies[0].split(';')[0].slice('prefs='.length);
  assert.equal(createCodec({ cookieName: 'prefs', secret: OTHER_SECRET }).decode(prefsValue).json, '{"theme":"dark"}');
  assert.notEqual(createCodec({ cookieName: 'prefs', secret: SECRET }).decode(prefsValue).status, 'valid');
});

test('app.request(): c.set(key, null) expires the cookie, c.set(key, object) replaces the content', async () => {
  const hono = app();
  const cookie = `session=${cookieValue((await request(hono, '/count')).setCookies[0], assert)}`;
  const out = await request(hono, '/logout', cookie);
  assert.deepEqual(out.setCookies, [EXPIRED('session')]);
  const replaced = await request(hono, '/replace', cookie);
  assert.equal(codec.decode(cookieValue(replaced.setCookies[0], assert)).json, '{"fresh":true}');
});

test('app.request(): a hostile cookie gives an empty session, never an error', async () => {
  const hono = app();
  const valid = cookieValue((await request(hono, '/count')).setCookies[0], assert);
  const fields = valid.split('.');
  const hostile = [
    'garbage',
    'a.b.c.d.e',
    forge(valid),
    // Another secret's cookie, and a valid one of which only createdAt was moved.
    createCodec({ cookieName: 'session', secret: OTHER_SECRET }).encode('{"visits":99}', Date.now(), HOUR),
    [...fields.slice(0, 2), String(Number(fields[2]) + 1), ...fields.slice(3)].join('.'),
    `${fields.slice(0, 4).join('.')}.`,
    'x'.repeat(5000),
    '%E0%A4%A',
    '__proto__',
    '"quoted"',
  ];
  for (const value of hostile) {
    const res = await request(hono, '/peek', `session=${value}`);
    assert.deepEqual([res.status, res.body], [200, { visits: null }], value.slice(0, 80));
    // As client-sessions: the unreadable cookie is replaced by one of an empty session.
    assert.equal(res.setCookies.length, 1, value.slice(0, 80));
    assert.equal(codec.decode(cookieValue(res.setCookies[0], assert)).json, '{}', value.slice(0, 80));
  }
});
