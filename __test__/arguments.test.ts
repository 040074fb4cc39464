// Misuse of the codec API fails the same way on both backends: every argument is checked in
// TypeScript, with the same coded TypeError, before anything crosses into Rust. util.computeHmac,
// plain node:crypto on either backend, refuses what client-sessions' hmac.update refused.
import { describe, expect, it, vi } from 'vitest';

import { util } from '../src/index';
import { loadNative } from '../src/backend/native';
import { BACKEND, DAY, OTHER_BACKEND, SECRET, T0, codecOn } from './helpers/backend';
import { thrownBy } from './helpers/thrown';

const options = { cookieName: 'session', secret: SECRET };
const mine = codecOn(options);
const other = codecOn(options, OTHER_BACKEND);
const expired = mine.encode('{"stale":true}', T0 - 2 * DAY, DAY);

describe(`codec arguments (${BACKEND}, compared with ${OTHER_BACKEND})`, () => {
  const badNows: unknown[] = [null, '0', false, true, new Date(T0), {}, [], -1, Number.NaN, Infinity, 2 ** 53, 1n];

  it('a `now` that is not a number of milliseconds is refused, never read as 0', () => {
    for (const now of badNows) {
      for (const call of [
        (c: typeof mine) => c.decode(expired, now as number),
        (c: typeof mine) => c.decodeFromHeader(`session=${expired}`, now as number),
        (c: typeof mine) => c.decodeFromHeader(undefined, now as number),
        (c: typeof mine) => c.decode(42 as unknown as string, now as number),
      ]) {
        const a = thrownBy(() => call(mine));
        expect(a, String(now)).toMatchObject({ kind: 'TypeError', code: 'ERR_CLIENT_SESSIONS_TIMESTAMP' });
        expect(thrownBy(() => call(other)), String(now)).toEqual(a);
      }
    }
    expect(thrownBy(() => mine.decode(expired, new Date() as unknown as number))).toMatchObject({
      message: 'client-sessions-native: now must be a number of milliseconds such as Date.now(), got a Date',
    });
  });

  it('createdAt and duration are checked alike, whatever their type', () => {
    for (const bad of [null, '5', undefined, true, new Date(T0), -1, 1.5, Number.NaN, 2 ** 53]) {
      for (const call of [
        (c: typeof mine) => c.encode('{}', bad as number, DAY),
        (c: typeof mine) => c.encode('{}', T0, bad as number),
        (c: typeof mine) => c.encodeWithIv('{}', bad as number, DAY, Buffer.alloc(16)),
      ]) {
        const a = thrownBy(() => call(mine));
        expect(a, String(bad)).toMatchObject({ kind: 'TypeError', code: 'ERR_CLIENT_SESSIONS_TIMESTAMP' });
        expect(thrownBy(() => call(other)), String(bad)).toEqual(a);
      }
    }
  });

  it('computeMac checks the key index and the byte arguments alike', () => {
    const iv = Buffer.alloc(16, 1);
    const ct = Buffer.alloc(32, 2);
    for (const call of [
      (c: typeof mine) => c.computeMac('0' as unknown as number, iv, ct, '1', '2'),
      (c: typeof mine) => c.computeMac(1, iv, ct, '1', '2'),
      (c: typeof mine) => c.computeMac(-1, iv, ct, '1', '2'),
      (c: typeof mine) => c.computeMac(0.5, iv, ct, '1', '2'),
      (c: typeof mine) => c.computeMac(0, 'iv' as unknown as Uint8Array, ct, '1', '2'),
      (c: typeof mine) => c.computeMac(0, iv, null as unknown as Uint8Array, '1', '2'),
      (c: typeof mine) => c.encodeWithIv('{}', T0, DAY, Buffer.alloc(15)),
      (c: typeof mine) => c.encodeWithIv('{}', T0, DAY, 'x'.repeat(16) as unknown as Uint8Array),
      (c: typeof mine) => c.encode(undefined as unknown as string, T0, DAY),
    ]) {
      const a = thrownBy(() => call(mine));
      expect(a).toMatchObject({ kind: 'TypeError', code: expect.stringMatching(/^ERR_CLIENT_SESSIONS_/) });
      expect(thrownBy(() => call(other))).toEqual(a);
    }
    expect(mine.computeMac(0, iv, ct, '1', '2').equals(other.computeMac(0, iv, ct, '1', '2'))).toBe(true);
  });

  it('the binding itself refuses an empty secret, beneath the TypeScript checks', () => {
    const loaded = loadNative();
    if (!('binding' in loaded)) throw new Error('the native backend must load for this test');
    const build = (secret: Buffer) =>
      new loaded.binding.NativeCodec({ cookieName: 's', encryptionAlgorithm: 'aes256', signatureAlgorithm: 'sha256', keys: [{ secret }], activeDuration: 0 });
    expect(() => build(Buffer.alloc(0))).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_SECRET' }));
    expect(() => build(Buffer.from(SECRET))).not.toThrow();
  });

  it('an oversized value is refused before it crosses into Rust', () => {
    const huge = 'A'.repeat(4 << 20);
    const loaded = loadNative();
    if (!('binding' in loaded)) throw new Error('the native backend must load for this test');
    const crossing = vi.spyOn(loaded.binding.NativeCodec.prototype, 'decode');
    try {
      const native = BACKEND === 'native' ? mine : other;
      expect(native.backend).toBe('native');
      expect(native.decode(huge, T0)).toMatchObject({ status: 'invalid', reason: 'too-large' });
      expect(crossing).not.toHaveBeenCalled();
      // The limit itself still decides in Rust, in UTF-8 bytes: 6,000 three-byte characters.
      expect(native.decode('\u4e2d'.repeat(6000), T0)).toMatchObject({ status: 'invalid', reason: 'too-large' });
      expect(crossing).toHaveBeenCalledTimes(1);
    } finally {
      crossing.mockRestore();
    }
  });
  it('the messages say which argument, and what it got, without showing more than its kind', () => {
    const message = (run: () => unknown): string => {
      try {
        run();
      } catch (err) {
        return (err as Error).message;
      }
      return 'no throw';
    };
    const range = 'must be a whole number of milliseconds from 0 to 2^53-1, got';
    for (const c of [mine, other]) {
      expect(message(() => c.encode('{}', '5' as never, DAY))).toBe(`client-sessions-native: createdAt ${range} a string`);
      expect(message(() => c.encode('{}', null as never, DAY))).toBe(`client-sessions-native: createdAt ${range} null`);
      expect(message(() => c.encode('{}', T0, 1.5))).toBe(`client-sessions-native: duration ${range} 1.5`);
      expect(message(() => c.encodeWithIv('{}', T0, -2, Buffer.alloc(16)))).toBe(`client-sessions-native: duration ${range} -2`);
      expect(message(() => c.encodeWithIv('{}', 'x' as never, DAY, Buffer.alloc(16)))).toBe(`client-sessions-native: createdAt ${range} a string`);
      expect(message(() => c.encode('{}', T0, new Date() as never))).toBe(`client-sessions-native: duration ${range} a Date`);
      expect(message(() => c.decode('x', -5))).toBe(`client-sessions-native: now ${range} -5`);
      expect(message(() => c.encode(42 as never, T0, DAY))).toBe('client-sessions-native: json must be a string of JSON text');
      expect(message(() => c.encodeWithIv('{}', T0, DAY, Buffer.alloc(8)))).toBe('client-sessions-native: iv must be exactly 16 bytes');
      expect(message(() => c.computeMac(0, 'iv' as never, Buffer.alloc(16), '1', '2'))).toBe('client-sessions-native: iv must be a Buffer or Uint8Array, got a string');
      expect(message(() => c.computeMac(0, Buffer.alloc(16), 42 as never, '1', '2'))).toBe('client-sessions-native: ciphertext must be a Buffer or Uint8Array, got 42');
      expect(message(() => c.computeMac(2, Buffer.alloc(16), Buffer.alloc(16), '1', '2'))).toBe("client-sessions-native: keyIndex must be the index of one of this codec's 1 key set(s), got 2");
      expect(message(() => c.computeMac('0' as never, Buffer.alloc(16), Buffer.alloc(16), '1', '2'))).toBe("client-sessions-native: keyIndex must be the index of one of this codec's 1 key set(s), got a string");
    }
  });

  it('util.computeHmac takes bytes or strings: an array or an array-like is refused, not converted', () => {
    const opts = { secret: SECRET };
    const bytes = Buffer.alloc(16, 1);
    // A string is hashed as its UTF-8 bytes, the same MAC as for those bytes.
    expect(util.computeHmac(opts, 'caf\u00e9', bytes, 1, 2).equals(util.computeHmac(opts, Buffer.from('caf\u00e9', 'utf8'), bytes, 1, 2))).toBe(true);
    for (const bad of [[1, 2, 3], { length: 1, 0: 1 }, 42]) {
      for (const run of [() => util.computeHmac(opts, bad as never, bytes, 1, 2), () => util.computeHmac(opts, bytes, bad as never, 1, 2)]) {
        expect(run, JSON.stringify(bad)).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
      }
    }
  });

  it('a header without the cookie is a fresh absent result, the same on both', () => {
    for (const header of [undefined, '', 'other=1', 'xsession=1', 'sessionx=1; a=session']) {
      const absent = mine.decodeFromHeader(header, T0);
      expect(absent).toEqual({ status: 'absent', createdAt: 0, duration: 0, issuedAt: 0, format: 0, keyIndex: 0, chunkCookies: 0, refresh: false });
      expect(other.decodeFromHeader(header, T0)).toEqual(absent);
      expect(mine.decodeFromHeader(header, T0)).not.toBe(absent);
    }
  });
});
