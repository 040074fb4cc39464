// The Web-standard store (`client-sessions-native/web`) by its named ESM exports, behind the
// runtime's own HTTP server (serve.mjs: Bun.serve, Deno.serve, @hono/node-server on Node): a
// session kept across requests, client-sessions' Set-Cookie, tampering, no cookie for a session
// left alone, and the backend the runner asked for.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { createCodec, backend as mainBackend } from 'client-sessions-native';
import { createSessionStore, backend, nativeLoadError } from 'client-sessions-native/web';

import { expectedBackend, test } from './harness.cjs';
import { cookieValue, expiresOf, forge, get, withServer } from './serve.mjs';

const require = createRequire(import.meta.url);
const expected = expectedBackend();
const SECRET = 'a runtimes test secret, long enough';
const HOUR = 3_600_000;
const OPTIONS = { cookieName: 'session', secret: SECRET, duration: HOUR };

/**
 * The fetch handler an application writes with a store: /count adds a visit, /peek only reads,
 * /logout removes the session; every response goes through commit().
 */
function handler(store) {
  return (request) => {
    const { pathname } = new URL(request.url);
    const session = store.load(request);
    let body;
    if (pathname === '/count') body = { visits: (session.visits = (session.visits ?? 0) + 1) };
    else if (pathname === '/peek') body = { visits: session.visits ?? null };
    else if (pathname === '/logout') body = { removed: (store.remove(session), true) };
    else return new Response('not found', { status: 404 });
    const headers = new Headers({ 'content-type': 'application/json' });
    store.commit(session, headers);
    return new Response(JSON.stringify(body), { headers });
  };
}

const withStore = (fn) => withServer(handler(createSessionStore(OPTIONS)), fn);

test("the named import resolves to dist/web.mjs through the package's exports", () => {
  const file = fileURLToPath(new URL('../../dist/web.mjs', import.meta.url));
  assert.equal(fileURLToPath(import.meta.resolve('client-sessions-native/web')), file);
  assert.equal(typeof createSessionStore, 'function');
  assert.equal(typeof nativeLoadError, 'function');
});

test('import and require of /web share one instance', () => {
  const required = require('client-sessions-native/web');
  assert.equal(required.createSessionStore, createSessionStore);
  assert.equal(required.backend, backend);
});

test(`the store's backend is ${expected}, as the main entry's`, () => {
  assert.equal(backend, expected, String(nativeLoadError() ?? 'native loaded'));
  assert.equal(mainBackend, expected);
  const store = createSessionStore(OPTIONS);
  assert.equal(store.backend, expected);
  assert.equal(store.cookieName, 'session');
  assert.equal(createSessionStore({ ...OPTIONS, backend: 'js' }).backend, 'js');
});

test('load() reads the same cookie from a Request, a Headers and a header string', () => {
  const store = createSessionStore(OPTIONS);
  const value = createCodec({ cookieName: 'session', secret: SECRET }).encode('{"user":"ada"}', Date.now(), HOUR);
  const header = `theme=dark; session=${value}`;
  for (const input of [new Request('http://127.0.0.1/', { headers: { cookie: header } }), new Headers({ cookie: header }), header]) {
    const session = store.load(input);
    assert.equal(session.user, 'ada');
    assert.deepEqual(store.setCookies(session), []);
  }
  assert.equal(store.load(null).user, undefined);
});

test('over HTTP: a session is kept across two requests, and createCodec reads its cookie', () =>
  withStore(async (origin) => {
    const first = await get(`${origin}/count`);
    assert.deepEqual([first.status, first.body], [200, { visits: 1 }]);
    assert.equal(first.setCookies.length, 1, String(first.setCookies));
    const value = cookieValue(first.setCookies[0], assert);

    const second = await get(`${origin}/count`, `session=${value}`);
    assert.deepEqual(second.body, { visits: 2 });
    assert.equal(second.setCookies.length, 1, String(second.setCookies));
    const updated = cookieValue(second.setCookies[0], assert);
    // Decoded by the main entry's codec, on this run's default backend and on js.
    for (const codec of [createCodec({ cookieName: 'session', secret: SECRET }), createCodec({ cookieName: 'session', secret: SECRET, backend: 'js' })]) {
      const decoded = codec.decode(updated);
      assert.equal(decoded.status, 'valid');
      assert.equal(decoded.json, '{"visits":2}');
      assert.equal(decoded.duration, HOUR);
    }
  }));

test('over HTTP: Set-Cookie reads session=...; path=/; expires=<duration from now>; httponly', () =>
  withStore(async (origin) => {
    const before = Date.now();
    const { setCookies } = await get(`${origin}/count`);
    const after = Date.now();
    cookieValue(setCookies[0], assert);
    const at = expiresOf(setCookies[0]);
    assert.ok(at > before + HOUR && at <= after + HOUR + 1000, `${setCookies[0]}: expires is not an hour after ${new Date(before).toISOString()}`);
  }));

test('over HTTP: a tampered cookie starts a new session', () =>
  withStore(async (origin) => {
    const value = cookieValue((await get(`${origin}/count`)).setCookies[0], assert);
    const forged = forge(value);
    assert.notEqual(forged, value);
    const res = await get(`${origin}/count`, `session=${forged}`);
    assert.deepEqual(res.body, { visits: 1 });
    assert.equal(createCodec({ cookieName: 'session', secret: SECRET }).decode(cookieValue(res.setCookies[0], assert)).json, '{"visits":1}');
  }));

test('over HTTP: a session read but not changed sends no Set-Cookie', () =>
  withStore(async (origin) => {
    const value = cookieValue((await get(`${origin}/count`)).setCookies[0], assert);
    const peek = await get(`${origin}/peek`, `session=${value}`);
    assert.deepEqual([peek.body, peek.setCookies], [{ visits: 1 }, []]);
    const anonymous = await get(`${origin}/peek`);
    assert.deepEqual([anonymous.body, anonymous.setCookies], [{ visits: null }, []]);
  }));

test('over HTTP: remove() expires the cookie', () =>
  withStore(async (origin) => {
    const value = cookieValue((await get(`${origin}/count`)).setCookies[0], assert);
    const out = await get(`${origin}/logout`, `session=${value}`);
    assert.deepEqual(out.setCookies, ['session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly']);
  }));

test("over HTTP: a Secure cookie is not sent over the server's plain HTTP, but is behind a TLS proxy with proxy: true", async () => {
  const problems = [];
  const secure = { ...OPTIONS, cookie: { secure: true }, onError: (problem) => problems.push(problem.code) };
  await withServer(handler(createSessionStore(secure)), async (origin) => {
    const plain = await get(`${origin}/count`);
    assert.deepEqual([plain.body, plain.setCookies], [{ visits: 1 }, []]);
    // Without proxy: true, X-Forwarded-Proto is anyone's to send, and is not believed.
    assert.deepEqual((await get(`${origin}/count`)).setCookies, []);
  });
  assert.ok(problems.length >= 1 && problems.every((code) => code === 'ERR_CLIENT_SESSIONS_INSECURE_CONNECTION'), String(problems));
  await withServer(handler(createSessionStore({ ...secure, proxy: true })), async (origin) => {
    const res = await fetch(`${origin}/count`, { headers: { 'x-forwarded-proto': 'https' } });
    assert.match(res.headers.getSetCookie()[0] ?? '', /^session=[\w.-]+; path=\/; expires=[^;]+; secure; httponly$/);
  });
});
