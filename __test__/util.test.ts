// The client-sessions `util` surface: same arguments, defaults, results and setup errors.
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';

import { util, type SignatureAlgorithm } from '../src/index';
import { utilCodecFor } from '../src/util';
import { BACKEND, DAY, SECRET, T0 } from './helpers/backend';

const original = createRequire(__filename)('client-sessions') as {
  util: {
    encode(opts: object, content: unknown, duration?: number, createdAt?: number): string;
    decode(opts: object, value: string): unknown;
    computeHmac(opts: object, iv: Buffer, ct: Buffer, duration: number, createdAt: number): Buffer;
  };
};

describe(`util (${BACKEND})`, () => {
  it('runs on the backend the environment selects', () => {
    expect(utilCodecFor({ cookieName: 's', secret: SECRET }).backend).toBe(BACKEND);
  });

  it('encode defaults duration to 24 hours and createdAt to now', () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date'] });
    try {
      const cookie = util.encode({ cookieName: 's', secret: SECRET }, { a: 1 });
      expect(cookie.split('.').slice(2, 4)).toEqual([String(T0), String(DAY)]);
      expect(util.decode({ cookieName: 's', secret: SECRET }, cookie)).toEqual({ content: { a: 1 }, createdAt: T0, duration: DAY });
    } finally {
      vi.useRealTimers();
    }
  });

  it("throws client-sessions' errors for a missing or bad cookieName", () => {
    const thrown = (fn: () => unknown): Error => {
      try {
        fn();
      } catch (err) {
        return err as Error;
      }
      throw new Error('expected a throw');
    };
    // The same class and message text as client-sessions, so code matching on them keeps working.
    for (const err of [
      thrown(() => util.encode({ secret: SECRET } as never, {})),
      thrown(() => util.decode({ secret: SECRET } as never, 'x')),
    ]) {
      expect(err.constructor).toBe(Error);
      expect(err.message).toBe('cookieName option required');
    }
    expect(thrown(() => util.encode({ cookieName: 'a=b', secret: SECRET }, {})).message).toBe('cookieName cannot include "="');
  });

  it('decode returns undefined for anything that is not an authentic cookie', () => {
    const opts = { cookieName: 's', secret: SECRET };
    const cookie = util.encode(opts, { a: 1 }, DAY, T0);
    for (const bad of ['', 'x', `${cookie}x`, cookie.replace(/\.\d+\./, '.1.'), 42 as unknown as string]) {
      expect(util.decode(opts, bad)).toBeUndefined();
    }
    expect(util.decode({ cookieName: 't', secret: SECRET }, cookie)).toBeUndefined();
  });

  it('decode does not check expiry, like the original', () => {
    const opts = { cookieName: 's', secret: SECRET };
    const ancient = util.encode(opts, { old: true }, 1, 1);
    expect(util.decode(opts, ancient)).toEqual({ content: { old: true }, createdAt: 1, duration: 1 });
    expect(original.util.decode({ ...opts }, ancient)).toEqual({ content: { old: true }, createdAt: 1, duration: 1 });
  });

  it('keeps the lenient key rules of the original util (a secret with sha512 works)', () => {
    const opts = { cookieName: 's', secret: SECRET, signatureAlgorithm: 'sha512' } as const;
    const ours = util.encode(opts, { x: 1 }, DAY, T0);
    expect(original.util.decode({ ...opts }, ours)).toEqual({ content: { x: 1 }, createdAt: T0, duration: DAY });
  });

  it('computeHmac equals the original for every signature algorithm', () => {
    const signatureKey = Buffer.alloc(64, 0x42);
    const encryptionKey = Buffer.alloc(32, 0x17);
    const iv = Buffer.alloc(16, 1);
    const ct = Buffer.from('0123456789abcdef0123456789abcdef');
    for (const signatureAlgorithm of ['sha256', 'sha256-drop128', 'sha384', 'sha384-drop192', 'sha512', 'sha512-drop256'] as const) {
      const opts = { cookieName: 's', encryptionKey, signatureKey, signatureAlgorithm };
      const ours = util.computeHmac(opts, iv, ct, DAY, T0);
      expect(ours.equals(original.util.computeHmac({ ...opts }, iv, ct, DAY, T0)), signatureAlgorithm).toBe(true);
    }
  });

  it("computeHmac needs only a signature key and algorithm, any IV length, and gives client-sessions' published vectors", () => {
    // client-sessions 0.8.0 test/all-test.js: a 17-byte "IV" and a 20-byte "ciphertext".
    const signatureKey = Buffer.from('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'binary');
    const iv = Buffer.from('01234567890abcdef', 'binary');
    const ciphertext = Buffer.from('0123456789abcdef0123', 'binary');
    const vectors: Record<SignatureAlgorithm, string> = {
      sha256: 'PRYaxV/8RkMyIT/Ib+tIUOWiSn+0EvodJ5rtG1FQHz0=',
      'sha256-drop128': 'PRYaxV/8RkMyIT/Ib+tIUA==',
      sha384: 'MND9nz6pxbQC5m41ZPRXhJIuqTj9/hu4gtWZ8t8LgdFLQFWQfC8jhijB0NHLpeA7',
      'sha384-drop192': 'MND9nz6pxbQC5m41ZPRXhJIuqTj9/hu4',
      sha512: 'Hr4KLVLyglIwQ43C9U2bmieWBVLnD/F+lzCSF072Ds2b87MK+gbnR0p75A+I+5ez+aiemMGuMZyKVAUWfMMaUA==',
      'sha512-drop256': 'Hr4KLVLyglIwQ43C9U2bmieWBVLnD/F+lzCSF072Ds0=',
    };
    for (const [signatureAlgorithm, expected] of Object.entries(vectors) as [SignatureAlgorithm, string][]) {
      const opts = { signatureAlgorithm, signatureKey };
      expect(util.computeHmac(opts, iv, ciphertext, 876543210, 1234567890).toString('base64'), signatureAlgorithm).toBe(expected);
      expect(original.util.computeHmac({ ...opts }, iv, ciphertext, 876543210, 1234567890).toString('base64')).toBe(expected);
    }
  });

  it('computeHmac derives the signature key from a secret as encode does, and refuses empty or missing keys', () => {
    const opts = { cookieName: 's', secret: SECRET };
    const cookie = util.encode(opts, { a: 1 }, DAY, T0);
    const [ivText, ctText, , , tagText] = cookie.split('.');
    const mac = util.computeHmac({ secret: SECRET }, Buffer.from(ivText!, 'base64url'), Buffer.from(ctText!, 'base64url'), DAY, T0);
    expect(mac.toString('base64url')).toBe(tagText);
    expect(() => util.computeHmac({ signatureKey: Buffer.alloc(0) }, '', '', 1, 1)).toThrow(/signatureKey must not be empty/);
    expect(() => util.computeHmac({ secret: Buffer.alloc(0) }, '', '', 1, 1)).toThrow(/secret must not be empty/);
    expect(() => util.computeHmac({}, '', '', 1, 1)).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_NO_KEYS' }));
  });

  it('does not write derived keys into the options object', () => {
    const opts = { cookieName: 's', secret: SECRET };
    util.encode(opts, {});
    expect(Object.keys(opts)).toEqual(['cookieName', 'secret']);
  });

  it('reuses the codec for the same options and rebuilds it when they change', () => {
    const opts: { cookieName: string; secret: string } = { cookieName: 's', secret: SECRET };
    const first = utilCodecFor(opts);
    expect(utilCodecFor(opts)).toBe(first);
    const cookie = util.encode(opts, { a: 1 });
    opts.secret = `${SECRET} rotated`;
    expect(utilCodecFor(opts)).not.toBe(first);
    expect(util.decode(opts, cookie)).toBeUndefined();
  });

  it('content JSON cannot represent is refused with a clear error', () => {
    expect(() => util.encode({ cookieName: 's', secret: SECRET }, undefined)).toThrow(/JSON-serialisable/);
    expect(() => util.encode({ cookieName: 's', secret: SECRET }, { n: 1n })).toThrow(TypeError);
  });
  it('options that are not an object are refused with what they should hold', () => {
    for (const opts of [null, undefined, 'secret', 42]) {
      for (const call of [() => util.encode(opts as never, {}), () => util.decode(opts as never, 'x')]) {
        expect(call, String(opts)).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_OPTIONS', message: 'client-sessions-native: opts must be an object with cookieName and secret' }));
      }
      expect(() => util.computeHmac(opts as never, Buffer.alloc(16), Buffer.alloc(16), 1, 1), String(opts)).toThrow(
        expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_OPTIONS', message: 'client-sessions-native: computeHmac needs opts with a signatureKey (or a secret) and a signatureAlgorithm' }),
      );
    }
    expect(() => util.encode({ cookieName: 's', secret: SECRET }, undefined)).toThrow(
      expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_CONTENT', message: 'client-sessions-native: content must be JSON-serialisable, got undefined' }),
    );
  });

  it('an array as options works as in client-sessions: Array.prototype.keys is not a list of key sets', () => {
    const opts = Object.assign([], { cookieName: 's', secret: SECRET });
    const cookie = util.encode(opts as never, { a: 1 });
    expect(util.decode({ cookieName: 's', secret: SECRET }, cookie)?.content).toEqual({ a: 1 });
    expect(util.decode(opts as never, cookie)?.content).toEqual({ a: 1 });
  });

  it('decode gives undefined for an authentic cookie whose content is not JSON', () => {
    const opts = { cookieName: 's', secret: SECRET };
    const notJson = utilCodecFor(opts).encode('{"unterminated', T0, DAY);
    expect(utilCodecFor(opts).decode(notJson, T0)).toMatchObject({ status: 'valid', json: '{"unterminated' });
    expect(util.decode(opts, notJson)).toBeUndefined();
  });

  it('computeHmac says what is wrong with its key', () => {
    const args = [Buffer.alloc(16), Buffer.alloc(16), 1, 1] as const;
    const cases: Array<[object, string, string]> = [
      [{ signatureKey: 'abc' }, 'ERR_CLIENT_SESSIONS_SIGNATURE_KEY', 'signatureKey must be a Buffer, got a string'],
      [{ signatureKey: Buffer.alloc(0) }, 'ERR_CLIENT_SESSIONS_SIGNATURE_KEY', 'signatureKey must not be empty'],
      [{ secret: '' }, 'ERR_CLIENT_SESSIONS_SECRET', 'secret must not be empty'],
      [{ secret: new Uint8Array(0) }, 'ERR_CLIENT_SESSIONS_SECRET', 'secret must not be empty'],
      [{}, 'ERR_CLIENT_SESSIONS_NO_KEYS', 'computeHmac needs opts.signatureKey (a Buffer) or opts.secret to derive it from'],
      [{ secret: 42 }, 'ERR_CLIENT_SESSIONS_NO_KEYS', 'computeHmac needs opts.signatureKey (a Buffer) or opts.secret to derive it from'],
    ];
    for (const [opts, code, message] of cases) {
      expect(() => util.computeHmac(opts as never, ...args), message).toThrow(expect.objectContaining({ code, message: `client-sessions-native: ${message}` }));
    }
    // A secret as text or as its UTF-8 bytes derives the same key; fields as text are their UTF-8 bytes.
    const text = util.computeHmac({ secret: 'caf\u00e9 secret' }, 'iv\u00e9', 'ct', 1, 2);
    expect(util.computeHmac({ secret: Buffer.from('caf\u00e9 secret') }, Buffer.from('iv\u00e9'), Buffer.from('ct'), 1, 2).equals(text)).toBe(true);
  });
});
