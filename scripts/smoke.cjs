#!/usr/bin/env node
// A dependency-free smoke test of the built package, for places the vitest suite cannot run:
// Node 18 (vitest needs 20+) and Alpine containers (node_modules were installed for the host).
// It checks that the backend that loaded is the one CLIENT_SESSIONS_NATIVE_BACKEND asks for
// (default: native), that every golden cookie from client-sessions 0.8 decodes, a round trip and
// tamper check, client-sessions' util, and a session kept across two requests to node:http.
'use strict';
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const sessions = require('..');

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
  } catch (err) {
    failed++;
    console.error(`FAIL ${name}:`, err);
  }
}

async function main() {
  const expected = process.env.CLIENT_SESSIONS_NATIVE_BACKEND || 'native';
  await check('backend', () => assert.equal(sessions.backend, expected, String(sessions.nativeLoadError() || '')));

  const { vectors } = require(path.join(__dirname, '..', '__test__', 'fixtures', 'client-sessions-0.8.json'));
  for (const v of vectors) {
    await check(`golden ${v.name}`, () => {
      const keys = v.secret !== undefined
        ? { secret: v.secret }
        : { encryptionKey: Buffer.from(v.encryptionKey, 'hex'), signatureKey: Buffer.from(v.signatureKey, 'hex') };
      const codec = sessions.createCodec({ cookieName: v.cookieName, encryptionAlgorithm: v.encryptionAlgorithm, signatureAlgorithm: v.signatureAlgorithm, ...keys });
      assert.equal(codec.decode(v.cookie, v.createdAt + 1000).json, v.json);
    });
  }

  await check('round trip and tamper', () => {
    const codec = sessions.createCodec({ cookieName: 's', secret: 'a smoke test secret, long enough' });
    const value = codec.encode(JSON.stringify({ a: '\u{1F600}' }), Date.now(), 60000);
    assert.deepEqual(JSON.parse(codec.decode(value).json), { a: '\u{1F600}' });
    assert.equal(codec.decode(value.slice(0, -2) + (value.endsWith('AA') ? 'BA' : 'AA')).status, 'invalid');
  });

  await check('util', () => {
    const opts = { cookieName: 's', secret: 'x' };
    assert.deepEqual(sessions.util.decode(opts, sessions.util.encode(opts, { b: 1 })).content, { b: 1 });
  });

  await check('middleware over node:http', async () => {
    const middleware = sessions({ cookieName: 'session', secret: 'a smoke test secret, long enough' });
    const server = http.createServer((req, res) =>
      middleware(req, res, () => {
        req.session.n = (req.session.n || 0) + 1;
        res.end(String(req.session.n));
      }),
    );
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const get = (cookie) =>
      new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: server.address().port, headers: cookie ? { cookie } : {} }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ body, setCookie: res.headers['set-cookie'] || [] }));
        });
        req.on('error', reject);
      });
    try {
      const first = await get();
      const second = await get(first.setCookie[0].split(';')[0]);
      assert.deepEqual([first.body, second.body], ['1', '2']);
    } finally {
      server.close();
    }
  });

  console.log(`smoke (node ${process.version}, backend ${sessions.backend}): ${passed} passed, ${failed} failed`);
  if (failed > 0) process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
