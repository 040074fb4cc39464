// Request JSON stored in the session pollutes nothing, whichever way the application stores it:
// assigned whole, assigned below the root, Object.assign-ed or deep-merged naively. JSON.parse
// makes "__proto__" an own key, so each of these used to carry it into the session or, through a
// tracked Proxy of Object.prototype, into every object in the process.
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';

import sessions from './helpers/sessions';
import { BACKEND, SECRET, codecOn } from './helpers/backend';
import { Browser, FRAMEWORKS, parseSetCookie, sendJson, startApp, type RunningApp } from './helpers/http';

// Written as text: in an object literal `__proto__:` would set a prototype, not make a key.
const HOSTILE =
  '{"__proto__":{"polluted":"root"},"constructor":{"prototype":{"polluted":"through constructor"}},"name":"mallory",' +
  '"profile":{"__proto__":{"polluted":"nested"},"tags":[{"__proto__":{"polluted":"in an array"}}]}}';

/** The widely copied recursive merge that prototype-pollution advisories are written about. */
function naiveMerge(target: any, source: any): void {
  for (const key in source) {
    if (typeof source[key] === 'object' && source[key] !== null && typeof target[key] === 'object' && target[key] !== null) {
      naiveMerge(target[key], source[key]);
    } else {
      target[key] = source[key];
    }
  }
}

function body(req: IncomingMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(JSON.parse(text)));
    req.on('error', reject);
  });
}

/** The same merge, also walking into functions: the path to Object.prototype through `constructor`. */
function mergeIntoFunctions(target: any, source: any): void {
  for (const key in source) {
    const into = target[key];
    if (typeof source[key] === 'object' && source[key] !== null && (typeof into === 'function' || (typeof into === 'object' && into !== null))) {
      mergeIntoFunctions(into, source[key]);
    } else {
      target[key] = source[key];
    }
  }
}

const STORES: Record<string, (session: any, data: any) => void> = {
  'assigned whole': (_s, data) => data,
  'assigned below the root': (s, data) => (s.data = data),
  'Object.assign into the session': (s, data) => Object.assign(s, data),
  'deep-merged naively': (s, data) => naiveMerge(s, data),
  'deep-merged into functions too': (s, data) => mergeIntoFunctions(s, data),
  'spread below the root': (s, data) => (s.data = { ...data, profile: { ...data.profile } }),
};

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  delete (Object.prototype as any).polluted;
});

function pollutedAnywhere(value: unknown, seen = new Set<unknown>()): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== Array.prototype) return true;
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true;
  return Object.values(value).some((v) => pollutedAnywhere(v, seen));
}

for (const framework of FRAMEWORKS) {
  describe(`request JSON in the session on ${framework} (${BACKEND})`, () => {
    for (const [how, store] of Object.entries(STORES)) {
      it(`${how}: no prototype changes, no __proto__ key stored, no 500`, async () => {
        app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
          '/store': async (req, res) => {
            const data = await body(req);
            expect(Object.prototype.hasOwnProperty.call(data, '__proto__')).toBe(true);
            const replaced = store(req.session, data);
            if (replaced !== undefined && how === 'assigned whole') req.session = replaced;
            const copy = Object.assign({}, req.session);
            sendJson(res, {
              objectPolluted: ({} as any).polluted ?? null,
              copyPolluted: (copy as any).polluted ?? null,
              copyPrototypeIntact: Object.getPrototypeOf(copy) === Object.prototype,
              deepPolluted: pollutedAnywhere(req.session),
              protoRead: (req.session as any).__proto__ ?? null,
            });
          },
          '/read': (req, res) => sendJson(res, { json: JSON.stringify(req.session), polluted: pollutedAnywhere(JSON.parse(JSON.stringify(req.session))) }),
        });
        const browser = new Browser(app.url);
        const reply = await browser.request('/store', { method: 'POST', headers: { 'content-type': 'application/json' }, body: HOSTILE });
        expect(reply.status, reply.body).toBe(200);
        expect(JSON.parse(reply.body)).toEqual({ objectPolluted: null, copyPolluted: null, copyPrototypeIntact: true, deepPolluted: false, protoRead: null });
        expect(({} as any).polluted).toBeUndefined();
        const stored = await browser.json('/read');
        expect(stored.polluted).toBe(false);
        expect(stored.json).not.toContain('__proto__');
        expect(stored.json).toContain('mallory');
      });
    }
  });
}

