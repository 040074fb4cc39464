// The Fastify plugin on Fastify 4 and 5, through Fastify's own API: inject() and real HTTP, every
// way a reply goes out, other cookies beside ours, several registrations, hooks, and what it
// refuses at registration. The shared behaviour specs (middleware-*, idioms, pollution,
// hardening-http, ...) run on Fastify too, through helpers/fastify-app.ts.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import clientSessions from '../src/fastify';
import { BACKEND, SECRET, codecOn } from './helpers/backend';
import { parseSetCookie } from './helpers/http';

const load = createRequire(__filename);
const VERSIONS = { fastify4: load('fastify4'), fastify5: load('fastify') } as const;

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  vi.restoreAllMocks();
});

const codec = codecOn({ cookieName: 'session', secret: SECRET });
const setCookiesOf = (headers: Record<string, unknown>): string[] => {
  const value = headers['set-cookie'];
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
};
const cookieFrom = (headers: Record<string, unknown>, name = 'session'): string => {
  const line = setCookiesOf(headers).find((l) => l.startsWith(`${name}=`));
  if (line === undefined) throw new Error(`no ${name} cookie in ${JSON.stringify(headers['set-cookie'])}`);
  return `${name}=${parseSetCookie(line).cookie.value}`;
};
const sessionIn = (headers: Record<string, unknown>, name = 'session'): unknown => {
  const decoded = codec.decode(cookieFrom(headers, name).slice(name.length + 1));
  return decoded.status === 'valid' ? JSON.parse(decoded.json) : decoded.status;
};

const { sessionCookies } = clientSessions;

// That import and require give one plugin object is checked on the packed package
// (scripts/check-package.mjs): vitest loads modules its own way.
it('is marked for Fastify 4 and 5, named, and not encapsulated', () => {
  expect((clientSessions as any)[Symbol.for('skip-override')]).toBe(true);
  expect((clientSessions as any)[Symbol.for('plugin-meta')]).toMatchObject({ fastify: '4.x || 5.x', name: 'client-sessions-native' });
});

