// Unknown options: client-sessions ignored them, so they stay harmless, but each one is heard as
// a process warning (once per process), with a guess at what was meant and never a value.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';

import sessions, { createCodec, util } from '../src/index';
import { editDistance, findUnknownOptions } from '../src/option-names';
import { BACKEND, SECRET } from './helpers/backend';
import { rawKeys } from './helpers/payloads';

const PREFIX = 'client-sessions-native: unknown option';

/** Optimal string alignment distance, the textbook way (a full table), to check editDistance against. */
function referenceDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The messages the middleware would warn with for these options (the warned-once set aside). */
function middlewareMessages(options: object): string[] {
  return findUnknownOptions(options, 'middleware').map((found) => found.message);
}

describe(`unknown options (${BACKEND})`, () => {
  let warn: MockInstance<typeof process.emitWarning>;
  beforeEach(() => {
    warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
  });

  /** The unknown-option warnings emitted so far, as [message, options] pairs. */
  function unknownOptionWarnings(): unknown[][] {
    return warn.mock.calls.filter((call) => (call[1] as { code?: string } | undefined)?.code === 'ERR_CLIENT_SESSIONS_UNKNOWN_OPTION');
  }

  it('suggests the name meant for the misspellings users make', () => {
    const cases: Array<[object, string]> = [
      [{ cookiename: 'x' }, 'cookiename (did you mean cookieName?)'],
      [{ cookie: { httponly: true } }, 'cookie.httponly (did you mean cookie.httpOnly?)'],
      [{ cookie: { maxage: 1000 } }, 'cookie.maxage (did you mean cookie.maxAge?)'],
      [{ requestkey: 'session' }, 'requestkey (did you mean requestKey?)'],
      [{ activeduration: 1000 }, 'activeduration (did you mean activeDuration?)'],
      [{ samesite: 'lax' }, 'samesite (did you mean cookie.sameSite?)'],
      [{ signatureKeys: [] }, 'signatureKeys (did you mean signatureKey?)'],
      [{ secrets: [] }, 'secrets (did you mean secret?)'],
      [{ maxAge: 1000 }, 'maxAge (did you mean cookie.maxAge or duration?)'],
      // An exact cookie attribute beats `secret`, two edits away.
      [{ secure: true }, 'secure (did you mean cookie.secure?)'],
      [{ cookie: { duration: 5 } }, 'cookie.duration (did you mean duration?)'],
      [{ cookie: { secureProxy: true } }, 'cookie.secureProxy (did you mean cookie.secure?)'],
      [{ name: 'sid' }, 'name (did you mean cookieName?)'],
      [{ cookie: { domian: 'example.com' } }, 'cookie.domian (did you mean cookie.domain?)'],
    ];
    for (const [options, expected] of cases) {
      expect(middlewareMessages({ secret: SECRET, ...options }), JSON.stringify(options)).toEqual([`${PREFIX} ${expected}; it is ignored`]);
    }
  });

  it('without a close name, lists the known ones', () => {
    expect(middlewareMessages({ secret: SECRET, store: {} })).toEqual([
      `${PREFIX} store; it is ignored (known options: cookieName, secret, encryptionKey, signatureKey, keys, encryptionAlgorithm, signatureAlgorithm, activeDuration, backend, requestKey, duration, cookie, proxy, onError, secureSessionMethods, format, absoluteDuration, maxChunks)`,
    ]);
    expect(middlewareMessages({ secret: SECRET, cookie: { overwrite: true } })).toEqual([
      `${PREFIX} cookie.overwrite; it is ignored (known cookie options: path, domain, httpOnly, secure, sameSite, maxAge, expires, ephemeral, partitioned, priority)`,
    ]);
    expect(middlewareMessages({ keys: [{ secret: SECRET, name: 'k1' }, { secret: SECRET, name: 'k0' }] })).toEqual([
      `${PREFIX} keys[].name; it is ignored (known key set options: secret, encryptionKey, signatureKey, id)`,
    ]);
  });

  it('every known option passes without a warning', () => {
    const cookie = { path: '/', domain: 'example.com', httpOnly: true, secure: 'auto', sameSite: 'lax', maxAge: 1000, expires: new Date(), ephemeral: false, partitioned: true, priority: 'high' } as const;
    const everything = {
      cookieName: 'everything',
      requestKey: 'session',
      encryptionAlgorithm: 'aes256' as const,
      signatureAlgorithm: 'sha256' as const,
      activeDuration: 0,
      backend: BACKEND,
      duration: 1000,
      cookie,
      proxy: true,
      onError: () => undefined,
      secureSessionMethods: false,
    };
    sessions({ ...everything, secret: SECRET });
    sessions({ ...everything, ...rawKeys('aes256') });
    sessions({ ...everything, keys: [rawKeys('aes256'), { secret: SECRET }] });
    createCodec({ ...everything, secret: SECRET });
    expect(unknownOptionWarnings()).toEqual([]);
  });

  it('warns through process.emitWarning, once per option path per process', () => {
    const options = { secret: SECRET, cookeiName: 'a', cookie: { htpOnly: true } };
    sessions(options as never);
    sessions({ ...options } as never);
    createCodec({ ...options } as never);
    expect(unknownOptionWarnings()).toEqual([
      [`${PREFIX} cookeiName (did you mean cookieName?); it is ignored`, { type: 'ClientSessionsWarning', code: 'ERR_CLIENT_SESSIONS_UNKNOWN_OPTION' }],
      [`${PREFIX} cookie.htpOnly (did you mean cookie.httpOnly?); it is ignored`, { type: 'ClientSessionsWarning', code: 'ERR_CLIENT_SESSIONS_UNKNOWN_OPTION' }],
    ]);
    sessions({ secret: SECRET, cookeiName: 'a', reqestKey: 'b' } as never);
    expect(unknownOptionWarnings().map((call) => call[0])).toEqual([
      `${PREFIX} cookeiName (did you mean cookieName?); it is ignored`,
      `${PREFIX} cookie.htpOnly (did you mean cookie.httpOnly?); it is ignored`,
      `${PREFIX} reqestKey (did you mean requestKey?); it is ignored`,
    ]);
  });

  it('createCodec accepts every middleware option silently and checks only the top level', () => {
    createCodec({ secret: SECRET, requestKey: 'x', duration: 1000, proxy: true, onError: () => undefined, cookie: { bogusAttribute: 1 } } as never);
    expect(unknownOptionWarnings()).toEqual([]);
    createCodec({ secret: SECRET, encryptionAlgoritm: 'aes256' } as never);
    expect(unknownOptionWarnings().map((call) => call[0])).toEqual([`${PREFIX} encryptionAlgoritm (did you mean encryptionAlgorithm?); it is ignored`]);
  });

  it('warns before the options are refused, when the misspelling is why', () => {
    expect(() => sessions({ secretz: SECRET } as never)).toThrow(/cannot set up sessions without a secret/);
    expect(() => createCodec({ sigantureKey: Buffer.alloc(32, 2), encryptionKey: Buffer.alloc(32, 1) } as never)).toThrow(/without a secret/);
    expect(unknownOptionWarnings().map((call) => call[0])).toEqual([
      `${PREFIX} secretz (did you mean secret?); it is ignored`,
      `${PREFIX} sigantureKey (did you mean signatureKey?); it is ignored`,
    ]);
  });

  it("Fastify's own register options are not unknown to the Fastify plugin, and only to it", () => {
    const options = { secret: SECRET, prefix: '/api', logLevel: 'info', logSerializers: {} };
    expect(findUnknownOptions(options, 'fastify')).toEqual([]);
    expect(findUnknownOptions(options, 'middleware').map((found) => found.path)).toEqual(['prefix', 'logLevel', 'logSerializers']);
    expect(findUnknownOptions(options, 'createCodec').map((found) => found.path)).toEqual(['prefix', 'logLevel', 'logSerializers']);
    // The plugin still reads cookie.*, as the middleware does.
    expect(findUnknownOptions({ ...options, cookie: { httponly: true } }, 'fastify').map((found) => found.path)).toEqual(['cookie.httponly']);
  });

  it('util.* does not warn: its options objects are shared with client-sessions code', () => {
    const opts = { cookieName: 'shared', secret: SECRET, duration: 1000, utilOnlyExtra: true };
    const cookie = util.encode(opts, { a: 1 });
    expect(util.decode(opts, cookie)?.content).toEqual({ a: 1 });
    expect(unknownOptionWarnings()).toEqual([]);
  });

  it('symbol and inherited keys are not options', () => {
    const options = Object.assign(Object.create({ inheritedExtra: true }) as object, { secret: SECRET, [Symbol('tag')]: 1 });
    const cookie = Object.assign(Object.create({ inheritedAttribute: true }) as object, { path: '/', [Symbol('tag')]: 1 });
    sessions({ ...(options as object), cookie } as never);
    sessions(options as never);
    expect(findUnknownOptions(options, 'middleware')).toEqual([]);
    expect(unknownOptionWarnings()).toEqual([]);
  });

  it('never echoes a value, and quotes and cuts a name that is not a plain word', () => {
    const value = 'value-that-might-be-a-secret-0123456789';
    const messages = middlewareMessages({
      secret: SECRET,
      secert: value,
      cookie: { pathh: value },
      keys: undefined,
      'two words\n': value,
      ['k'.repeat(100)]: value,
    });
    expect(messages).toEqual([
      `${PREFIX} secert (did you mean secret?); it is ignored`,
      expect.stringMatching(/^client-sessions-native: unknown option "two words\\n"; it is ignored \(known options: /),
      expect.stringMatching(new RegExp(`^client-sessions-native: unknown option "${'k'.repeat(64)}\\.\\.\\."; it is ignored`)),
      `${PREFIX} cookie.pathh (did you mean cookie.path?); it is ignored`,
    ]);
    for (const message of messages) {
      expect(message).not.toContain(value);
      expect(message).not.toContain(SECRET);
    }
  });

  it('edit distances are those of the textbook table, for any two short names', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 7 });
    fc.assert(fc.property(name, name, (a, b) => editDistance(a, b) === referenceDistance(a, b)), { numRuns: 500 });
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('abcd', 'acbd')).toBe(1);
    expect(editDistance('abc', 'ca')).toBe(3);
  });

  it('suggests within a group without a neighbour, cuts only names over 64 characters, and knows cookie.name', () => {
    expect(middlewareMessages({ keys: [{ secrt: SECRET }] })).toEqual([`${PREFIX} keys[].secrt (did you mean keys[].secret?); it is ignored`]);
    expect(middlewareMessages({ secret: SECRET, cookie: { name: 'sid' } })).toEqual([`${PREFIX} cookie.name (did you mean cookieName?); it is ignored`]);
    const long = `-${'k'.repeat(63)}`;
    expect(middlewareMessages({ secret: SECRET, [long]: 1 })[0]).toMatch(new RegExp(`^${PREFIX} "${long}"; it is ignored`));
    // Four letters may be two edits away; three letters only one.
    expect(middlewareMessages({ secret: SECRET, cokie: {} })).toEqual([`${PREFIX} cokie (did you mean cookie?); it is ignored`]);
    expect(middlewareMessages({ secret: SECRET, kes: [] })).toEqual([`${PREFIX} kes (did you mean keys?); it is ignored`]);
    expect(middlewareMessages({ secret: SECRET, pth: '/' })).toEqual([`${PREFIX} pth (did you mean cookie.path?); it is ignored`]);
    // Two edits: found for four letters and for five, not for three (`prx` is two from proxy).
    expect(middlewareMessages({ secret: SECRET, ckie: {} })).toEqual([`${PREFIX} ckie (did you mean cookie?); it is ignored`]);
    expect(middlewareMessages({ secret: SECRET, onErr: () => undefined })).toEqual([`${PREFIX} onErr (did you mean onError?); it is ignored`]);
    expect(middlewareMessages({ secret: SECRET, prx: true })[0]).toMatch(/^client-sessions-native: unknown option prx; it is ignored \(known options:/);
    expect(middlewareMessages({ secret: SECRET, px: true })[0]).toMatch(/^client-sessions-native: unknown option px; it is ignored \(known options:/);
  });

  it('counts edits as Damerau-Levenshtein: a swap of neighbours is one', () => {
    expect(editDistance('httponly', 'httponly')).toBe(0);
    expect(editDistance('cookeiname', 'cookiename')).toBe(1);
    expect(editDistance('secure', 'secret')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    // Up to two edits, but only one on a name of three letters or fewer, which two would bend
    // into almost anything: `key` is one from `keys`, `ky` two.
    expect(middlewareMessages({ secret: SECRET, key: 1 })).toEqual([`${PREFIX} key (did you mean keys?); it is ignored`]);
    expect(middlewareMessages({ secret: SECRET, ky: 1 })[0]).toMatch(/^client-sessions-native: unknown option ky; it is ignored \(known options:/);
    expect(middlewareMessages({ secret: SECRET, cookie: { domian: 'x', dommain: 'x', dmn: 'x' } })).toEqual([
      `${PREFIX} cookie.domian (did you mean cookie.domain?); it is ignored`,
      `${PREFIX} cookie.dommain (did you mean cookie.domain?); it is ignored`,
      expect.stringMatching(/unknown option cookie\.dmn; it is ignored \(known cookie options:/),
    ]);
  });
});
