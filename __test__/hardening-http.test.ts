// Hostile requests through a real server on every framework: malformed Cookie headers never
// cause a 500 or yield a session, attacker input never reaches Set-Cookie, concurrent clients
// never see each other's data, and JSON content cannot pollute prototypes.
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import sessions from './helpers/sessions';
import { BACKEND, SECRET, codecOn } from './helpers/backend';
import { Browser, FRAMEWORKS, parseSetCookie, sendJson, startApp, type RunningApp } from './helpers/http';

const codec = codecOn({ cookieName: 'session', secret: SECRET });
const problems: any[] = [];
let app: RunningApp;

// Each test asserts the problems it expects; a test that expects none says so here.
let expectedProblems: unknown[] = [];
beforeEach(() => {
  problems.length = 0;
  expectedProblems = [];
});
afterEach(() => {
  expect(problems.map((p) => [p.code, p.level, p.reason])).toEqual(expectedProblems);
});

/** Sends raw bytes as an HTTP request, for headers fetch would refuse to send. */
function rawRequest(path: string, headerLines: Buffer[]): Promise<{ status: number; head: string; body: string }> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head, body });
    });
    socket.end(Buffer.concat([Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n`), ...headerLines.map((l) => Buffer.concat([l, Buffer.from('\r\n')])), Buffer.from('\r\n')]));
  });
}

for (const framework of FRAMEWORKS) {
  describe(`hostile input over HTTP on ${framework} (${BACKEND})`, () => {
  beforeAll(async () => {
    app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET, onError: (e) => problems.push(e) })], {
      '/read': (req, res) => sendJson(res, { session: req.session, keys: Object.keys(req.session) }),
      '/count': async (req, res) => {
        // Await between the read and the write, so requests interleave inside the handler.
        const seen = req.session.count ?? 0;
        const client = req.session.client;
        await new Promise((r) => setTimeout(r, Math.random() * 4));
        req.session.count = seen + 1;
        await new Promise((r) => setImmediate(r));
        sendJson(res, { client, count: req.session.count });
      },
      '/join': (req, res) => {
        req.session.client = new URL(req.url!, 'http://x').searchParams.get('id');
        req.session.count = 0;
        res.end();
      },
      '/pollute': (req, res) => {
        const s = req.session;
        const attempts: string[] = [];
        for (const attempt of [
          () => (s.__proto__ = { admin: true }),
          () => Object.setPrototypeOf(s, { admin: true }),
          () => Object.defineProperty(s, '__proto__', { value: { admin: true } }),
        ]) {
          try {
            attempt();
            attempts.push('allowed');
          } catch (err) {
            attempts.push((err as Error).constructor.name);
          }
        }
        const copy = Object.assign({}, s);
        sendJson(res, {
          attempts,
          admin: (s as any).admin ?? null,
          copyAdmin: (copy as any).admin ?? null,
          protoIsObject: Object.getPrototypeOf(copy) === Object.prototype,
          objectPolluted: ({} as any).polluted ?? null,
          keys: Object.keys(s),
          resetType: typeof s.reset,
        });
      },
    });
  });
  afterAll(() => app.close());

    it('malformed Cookie headers: no 500, no session, nothing echoed into Set-Cookie', async () => {
      const good = codec.encode('{"user":"ada"}', Date.now(), 86_400_000);
      const MARK = 'ATTACKERMARK';
      const headers: Buffer[] = [
        Buffer.from(`Cookie: session=${MARK}; session=${MARK}2`),
        Buffer.from('Cookie: session='),
        Buffer.from('Cookie: session'),
        Buffer.from(`Cookie: session="${MARK}"`),
        Buffer.from(`Cookie: session="${good.slice(0, -4)}${MARK}"`),
        Buffer.from(`Cookie: session=${good}${MARK}`),
        Buffer.from(`Cookie: ${'a=b; '.repeat(1600)}session=${MARK}`),
        Buffer.from(`Cookie: session=${'x'.repeat(8000)}${MARK}`),
        Buffer.concat([Buffer.from('Cookie: session='), Buffer.from([0xc3, 0xa9, 0xff, 0xfe, 0x80]), Buffer.from(MARK)]),
        Buffer.from(`Cookie: session=${good.replace(/\./g, ';')}`),
        Buffer.from(`Cookie: session=${good.split('.').slice(0, 4).join('.')}.${MARK}`),
        Buffer.from(`Cookie: ;;;=;session=;=${MARK}`),
      ];
      for (const header of headers) {
        const reply = await rawRequest('/read', [header, Buffer.from(`Cookie: session=${MARK}3`)]);
        const label = header.toString('latin1').slice(0, 50);
        expect(reply.status, label).toBe(200);
        expect(JSON.parse(reply.body).session, label).toEqual({});
        expect(reply.head.includes(MARK), label).toBe(false);
        // Reading the session replaced the bad cookie: exactly one Set-Cookie, a fresh, empty
        // session of our own making.
        const setCookies = reply.head.split('\r\n').filter((l) => /^set-cookie:/i.test(l));
        expect(setCookies, label).toHaveLength(1);
        const value = parseSetCookie(setCookies[0]!.replace(/^set-cookie:\s*/i, '')).cookie.value;
        expect(codec.decode(value), label).toMatchObject({ status: 'valid', json: '{}' });
        // And the bad cookie was reported once, as a routine (debug) problem, without echoing it.
        // Malformed, or (a value without dots is read as format 2) not a format this codec knows,
        // or, when the random bytes in its chunk-count position say 2 to 4, missing a chunk.
        expect(problems.map((p) => [p.code, p.level]), label).toEqual([['ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug']]);
        expect(['malformed', 'unknown-format', 'missing-chunk'], label).toContain(problems[0].reason);
        expect(problems[0].message.includes(MARK), label).toBe(false);
        problems.length = 0;
      }
      expect(app.errors).toEqual([]);
    });

    it('a valid cookie among duplicates and junk still reads', async () => {
      const good = codec.encode('{"user":"ada"}', Date.now(), 86_400_000);
      const reply = await rawRequest('/read', [Buffer.from(`Cookie: session=junk; theme=x; session=${good}; session=`)]);
      expect(JSON.parse(reply.body).session).toEqual({ user: 'ada' });
    });

    it('thousands of interleaved requests from many clients never mix sessions', async () => {
      const CLIENTS = 40;
      const REQUESTS = 30;
      const clients = Array.from({ length: CLIENTS }, (_, i) => ({ id: `client-${i}`, browser: new Browser(app.url), seen: [] as number[] }));
      await Promise.all(clients.map((c) => c.browser.get(`/join?id=${c.id}`)));
      await Promise.all(
        clients.map(async (c) => {
          for (let n = 0; n < REQUESTS; n++) {
            const { client, count } = await c.browser.json('/count');
            expect(client).toBe(c.id);
            c.seen.push(count);
          }
        }),
      );
      for (const c of clients) expect(c.seen).toEqual(Array.from({ length: REQUESTS }, (_, i) => i + 1));
    }, 60_000);

    it('__proto__, constructor and prototype keys in a cookie pollute nothing', async () => {
      const hostile = '{"__proto__":{"admin":true,"polluted":1},"constructor":{"prototype":{"polluted":1}},"prototype":{"polluted":1},"n":1}';
      const value = codec.encode(hostile, Date.now(), 86_400_000);
      const browser = new Browser(app.url);
      const read = await browser.json('/read', { cookie: `session=${value}` });
      expect(read.keys).toEqual(['constructor', 'prototype', 'n']);
      expect(read.session.admin).toBeUndefined();
      const result = await browser.json('/pollute', { cookie: `session=${value}` });
      expect(result).toEqual({
        // Setting or defining __proto__ is ignored (a naive merge must neither pollute nor 500);
        // setPrototypeOf is an explicit call, and refused.
        attempts: ['allowed', 'TypeError', 'allowed'],
        admin: null,
        copyAdmin: null,
        protoIsObject: true,
        objectPolluted: null,
        keys: ['constructor', 'prototype', 'n'],
        resetType: 'function',
      });
      expect(({} as any).polluted).toBeUndefined();
      expect((Object.prototype as any).admin).toBeUndefined();
    });
  });
}