// An authentic cookie is our own encoding, but of JSON an application may have stored from a
// request, and JSON can spell a key with \u escapes: each of these is the key `__proto__` once
// parsed. The parser only runs its (slower) reviver when the text could spell that key, so every
// escaping must take the slow path: some contain no literal "proto" at all.
const ESCAPED_PROTO_KEYS = [
  '"__proto__"',
  '"\\u005f_proto__"',
  '"\\u005f\\u005fproto\\u005f\\u005f"',
  '"__\\u0070roto__"',
  '"\\u005F\\u005F\\u0070\\u0072\\u006F\\u0074\\u006F\\u005F\\u005F"',
  '"__pr\\u006fto__"',
];

for (const framework of FRAMEWORKS) {
  describe(`an authentic cookie holding __proto__, however escaped, on ${framework} (${BACKEND})`, () => {
    const codec = codecOn({ cookieName: 'session', secret: SECRET });

    it('pollutes nothing, and the key is dropped at every depth and from the cookie written back', async () => {
      app = await startApp(framework, [sessions({ cookieName: 'session', secret: SECRET })], {
        '/read': (req, res) => {
          const s = req.session as any;
          const copy = Object.assign({}, s);
          const shape = {
            keys: Object.keys(s),
            profileKeys: Object.keys(s.profile),
            listKeys: Object.keys(s.list[0]),
            ownProto: [s, s.profile, s.list[0]].map((o) => Object.prototype.hasOwnProperty.call(o, '__proto__')),
            admin: [s.admin ?? null, s.profile.admin ?? null, s.list[0].admin ?? null, copy.admin ?? null, ({} as any).admin ?? null],
            deepPolluted: pollutedAnywhere(s),
          };
          s.touched = true; // written back, so what is stored again is seen too
          sendJson(res, shape);
        },
      });
      for (const key of ESCAPED_PROTO_KEYS) {
        const json = `{${key}:{"admin":true},"n":1,"profile":{${key}:{"admin":true},"x":2},"list":[{${key}:{"admin":true},"y":3}]}`;
        // The text really is JSON for a __proto__ key (so a plain JSON.parse keeps one).
        expect(Object.prototype.hasOwnProperty.call(JSON.parse(json), '__proto__'), key).toBe(true);
        const reply = await new Browser(app.url).get('/read', { cookie: `session=${codec.encode(json, Date.now(), 3_600_000)}` });
        expect(reply.status, key).toBe(200);
        expect(JSON.parse(reply.body), key).toEqual({
          keys: ['n', 'profile', 'list'],
          profileKeys: ['x'],
          listKeys: ['y'],
          ownProto: [false, false, false],
          admin: [null, null, null, null, null],
          deepPolluted: false,
        });
        expect(reply.setCookies, key).toHaveLength(1);
        const written = codec.decode(parseSetCookie(reply.setCookies[0]!).cookie.value);
        expect(written.json, key).toBe('{"n":1,"profile":{"x":2},"list":[{"y":3}],"touched":true}');
        expect(({} as any).admin).toBeUndefined();
      }
    });
  });
}

describe(`the session hands out no prototype (${BACKEND})`, () => {
  it('reading __proto__ at any depth gives undefined, and writing it is ignored', async () => {
    app = await startApp('http', [sessions({ cookieName: 'session', secret: SECRET })], {
      '/': (req, res) => {
        const s = req.session as any;
        s.nested = { list: [{}] };
        const reads = [s.__proto__, s.nested.__proto__, s.nested.list.__proto__, s.nested.list[0].__proto__];
        s.__proto__ = { polluted: 'set' };
        s.nested.__proto__ = { polluted: 'set nested' };
        Object.defineProperty(s.nested, '__proto__', { value: { polluted: 'defined' }, enumerable: true });
        sendJson(res, {
          reads: reads.map((r) => r ?? null),
          polluted: [({} as any).polluted ?? null, s.polluted ?? null, s.nested.polluted ?? null],
          prototypes: [Object.getPrototypeOf(s) === Object.prototype, Object.getPrototypeOf(s.nested) === Object.prototype],
        });
      },
    });
    expect(await new Browser(app.url).json('/')).toEqual({
      reads: [null, null, null, null],
      polluted: [null, null, null],
      prototypes: [true, true],
    });
  });
});