for (const [version, Fastify] of Object.entries(VERSIONS)) {
  describe(`client-sessions-native/fastify on ${version} (${BACKEND})`, () => {
    async function start(options: Record<string, unknown>, routes: (app: FastifyInstance) => void, fastifyOptions: Record<string, unknown> = {}): Promise<FastifyInstance> {
      app = Fastify(fastifyOptions) as FastifyInstance;
      await app.register(clientSessions, { cookieName: 'session', secret: SECRET, ...options } as never);
      routes(app);
      await app.ready();
      return app;
    }

    it('round-trips through inject(): written when changed, decoded on the next request', async () => {
      await start({}, (a) => {
        a.get('/count', async (request: any) => {
          request.session.count = (request.session.count ?? 0) + 1;
          return { count: request.session.count };
        });
      });
      const first = await app!.inject('/count');
      expect(first.json()).toEqual({ count: 1 });
      const line = setCookiesOf(first.headers)[0]!;
      expect(line).toMatch(/^session=[^;]+; path=\/; expires=[^;]+; httponly$/);
      const second = await app!.inject({ url: '/count', headers: { cookie: cookieFrom(first.headers) } });
      expect(second.json()).toEqual({ count: 2 });
      expect(sessionIn(second.headers)).toEqual({ count: 2 });
    });

    it('decodes lazily: a route that never touches the session decodes nothing and sends nothing', async () => {
      const problems: string[] = [];
      await start({ onError: (e: any) => problems.push(e.reason) }, (a) => {
        a.get('/none', async () => ({ ok: true }));
        a.get('/read', async (request: any) => ({ user: request.session.user ?? null }));
      });
      const valid = `session=${codec.encode('{"user":"ada"}', Date.now(), 86_400_000)}`;
      const none = await app!.inject({ url: '/none', headers: { cookie: 'session=garbage' } });
      expect([none.statusCode, setCookiesOf(none.headers), problems]).toEqual([200, [], []]);
      const read = await app!.inject({ url: '/read', headers: { cookie: valid } });
      expect([read.json(), setCookiesOf(read.headers)]).toEqual([{ user: 'ada' }, []]);
      // Only a request that reads the session decodes the cookie (and meets the bad one).
      await app!.inject({ url: '/read', headers: { cookie: 'session=garbage' } });
      expect(problems).toEqual(['malformed']);
    });

    it('writes the cookie on every way a reply goes out: send, return, redirect, streams, errors, 404, hooks', async () => {
      const touch = (request: any) => (request.session.n = (request.session.n ?? 0) + 1);
      await start({}, (a) => {
        a.get('/send', (request, reply) => {
          touch(request);
          reply.send({ ok: true });
        });
        a.get('/return', async (request) => {
          touch(request);
          return 'text';
        });
        a.get('/redirect', (request, reply) => {
          touch(request);
          reply.redirect('/send');
        });
        a.get('/stream', (request, reply) => {
          touch(request);
          reply.type('text/plain').send(Readable.from(['one', 'two']));
        });
        a.get('/throw', (request) => {
          touch(request);
          throw new Error('sync failure');
        });
        a.get('/reject', async (request) => {
          touch(request);
          await new Promise((r) => setTimeout(r, 2));
          throw Object.assign(new Error('teapot'), { statusCode: 418 });
        });
        a.get('/empty', (request, reply) => {
          touch(request);
          reply.code(204).send();
        });
        a.setNotFoundHandler((request, reply) => {
          touch(request);
          reply.code(404).send('nothing here');
        });
        a.register(async (child) => {
          child.addHook('preHandler', async (request) => {
            touch(request);
          });
          child.get('/inChild', async () => 'child');
        });
      });
      const expected: Record<string, number> = { '/send': 200, '/return': 200, '/redirect': 302, '/stream': 200, '/throw': 500, '/reject': 418, '/empty': 204, '/missing': 404, '/inChild': 200 };
      for (const [url, status] of Object.entries(expected)) {
        const reply = await app!.inject(url);
        expect(reply.statusCode, url).toBe(status);
        expect(sessionIn(reply.headers), url).toEqual({ n: 1 });
      }
      expect((await app!.inject('/stream')).body).toBe('onetwo');
    });

    it("adds its cookie beside the route's own Set-Cookie values and replaces one of its name", async () => {
      await start({}, (a) => {
        a.get('/beside', (request: any, reply) => {
          request.session.x = 1;
          reply.header('set-cookie', 'theme=dark; Path=/').header('set-cookie', ['lang=en']);
          reply.send('ok');
        });
        a.get('/ourName', (request: any, reply) => {
          request.session.x = 2;
          reply.header('set-cookie', ['session=stale; Path=/', 'other=1']);
          reply.send('ok');
        });
        a.get('/untouched', (_request, reply) => {
          reply.header('set-cookie', 'only=1').send('ok');
        });
      });
      const names = (headers: Record<string, unknown>) => setCookiesOf(headers).map((l) => parseSetCookie(l).name);
      const beside = await app!.inject('/beside');
      expect(names(beside.headers)).toEqual(['theme', 'lang', 'session']);
      const ours = await app!.inject('/ourName');
      expect(names(ours.headers)).toEqual(['other', 'session']);
      expect(sessionIn(ours.headers)).toEqual({ x: 2 });
      expect(setCookiesOf((await app!.inject('/untouched')).headers)).toEqual(['only=1']);
    });

    it('several registrations give several cookies, each on its own request property', async () => {
      app = Fastify() as FastifyInstance;
      await app.register(clientSessions, { cookieName: 'session', secret: SECRET });
      await app.register(clientSessions, { cookieName: 'cart', requestKey: 'basket', secret: `${SECRET} for carts`, duration: 60_000 });
      app.get('/', async (request: any) => {
        request.session.user = 'ada';
        request.basket.items = [1, 2];
        return { cart: request.cart ?? null };
      });
      const reply = await app.inject('/');
      expect(reply.json()).toEqual({ cart: null });
      const lines = setCookiesOf(reply.headers);
      expect(lines.map((l) => parseSetCookie(l).name)).toEqual(['session', 'cart']);
      expect(sessionIn(reply.headers)).toEqual({ user: 'ada' });
      const cart = codecOn({ cookieName: 'cart', secret: `${SECRET} for carts` }).decode(cookieFrom(reply.headers, 'cart').slice(5));
      expect(cart).toMatchObject({ status: 'valid', json: '{"items":[1,2]}', duration: 60_000 });
    });

    it('refuses a request property that is already taken, and bad options, when registered', async () => {
      app = Fastify() as FastifyInstance;
      app.register(clientSessions, { cookieName: 'session', secret: SECRET });
      app.register(clientSessions, { cookieName: 'session', secret: SECRET });
      await expect(app.ready()).rejects.toMatchObject({ code: 'ERR_CLIENT_SESSIONS_REQUEST_KEY', message: expect.stringMatching(/request\.session is already taken.*requestKey/) });
      await app.close();

      app = Fastify() as FastifyInstance;
      (app as any).decorateRequest('session', null);
      app.register(clientSessions, { cookieName: 'session', secret: SECRET });
      await expect(app.ready()).rejects.toMatchObject({ code: 'ERR_CLIENT_SESSIONS_REQUEST_KEY' });
      await app.close();

      for (const [options, code] of [
        // Fastify hands a plugin registered without options an empty object.
        [undefined, 'ERR_CLIENT_SESSIONS_NO_KEYS'],
        ['a string', 'ERR_CLIENT_SESSIONS_OPTIONS'],
        [{ cookieName: 'session' }, 'ERR_CLIENT_SESSIONS_NO_KEYS'],
        [{ secret: SECRET, duration: 0 }, 'ERR_CLIENT_SESSIONS_DURATION'],
        [{ secret: Buffer.alloc(0) }, 'ERR_CLIENT_SESSIONS_SECRET'],
      ] as const) {
        app = Fastify() as FastifyInstance;
        app.register(clientSessions, options as never);
        await expect(app.ready(), JSON.stringify(options)).rejects.toMatchObject({ code });
        await app.close();
      }
      app = undefined;
    });

    it("Fastify's own register options are not unknown options; a misspelt one is", async () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      // Each unknown name is heard once per process: a new misspelling for each Fastify version.
      const misspelt = version === 'fastify4' ? 'cookiename' : 'cookieNmae';
      await start({ prefix: '/api', logLevel: 'warn', [misspelt]: 'x' }, () => undefined);
      const messages = warn.mock.calls.map(([message]) => String(message));
      expect(messages.filter((m) => /prefix|logLevel/.test(m))).toEqual([]);
      expect(messages.filter((m) => m.includes(misspelt) && m.includes('cookieName'))).toHaveLength(1);
    });

    it('onError receives the FastifyRequest', async () => {
      const seen: Array<[string, boolean]> = [];
      await start({ onError: (e: any, request: FastifyRequest) => seen.push([e.code, typeof request.id === 'string' && request.raw !== undefined]) }, (a) => {
        a.get('/', async (request: any) => request.session.x ?? 'none');
      });
      await app!.inject({ url: '/', headers: { cookie: 'session=bad' } });
      expect(seen).toEqual([['ERR_CLIENT_SESSIONS_COOKIE_INVALID', true]]);
    });

    it('reports a change made after the reply went out, and sends nothing for it', async () => {
      const problems: string[] = [];
      await start({ onError: (e: any) => problems.push(e.code) }, (a) => {
        a.addHook('onResponse', async (request: any) => {
          if (request.url === '/late') request.session.late = true;
        });
        a.get('/late', async () => 'sent');
        a.get('/lateAfterUse', async (request: any) => {
          request.session.early = true;
          return 'sent';
        });
      });
      const late = await app!.inject('/late');
      expect([late.statusCode, setCookiesOf(late.headers)]).toEqual([200, []]);
      expect(problems).toEqual(['ERR_CLIENT_SESSIONS_HEADERS_SENT']);
    });

    it('after reply.hijack(), sessionCookies(request) gives the values to write by hand', async () => {
      await start({}, (a) => {
        a.get('/hijacked', (request: any, reply) => {
          request.session.user = 'ada';
          reply.hijack();
          reply.raw.writeHead(200, { 'set-cookie': sessionCookies(request), 'content-type': 'text/plain' });
          reply.raw.end('raw');
        });
        a.get('/hijackedUntouched', (request, reply) => {
          reply.hijack();
          reply.raw.writeHead(200, { 'x-count': String(sessionCookies(request).length) });
          reply.raw.end();
        });
      });
      const reply = await app!.inject('/hijacked');
      expect(reply.body).toBe('raw');
      expect(sessionIn(reply.headers)).toEqual({ user: 'ada' });
      expect((await app!.inject('/hijackedUntouched')).headers['x-count']).toBe('0');
    });

    it("behind a proxy, Fastify's trustProxy or proxy: true make 'auto' cookies Secure", async () => {
      for (const [options, fastifyOptions] of [
        [{ cookie: { secure: 'auto' } }, { trustProxy: true }],
        [{ cookie: { secure: 'auto' }, proxy: true }, {}],
      ] as const) {
        await start(options, (a) => {
          a.get('/', async (request: any) => {
            request.session.x = 1;
            return 'ok';
          });
        }, fastifyOptions);
        const proxied = await app!.inject({ url: '/', headers: { 'x-forwarded-proto': 'https' } });
        expect(setCookiesOf(proxied.headers)[0], JSON.stringify(fastifyOptions)).toMatch(/; secure; httponly$/);
        const direct = await app!.inject('/');
        expect(setCookiesOf(direct.headers)[0]).not.toMatch(/secure/);
        await app!.close();
        app = undefined;
      }
    });

    it('the session is the same object in hooks and handler, and assignment replaces it', async () => {
      await start({}, (a) => {
        a.addHook('onRequest', async (request: any) => {
          request.session.fromHook = true;
        });
        a.get('/', async (request: any) => {
          request.session = { replaced: true, fromHook: request.session.fromHook };
          return Object.keys(request.session);
        });
        a.get('/logout', async (request: any) => {
          request.session = null;
          return 'bye';
        });
      });
      const reply = await app!.inject('/');
      expect(reply.json()).toEqual(['replaced', 'fromHook']);
      expect(sessionIn(reply.headers)).toEqual({ replaced: true, fromHook: true });
      const logout = await app!.inject({ url: '/logout', headers: { cookie: cookieFrom(reply.headers) } });
      expect(setCookiesOf(logout.headers)).toEqual(['session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly']);
    });
  });
}

