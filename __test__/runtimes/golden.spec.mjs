// Every cookie client-sessions@0.8.0 made decodes to its JSON, and re-encodes to the same bytes
// with its own IV: each backend, on each runtime, writes exactly what client-sessions wrote.
import assert from 'node:assert/strict';

import { createCodec } from 'client-sessions-native';

import { ivOf, optionsFor, vectors } from './golden-vectors.cjs';
import { test } from './harness.cjs';

test('the fixture holds the 25 golden cookies', () => {
  assert.equal(vectors.length, 25);
});

for (const v of vectors) {
  test(`${v.name} decodes to its JSON and re-encodes byte for byte`, () => {
    const codec = createCodec(optionsFor(v));
    const decoded = codec.decode(v.cookie, v.createdAt + 1000);
    assert.equal(decoded.status, 'valid');
    assert.equal(decoded.json, v.json);
    assert.deepEqual([decoded.createdAt, decoded.duration], [v.createdAt, v.duration]);
    assert.equal(codec.encodeWithIv(v.json, v.createdAt, v.duration, ivOf(v.cookie)), v.cookie);
  });
}
