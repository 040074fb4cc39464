// Option validation: every mistake is caught at setup with a message that names the option and
// the fix, and an err.code tests and callers can rely on.
import { describe, expect, it, vi } from 'vitest';

import sessions, { createCodec, util, type CodecOptions } from '../src/index';
import { BACKEND, SECRET, codecOn } from './helpers/backend';
import { rawKeys } from './helpers/payloads';

function setupError(options: unknown): Error & { code?: string } {
  try {
    createCodec(options as CodecOptions);
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the options to be refused');
}

/** `message`: a pattern, or the whole message after the package prefix. */
function expectRefused(options: unknown, code: string, message: RegExp | string, type: typeof Error = Error): void {
  const err = setupError(options);
  expect(err).toBeInstanceOf(type);
  expect(err.code).toBe(code);
  expect(err.message).toMatch(/^client-sessions-native: /);
  if (typeof message === 'string') expect(err.message).toBe(`client-sessions-native: ${message}`);
  else expect(err.message).toMatch(message);
}

describe(`option validation (${BACKEND})`, () => {
  it('defaults: cookie name session_state, aes256 + sha256', () => {
    const codec = codecOn({ secret: SECRET });
    expect(codec.cookieName).toBe('session_state');
    const cookie = codec.encode('{}', 1, 1);
    expect(cookie.split('.')[4]).toHaveLength(43); // a full 32-byte sha256 tag
  });

  it('requires keys', () => {
    expectRefused({}, 'ERR_CLIENT_SESSIONS_NO_KEYS', /without a secret or encryptionKey\/signatureKey pair/);
    expectRefused({ secret: '' }, 'ERR_CLIENT_SESSIONS_NO_KEYS', /secret/);
    expectRefused({ encryptionKey: rawKeys('aes256').encryptionKey }, 'ERR_CLIENT_SESSIONS_NO_KEYS', /signatureKey/);
    expectRefused({ secret: [] }, 'ERR_CLIENT_SESSIONS_NO_KEYS', /empty list/);
    expectRefused({ keys: [] }, 'ERR_CLIENT_SESSIONS_NO_KEYS', /non-empty array/, TypeError);
    expectRefused({ keys: [null] }, 'ERR_CLIENT_SESSIONS_NO_KEYS', /keys\[0\]/, TypeError);
    expectRefused({ keys: [{}] }, 'ERR_CLIENT_SESSIONS_NO_KEYS', /needs a secret, or both/);
    // A key set is an object: a string in the list is not read as a secret.
    expectRefused({ keys: [rawKeys('aes256'), 'a secret'] }, 'ERR_CLIENT_SESSIONS_NO_KEYS', 'keys[1] must be an object like { encryptionKey, signatureKey }', TypeError);
    // One raw key without a secret is not a key set, whichever key it is.
    const { encryptionKey, signatureKey } = rawKeys('aes256');
    for (const half of [{ encryptionKey }, { signatureKey }]) {
      expectRefused({ keys: [half] }, 'ERR_CLIENT_SESSIONS_NO_KEYS', 'a key set needs a secret, or both an encryptionKey and a signatureKey');
      expectRefused({ keys: [{ secret: SECRET }, half] }, 'ERR_CLIENT_SESSIONS_NO_KEYS', 'a key set (key set 1) needs a secret, or both an encryptionKey and a signatureKey');
    }
  });

  it('options must be an object', () => {
    const shape = 'options must be an object such as { cookieName: "session", secret: process.env.SESSION_SECRET }, got';
    expectRefused(null, 'ERR_CLIENT_SESSIONS_OPTIONS', `${shape} null`, TypeError);
    expectRefused(undefined, 'ERR_CLIENT_SESSIONS_OPTIONS', `${shape} undefined`, TypeError);
    expectRefused('s3cr3t', 'ERR_CLIENT_SESSIONS_OPTIONS', `${shape} a string`, TypeError);
    expectRefused([{ secret: SECRET }], 'ERR_CLIENT_SESSIONS_OPTIONS', `${shape} an array`, TypeError);
  });

  it('refuses ambiguous key options', () => {
    expectRefused({ secret: SECRET, keys: [rawKeys('aes256')] }, 'ERR_CLIENT_SESSIONS_OPTIONS', /either keys .* or secret/);
    expectRefused({ secret: [SECRET], ...rawKeys('aes256') }, 'ERR_CLIENT_SESSIONS_OPTIONS', /use keys: \[/);
    // Each of the three beside keys is a conflict on its own, and so is either raw key beside a list of secrets.
    const { encryptionKey, signatureKey } = rawKeys('aes256');
    for (const single of [{ secret: SECRET }, { encryptionKey }, { signatureKey }]) {
      expectRefused({ ...single, keys: [rawKeys('aes256', 2)] }, 'ERR_CLIENT_SESSIONS_OPTIONS', 'give either keys (a list of key sets) or secret/encryptionKey/signatureKey, not both');
    }
    for (const single of [{ encryptionKey }, { signatureKey }]) {
      expectRefused(
        { secret: [SECRET], ...single },
        'ERR_CLIENT_SESSIONS_OPTIONS',
        'a list of secrets cannot be combined with encryptionKey/signatureKey: use keys: [{ encryptionKey, signatureKey }, ...]',
      );
    }
  });

  it('a null secret is no secret: the raw keys beside it are the keys', () => {
    const reference = codecOn(rawKeys('aes256', 3));
    const cookie = reference.encode('{"a":1}', 1, 10);
    for (const options of [{ secret: null, ...rawKeys('aes256', 3) }, { keys: [{ secret: null, ...rawKeys('aes256', 3) }] }]) {
      expect(codecOn(options as unknown as CodecOptions).decode(cookie, 1)).toMatchObject({ status: 'valid', json: '{"a":1}' });
    }
  });

  it('without process.emitWarning (older Workers runtimes) a warning goes to console.warn instead of throwing', () => {
    const original = process.emitWarning;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      (process as { emitWarning?: unknown }).emitWarning = undefined;
      expect(() => createCodec({ cookieName: 'auth', secret: 'short' })).not.toThrow();
      expect(warn.mock.calls).toEqual([[expect.stringMatching(/^ClientSessionsWarning \[ERR_CLIENT_SESSIONS_WEAK_SECRET\]: client-sessions-native: the secret for the auth cookie is only 5 bytes/)]]);
    } finally {
      process.emitWarning = original;
      warn.mockRestore();
    }
  });

  it('a short secret is a setup warning of its own type and code, naming the cookie and the length in bytes', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      // Four characters, five bytes of UTF-8: the length is the key material's.
      createCodec({ cookieName: 'auth', secret: 'p\u00e4ss' });
      expect(warn.mock.calls).toEqual([
        [
          "client-sessions-native: the secret for the auth cookie is only 5 bytes: use at least 32 random characters, e.g. crypto.randomBytes(32).toString('base64url')",
          { type: 'ClientSessionsWarning', code: 'ERR_CLIENT_SESSIONS_WEAK_SECRET' },
        ],
      ]);
      // Beside one raw key the secret still derives the other key, so it is warned about too.
      const { encryptionKey, signatureKey } = rawKeys('aes256');
      createCodec({ cookieName: 'enc', secret: 'short', encryptionKey });
      createCodec({ cookieName: 'sig', secret: 'short', signatureKey });
      expect(warn.mock.calls.slice(1).map(([message]) => message)).toEqual([
        expect.stringContaining('the secret for the enc cookie is only 5 bytes'),
        expect.stringContaining('the secret for the sig cookie is only 5 bytes'),
      ]);
      warn.mockClear();
      // Beside both raw keys a secret derives nothing, so its length does not matter.
      createCodec({ secret: 'short', ...rawKeys('aes256') });
      createCodec({ keys: [{ secret: 's'.repeat(32) }, { secret: 'short', ...rawKeys('aes256') }] });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses wrong key types', () => {
    // Key material is described by its type, never shown, even when it is a number.
    const numeric = setupError({ secret: 1234567890123 });
    expect(numeric).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_SECRET', message: 'client-sessions-native: secret must be a string or a Buffer, got a number' });
    expect(numeric).toBeInstanceOf(TypeError);
    expect(setupError({ encryptionKey: 12345678901234567890, signatureKey: Buffer.alloc(32) }).message).not.toMatch(/[0-9]{5}/);
    expect(setupError({ keys: [{ secret: 987654321987 }] }).message).not.toMatch(/987654321987/);
    expectRefused({ encryptionKey: 'abc', signatureKey: Buffer.alloc(32) }, 'ERR_CLIENT_SESSIONS_ENCRYPTION_KEY', /encryptionKey must be a Buffer, got a string/, TypeError);
    expectRefused({ encryptionKey: Buffer.alloc(32, 1), signatureKey: [1, 2] }, 'ERR_CLIENT_SESSIONS_SIGNATURE_KEY', /signatureKey must be a Buffer, got an array/, TypeError);
  });

  it("applies client-sessions' key length rules", () => {
    expectRefused(
      { encryptionKey: Buffer.alloc(31, 1), signatureKey: Buffer.alloc(32, 2) },
      'ERR_CLIENT_SESSIONS_ENCRYPTION_KEY',
      /encryptionKey for aes256 must be exactly 32 bytes \(256 bits\), got 31/,
    );
    expectRefused(
      { encryptionKey: Buffer.alloc(16, 1), signatureKey: Buffer.alloc(47, 2), encryptionAlgorithm: 'aes128', signatureAlgorithm: 'sha384' },
      'ERR_CLIENT_SESSIONS_SIGNATURE_KEY',
      /signatureKey for sha384 must be at least 48 bytes \(384 bits\), got 47/,
    );
    expectRefused({ secret: SECRET, encryptionAlgorithm: 'aes128' }, 'ERR_CLIENT_SESSIONS_ENCRYPTION_KEY', /fits only aes256/);
    expectRefused({ secret: SECRET, signatureAlgorithm: 'sha512' }, 'ERR_CLIENT_SESSIONS_SIGNATURE_KEY', /too short for sha512: use sha256/);
    expectRefused(
      { encryptionKey: Buffer.alloc(32, 9), signatureKey: Buffer.alloc(32, 9) },
      'ERR_CLIENT_SESSIONS_SAME_KEYS',
      /Encryption and Signature keys must be different/,
    );
    expectRefused(
      { keys: [rawKeys('aes256', 1), { encryptionKey: Buffer.alloc(32, 1), signatureKey: Buffer.alloc(10) }] },
      'ERR_CLIENT_SESSIONS_SIGNATURE_KEY',
      /signatureKey \(key set 1\)/,
    );
  });

  it('a signature key longer than the minimum is fine, and all of it is the key', () => {
    const long = codecOn({ encryptionKey: Buffer.alloc(32, 1), signatureKey: Buffer.alloc(100, 2) });
    const cookie = long.encode('{"a":1}', 1, 10);
    expect(long.decode(cookie, 1)).toMatchObject({ status: 'valid', json: '{"a":1}' });
    // The 100th byte counts: a key differing only there does not verify the cookie.
    const lastByteDiffers = Buffer.alloc(100, 2);
    lastByteDiffers[99] = 3;
    expect(codecOn({ encryptionKey: Buffer.alloc(32, 1), signatureKey: lastByteDiffers }).decode(cookie, 1)).toMatchObject({ status: 'invalid', reason: 'bad-mac' });
  });

  it('algorithm names are case-insensitive and unknown ones are listed', () => {
    // Any case at run time, as in client-sessions (the types take the lower-case names only).
    const upper = codecOn({ secret: SECRET, encryptionAlgorithm: 'AES256' as never, signatureAlgorithm: 'SHA256-Drop128' as never });
    const lower = codecOn({ secret: SECRET, encryptionAlgorithm: 'aes256', signatureAlgorithm: 'sha256-drop128' });
    const cookie = upper.encode('{"a":1}', 1, 10);
    expect(cookie.split('.')[4]).toHaveLength(22); // the 16-byte tag of sha256-drop128
    expect(lower.decode(cookie, 1)).toMatchObject({ status: 'valid', json: '{"a":1}' });
    expect(upper.decode(lower.encode('{"b":2}', 1, 10), 1)).toMatchObject({ status: 'valid', json: '{"b":2}' });
    const aes128 = codecOn({ ...rawKeys('aes128'), encryptionAlgorithm: 'AES128' as never, signatureAlgorithm: 'SHA512' as never });
    expect(codecOn({ ...rawKeys('aes128'), encryptionAlgorithm: 'aes128', signatureAlgorithm: 'sha512' }).decode(aes128.encode('{}', 1, 10), 1).status).toBe('valid');
    expectRefused({ secret: SECRET, encryptionAlgorithm: 'aes-256-gcm' }, 'ERR_CLIENT_SESSIONS_ENCRYPTION_ALGORITHM', /supported are: aes128, aes192, aes256/);
    expectRefused({ secret: SECRET, signatureAlgorithm: 'sha1' }, 'ERR_CLIENT_SESSIONS_SIGNATURE_ALGORITHM', /supported are: sha256, sha256-drop128, sha384/);
    expectRefused({ secret: SECRET, signatureAlgorithm: 5 }, 'ERR_CLIENT_SESSIONS_SIGNATURE_ALGORITHM', /"5"/);
  });

  it('cookie names must be valid cookie names without "="', () => {
    expectRefused({ secret: SECRET, cookieName: 'a=b' }, 'ERR_CLIENT_SESSIONS_COOKIE_NAME', /cannot include "="/);
    for (const name of ['has space', 'semi;colon', 'com,ma', 'quote"', 'caf\u00e9', 'tab\t']) {
      expectRefused({ secret: SECRET, cookieName: name }, 'ERR_CLIENT_SESSIONS_COOKIE_NAME', /not a valid cookie name/);
    }
    expectRefused({ secret: SECRET, cookieName: 7 }, 'ERR_CLIENT_SESSIONS_COOKIE_NAME', /must be a string/, TypeError);
    expect(codecOn({ secret: SECRET, cookieName: "__Host-my.session_1!#$%&'*+^`|~" }).cookieName).toBe("__Host-my.session_1!#$%&'*+^`|~");
  });

  it('every empty secret or key is refused, whatever its type', () => {
    const empties: Array<[unknown, string]> = [
      [{ secret: Buffer.alloc(0) }, 'ERR_CLIENT_SESSIONS_SECRET'],
      [{ secret: new Uint8Array(0) }, 'ERR_CLIENT_SESSIONS_SECRET'],
      [{ secret: Buffer.from(process.env.CLIENT_SESSIONS_TEST_UNSET ?? '', 'base64') }, 'ERR_CLIENT_SESSIONS_SECRET'],
      [{ secret: [SECRET, Buffer.alloc(0)] }, 'ERR_CLIENT_SESSIONS_SECRET'],
      [{ secret: [SECRET, ''] }, 'ERR_CLIENT_SESSIONS_SECRET'],
      [{ keys: [{ secret: SECRET }, { secret: Buffer.alloc(0) }] }, 'ERR_CLIENT_SESSIONS_SECRET'],
      [{ keys: [{ secret: '' }] }, 'ERR_CLIENT_SESSIONS_SECRET'],
      [{ encryptionKey: Buffer.alloc(0), signatureKey: Buffer.alloc(32, 1) }, 'ERR_CLIENT_SESSIONS_ENCRYPTION_KEY'],
      [{ encryptionKey: Buffer.alloc(32, 1), signatureKey: Buffer.alloc(0) }, 'ERR_CLIENT_SESSIONS_SIGNATURE_KEY'],
    ];
    for (const [options, code] of empties) {
      expect(setupError(options), code).toMatchObject({ code, message: expect.stringMatching(/is empty/) });
      expect(() => sessions(options as never)).toThrow(expect.objectContaining({ code }));
      // util keeps client-sessions' lenient key rules, but not this one.
      expect(() => util.encode({ cookieName: 's', ...(options as object) } as never, {})).toThrow(expect.objectContaining({ code }));
    }
    expect(setupError({ secret: Buffer.alloc(0) }).message).toMatch(/keys derived from an empty secret can be computed by anyone/);
  });

  it('activeDuration must be whole non-negative milliseconds', () => {
    // 0 is allowed, and means never refresh: not even at the last millisecond.
    const never = codecOn({ secret: SECRET, activeDuration: 0 });
    expect(never.decode(never.encode('{}', 1, 10), 11)).toMatchObject({ status: 'valid', refresh: false });
    const cases: Array<[unknown, string]> = [[-1, '-1'], [1.5, '1.5'], [Number.NaN, 'NaN'], ['300000', 'a string'], [Infinity, 'Infinity'], [null, 'null']];
    for (const [bad, got] of cases) {
      expectRefused(
        { secret: SECRET, activeDuration: bad },
        'ERR_CLIENT_SESSIONS_DURATION',
        `activeDuration must be a whole number of milliseconds from 0 up to 1000000000000000 (about 31,700 years), got ${got}`,
        TypeError,
      );
    }
  });

  it("util keeps client-sessions' leniency and messages, with the codes", () => {
    const thrown = (run: () => unknown): Error & { code?: string } => {
      try {
        run();
      } catch (err) {
        return err as Error & { code?: string };
      }
      throw new Error('expected a throw');
    };
    // client-sessions' own texts, without the package prefix, and a code as every error has.
    expect(thrown(() => util.encode({ secret: SECRET } as never, {}))).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_COOKIE_NAME', message: 'cookieName option required' });
    expect(thrown(() => util.encode({ cookieName: 'a=b', secret: SECRET }, {}))).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_COOKIE_NAME', message: 'cookieName cannot include "="' });
    // A name the middleware refuses is only a string to util, as it was to client-sessions.
    for (const cookieName of ['has space', 7]) {
      const opts = { cookieName, secret: SECRET } as never;
      expect(util.decode(opts, util.encode(opts, { a: 1 }))?.content, String(cookieName)).toEqual({ a: 1 });
    }
  });

  it('the session options are checked at setup, each message saying what it got', () => {
    const refused = (options: object): Error & { code?: string } => {
      try {
        sessions({ secret: SECRET, ...options } as never);
      } catch (err) {
        return err as Error & { code?: string };
      }
      throw new Error('expected the options to be refused');
    };
    const cases: Array<[object, string, string]> = [
      [{ requestKey: 5 }, 'ERR_CLIENT_SESSIONS_REQUEST_KEY', 'requestKey must be a non-empty string, got 5'],
      [{ requestKey: '' }, 'ERR_CLIENT_SESSIONS_REQUEST_KEY', 'requestKey must be a non-empty string, got a string'],
      [{ proxy: 'yes' }, 'ERR_CLIENT_SESSIONS_OPTIONS', 'proxy must be true or false, got a string'],
      [{ onError: 'log' }, 'ERR_CLIENT_SESSIONS_ON_ERROR', 'onError must be a function (err, req) => void, got a string'],
    ];
    for (const [options, code, message] of cases) {
      const err = refused(options);
      expect(err, message).toBeInstanceOf(TypeError);
      expect(err).toMatchObject({ code, message: `client-sessions-native: ${message}` });
    }
  });

  it('the backend option accepts only native, js and auto', () => {
    expectRefused({ secret: SECRET, backend: 'rust' }, 'ERR_CLIENT_SESSIONS_BACKEND', /use 'native', 'js' or 'auto'/, TypeError);
  });

  it('keys are copied at setup: changing the caller Buffer later changes nothing', () => {
    const keys = rawKeys('aes256', 5);
    const codec = codecOn(keys);
    const cookie = codec.encode('{"a":1}', 1, 10);
    keys.encryptionKey.fill(0);
    keys.signatureKey.fill(0);
    expect(codec.decode(cookie, 1).status).toBe('valid');
    expect(codecOn(rawKeys('aes256', 5)).decode(codec.encode('{}', 1, 10), 1).status).toBe('valid');
  });

  it('errors never contain key material', () => {
    const secret = 'super-secret-value-that-must-not-leak';
    const messages = [
      setupError({ secret, encryptionAlgorithm: 'aes128' }).message,
      setupError({ secret, signatureAlgorithm: 'sha512' }).message,
      setupError({ encryptionKey: Buffer.from(secret), signatureKey: Buffer.from(secret) }).message,
    ];
    for (const message of messages) {
      expect(message).not.toContain(secret);
      expect(message).not.toContain(Buffer.from(secret).toString('hex'));
    }
  });
  it('key options of the wrong kind are described by kind, and algorithm names must be strings', () => {
    const cases: Array<[object, string, string]> = [
      [{ keys: [{ encryptionKey: null, signatureKey: Buffer.alloc(32, 1) }] }, 'ERR_CLIENT_SESSIONS_ENCRYPTION_KEY', 'encryptionKey must be a Buffer, got null'],
      [{ encryptionKey: {}, signatureKey: Buffer.alloc(32, 1) }, 'ERR_CLIENT_SESSIONS_ENCRYPTION_KEY', 'encryptionKey must be a Buffer, got an object'],
      [{ encryptionKey: Buffer.alloc(32, 1), signatureKey: 7 }, 'ERR_CLIENT_SESSIONS_SIGNATURE_KEY', 'signatureKey must be a Buffer, got a number'],
      [{ secret: {} }, 'ERR_CLIENT_SESSIONS_SECRET', 'secret must be a string or a Buffer, got an object'],
      [{ secret: [SECRET, true] }, 'ERR_CLIENT_SESSIONS_SECRET', 'secret (key set 1) must be a string or a Buffer, got a boolean'],
    ];
    for (const [options, code, message] of cases) expectRefused(options, code, message, TypeError);
    for (const name of [['aes256'], { toString: () => 'aes256' }]) {
      expectRefused({ secret: SECRET, encryptionAlgorithm: name }, 'ERR_CLIENT_SESSIONS_ENCRYPTION_ALGORITHM', /invalid encryptionAlgorithm "aes256"/);
    }
    for (const name of [['sha256'], { toString: () => 'sha256' }]) {
      expectRefused({ secret: SECRET, signatureAlgorithm: name }, 'ERR_CLIENT_SESSIONS_SIGNATURE_ALGORITHM', /invalid signatureAlgorithm "sha256"/);
    }
    // null and '' mean the default, as undefined does.
    for (const none of [null, '', undefined]) {
      const codec = codecOn({ secret: SECRET, encryptionAlgorithm: none as never, signatureAlgorithm: none as never, cookieName: none as never });
      expect(codec.cookieName).toBe('session_state');
      expect(codec.encode('{}', 1, 1).split('.')[4]).toHaveLength(43);
    }
  });
});
