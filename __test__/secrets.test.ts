// Key material never shows: not in errors, warnings, util.inspect or JSON of anything the library
// hands out, in any encoding (a Buffer on a public property prints as spaced hex, a Buffer in JSON
// as a list of decimals). Short secrets get a setup warning.
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';

import realSessions, { createCodec, util } from '../src/index';
import sessions from './helpers/sessions';
import { BACKEND } from './helpers/backend';
import { stateOfHandle } from '../src/core/handle';
import { Browser, FRAMEWORKS, isWebStandard, sendJson, startApp, type RunningApp } from './helpers/http';

const SECRET = 'correct horse battery staple, but much longer 8c1f';
const derived = ['cookiesession-encryption', 'cookiesession-signature'].map((label) => createHmac('sha256', SECRET).update(label).digest());
// Patterned rather than one repeated byte, so a window of a key is a window of that key only.
const RAW = {
  encryptionKey: Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 29 + 7) & 0xff)),
  signatureKey: Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 53 + 200) & 0xff)),
};
const KEY_MATERIAL: Buffer[] = [Buffer.from(SECRET), ...derived, RAW.encryptionKey, RAW.signatureKey];

/** Bytes of a key that, shown anywhere in a row, count as showing it (a 12-byte window). */
const WINDOW = 12;

/** Every way a run of key bytes can be printed: by Buffer, Uint8Array, JSON, strings, inspect. */
function spellings(bytes: Buffer): string[] {
  const decimals = [...bytes].map(String);
  const latin1 = bytes.toString('latin1');
  return [
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' '), // <Buffer ab cd ...>
    bytes.toString('base64'),
    bytes.toString('base64url'),
    latin1,
    JSON.stringify(latin1).slice(1, -1),
    inspect(latin1).slice(1, -1),
    decimals.join(','), // JSON of a Buffer: {"type":"Buffer","data":[171,205,...]}
    decimals.join(', '), // Uint8Array(32) [ 171, 205, ... ]
  ];
}

/**
 * Every spelling of every WINDOW-byte run of each key, so a key cut short (a subarray, a
 * truncated print) or embedded at any base64 alignment is found too.
 */
const forbidden: string[] = [
  SECRET,
  ...KEY_MATERIAL.flatMap((key) => Array.from({ length: key.length - WINDOW + 1 }, (_, at) => spellings(key.subarray(at, at + WINDOW))).flat()),
];

function expectNoKeys(text: string, what: string): void {
  expect(forbidden.find((secret) => text.includes(secret)), `${what} shows key material`).toBeUndefined();
}

/**
 * Everything a value shows to a debugger or a log: inspect, default and with everything on,
 * JSON, its string forms, and the value and name of each own property and symbol of it and of
 * its prototypes (non-enumerable ones included).
 */
function surfaces(value: unknown): Array<[string, string]> {
  const shown: Array<[string, string]> = [
    ['inspect', inspect(value)],
    ['inspect (showHidden)', inspect(value, { showHidden: true, depth: Infinity, getters: true, showProxy: true })],
    ['JSON', JSON.stringify(value) ?? ''],
  ];
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return shown;
  shown.push(['String()', String(value)], ['template', `${value as object}`]);
  for (let object: object | null = value; object !== null && object !== Object.prototype && object !== Function.prototype; object = Object.getPrototypeOf(object)) {
    for (const key of [...Object.getOwnPropertyNames(object), ...Object.getOwnPropertySymbols(object)]) {
      const descriptor = Object.getOwnPropertyDescriptor(object, key)!;
      shown.push([`property ${String(key)}`, `${String(key)} ${inspect(descriptor.value, { showHidden: true, depth: Infinity })}`]);
    }
  }
  return shown;
}

function expectNothingShown(value: unknown, what: string): void {
  for (const [how, text] of surfaces(value)) expectNoKeys(text, `${what}, ${how}`);
}

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe(`secrets stay secret (${BACKEND})`, () => {
  it('the detector finds key bytes however they are printed (so the tests below can fail)', () => {
    const leaky = { keys: [{ encryptionKey: RAW.encryptionKey, secret: Buffer.from(SECRET) }], derived: new Uint8Array(derived[1]!) };
    for (const [how, text] of surfaces(leaky)) {
      if (how === 'String()' || how === 'template' || how.startsWith('property')) continue;
      expect(forbidden.some((secret) => text.includes(secret)), how).toBe(true);
    }
    expect(inspect(leaky)).toMatch(/<Buffer [0-9a-f]{2} [0-9a-f]{2} /);
    // A key cut short still shows: the windows cover any 12 bytes of it in a row.
    expect(forbidden.some((secret) => inspect(derived[0]!.subarray(5, 25)).includes(secret))).toBe(true);
    expect(forbidden.some((secret) => inspect({ unrelated: Buffer.alloc(32, 0x42), text: 'session' }).includes(secret))).toBe(false);
  });

  it('codecs and middleware show nothing under util.inspect, JSON, String() or their own properties', () => {
    for (const options of [{ secret: SECRET }, RAW, { keys: [RAW, { secret: SECRET }] }, { secret: [SECRET, `${SECRET} (old)`] }]) {
      const codec = createCodec(options);
      const middleware = sessions(options);
      const label = JSON.stringify(Object.keys(options));
      expectNothingShown(codec, `codec ${label}`);
      expectNothingShown(Object.getPrototypeOf(codec), `codec prototype ${label}`);
      expectNothingShown(middleware, `middleware ${label}`);
      // util keeps a codec per options object: the one it keeps shows nothing either.
      const utilOptions = { cookieName: 's', ...options };
      util.encode(utilOptions, { a: 1 });
      expectNothingShown(util.utilCodecFor(utilOptions), `util codec ${label}`);
    }
  });

  it("a request's session and the state behind it show nothing", async () => {
    for (const [framework, options] of FRAMEWORKS.flatMap((f) => [{ cookieName: 'session', secret: SECRET }, { cookieName: 'session', ...RAW }].map((o) => [f, o] as const))) {
      const seen: Array<[string, string]> = [];
      app = await startApp(framework, [sessions(options)], {
        '/': (req, res) => {
          req.session.user = 'ada';
          // On Hono and the web store the state is behind the session handle, not on the request.
          const state = isWebStandard(framework)
            ? [stateOfHandle(req.session)].filter((found) => found !== undefined)
            : Object.getOwnPropertySymbols(req).filter((symbol) => symbol.description?.startsWith('client-sessions-native')).map((symbol) => (req as IncomingMessage & Record<symbol, unknown>)[symbol]);
          seen.push(['state slots', String(state.length)]);
          for (const found of state) seen.push(...surfaces(found).map(([how, text]): [string, string] => [`state ${how}`, text]));
          seen.push(...surfaces(req.session).map(([how, text]): [string, string] => [`req.session ${how}`, text]));
          seen.push(['req', inspect(req, { depth: 3 })]);
          sendJson(res, { ok: true });
        },
      });
      const reply = await new Browser(app.url).get('/');
      expect(reply.status).toBe(200);
      await app.close();
      app = undefined;
      expect(seen[0], framework).toEqual(['state slots', '1']);
      expect(seen.length).toBeGreaterThan(5);
      for (const [how, text] of seen) expectNoKeys(text, `${framework}: ${how}`);
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
    const problems: realSessions.SessionProblem[] = [];
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