describe(`beside @fastify/cookie on fastify5 (${BACKEND})`, () => {
  for (const order of ['@fastify/cookie first', 'client-sessions-native first']) {
    it(`${order}: both plugins' cookies go out, and each reads its own`, async () => {
      const fastifyCookie = load('@fastify/cookie');
      app = VERSIONS.fastify5() as FastifyInstance;
      const plugins = [
        () => app!.register(fastifyCookie, { secret: 'cookie-signing-secret' }),
        () => app!.register(clientSessions, { cookieName: 'session', secret: SECRET }),
      ];
      if (order !== '@fastify/cookie first') plugins.reverse();
      for (const register of plugins) await register();
      app.get('/', async (request: any, reply: any) => {
        request.session.user = 'ada';
        reply.setCookie('theme', 'dark', { path: '/' });
        return { theme: request.cookies.theme ?? null, user: request.session.user };
      });
      const first = await app.inject('/');
      expect(setCookiesOf(first.headers).map((l) => parseSetCookie(l).name).sort()).toEqual(['session', 'theme']);
      const cookie = `${cookieFrom(first.headers)}; ${cookieFrom(first.headers, 'theme')}`;
      expect((await app.inject({ url: '/', headers: { cookie } })).json()).toEqual({ theme: 'dark', user: 'ada' });
    });
  }
});

