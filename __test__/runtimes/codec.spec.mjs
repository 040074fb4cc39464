// The codec through the public API: round trip, tampering, expiry, the Cookie header, and the
// same bytes from both backends for the same IV.
import assert from 'node:assert/strict';

import { createCodec, nativeLoadError } from 'client-sessions-native';

import { test } from './harness.cjs';

const SECRET = 'a runtimes test secret, long enough';
const T0 = 1_700_000_000_000;
const DAY = 86_400_000;
const JSON_TEXT = JSON.stringify({ user: 'ada', text: 'café 😀 \u2028', n: [1, 2, 3] });

const codec = createCodec({ cookieName: 'session', secret: SECRET });
const cookie = codec.encode(JSON_TEXT, T0, DAY);

/** The cookie with the first character of field `index` replaced by another base64url one. */
function alterField(value, index) {
  const fields = value.split('.');
  const field = fields[index];
  fields[index] = (field[0] === 'A' ? 'B' : 'A') + field.slice(1);
  return fields.join('.');
}

test('encode then decode gives back the JSON, createdAt and duration', () => {
  // A format 1 cookie (the default): its createdAt is when the session began; decode() reads one
  // value, never chunk cookies.
  assert.deepEqual(codec.decode(cookie, T0 + 1000), {
    status: 'valid',
    json: JSON_TEXT,
    createdAt: T0,
    duration: DAY,
    issuedAt: T0,
    format: 1,
    keyIndex: 0,
    chunkCookies: 0,
    refresh: false,
  });
});

test('a fresh IV per cookie: the same content encodes differently each time', () => {
  assert.notEqual(codec.encode(JSON_TEXT, T0, DAY), cookie);
});

test('a changed IV, ciphertext, createdAt or MAC is invalid (bad-mac)', () => {
  const changedCreatedAt = cookie.replace(`.${T0}.`, `.${T0 + 1}.`);
  for (const forged of [alterField(cookie, 0), alterField(cookie, 1), changedCreatedAt, alterField(cookie, 4)]) {
    const result = codec.decode(forged, T0 + 1000);
    assert.equal(result.status, 'invalid', forged);
    assert.equal(result.reason, 'bad-mac', forged);
    assert.equal(result.json, undefined);
  }
});

test('garbage is invalid, never a throw', () => {
  for (const value of ['', 'x', 'a.b.c.d.e', `${cookie}.`, 'é'.repeat(100)]) {
    assert.equal(codec.decode(value, T0).status, 'invalid', value);
  }
});

test('a cookie made for another name is invalid (wrong-name)', () => {
  const other = createCodec({ cookieName: 'cart', secret: SECRET });
  assert.deepEqual([other.decode(cookie, T0).status, other.decode(cookie, T0).reason], ['invalid', 'wrong-name']);
});

test('a cookie past createdAt + duration is expired, its content not returned', () => {
  const result = codec.decode(cookie, T0 + DAY + 1);
  assert.equal(result.status, 'expired');
  assert.equal(result.json, undefined);
  assert.equal(codec.decode(cookie, T0 + DAY - 1).status, 'valid');
});

test('decodeFromHeader finds the cookie among others, and reports absent without it', () => {
  const header = `theme=dark; session=${cookie}; other=1`;
  assert.equal(codec.decodeFromHeader(header, T0 + 1000).json, JSON_TEXT);
  assert.equal(codec.decodeFromHeader('theme=dark; other=1', T0).status, 'absent');
  assert.equal(codec.decodeFromHeader(undefined, T0).status, 'absent');
  assert.equal(codec.decodeFromHeader(`session=${alterField(cookie, 4)}`, T0).status, 'invalid');
});

// encodeWithIv is on every codec at run time, though not in the public types.
const nativeMissing = nativeLoadError() && 'the native binary did not load here';
test(
  'native and js encode the same bytes for the same IV, and read each other',
  () => {
    const iv = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const [native, js] = ['native', 'js'].map((backend) => createCodec({ cookieName: 'session', secret: SECRET, backend }));
    assert.deepEqual([native.backend, js.backend], ['native', 'js']);
    for (const json of ['{}', JSON_TEXT, JSON.stringify({ big: 'x'.repeat(5000) })]) {
      const fromNative = native.encodeWithIv(json, T0, DAY, iv);
      assert.equal(js.encodeWithIv(json, T0, DAY, iv), fromNative);
      assert.equal(js.decode(fromNative, T0).json, json);
      assert.equal(native.decode(js.encode(json, T0, DAY), T0).json, json);
    }
  },
  { skip: nativeMissing },
);
