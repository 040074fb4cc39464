// Which runtime and backend really ran: a broken binary or a runner that launched the wrong
// program must fail here rather than pass every other spec on the wrong code.
import assert from 'node:assert/strict';

import sessions, { backend, createCodec, nativeLoadError } from 'client-sessions-native';

import { currentRuntime, expectedBackend, test } from './harness.cjs';

const expected = expectedBackend();
const SECRET = 'a runtimes test secret, long enough';

test('runs on the runtime the runner launched', () => {
  assert.equal(currentRuntime(), process.env.CLIENT_SESSIONS_RUNTIMES_RUNTIME ?? currentRuntime());
});

test(`the default backend is ${expected}`, () => {
  assert.equal(backend, expected, String(nativeLoadError() ?? 'native loaded'));
  assert.equal(sessions.backend, expected);
});

test(`codecs are built on ${expected}`, () => {
  assert.equal(createCodec({ secret: SECRET }).backend, expected);
  assert.equal(createCodec({ secret: SECRET, backend: 'js' }).backend, 'js');
});

if (expected === 'native') {
  test('the native binary loaded without error', () => {
    assert.equal(nativeLoadError(), undefined);
  });
}
