// Request JSON stored in the session pollutes nothing, whichever way the application stores it:
// assigned whole, assigned below the root, Object.assign-ed or deep-merged naively. JSON.parse
// makes "__proto__" an own key, so each of these used to carry it into the session or, through a
// tracked Proxy of Object.prototype, into every object in the process.
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';

import sessions from '../src/index';
import { BACKEND, SECRET } from './helpers/backend';
import { Browser, FRAMEWORKS, sendJson, startApp, type RunningApp } from './helpers/http';

// Written as text: in an object literal `__proto__:` would set a prototype, not make a key.
const HOSTILE =
  '{"__proto__":{"polluted":"root"},"name":"mallory",' +
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

const STORES: Record<string, (session: any, data: any) => void> = {
  'assigned whole': (_s, data) => data,
  'assigned below the root': (s, data) => (s.data = data),
  'Object.assign into the session': (s, data) => Object.assign(s, data),
  'deep-merged naively': (s, data) => naiveMerge(s, data),
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
