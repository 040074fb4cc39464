// Set-Cookie byte for byte as client-sessions 0.8.0 writes it: the same app, run once on the
// original and once on this package at the same frozen clock, sends the same header for every
// cookie option client-sessions knows (only the encrypted value differs, by its random IV). The
// attributes it did not know are checked against the same style by hand.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import ours from '../src/index';
import { BACKEND } from './helpers/backend';

const load = createRequire(__filename);
const original = load('client-sessions');
const express = load('express');

const NOW = Date.UTC(2026, 0, 15, 10, 30, 45, 250);

interface Case {
  name: string;
  options: Record<string, unknown>;
  route?: string;
  /** Sent by a client behind a TLS proxy (X-Forwarded-Proto with Express "trust proxy"). */
  secure?: boolean;
}

const cases: Case[] = [
  { name: 'defaults', options: {} },
  { name: 'a custom duration', options: { duration: 50_000 } },
  { name: 'maxAge', options: { cookie: { maxAge: 5000 } } },
  { name: 'ephemeral', options: { cookie: { ephemeral: true } } },
  { name: 'ephemeral: false', options: { cookie: { ephemeral: false } } },
  { name: 'path', options: { cookie: { path: '/app' } } },
  { name: 'domain', options: { cookie: { domain: 'example.com' } } },
  { name: 'httpOnly: false', options: { cookie: { httpOnly: false } } },
  { name: "sameSite: 'lax'", options: { cookie: { sameSite: 'lax' } } },
  { name: "sameSite: 'Strict'", options: { cookie: { sameSite: 'Strict' } } },
  { name: 'sameSite: true', options: { cookie: { sameSite: true } } },
  { name: 'sameSite: false', options: { cookie: { sameSite: false } } },
  { name: 'secure, behind a TLS proxy', options: { cookie: { secure: true } }, secure: true },
  {
    name: 'every attribute at once',
    options: { cookie: { path: '/', domain: 'example.com', maxAge: 60_000, sameSite: 'lax', httpOnly: true, secure: true } },
    secure: true,
  },
  { name: 'setDuration(ms, true) in the request', options: {}, route: '/ephemeral' },
  { name: 'setDuration(ms, false) on an ephemeral cookie', options: { cookie: { ephemeral: true } }, route: '/lasting' },
  { name: 'reset()', options: { duration: 7000 }, route: '/reset' },
  { name: 'a requestKey and a custom cookieName', options: { cookieName: 'auth', requestKey: 'auth' }, route: '/auth' },
];

async function start(factory: (opts: object) => unknown, options: Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.set('trust proxy', true);
  // client-sessions only believes a proxy through req.connection.proxySecure.
  app.use((req: any, _res: unknown, next: () => void) => {
    if (req.headers['x-forwarded-proto'] === 'https') req.connection.proxySecure = true;
    next();
  });
  // client-sessions writes into its options object, so each app gets its own deep copy.
  app.use(factory({ cookieName: 'session', secret: 'a parity test secret, long enough to be fine', ...structuredClone(options) }));
  app.get('/write', (req: any, res: any) => {
    req.session.visits = 1;
    res.send('ok');
  });
  app.get('/auth', (req: any, res: any) => {
    req.auth.user = 'ada';
    res.send('ok');
  });
  app.get('/ephemeral', (req: any, res: any) => {
    req.session.setDuration(6000, true);
    res.send('ok');
  });
  app.get('/lasting', (req: any, res: any) => {
    req.session.setDuration(6000, false);
    res.send('ok');
  });
  app.get('/reset', (req: any, res: any) => {
    req.session.reset();
    res.send('ok');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The Set-Cookie lines with each value's random part (IV, ciphertext, MAC) masked. */
async function setCookies(factory: (opts: object) => unknown, c: Case): Promise<string[]> {
  const app = await start(factory, c.options);
  try {
    const res = await fetch(app.url + (c.route ?? '/write'), {
      headers: c.secure ? { 'x-forwarded-proto': 'https' } : {},
    });
    expect(res.status).toBe(200);
    return res.headers.getSetCookie().map((line) =>
      // iv.ciphertext.createdAt.duration.mac: keep the two numbers, which the clock fixes.
      line.replace(/^([^=]+)=[^.;]+\.[^.;]+\.(\d+)\.(\d+)\.[^.;]+;/, '$1=<iv>.<ciphertext>.$2.$3.<mac>;'),
    );
  } finally {
    await app.close();
  }
}

describe(`Set-Cookie as client-sessions writes it (${BACKEND})`, () => {
  beforeAll(() => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  for (const c of cases) {
    it(c.name, async () => {
      const theirs = await setCookies(original, c);
      const mine = await setCookies(ours, c);
      expect(theirs).toHaveLength(1);
      expect(mine).toEqual(theirs);
    });
  }

  it('the exact spelling, for the record', async () => {
    const [line] = await setCookies(ours, cases.find((c) => c.name === 'every attribute at once')!);
    expect(line).toBe(
      `session=<iv>.<ciphertext>.${NOW}.86400000.<mac>; path=/; expires=Thu, 15 Jan 2026 10:31:45 GMT; domain=example.com; samesite=lax; secure; httponly`,
    );
  });

  it('attributes client-sessions did not know follow the same style', async () => {
    const lines = await setCookies(ours, {
      name: 'new attributes',
      options: { cookie: { sameSite: 'none', partitioned: true, priority: 'High', domain: 'example.com' } },
      secure: true,
    });
    expect(lines).toEqual([
      `session=<iv>.<ciphertext>.${NOW}.86400000.<mac>; path=/; expires=Fri, 16 Jan 2026 10:30:46 GMT; domain=example.com; priority=high; samesite=none; secure; httponly; partitioned`,
    ]);
  });
});
