// client-sessions' util.encode/decode: same arguments, same results.
import assert from 'node:assert/strict';

import { util } from 'client-sessions-native';

import { optionsFor, vectors } from './golden-vectors.cjs';
import { test } from './harness.cjs';

const opts = { cookieName: 'session', secret: 'a runtimes test secret, long enough' };
const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

test('encode then decode returns { content, createdAt, duration }', () => {
  const value = util.encode(opts, { user: 'ada', n: 1 }, HOUR, T0);
  assert.deepEqual(util.decode(opts, value), { content: { user: 'ada', n: 1 }, createdAt: T0, duration: HOUR });
});

test('decode returns undefined for a tampered cookie or another name', () => {
  const value = util.encode(opts, { a: 1 }, HOUR, T0);
  assert.equal(util.decode(opts, value.replace(`.${T0}.`, `.${T0 + 1}.`)), undefined);
  assert.equal(util.decode({ ...opts, cookieName: 'other' }, value), undefined);
});

test('decode reads the golden cookies client-sessions made', () => {
  for (const v of vectors) {
    assert.deepEqual(util.decode(optionsFor(v), v.cookie)?.content, JSON.parse(v.json), v.name);
  }
});
