// decodeFromHeader: the cookie is found inside a raw Cookie header in the same call.
import { describe, expect, it } from 'vitest';

import { cookieValues } from '../src/backend/js';
import { BACKEND, DAY, SECRET, T0, codecOn } from './helpers/backend';

describe(`decodeFromHeader (${BACKEND})`, () => {
  const codec = codecOn({ cookieName: 'session', secret: SECRET });
  const cookie = codec.encode('{"n":1}', T0, DAY);

  it('finds the named cookie among others, quoted or not', () => {
    for (const header of [
      `session=${cookie}`,
      `theme=dark; session=${cookie}; lang=en`,
      `theme=dark;session=${cookie}`,
      ` session = ${cookie} ;x=1`,
      `session="${cookie}"`,
      `\tsession=\t${cookie}\t`,
    ]) {
      expect(codec.decodeFromHeader(header, T0), header).toMatchObject({ status: 'valid', json: '{"n":1}' });
    }
  });

  it('is absent without a cookie of exactly that name', () => {
    for (const header of [undefined, '', 'a=1', 'session_state=1', 'xsession=1; sessionx=2', 'session', 'Session=1', ';;;']) {
      expect(codec.decodeFromHeader(header, T0).status, String(header)).toBe('absent');
    }
  });

  // Node's HTTP parser and fetch's Headers give Latin-1 strings, but a header string handed in
  // by hand may hold any character. The native binding narrows ASCII strings to bytes as they
  // are; truncating wider characters instead would read U+0173 as "s".
  it('characters beyond ASCII neither hide the cookie nor stand in for its own characters', () => {
    expect(codec.decodeFromHeader(`x=\u0173\u00e9\u{1f600}; session=${cookie}; y=\ud800`, T0)).toMatchObject({ status: 'valid', json: '{"n":1}' });
    expect(codec.decodeFromHeader(`\u0173ession=${cookie}`, T0).status).toBe('absent');
    const at = cookie.length - 5;
    const widened = cookie.slice(0, at) + String.fromCharCode(0x100 + cookie.charCodeAt(at)) + cookie.slice(at + 1);
    expect(codec.decodeFromHeader(`session=${widened}`, T0)).toMatchObject({ status: 'invalid', reason: 'malformed' });
  });

  it('with duplicates, the first valid cookie wins', () => {
    const other = codec.encode('{"n":2}', T0, DAY);
    expect(codec.decodeFromHeader(`session=junk; session=${other}; session=${cookie}`, T0).json).toBe('{"n":2}');
    // An expired session (an ephemeral or maxAge cookie the browser still sends) does not hide
    // a live one behind it.
    const expired = codec.encode('{"n":3}', T0 - 2 * DAY, DAY);
    const live = codec.decodeFromHeader(`session=${expired}; session=junk; session=${other}`, T0);
    expect(live).toMatchObject({ status: 'valid', json: '{"n":2}' });
  });

  it('with none valid, reports the first authentic one, else the first', () => {
    const expired = codec.encode('{"n":3}', T0 - 2 * DAY, DAY);
    const older = codec.encode('{"n":4}', T0 - 3 * DAY, DAY);
    expect(codec.decodeFromHeader(`session=junk; session=${expired}; session=${older}`, T0)).toMatchObject({ status: 'expired', createdAt: T0 - 2 * DAY });
    expect(codec.decodeFromHeader('session=; session=a.b.c.d.e', T0)).toMatchObject({ status: 'invalid', reason: 'malformed' });
    // The first invalid one is the one reported, not a later one.
    const forged = `${cookie.slice(0, -3)}${cookie.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect(codec.decodeFromHeader(`session=junk; session=${forged}`, T0)).toMatchObject({ status: 'invalid', reason: 'malformed' });
    expect(codec.decodeFromHeader(`session=${forged}; session=junk`, T0)).toMatchObject({ status: 'invalid', reason: 'bad-mac' });
    expect(codec.decodeFromHeader(`session=${expired}; session=junk; session=${forged}`, T0)).toMatchObject({ status: 'expired' });
  });

  it('only a value wrapped in quotes at both ends is unquoted', () => {
    for (const header of [`session=x${cookie}"`, `session="${cookie}x`, `session="${cookie}`, `session=${cookie}"`, 'session="', 'session=""']) {
      expect(codec.decodeFromHeader(header, T0).status, header).toBe('invalid');
    }
    expect(codec.decodeFromHeader(`session= "${cookie}" `, T0)).toMatchObject({ status: 'valid', json: '{"n":1}' });
  });

  it('a pair without "=" names no cookie, even when its text starts with the name', () => {
    for (const header of ['sessionx', 'sessions', 'session;x', 'a=1; sessionx', 'a=1;sessionx ; b']) {
      expect(codec.decodeFromHeader(header, T0).status, header).toBe('absent');
    }
  });

  it('tries at most 8 cookies of the name', () => {
    const stuffed = `${'session=x; '.repeat(8)}session=${cookie}`;
    expect(codec.decodeFromHeader(stuffed, T0).status).toBe('invalid');
    const within = `${'session=x; '.repeat(7)}session=${cookie}`;
    expect(codec.decodeFromHeader(within, T0).status).toBe('valid');
  });

  it('a cookie moved to another name is refused', () => {
    const auth = codecOn({ cookieName: 'auth', secret: SECRET });
    expect(auth.decodeFromHeader(`auth=${cookie}`, T0)).toMatchObject({ status: 'invalid', reason: 'wrong-name' });
  });

  it('an 8 KB header of junk is answered, not thrown: the first pair is the malformed session', () => {
    const junk = `session=${'\u00ff;='.repeat(2700)}`;
    expect(codec.decodeFromHeader(junk, T0)).toMatchObject({ status: 'invalid', reason: 'malformed' });
  });
});

describe(`the js backend's Cookie header scan (${BACKEND})`, () => {
  /** Characters String.prototype.indexOf looks at while `run` runs: linear scans look at each about once. */
  function charactersScanned(run: () => void): number {
    const indexOf = String.prototype.indexOf;
    let scanned = 0;
    String.prototype.indexOf = function (this: string, search: string, from = 0) {
      const found = indexOf.call(this, search, from);
      scanned += (found < 0 ? this.length : found + search.length) - Math.max(0, from);
      return found;
    };
    try {
      run();
    } finally {
      String.prototype.indexOf = indexOf;
    }
    return scanned;
  }

  it("is linear in the header's length, even for a header of ';'s or of pairs without '='", () => {
    for (const filler of [';', 'a;', ' ; ', 'x=1;']) {
      for (const size of [4096, 65536]) {
        for (const header of [`session=a; ${filler.repeat(size / filler.length)}; session=b`, `session=a; ${filler.repeat(size / filler.length)}`]) {
          const scanned = charactersScanned(() => [...cookieValues(header, 'session')]);
          expect(scanned, `${JSON.stringify(filler)} x ${size}`).toBeLessThan(3 * header.length);
        }
      }
    }
    expect([...cookieValues('session=a; ;;; x; session=b;session = "c" ', 'session')]).toEqual(['a', 'b', 'c']);
  });
});
