// Only for the run the runner makes on Deno without --allow-ffi (backend auto): the package must
// still import, fall back to js, and say why in Deno's words, not in napi-rs's "npm has a bug".
import assert from 'node:assert/strict';

import { backend, createCodec, nativeLoadError } from 'client-sessions-native';

import { test } from './harness.cjs';

test('falls back to js', () => {
  assert.equal(backend, 'js');
});

test('nativeLoadError() names the missing --allow-ffi', () => {
  const error = nativeLoadError();
  assert.ok(error instanceof Error, 'nativeLoadError() should explain the fallback');
  assert.match(error.message, /--allow-ffi/);
  assert.doesNotMatch(error.message, /npm has a bug/);
});

test("forcing native throws ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE with Deno's reason", () => {
  assert.throws(() => createCodec({ secret: 'a runtimes test secret, long enough', backend: 'native' }), (err) => {
    assert.equal(err.code, 'ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE');
    assert.match(err.message, /--allow-ffi/);
    return true;
  });
});
