// The middleware over real HTTP on every framework: lazy decode, what is and is not sent, and the
// session object behaving like a plain object.
import { afterEach, describe, expect, it } from 'vitest';

import sessions from './helpers/sessions';
import { BACKEND, SECRET } from './helpers/backend';
import { Browser, FRAMEWORKS, isFastify, sendJson, startApp, type RunningApp } from './helpers/http';

const DAY = 24 * 60 * 60 * 1000;
let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

for (const framework of FRAMEWORKS) {
  describe(`middleware on ${framework} (${BACKEND})`, () => {
    it('sends no cookie for a request that never touches the session, or only reads it', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        '/none': (_req, res) => res.end('ok'),
        '/read': (req, res) => sendJson(res, { user: req.session.user ?? null }),
      });
      const browser = new Browser(app.url);
      expect((await browser.get('/none')).setCookies).toEqual([]);
      const read = await browser.get('/read');
      expect(read.body).toBe('{"user":null}');
      expect(read.setCookies).toEqual([]);
    });

    it('writes on change, with HttpOnly, Path=/ and Expires one second after the session ends', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        '/login': (req, res) => {
          req.session.user = 'ada';
          res.end('ok');
        },
        '/whoami': (req, res) => sendJson(res, { user: req.session.user }),
      });
      const browser = new Browser(app.url);
      const before = Date.now();
      const login = await browser.get('/login');
      expect(login.setCookies).toHaveLength(1);
      const { attributes, value } = browser.jar.get('session')!;
      expect(attributes).toMatchObject({ path: '/', httponly: true });
      expect(attributes.secure).toBeUndefined();
      const createdAt = Number(value.split('.')[2]);
      expect(createdAt).toBeGreaterThanOrEqual(before);
      expect(Date.parse(attributes.expires as string)).toBe(Math.floor((createdAt + DAY + 1000) / 1000) * 1000);
      const whoami = await browser.get('/whoami');
      expect(whoami.body).toBe('{"user":"ada"}');
      expect(whoami.setCookies).toEqual([]);
    });

    it('tracks changes at any depth: nested objects, array methods, Object.assign, delete', async () => {
      const mutations: Record<string, (s: any) => void> = {
        nested: (s) => (s.profile.address.city = 'Paris'),
        push: (s) => s.list.push(4),
        splice: (s) => s.list.splice(0, 1),
        sort: (s) => s.list.sort((a: number, b: number) => b - a),
        reverse: (s) => s.list.reverse(),
        length: (s) => (s.list.length = 1),
        nestedArray: (s) => s.profile.tags.push('new'),
        assign: (s) => Object.assign(s.profile, { age: 37 }),
        deleteTop: (s) => delete s.flag,
        deleteNested: (s) => delete s.profile.address,
        defineProperty: (s) => Object.defineProperty(s.profile, 'x', { value: 1, enumerable: true, configurable: true, writable: true }),
        replaceNested: (s) => (s.profile = { fresh: true }),
      };
      const initial = { profile: { address: { city: 'London' }, tags: ['a'] }, list: [1, 3, 2], flag: true };
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        '/init': (req, res) => {
          req.session = structuredClone(initial);
          res.end();
        },
        '/mutate': (req, res) => {
          const which = new URL(req.url!, 'http://x').searchParams.get('m')!;
          mutations[which]!(req.session);
          res.end();
        },
        '/noop': (req, res) => {
          // Reads everywhere, and writes that change nothing.
          const s = req.session;
          JSON.stringify(s);
          void s.profile.address.city;
          s.list.slice().sort();
          s.flag = true;
          s.list[0] = 1;
          s.profile = s.profile;
          delete s.missing;
          res.end();
        },
        '/dump': (req, res) => sendJson(res, req.session),
      });
      const browser = new Browser(app.url);
      await browser.get('/init');
      const start = browser.jar.get('session')!.value;
      const noop = await browser.get('/noop');
      expect([noop.status, noop.setCookies]).toEqual([200, []]);
      for (const [name, mutate] of Object.entries(mutations)) {
        browser.jar.set('session', { value: start, attributes: {} });
        const reply = await browser.get(`/mutate?m=${name}`);
        expect(reply.setCookies, name).toHaveLength(1);
        const expected: any = structuredClone(initial);
        mutate(expected);
        expect(await browser.json('/dump'), name).toEqual(JSON.parse(JSON.stringify(expected)));
      }
    });

    it('looks like a plain object: keys, JSON, in; methods are non-enumerable and reserved', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        '/': (req, res) => {
          const s = req.session;
          s.a = 1;
          s.b = { c: [1] };
          let reassignError = '';
          try {
            'use strict';
            s.reset = 5;
          } catch (err) {
            reassignError = (err as Error).constructor.name;
          }
          sendJson(res, {
            keys: Object.keys(s),
            json: JSON.stringify(s),
            inA: 'a' in s,
            inReset: 'reset' in s,
            resetType: typeof s.reset,
            spread: { ...s },
            entries: Object.entries(s),
            reassignError,
            isArray: Array.isArray(s.b.c),
          });
        },
      });
      const result = await new Browser(app.url).json('/');
      expect(result).toEqual({
        keys: ['a', 'b'],
        json: '{"a":1,"b":{"c":[1]}}',
        inA: true,
        inReset: true,
        resetType: 'function',
        spread: { a: 1, b: { c: [1] } },
        entries: [['a', 1], ['b', { c: [1] }]],
        reassignError: 'TypeError',
        isArray: true,
      });
    });

    it('assigning an object replaces the content; anything else is a TypeError', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        '/set': (req, res) => {
          req.session.old = true;
          res.end();
        },
        '/replace': (req, res) => {
          req.session = { fresh: 1 };
          res.end();
        },
        '/bad': (req, res) => {
          const thrown: string[] = [];
          // null and undefined delete the cookie instead (idioms.test.ts).
          for (const value of [5, 'x', [1], true, new Date(0)]) {
            try {
              req.session = value;
            } catch (err) {
              thrown.push(`${(err as Error).constructor.name}: ${(err as Error).message}`);
            }
          }
          sendJson(res, thrown);
        },
        '/dump': (req, res) => sendJson(res, req.session),
      });
      const browser = new Browser(app.url);
      await browser.get('/set');
      await browser.get('/replace');
      expect(await browser.json('/dump')).toEqual({ fresh: 1 });
      const thrown = await browser.json<string[]>('/bad');
      expect(thrown).toHaveLength(5);
      for (const t of thrown) expect(t).toBe('TypeError: cannot set client-session to non-object');
      expect(await browser.json('/dump')).toEqual({ fresh: 1 });
    });

    it('documents the JSON rule: Dates become ISO strings, undefined and functions vanish', async () => {
      const when = new Date('2024-01-02T03:04:05.678Z');
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        '/set': (req, res) => {
          req.session.when = when;
          req.session.gone = undefined;
          req.session.fn = () => 1;
          req.session.nan = Number.NaN;
          res.end();
        },
        '/dump': (req, res) => sendJson(res, { session: req.session, type: typeof req.session.when }),
      });
      const browser = new Browser(app.url);
      await browser.get('/set');
      expect(await browser.json('/dump')).toEqual({ session: { when: when.toISOString(), nan: null }, type: 'string' });
    });

    it('uses requestKey for the property and cookieName for the cookie', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'sid', requestKey: 'mySession', secret: SECRET })], {
        '/': (req, res) => {
          req.mySession.x = 1;
          sendJson(res, { hasSid: 'sid' in req, hasSession: 'session' in req });
        },
      });
      const browser = new Browser(app.url);
      expect(await browser.json('/')).toEqual({ hasSid: false, hasSession: false });
      expect([...browser.jar.keys()]).toEqual(['sid']);
    });

    // A Connect chain can meet a request that already has the property (the middleware mounted
    // twice, or another one setting it), and so can Hono's c.get(requestKey). Fastify has no
    // such case: a taken property is refused when the plugin is registered (fastify.test.ts);
    // nor has the web store, whose session is what load() returns, on no request property.
    if (!isFastify(framework) && framework !== 'web') it('passes through when the request already has the property, as client-sessions does', async () => {
      const pre = (req: any, _res: unknown, next: () => void): void => {
        req.session = { preset: true };
        next();
      };
      app = await startApp(framework, [pre, sessions({ cookieName: 'session', secret: SECRET })], {
        '/': (req, res) => {
          req.session.x = 1;
          sendJson(res, req.session);
        },
      });
      const reply = await new Browser(app.url).get('/');
      expect(JSON.parse(reply.body)).toEqual({ preset: true, x: 1 });
      expect(reply.setCookies).toEqual([]);
    });

    it('the default cookie name is session_state', async () => {
      app = await startApp(framework, [sessions({ secret: SECRET })], {
        '/': (req, res) => {
          req.session_state.x = 1;
          res.end();
        },
      });
      const browser = new Browser(app.url);
      await browser.get('/');
      expect([...browser.jar.keys()]).toEqual(['session_state']);
    });
  });
}