describe(`secureSessionMethods: code written for @fastify/secure-session (${BACKEND})`, () => {
  async function start(options: Record<string, unknown> = {}): Promise<FastifyInstance> {
    app = VERSIONS.fastify5() as FastifyInstance;
    await app.register(clientSessions, { cookieName: 'session', secret: SECRET, secureSessionMethods: true, ...options } as never);
    app.get('/login', async (request: any) => {
      request.session.set('user', { name: 'ada' });
      request.session.set('theme', 'dark');
      return { user: request.session.get('user'), changed: request.session.changed, data: request.session.data() };
    });
    app.get('/read', async (request: any) => ({ user: request.session.get('user') ?? null, changed: request.session.changed, keys: Object.keys(request.session) }));
    app.get('/touch', async (request: any) => {
      request.session.touch();
      return 'touched';
    });
    app.get('/regenerate', async (request: any) => {
      request.session.regenerate(['theme']);
      return request.session.data();
    });
    app.get('/remember', async (request: any) => {
      request.session.options({ maxAge: 7 * 86_400_000 });
      request.session.set('remember', true);
      return 'ok';
    });
    app.get('/logout', async (request: any) => {
      request.session.delete();
      return { changed: request.session.changed, deleted: request.session.deleted };
    });
    app.get('/badOptions', async (request: any) => {
      const codes = [];
      for (const bad of [{ path: 'no;semicolons' }, null]) {
        try {
          request.session.options(bad);
        } catch (err) {
          codes.push((err as any).code);
        }
      }
      return codes;
    });
    app.get('/store', async (request: any) => {
      try {
        request.session.data = 'mine';
        return 'stored';
      } catch (err) {
        return (err as any).code;
      }
    });
    await app.ready();
    return app;
  }

  it('get, set, data, changed, touch, regenerate(keep), options and delete behave as they do there', async () => {
    await start({ duration: 3_600_000 });
    const login = await app!.inject('/login');
    expect(login.json()).toEqual({ user: { name: 'ada' }, changed: true, data: { user: { name: 'ada' }, theme: 'dark' } });
    const cookie = cookieFrom(login.headers);
    expect(sessionIn(login.headers)).toEqual({ user: { name: 'ada' }, theme: 'dark' });
    // Methods are not data: not enumerable, not stored.
    expect((await app!.inject({ url: '/read', headers: { cookie } })).json()).toEqual({ user: { name: 'ada' }, changed: false, keys: ['user', 'theme'] });

    const createdAt = (headers: Record<string, unknown>) => Number(cookieFrom(headers).split('.')[2]);
    await new Promise((r) => setTimeout(r, 5));
    const touched = await app!.inject({ url: '/touch', headers: { cookie } });
    expect(sessionIn(touched.headers)).toEqual({ user: { name: 'ada' }, theme: 'dark' });
    expect(createdAt(touched.headers)).toBeGreaterThan(createdAt(login.headers));

    const regenerated = await app!.inject({ url: '/regenerate', headers: { cookie } });
    expect(regenerated.json()).toEqual({ theme: 'dark' });
    expect(sessionIn(regenerated.headers)).toEqual({ theme: 'dark' });

    const before = Date.now();
    const remember = await app!.inject({ url: '/remember', headers: { cookie } });
    const expires = Date.parse(String(parseSetCookie(setCookiesOf(remember.headers)[0]!).cookie.attributes.expires));
    expect(expires).toBeGreaterThanOrEqual(Math.floor((before + 7 * 86_400_000) / 1000) * 1000);

    const logout = await app!.inject({ url: '/logout', headers: { cookie } });
    expect(logout.json()).toEqual({ changed: true, deleted: true });
    expect(setCookiesOf(logout.headers)).toEqual(['session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly']);
  });

  it('reserves those names only when asked: without the option they are ordinary keys', async () => {
    await start();
    expect((await app!.inject('/store')).body).toBe('ERR_CLIENT_SESSIONS_RESERVED_KEY');
    await app!.close();
    app = VERSIONS.fastify5() as FastifyInstance;
    await app.register(clientSessions, { cookieName: 'session', secret: SECRET });
    app.get('/', async (request: any) => {
      request.session.data = 'mine';
      request.session.get = 'also mine';
      return { data: request.session.data, get: request.session.get };
    });
    const reply = await app.inject('/');
    expect(reply.json()).toEqual({ data: 'mine', get: 'also mine' });
    expect(sessionIn(reply.headers)).toEqual({ data: 'mine', get: 'also mine' });
  });

  it('refuses a non-boolean secureSessionMethods and bad options() arguments', async () => {
    app = VERSIONS.fastify5() as FastifyInstance;
    app.register(clientSessions, { cookieName: 'session', secret: SECRET, secureSessionMethods: 'yes' } as never);
    await expect(app.ready()).rejects.toMatchObject({ code: 'ERR_CLIENT_SESSIONS_OPTIONS', message: expect.stringContaining('secureSessionMethods must be true or false') });
    await app.close();
    await start();
    expect((await app!.inject('/badOptions')).json()).toEqual(['ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', 'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS']);
  });
});
