// Key material never shows: not in errors, warnings, util.inspect or JSON of anything the library
// hands out. Short secrets get a setup warning.
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';

import sessions, { createCodec, util } from '../src/index';
import { BACKEND } from './helpers/backend';
import { Browser, startApp, type RunningApp } from './helpers/http';

const SECRET = 'correct horse battery staple, but much longer 8c1f';
const derived = ['cookiesession-encryption', 'cookiesession-signature'].map((label) => createHmac('sha256', SECRET).update(label).digest());
const RAW = { encryptionKey: Buffer.alloc(32, 0xa7), signatureKey: Buffer.alloc(32, 0x5c) };
const forbidden = [
  SECRET,
  ...[...derived, RAW.encryptionKey, RAW.signatureKey].flatMap((key) => [key.toString('hex'), key.toString('base64'), key.toString('base64url'), key.toString('latin1')]),
];

function expectNoKeys(text: string, what: string): void {
  for (const secret of forbidden) expect(text.includes(secret), `${what} shows key material`).toBe(false);
}

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe(`secrets stay secret (${BACKEND})`, () => {
  it('codecs and middleware show nothing under util.inspect or JSON', () => {
    for (const options of [{ secret: SECRET }, RAW, { keys: [RAW, { secret: SECRET }] }]) {
      const codec = createCodec(options);
      const middleware = sessions(options);
      for (const value of [codec, middleware, Object.getPrototypeOf(codec)]) {
        expectNoKeys(inspect(value, { showHidden: true, depth: Infinity, getters: true }), 'inspect');
        expectNoKeys(JSON.stringify(value) ?? '', 'JSON');
      }
    }
  });

  it('errors about keys describe them without showing them', () => {
    const attempts: unknown[] = [
      { encryptionKey: RAW.encryptionKey, signatureKey: RAW.encryptionKey },
      { encryptionKey: RAW.encryptionKey.subarray(1), signatureKey: RAW.signatureKey },
      { secret: SECRET, encryptionAlgorithm: 'aes128' },
      { secret: SECRET, signatureAlgorithm: 'sha512' },
      { secret: [SECRET, 42] },
      { encryptionKey: SECRET, signatureKey: RAW.signatureKey },
    ];
    for (const options of attempts) {
      let thrown: unknown;
      try {
        createCodec(options as never);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(Error);
      expectNoKeys(`${(thrown as Error).message}\n${inspect(thrown, { showHidden: true, depth: Infinity })}`, 'error');
    }
  });

  it('problems reported at request time carry no key material', async () => {
    const problems: sessions.SessionProblem[] = [];
    app = await startApp('http', [sessions({ cookieName: 'session', secret: SECRET, onError: (e) => problems.push(e) })], {
      '/': (req, res) => {
        req.session.big = 'x'.repeat(5000);
        res.end();
      },
    });
    await new Browser(app.url).get('/', { cookie: 'session=not.a.real.cookie.value' });
    expect(problems.map((p) => p.code)).toEqual(['ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE']);
    for (const problem of problems) expectNoKeys(inspect(problem, { showHidden: true, depth: Infinity }), 'problem');
  });

  it('a secret under 32 characters gets one setup warning that names its length only', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      createCodec({ cookieName: 'auth', secret: 'hunter2' });
      createCodec({ cookieName: 'auth', secret: ['a'.repeat(32), 'short old one'] });
      createCodec({ secret: 'x'.repeat(32) });
      createCodec(RAW);
      util.encode({ cookieName: 's', secret: 'short' }, {});
      expect(warn).toHaveBeenCalledTimes(2);
      const [first, second] = warn.mock.calls.map((call) => String(call[0]));
      expect(first).toMatch(/the secret for the auth cookie is only 7 bytes: use at least 32 random characters/);
      expect(second).toMatch(/secret 1 for the auth cookie is only 13 bytes/);
      expect(first).not.toContain('hunter2');
      expect(warn.mock.calls[0]![1]).toMatchObject({ code: 'ERR_CLIENT_SESSIONS_WEAK_SECRET' });
    } finally {
      warn.mockRestore();
    }
  });
});
