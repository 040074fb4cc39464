// The ESM entry as a user imports it: the package's own `exports` must resolve to the build.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import sessions, { createCodec, util, backend, nativeLoadError, BACKEND_ENV, MAX_COOKIE_VALUE_LENGTH } from 'client-sessions-native';

import { test } from './harness.cjs';

const require = createRequire(import.meta.url);
const distFile = (name) => fileURLToPath(new URL(`../../dist/${name}`, import.meta.url));

test("import resolves to dist/esm.mjs through the package's exports", () => {
  assert.equal(fileURLToPath(import.meta.resolve('client-sessions-native')), distFile('esm.mjs'));
});

test('the default export is the middleware factory, with the named exports as properties', () => {
  assert.equal(typeof sessions, 'function');
  assert.equal(createCodec, sessions.createCodec);
  assert.equal(util, sessions.util);
  assert.equal(backend, sessions.backend);
  assert.equal(nativeLoadError, sessions.nativeLoadError);
  assert.equal(BACKEND_ENV, 'CLIENT_SESSIONS_NATIVE_BACKEND');
  assert.equal(MAX_COOKIE_VALUE_LENGTH, 16 * 1024);
});

test('import and require share one instance, so their codecs read each other', () => {
  const required = require('client-sessions-native');
  assert.equal(required, sessions);
  const secret = 'a runtimes test secret, long enough';
  const value = required.createCodec({ secret }).encode('{"via":"require"}', Date.now(), 60_000);
  assert.equal(createCodec({ secret }).decode(value).json, '{"via":"require"}');
});
