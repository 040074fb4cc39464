// Format 2's golden vectors (__test__/fixtures/format2-vectors.json, shared with cargo and
// vitest) on each runtime and backend: every value decodes to its JSON and re-encodes byte for
// byte with its nonce. On Bun's js backend this runs the TypeScript ChaCha20-Poly1305, since
// Bun's node:crypto has none; a session kept across chunk cookies comes last.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import { createCodec } from 'client-sessions-native';
import { createSessionStore } from 'client-sessions-native/web';

import { test } from './harness.cjs';

const { vectors } = createRequire(import.meta.url)('../fixtures/format2-vectors.json');

function keySet(k) {
  const set = k.id === undefined ? {} : { id: k.id };
  if (k.secret !== undefined) set.secret = k.secret;
  if (k.secretHex !== undefined) set.secret = Buffer.from(k.secretHex, 'hex');
  if (k.encryptionKey !== undefined) set.encryptionKey = Buffer.from(k.encryptionKey, 'hex');
  if (k.signatureKey !== undefined) set.signatureKey = Buffer.from(k.signatureKey, 'hex');
  return set;
}

test('the fixture holds the 18 format 2 vectors', () => {
  assert.equal(vectors.length, 18);
});

for (const v of vectors) {
  test(`format 2 ${v.name} decodes to its JSON and re-encodes byte for byte`, () => {
    const codec = createCodec({ cookieName: v.cookieName, encryptionAlgorithm: v.encryptionAlgorithm, signatureAlgorithm: v.signatureAlgorithm, keys: v.keys.map(keySet), format: 2 });
    const decoded = codec.decode(v.value, v.issuedAt);
    assert.equal(decoded.status, 'valid');
    assert.equal(decoded.json, v.json);
    assert.deepEqual([decoded.issuedAt, decoded.format], [v.issuedAt, 2]);
    assert.equal(codec.encodeWithIv(v.json, v.createdAt, v.duration, Buffer.from(v.nonce, 'hex'), v.issuedAt, v.chunks), v.value);
  });
}

test('a format 2 session split across chunk cookies is joined back by the web store', () => {
  const store = createSessionStore({ cookieName: 'session', secret: 'a runtimes test secret, long enough', format: 2, maxChunks: 3 });
  const first = store.load(null);
  first.blob = 'x'.repeat(5000);
  const cookies = store.setCookies(first);
  assert.deepEqual(cookies.map((c) => c.split('=', 1)[0]), ['session', 'session.1']);
  const header = cookies.map((c) => c.split(';', 1)[0]).join('; ');
  assert.equal(store.load(header).blob.length, 5000);
});
