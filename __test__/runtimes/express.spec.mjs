// The Express middleware over real HTTP on 127.0.0.1: a session kept across requests, in a
// Set-Cookie spelled as client-sessions spells it.
import assert from 'node:assert/strict';

import express from 'express';
import sessions, { createCodec } from 'client-sessions-native';

import { test } from './harness.cjs';

const SECRET = 'a runtimes test secret, long enough';
const HOUR = 3_600_000;
const SET_COOKIE = /^session=([\w-]+\.[\w-]+\.\d+\.\d+\.[\w-]+); path=\/; expires=(\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT); httponly$/;

/** An app counting visits in the session, on a random loopback port, for the time of `fn`. */
async function withApp(fn) {
  const app = express();
  app.use(sessions({ cookieName: 'session', secret: SECRET, duration: HOUR }));
  app.get('/', (req, res) => {
    req.session.visits = (req.session.visits ?? 0) + 1;
    res.json({ visits: req.session.visits });
  });
  const server = await new Promise((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening)).on('error', reject);
  });
  try {
    await fn(`http://127.0.0.1:${server.address().port}/`);
  } finally {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function get(url, cookie) {
  const res = await fetch(url, { headers: cookie === undefined ? {} : { cookie } });
  return { status: res.status, body: await res.json(), setCookies: res.headers.getSetCookie() };
}

test('a session is kept across two requests', () =>
  withApp(async (url) => {
    const first = await get(url);
    assert.deepEqual([first.status, first.body], [200, { visits: 1 }]);
    assert.equal(first.setCookies.length, 1);
    const [, value] = SET_COOKIE.exec(first.setCookies[0]) ?? assert.fail(first.setCookies[0]);

    const second = await get(url, `session=${value}`);
    assert.deepEqual(second.body, { visits: 2 });
    const [, updated] = SET_COOKIE.exec(second.setCookies[0] ?? '') ?? assert.fail(String(second.setCookies));
    assert.equal(createCodec({ cookieName: 'session', secret: SECRET }).decode(updated).json, '{"visits":2}');
  }));

test('Set-Cookie reads session=...; path=/; expires=<duration from now>; httponly', () =>
  withApp(async (url) => {
    // The session starts somewhere between these two clocks; Expires is one second past its end,
    // cut to whole seconds, so it lies within (before + HOUR, after + HOUR + 1000].
    const before = Date.now();
    const { setCookies } = await get(url);
    const after = Date.now();
    const [, , expires] = SET_COOKIE.exec(setCookies[0]) ?? assert.fail(setCookies[0]);
    const at = Date.parse(expires);
    assert.ok(at > before + HOUR && at <= after + HOUR + 1000, `expires ${expires} is not an hour after ${new Date(before).toISOString()}`);
  }));

test('a tampered cookie starts a new session', () =>
  withApp(async (url) => {
    const first = await get(url);
    const [, value] = SET_COOKIE.exec(first.setCookies[0]) ?? assert.fail(first.setCookies[0]);
    // The first character of the MAC, the last field, replaced by another one.
    const forged = value.replace(/\.([\w-])([\w-]*)$/, (_, head, rest) => `.${head === 'A' ? 'B' : 'A'}${rest}`);
    assert.notEqual(forged, value);
    assert.deepEqual((await get(url, `session=${forged}`)).body, { visits: 1 });
  }));
