// Property-based tests (fast-check) on both backends: round trips for any JSON content, every
// single-bit or single-character change refused, arbitrary input refused without throwing, no
// decoding under another name or key, and the two backends agreeing on every input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { DecodeResult } from '../src/index';
import { BACKEND, OTHER_BACKEND, SECRET, T0, codecOn } from './helpers/backend';
import { sameCookie } from './helpers/spelling';

const DAY = 86_400_000;
const mine = codecOn({ cookieName: 'session', secret: SECRET });
const other = codecOn({ cookieName: 'session', secret: SECRET }, OTHER_BACKEND);

/** Session content: objects of any JSON, with any Unicode in keys and strings. */
const content = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 });

/** A forged cookie is refused, unless it is only another spelling of the same cookie. */
function expectRefusedUnlessSame(original: string, forged: string, json: string): void {
  const decoded = decodeBoth(forged);
  if (sameCookie(original, forged)) expect(decoded).toMatchObject({ status: 'valid', json });
  else expect(decoded.status).toBe('invalid');
}

/** Decodes with both backends, which must agree, and returns the result. */
function decodeBoth(value: string, now = T0): DecodeResult {
  const a = mine.decode(value, now);
  expect(other.decode(value, now)).toEqual(a);
  return a;
}

const cookieLike = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9_-]{0,30}$/),
    fc.stringMatching(/^[A-Za-z0-9_-]{0,80}$/),
    fc.oneof(fc.bigInt().map(String), fc.stringMatching(/^-?[0-9]{0,25}$/), fc.string({ maxLength: 5 })),
    fc.oneof(fc.bigInt().map(String), fc.stringMatching(/^-?[0-9]{0,25}$/), fc.double().map(String)),
    fc.stringMatching(/^[A-Za-z0-9_=+/-]{0,50}$/),
  )
  .map((parts) => parts.join('.'));

