// The React Router storage (`client-sessions-native/react-router`) by its named ESM exports:
// React Router's own Session (get/set/has/unset/flash, isSession), the cookie round trip, and a
// loader-style fetch handler behind the runtime's own server (serve.mjs). React Router 8 (the
// react-router8 alias) through the same storage code, as src/react-router.ts would load it.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { isSession } from 'react-router';
import * as reactRouter8 from 'react-router8';
import { createCodec } from 'client-sessions-native';
import { createSessionStorage, backend, nativeLoadError } from 'client-sessions-native/react-router';

import { sessionStorageWith } from '../../dist/adapters/react-router/storage.js';
import { expectedBackend, test } from './harness.cjs';
import { cookieValue, expiresOf, forge, get, withServer } from './serve.mjs';

const require = createRequire(import.meta.url);
const expected = expectedBackend();
const SECRET = 'a runtimes test secret, long enough';
const HOUR = 3_600_000;
const OPTIONS = { cookieName: '__session', secret: SECRET, duration: HOUR };
const codec = createCodec({ cookieName: '__session', secret: SECRET });
const pair = (setCookie) => setCookie.split(';', 1)[0];

test("the named import resolves to dist/react-router.mjs through the package's exports, and shares require's instance", () => {
  assert.equal(fileURLToPath(import.meta.resolve('client-sessions-native/react-router')), fileURLToPath(new URL('../../dist/react-router.mjs', import.meta.url)));
  const required = require('client-sessions-native/react-router');
  assert.equal(required.createSessionStorage, createSessionStorage);
  assert.equal(typeof nativeLoadError, 'function');
});

test(`the storage's backend is ${expected}`, () => {
  assert.equal(backend, expected, String(nativeLoadError() ?? 'native loaded'));
  const storage = createSessionStorage(OPTIONS);
  assert.equal(storage.backend, expected);
  assert.equal(storage.cookieName, '__session');
  assert.equal(createSessionStorage({ ...OPTIONS, backend: 'js' }).backend, 'js');
});

test("React Router's Session: get/set/has/unset/flash survive a commit, and isSession() knows it", async () => {
  const storage = createSessionStorage(OPTIONS);
  const session = await storage.getSession(null);
  assert.ok(isSession(session));
  session.set('user', 'ada');
  session.set('drop', 1);
  session.unset('drop');
  session.flash('notice', 'saved');
  const setCookie = await storage.commitSession(session);
  const value = cookieValue(setCookie, assert, '__session');
  assert.deepEqual(JSON.parse(codec.decode(value).json), { user: 'ada', __flash_notice__: 'saved' });

  const next = await storage.getSession(pair(setCookie));
  assert.equal(next.get('user'), 'ada');
  assert.equal(next.has('drop'), false);
  assert.equal(next.get('notice'), 'saved');
  // Read once: gone at the next commit.
  assert.equal(next.has('notice'), false);
  const after = await storage.commitSession(next);
  assert.deepEqual(JSON.parse(codec.decode(cookieValue(after, assert, '__session')).json), { user: 'ada' });
});

test('destroySession expires the cookie; a hostile or foreign cookie gives an empty session', async () => {
  const storage = createSessionStorage(OPTIONS);
  const session = await storage.getSession(null);
  session.set('user', 'ada');
  const value = cookieValue(await storage.commitSession(session), assert, '__session');
  assert.equal(await storage.destroySession(await storage.getSession(`__session=${value}`)), '__session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly');
  const other = createCodec({ cookieName: '__session', secret: 'another runtimes secret, long enough too' }).encode('{"user":"eve"}', Date.now(), HOUR);
  for (const header of [`__session=${forge(value)}`, '__session=garbage', `__session=${other}`, '__session=%E0%A4%A', 'theme=dark', '', undefined]) {
    const hostile = await storage.getSession(header);
    assert.deepEqual(hostile.data, {}, String(header));
  }
});

/** A loader-style handler: /count adds a visit and commits, /peek only reads (no commit). */
function handler(storage) {
  return async (request) => {
    const { pathname } = new URL(request.url);
    const session = await storage.getSession(request.headers.get('Cookie'));
    const visits = session.get('visits') ?? 0;
    if (pathname === '/peek') return Response.json({ visits });
    session.set('visits', visits + 1);
    return Response.json({ visits: visits + 1 }, { headers: { 'Set-Cookie': await storage.commitSession(session) } });
  };
}

test('over HTTP: a session is kept across two requests, spelled as client-sessions spells it', () =>
  withServer(handler(createSessionStorage(OPTIONS)), async (origin) => {
    const before = Date.now();
    const first = await get(`${origin}/count`);
    const after = Date.now();
    assert.deepEqual([first.status, first.body, first.setCookies.length], [200, { visits: 1 }, 1]);
    const value = cookieValue(first.setCookies[0], assert, '__session');
    const at = expiresOf(first.setCookies[0]);
    assert.ok(at > before + HOUR && at <= after + HOUR + 1000, `expires is not an hour from now: ${first.setCookies[0]}`);

    const second = await get(`${origin}/count`, `__session=${value}`);
    assert.deepEqual(second.body, { visits: 2 });
    assert.equal(codec.decode(cookieValue(second.setCookies[0], assert, '__session')).json, '{"visits":2}');
    assert.deepEqual((await get(`${origin}/peek`, `__session=${value}`)).body, { visits: 1 });
    assert.deepEqual((await get(`${origin}/count`, `__session=${forge(value)}`)).body, { visits: 1 });
  }));

test('React Router 8: the same storage code on its createSession and isSession', async () => {
  const storage = sessionStorageWith({ createSession: reactRouter8.createSession, isSession: reactRouter8.isSession }, OPTIONS);
  assert.equal(storage.backend, expected);
  const session = await storage.getSession(undefined);
  assert.ok(reactRouter8.isSession(session));
  session.set('user', 'ada');
  session.flash('notice', 'saved');
  const setCookie = await storage.commitSession(session);
  // The cookie the React Router 7 storage reads, and the other way round.
  const seven = await createSessionStorage(OPTIONS).getSession(pair(setCookie));
  assert.deepEqual([seven.get('user'), seven.get('notice')], ['ada', 'saved']);
  seven.set('visits', 3);
  const back = await storage.getSession(pair(await createSessionStorage(OPTIONS).commitSession(seven)));
  assert.deepEqual(back.data, { user: 'ada', visits: 3 });
});
