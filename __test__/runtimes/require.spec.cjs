// The CommonJS entry as a user requires it: `require('client-sessions-native')` is the middleware
// factory with createCodec and util on it, as require('client-sessions') was.
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