describe(`properties (${BACKEND}, checked against ${OTHER_BACKEND})`, () => {
  it('any JSON content round-trips, and the other backend reads it too', () => {
    fc.assert(
      fc.property(content, fc.integer({ min: 0, max: 2 ** 45 }), fc.integer({ min: 1, max: 2 ** 40 }), (session, createdAt, duration) => {
        const json = JSON.stringify(session);
        const cookie = mine.encode(json, createdAt, duration);
        const decoded = decodeBoth(cookie, createdAt);
        expect(decoded).toMatchObject({ status: 'valid', json, createdAt, duration });
        expect(JSON.parse(decoded.json!)).toEqual(JSON.parse(json));
      }),
      { numRuns: 200 },
    );
  });

  it('any single-character change anywhere is refused, unless it only sets unused bits', () => {
    const json = JSON.stringify({ user: 'ada', admin: false });
    const cookie = mine.encode(json, T0, DAY);
    fc.assert(
      fc.property(fc.nat(cookie.length - 1), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), (at, replacement) => {
        fc.pre(cookie[at] !== replacement);
        expectRefusedUnlessSame(cookie, cookie.slice(0, at) + replacement + cookie.slice(at + 1), json);
      }),
      { numRuns: 500 },
    );
  });

  it('any single-bit flip anywhere is refused, unless it only sets unused bits', () => {
    const json = JSON.stringify({ cart: [1, 2, 3] });
    const cookie = mine.encode(json, T0, DAY);
    const bytes = Buffer.from(cookie, 'latin1');
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.nat(7), (at, bit) => {
        const flipped = Buffer.from(bytes);
        flipped[at]! ^= 1 << bit;
        expectRefusedUnlessSame(cookie, flipped.toString('latin1'), json);
      }),
      { numRuns: 500 },
    );
  });

  it('every spelling of the last iv, ciphertext or MAC character that differs only in unused bits is the same cookie', () => {
    const json = JSON.stringify({ user: 'ada' });
    const cookie = mine.encode(json, T0, DAY);
    const fields = cookie.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let spellings = 0;
    for (const index of [0, 1, 4]) {
      const text = fields[index]!;
      const unusedBits = text.length % 4 === 2 ? 4 : text.length % 4 === 3 ? 2 : 0;
      const last = alphabet.indexOf(text.at(-1)!);
      for (let bits = 1; bits < 1 << unusedBits; bits++) {
        const spelled = [...fields];
        spelled[index] = text.slice(0, -1) + alphabet[last | bits];
        expect(decodeBoth(spelled.join('.')), `field ${index}, bits ${bits}`).toMatchObject({ status: 'valid', json });
        spellings++;
      }
    }
    // iv: 15 more spellings, ciphertext (32 bytes) and MAC: 3 each.
    expect(spellings).toBe(21);
  });

  it('arbitrary strings are refused without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), cookieLike, fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1'))), (value) => {
        const decoded = decodeBoth(value);
        expect(decoded.status).toBe('invalid');
        expect(decoded.json).toBeUndefined();
        expect(decodeBoth(value.slice(0, value.length >> 1)).status).toBe('invalid');
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary Cookie headers never yield a session and never throw', () => {
    const pair = fc.tuple(fc.constantFrom('session', ' session', 'session ', 'sess', 'x', ''), fc.oneof(cookieLike, fc.string({ maxLength: 40 })));
    const header = fc
      .tuple(fc.array(pair, { maxLength: 12 }), fc.constantFrom('; ', ';', ' ;'))
      .map(([pairs, separator]) => pairs.map(([name, value]) => `${name}=${value}`).join(separator));
    fc.assert(
      fc.property(header, (h) => {
        const a = mine.decodeFromHeader(h, T0);
        expect(other.decodeFromHeader(h, T0)).toEqual(a);
        expect(['absent', 'invalid']).toContain(a.status);
      }),
      { numRuns: 500 },
    );
  });

  // Bounded time: each of these must finish within vitest's per-test timeout, so nothing may be
  // quadratic in the input (the Rust and js parsers look at fixed-size ends, not every dot).
  it('oversized, dotted, huge-number and negative inputs are refused', () => {
    const good = mine.encode('{}', T0, DAY);
    const [iv, ct, , , tag] = good.split('.');
    const samples = [
      'A'.repeat(1 << 20),
      `${good}${'A'.repeat((1 << 20) - good.length)}`,
      '.'.repeat(1 << 20),
      '.'.repeat(4096),
      `${iv}.${ct}.${'9'.repeat(5000)}.${DAY}.${tag}`,
      `${iv}.${ct}.-${T0}.${DAY}.${tag}`,
      `${iv}.${ct}.${T0}.-1.${tag}`,
      `${iv}.${ct}.${T0}.18446744073709551617.${tag}`,
      `${iv}.${ct}.1e400.${DAY}.${tag}`,
      '\u00ff'.repeat(20000),
      '\ud800'.repeat(6000),
    ];
    for (const value of samples) expect(decodeBoth(value).status, value.slice(0, 30)).toBe('invalid');
  });

  it('a cookie never decodes under another cookie name or another key', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    fc.assert(
      fc.property(name, name, fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 }), (nameA, nameB, secretA, secretB) => {
        // Padded to 32 characters so the weak-secret warning stays quiet.
        const [keyA, keyB] = [secretA.padEnd(32, '.'), secretB.padEnd(32, '.')];
        fc.pre(nameA !== nameB && keyA !== keyB);
        const cookie = codecOn({ cookieName: nameA, secret: keyA }).encode('{"admin":true}', T0, DAY);
        expect(codecOn({ cookieName: nameB, secret: keyA }).decode(cookie, T0)).toMatchObject({ status: 'invalid', reason: 'wrong-name' });
        expect(codecOn({ cookieName: nameA, secret: keyB }).decode(cookie, T0)).toMatchObject({ status: 'invalid', reason: 'bad-mac' });
      }),
      { numRuns: 60 },
    );
  });
});
