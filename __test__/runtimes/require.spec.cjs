// The CommonJS entry as a user requires it: `require('client-sessions-native')` is the middleware
// factory with createCodec and util on it, as require('client-sessions') was.
// The /web, /hono and /react-router entries too, by require.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');

const sessions = require('client-sessions-native');
const { test } = require('./harness.cjs');

const SECRET = 'a runtimes test secret, long enough';

test("require resolves to dist/index.js through the package's exports", () => {
  assert.equal(require.resolve('client-sessions-native'), path.join(__dirname, '..', '..', 'dist', 'index.js'));
});

test('the export is the middleware factory, with createCodec, util and backend on it', () => {
  assert.equal(typeof sessions, 'function');
  assert.equal(typeof sessions({ cookieName: 'session', secret: SECRET }), 'function');
  assert.equal(typeof sessions.createCodec, 'function');
  assert.equal(typeof sessions.util.encode, 'function');
  assert.ok(sessions.backend === 'native' || sessions.backend === 'js');
});

test("require('client-sessions-native/web') resolves to dist/web.js: createSessionStore, backend, nativeLoadError", () => {
  assert.equal(require.resolve('client-sessions-native/web'), path.join(__dirname, '..', '..', 'dist', 'web.js'));
  const web = require('client-sessions-native/web');
  assert.equal(typeof web.createSessionStore, 'function');
  assert.equal(typeof web.nativeLoadError, 'function');
  assert.equal(web.backend, sessions.backend);
  const store = web.createSessionStore({ cookieName: 'session', secret: SECRET });
  assert.equal(store.backend, sessions.backend);
  const session = store.load(null);
  session.user = 'ada';
  const [setCookie] = store.setCookies(session);
  const value = /^session=([^;]+);/.exec(setCookie)[1];
  assert.equal(sessions.createCodec({ cookieName: 'session', secret: SECRET }).decode(value).json, '{"user":"ada"}');
  assert.equal(store.load(`session=${value}`).user, 'ada');
});

test("require('client-sessions-native/hono') resolves to dist/hono.js: sessions() makes a middleware", () => {
  assert.equal(require.resolve('client-sessions-native/hono'), path.join(__dirname, '..', '..', 'dist', 'hono.js'));
  const { sessions: honoSessions } = require('client-sessions-native/hono');
  assert.equal(typeof honoSessions, 'function');
  assert.equal(typeof honoSessions({ cookieName: 'session', secret: SECRET }), 'function');
});

test('require of the Hono middleware works with a CommonJS Hono app', async () => {
  const { Hono } = require('hono');
  const { sessions: honoSessions } = require('client-sessions-native/hono');
  const app = new Hono();
  app.use(honoSessions({ cookieName: 'session', secret: SECRET }));
  app.get('/', (c) => {
    c.get('session').visits = 1;
    return c.text('ok');
  });
  const res = await app.request('/');
  const value = /^session=([^;]+);/.exec(res.headers.getSetCookie()[0])[1];
  assert.equal(sessions.createCodec({ cookieName: 'session', secret: SECRET }).decode(value).json, '{"visits":1}');
});

test("require('client-sessions-native/react-router') resolves to dist/react-router.js: a SessionStorage", async () => {
  assert.equal(require.resolve('client-sessions-native/react-router'), path.join(__dirname, '..', '..', 'dist', 'react-router.js'));
  const { createSessionStorage, backend } = require('client-sessions-native/react-router');
  assert.equal(backend, sessions.backend);
  const storage = createSessionStorage({ cookieName: '__session', secret: SECRET });
  const session = await storage.getSession(null);
  assert.ok(require('react-router').isSession(session));
  session.set('user', 'ada');
  const value = /^__session=([^;]+);/.exec(await storage.commitSession(session))[1];
  assert.equal(sessions.createCodec({ cookieName: '__session', secret: SECRET }).decode(value).json, '{"user":"ada"}');
  assert.equal((await storage.getSession(`__session=${value}`)).get('user'), 'ada');
});
