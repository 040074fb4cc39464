// Format 2's chunk arithmetic on its own: how many cookies a value needs, where it is cut, and
// which chunk cookies are stale. Over HTTP and in a browser: format2-sessions.test.ts and
// scripts/browser-test.mjs.
import { describe, expect, it } from 'vitest';

import { chunkCookiesIn, chunkCount, chunkName, format2ValueLength, splitValue, staleChunks } from '../src/core/chunks';

const BACKEND = process.env.CLIENT_SESSIONS_NATIVE_BACKEND;

describe(`format 2 chunks (${BACKEND})`, () => {
  it('the value length follows from the JSON length alone: 62 bytes of header, nonce, times and tag', () => {
    expect(format2ValueLength(0)).toBe(83);
    expect(format2ValueLength(2)).toBe(86);
    expect(format2ValueLength(1000)).toBe(Math.ceil((1062 * 4) / 3));
  });

  it('chunk names are the cookie name, then name.1 to name.3', () => {
    expect([0, 1, 2, 3].map((i) => chunkName('session', i))).toEqual(['session', 'session.1', 'session.2', 'session.3']);
  });

  it('one cookie holds what fits in 4096 bytes with its name and attributes, and each further chunk a little less', () => {
    const overhead = 50;
    const first = 4096 - ('s='.length + overhead);
    expect(chunkCount('s', first, overhead, 4)).toBe(1);
    expect(chunkCount('s', first + 1, overhead, 4)).toBe(2);
    const second = 4096 - ('s.1='.length + overhead);
    expect(chunkCount('s', first + second, overhead, 4)).toBe(2);
    expect(chunkCount('s', first + second + 1, overhead, 4)).toBe(3);
    // Up to the cap exactly, and no further.
    expect(chunkCount('s', first + 1, overhead, 2)).toBe(2);
    expect(chunkCount('s', 3 * first, overhead, 4)).toBe(4);
    expect(chunkCount('s', 3 * first, overhead, 3)).toBeUndefined();
    // Past the cap, or past four whatever the cap says, there is no answer.
    expect(chunkCount('s', first + 1, overhead, 1)).toBeUndefined();
    expect(chunkCount('s', 4 * 4096, overhead, 9)).toBeUndefined();
  });

  it('a split fills each cookie to its 4096 bytes and the pieces join back to the value', () => {
    const overhead = 60;
    const value = 'x'.repeat(9000);
    const count = chunkCount('session', value.length, overhead, 4)!;
    expect(count).toBe(3);
    const pieces = splitValue('session', value, count, overhead);
    expect(pieces.join('')).toBe(value);
    pieces.forEach((piece, i) => {
      const line = `${chunkName('session', i)}=${piece}` + 'a'.repeat(overhead);
      expect(line.length).toBeLessThanOrEqual(4096);
      if (i < count - 1) expect(line.length).toBe(4096);
    });
  });

  it('stale chunks are those the request carried at or past the count now written', () => {
    expect(staleChunks(0b111, 1)).toEqual([1, 2, 3]);
    expect(staleChunks(0b111, 2)).toEqual([2, 3]);
    expect(staleChunks(0b101, 2)).toEqual([3]);
    expect(staleChunks(0b011, 3)).toEqual([]);
    expect(staleChunks(0b111, 0)).toEqual([1, 2, 3]);
    expect(staleChunks(0, 1)).toEqual([]);
  });

  it('the header scan finds chunk cookies by their whole name only', () => {
    expect(chunkCookiesIn(undefined, 's')).toBe(0);
    expect(chunkCookiesIn('s=a; s.1=b; s.3=c', 's')).toBe(0b101);
    expect(chunkCookiesIn('s.2=x', 's')).toBe(0b010);
    // `xs.1` is another cookie; `s.12` is not chunk 1.
    expect(chunkCookiesIn('xs.1=a;s.12=b', 's')).toBe(0);
    expect(chunkCookiesIn('a=1;s.1=b', 's')).toBe(0b001);
    expect(chunkCookiesIn('xs.1=a; s.1=b', 's')).toBe(0b001);
  });
});
