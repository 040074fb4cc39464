// The two backends are interchangeable: the same bytes for the same IV, each reads the other's
// cookies, and they agree on every damaged input.
import { describe, expect, it } from 'vitest';

import { BACKEND, DAY, OTHER_BACKEND, SECRET, T0, codecOn } from './helpers/backend';
import { ENCRYPTION_ALGORITHMS, SIGNATURE_ALGORITHMS, payloads, rawKeys } from './helpers/payloads';

describe(`${BACKEND} and ${OTHER_BACKEND} backends agree`, () => {
  for (const enc of ENCRYPTION_ALGORITHMS) {
    for (const sig of SIGNATURE_ALGORITHMS) {
      it(`${enc} + ${sig}: byte-identical output for an injected IV, and cross decoding`, () => {
        const options = { cookieName: 'sid', encryptionAlgorithm: enc, signatureAlgorithm: sig, ...rawKeys(enc, 3) };
        const mine = codecOn(options);
        const other = codecOn(options, OTHER_BACKEND);
        const iv = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
        for (const [name, content] of Object.entries(payloads)) {
          const json = JSON.stringify(content);
          expect(mine.encodeWithIv(json, T0, DAY, iv), name).toBe(other.encodeWithIv(json, T0, DAY, iv));
          expect(other.decode(mine.encode(json, T0, DAY), T0).json, name).toBe(json);
          expect(mine.decode(other.encode(json, T0, DAY), T0).json, name).toBe(json);
        }
      });
    }
  }

  it('lone surrogates are encoded to the same bytes (U+FFFD) by both', () => {
    const mine = codecOn({ secret: SECRET });
    const other = codecOn({ secret: SECRET }, OTHER_BACKEND);
    const iv = Buffer.alloc(16, 1);
    const json = JSON.stringify({ broken: 'a\ud800b' }).replace('\\ud800', '\ud800');
    expect(mine.encodeWithIv(json, T0, DAY, iv)).toBe(other.encodeWithIv(json, T0, DAY, iv));
    expect(mine.decode(mine.encodeWithIv(json, T0, DAY, iv), T0).json).toBe('{"broken":"a\ufffdb"}');
  });

  it('computeMac gives the same tag on both, for each key set', () => {
    const options = { secret: ['new secret', 'old secret'], signatureAlgorithm: 'sha256-drop128' } as const;
    const mine = codecOn(options);
    const other = codecOn(options, OTHER_BACKEND);
    const iv = Buffer.alloc(16, 7);
    const ct = Buffer.from('not really ciphertext');
    for (const keyIndex of [0, 1]) {
      const tag = mine.computeMac(keyIndex, iv, ct, '123', '456');
      expect(tag).toHaveLength(16);
      expect(tag.equals(other.computeMac(keyIndex, iv, ct, '123', '456'))).toBe(true);
    }
    expect(mine.computeMac(0, iv, ct, '1', '2').equals(mine.computeMac(1, iv, ct, '1', '2'))).toBe(false);
    expect(() => mine.computeMac(2, iv, ct, '1', '2')).toThrow(/keyIndex/);
  });

  it('both return the same result for the same damaged cookies', () => {
    const mine = codecOn({ secret: SECRET });
    const other = codecOn({ secret: SECRET }, OTHER_BACKEND);
    const good = mine.encode('{"a":1}', T0, DAY);
    const samples = [
      '',
      good,
      good + '.',
      good.slice(0, -1),
      good.replace('.', '..'),
      'é'.repeat(6000),
      'x'.repeat(16 * 1024 + 1),
      '.'.repeat(4),
      `${good.split('.')[0]}.${good.split('.')[1]}.0${T0}.${DAY}.${good.split('.')[4]}`,
    ];
    for (const sample of samples) {
      expect(mine.decode(sample, T0), JSON.stringify(sample.slice(0, 40))).toEqual(other.decode(sample, T0));
      const header = `a=b; sid=${sample}; session_state=${sample}`;
      expect(mine.decodeFromHeader(header, T0)).toEqual(other.decodeFromHeader(header, T0));
    }
  });
});
