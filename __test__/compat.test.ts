// Wire compatibility with client-sessions@0.8.0, both ways: its cookies decode with ours and
// ours decode with its util.decode, for every algorithm pair and awkward payloads.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

import { util } from '../src/index';
import { BACKEND, DAY, SECRET, T0, codecOn } from './helpers/backend';
import { goldenVectors, optionsFor, originalOptionsFor, suiteCookie } from './helpers/fixtures';
import { ENCRYPTION_ALGORITHMS, SIGNATURE_ALGORITHMS, payloads, rawKeys } from './helpers/payloads';

const clientSessions = createRequire(__filename)('client-sessions') as {
  util: {
    encode(opts: object, content: unknown, duration?: number, createdAt?: number): string;
    decode(opts: object, value: string): { content: unknown; createdAt: number; duration: number } | undefined;
  };
};

describe(`client-sessions@0.8.0 compatibility (${BACKEND})`, () => {
  for (const enc of ENCRYPTION_ALGORITHMS) {
    for (const sig of SIGNATURE_ALGORITHMS) {
      it(`${enc} + ${sig}: cookies cross both ways`, () => {
        const keys = rawKeys(enc);
        const options = { cookieName: 'cart', encryptionAlgorithm: enc, signatureAlgorithm: sig, ...keys };
        const ours = codecOn(options);
        for (const [name, content] of Object.entries(payloads)) {
          const json = JSON.stringify(content);
          const theirs = clientSessions.util.encode({ ...options }, content, DAY, T0);
          const decoded = ours.decode(theirs, T0 + 1);
          expect(decoded.status, name).toBe('valid');
          expect(decoded.json, name).toBe(json);
          expect([decoded.createdAt, decoded.duration]).toEqual([T0, DAY]);

          const mine = ours.encode(json, T0, DAY);
          const back = clientSessions.util.decode({ ...options }, mine);
          expect(back, name).toEqual({ content, createdAt: T0, duration: DAY });
        }
      });
    }
  }

  it('secret-derived keys with the defaults cross both ways', () => {
    const options = { cookieName: 'session_state', secret: SECRET };
    const ours = codecOn(options);
    for (const [name, content] of Object.entries(payloads)) {
      const theirs = clientSessions.util.encode({ ...options }, content, DAY, T0);
      expect(ours.decode(theirs, T0).json, name).toBe(JSON.stringify(content));
      const back = clientSessions.util.decode({ ...options }, ours.encode(JSON.stringify(content), T0, DAY));
      expect(back?.content, name).toEqual(content);
    }
  });

  it('util.encode and util.decode interoperate with the original util', () => {
    const opts = { cookieName: 'auth', secret: SECRET, signatureAlgorithm: 'sha256-drop128' } as const;
    const content = payloads.unicode;
    const ours = util.encode({ ...opts }, content, 60_000, T0);
    expect(clientSessions.util.decode({ ...opts }, ours)).toEqual({ content, createdAt: T0, duration: 60_000 });
    const theirs = clientSessions.util.encode({ ...opts }, content, 60_000, T0);
    expect(util.decode({ ...opts }, theirs)).toEqual({ content, createdAt: T0, duration: 60_000 });
  });

  it('a cookie for one name is not accepted by the original under another name, nor ours', () => {
    const options = { cookieName: 'auth', secret: SECRET };
    const cookie = codecOn(options).encode('{"admin":true}', T0, DAY);
    expect(clientSessions.util.decode({ cookieName: 'cart', secret: SECRET }, cookie)).toBeUndefined();
    expect(codecOn({ ...options, cookieName: 'cart' }).decode(cookie, T0)).toMatchObject({
      status: 'invalid',
      reason: 'wrong-name',
    });
  });
});

describe(`golden cookies from client-sessions@0.8.0 (${BACKEND})`, () => {
  it('the fixture covers every algorithm pair and every payload kind', () => {
    const pairs = new Set(goldenVectors.map((v) => `${v.encryptionAlgorithm}/${v.signatureAlgorithm}`));
    expect(pairs.size).toBe(18);
    expect(goldenVectors.some((v) => v.json.includes('\u2028'))).toBe(true);
    expect(goldenVectors.some((v) => v.json.length > 2900)).toBe(true);
  });

  for (const v of goldenVectors) {
    it(`${v.name} decodes to its JSON, and re-encodes to the same bytes with its IV`, () => {
      const codec = codecOn(optionsFor(v));
      const decoded = codec.decode(v.cookie, v.createdAt + 1000);
      expect(decoded).toMatchObject({ status: 'valid', json: v.json, createdAt: v.createdAt, duration: v.duration });
      const iv = Buffer.from(v.cookie.split('.')[0]!, 'base64url');
      expect(codec.encodeWithIv(v.json, v.createdAt, v.duration, iv)).toBe(v.cookie);
      // And the original still agrees about what the fixture holds.
      expect(clientSessions.util.decode(originalOptionsFor(v), v.cookie)?.content).toEqual(JSON.parse(v.json));
    });
  }
});

describe(`the cookie client-sessions' own suite records (${BACKEND})`, () => {
  const { secret, cookieName, createdAt, json } = suiteCookie;
  const codec = codecOn({ cookieName, secret });

  for (const { name, cookie } of suiteCookie.accepted) {
    it(`accepted: ${name}`, () => {
      expect(codec.decode(cookie, createdAt)).toMatchObject({ status: 'valid', json });
      expect(util.decode({ cookieName, secret }, cookie)?.content).toEqual(JSON.parse(json));
      // What client-sessions decodes, we decode: Node's decoder ignores the same bits.
      expect(clientSessions.util.decode({ cookieName, secret }, cookie)?.content).toEqual(JSON.parse(json));
    });
  }

  for (const { name, cookie } of suiteCookie.refused) {
    it(`refused: ${name}`, () => {
      expect(codec.decode(cookie, createdAt).status).toBe('invalid');
      expect(util.decode({ cookieName, secret }, cookie)).toBeUndefined();
    });
  }
});
