// HTTP benchmark server: one app of one framework with one session middleware ("contender").
//
//   node bench/http/server.mjs <[framework:]contender> [port]   (or BENCH_SERVER / BENCH_PORT)
//
// Frameworks and their contenders (shared.mjs; a name without a framework is Express 4's):
//   express4:  none, native, js, client-sessions, cookie-session, iron-session
//   express5:  none, native, js, client-sessions
//   fastify:   bare, native, js, secure-session (@fastify/secure-session)
//   hono:      bare, native, js, iron-session (Hono on @hono/node-server)
//   bun:       bare, native, js (Bun.serve and our Web store; this file run by Bun:
//              node_modules/bun/bin/bun.exe bench/http/server.mjs bun:native)
// and, except on Bun, noop: a reference for instructions.mjs (the bare server plus a middleware
// that only calls next(), or on Fastify an onSend hook that only passes the payload on).
// Port 0 (the default) lets the OS choose; the real port is in the ready line, printed on
// stdout once the server listens on 127.0.0.1:
//
//   READY {"id":"fastify:native","framework":"fastify","contender":"native","port":41234,"pid":1234,"backend":"native"}
//
// Routes (same bodies for every contender and framework, so that response sizes match):
//   GET /seed   stores SEED_SESSION (about 380 bytes of JSON) in a fresh session -> Set-Cookie
//   GET /none   never touches the session                -> {"ok":true}      (no Set-Cookie)
//   GET /read   reads one field of the session          -> {"user":48213}   (no Set-Cookie)
//   GET /write  session.counter += 1                     -> {"counter":N}    (Set-Cookie)
// A sessionless server answers /read and /write with the bodies a seeded session would give
// (the runner sends a dummy Cookie header of the size of a real one).
//
// SIGTERM / SIGINT: closes the listener and every open connection, then exits 0.

import { createHash } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { DURATION, FRAMEWORKS, HOST, NONE_BODY, SECRET, SEED_SESSION, parseServerId } from './shared.mjs';

const require = createRequire(import.meta.url);

// --- what each route does with a session, per kind of session API ----------------------------
// Each returns the response body; `req` is the framework's request object.

const seedInto = (session) => Object.assign(session, structuredClone(SEED_SESSION));
const readBody = (session) => ({ user: session.user ? session.user.id : null });
const bump = (session) => {
  session.counter = (session.counter || 0) + 1;
  return { counter: session.counter };
};

const SESSIONLESS = {
  seed: () => ({ seeded: false }),
  read: () => ({ user: SEED_SESSION.user.id }),
  write: () => ({ counter: 1 }),
};

// A plain object at req.session (ours on every framework, client-sessions, cookie-session).
const REQ_SESSION = {
  seed: (req) => (seedInto(req.session), { seeded: true }),
  read: (req) => readBody(req.session),
  write: (req) => bump(req.session),
};

// cookie-session: a fresh session is made by assigning one.
const COOKIE_SESSION = {
  ...REQ_SESSION,
  seed: (req) => ((req.session = structuredClone(SEED_SESSION)), { seeded: true }),
};

// @fastify/secure-session: get() and set() on request.session.
const SECURE_SESSION = {
  seed: (req) => {
    for (const [key, value] of Object.entries(structuredClone(SEED_SESSION))) req.session.set(key, value);
    return { seeded: true };
  },
  read: (req) => {
    const user = req.session.get('user');
    return { user: user ? user.id : null };
  },
  write: (req) => {
    const counter = (req.session.get('counter') || 0) + 1;
    req.session.set('counter', counter);
    return { counter };
  },
};

/** Our middleware's backend as loaded; throws (the server exits non-zero) if `native` cannot load: never a silent fallback. */
const resolveOurBackend = (contender) => require('../../dist/backend/select.js').resolveBackend(contender);

// --- Express 4 and 5 --------------------------------------------------------------------------

/** The Express app (4 or 5, the same code) for one contender, and how to start it. */
function expressServer(framework, contender) {
  const express = require(FRAMEWORKS[framework].module);
  const app = express();
  let backend = null;
  let routes = REQ_SESSION;

  switch (contender) {
    case 'noop':
      app.use((req, res, next) => next());
      routes = SESSIONLESS;
      break;
    case 'none':
      routes = SESSIONLESS;
      break;
    case 'native':
    case 'js': {
      backend = resolveOurBackend(contender);
      const sessions = require('../../dist/index.js');
      app.use(sessions({ cookieName: 'session', secret: SECRET, duration: DURATION, backend: contender }));
      break;
    }
    case 'client-sessions':
      app.use(require('client-sessions')({ cookieName: 'session', secret: SECRET, duration: DURATION }));
      break;
    case 'cookie-session':
      app.use(require('cookie-session')({ name: 'session', keys: [SECRET] }));
      routes = COOKIE_SESSION;
      break;
    case 'iron-session': {
      // No middleware: each route asks for the session (async), and saves it itself.
      const { getIronSession } = require('iron-session');
      const options = { password: SECRET, cookieName: 'session' };
      const session = (req, res) => getIronSession(req, res, options);
      routes = {
        seed: async (req, res) => {
          const s = await session(req, res);
          seedInto(s);
          await s.save();
          return { seeded: true };
        },
        read: async (req, res) => readBody(await session(req, res)),
        write: async (req, res) => {
          const s = await session(req, res);
          const body = bump(s);
          await s.save();
          return body;
        },
      };
      break;
    }
    default:
      throw new Error(`no Express server for ${contender}`);
  }

  for (const [route, handler] of Object.entries(routes)) {
    // Only iron-session's handlers are async: the others answer without a promise in between.
    const isAsync = handler.constructor.name === 'AsyncFunction';
    app.get(
      `/${route}`,
      isAsync ? (req, res, next) => handler(req, res).then((body) => res.json(body), next) : (req, res) => res.json(handler(req, res)),
    );
  }
  // Last: Express tries routes in order, so /read and /write match as early as they did before
  // /none existed (their figures stay comparable with older results).
  app.get('/none', (req, res) => res.json(NONE_BODY));

  // Errors must show up as 500s (which the runner counts), and be visible here.
  app.use((err, req, res, next) => {
    console.error(`[${framework}:${contender}] ${req.method} ${req.url}: ${err && err.stack ? err.stack : err}`);
    if (res.headersSent) return next(err);
    res.status(500).json({ error: String(err && err.message) });
  });
  // What app.listen() does in both versions (without Express 5's listen callback on error).
  const listen = (port) =>
    new Promise((resolve, reject) => {
      const server = http.createServer(app);
      server.once('error', reject);
      server.listen(port, HOST, () => resolve(nodeListener(server)));
    });
  return { listen, backend };
}

// --- Fastify ----------------------------------------------------------------------------------

/** The Fastify app for one contender, and how to start it. */
function fastifyServer(framework, contender) {
  const app = require(FRAMEWORKS[framework].module)();
  let backend = null;
  let routes = REQ_SESSION;

  switch (contender) {
    case 'noop':
      app.addHook('onSend', (request, reply, payload, next) => next(null, payload));
      routes = SESSIONLESS;
      break;
    case 'bare':
      routes = SESSIONLESS;
      break;
    case 'native':
    case 'js':
      backend = resolveOurBackend(contender);
      app.register(require('../../dist/fastify.js'), { cookieName: 'session', secret: SECRET, duration: DURATION, backend: contender });
      break;
    case 'secure-session':
      // It wants a 32-byte key (or a secret and salt, stretched with Argon2 at start-up): the
      // shared SECRET's SHA-256. `expiry` is in seconds.
      app.register(require('@fastify/secure-session'), {
        key: createHash('sha256').update(SECRET).digest(),
        cookieName: 'session',
        expiry: DURATION / 1000,
        cookie: { path: '/' },
      });
      routes = SECURE_SESSION;
      break;
    default:
      throw new Error(`no Fastify server for ${contender}`);
  }

  app.get('/none', (request, reply) => reply.send(NONE_BODY));
  for (const [route, handler] of Object.entries(routes)) {
    app.get(`/${route}`, (request, reply) => reply.send(handler(request, reply)));
  }
  app.setErrorHandler((err, request, reply) => {
    console.error(`[${framework}:${contender}] ${request.method} ${request.url}: ${err && err.stack ? err.stack : err}`);
    reply.code(500).send({ error: String(err && err.message) });
  });
  // fastify.listen, as an application would: it waits for the plugins (app.ready()) first.
  const listen = (port) => app.listen({ port, host: HOST }).then(() => nodeListener(app.server));
  return { listen, backend };
}

// --- Hono on @hono/node-server ---------------------------------------------------------------

/** The Hono app for one contender, served by @hono/node-server, as `serve({ fetch: app.fetch })`. */
function honoServer(framework, contender) {
  const { Hono } = require(FRAMEWORKS[framework].module);
  const { serve } = require(FRAMEWORKS[framework].server);
  const app = new Hono();
  let backend = null;
  // Each takes Hono's Context and returns the body.
  let routes = {
    seed: (c) => (seedInto(c.get('session')), { seeded: true }),
    read: (c) => readBody(c.get('session')),
    write: (c) => bump(c.get('session')),
  };

  switch (contender) {
    case 'noop':
      app.use(async (c, next) => {
        await next();
      });
      routes = SESSIONLESS;
      break;
    case 'bare':
      routes = SESSIONLESS;
      break;
    case 'native':
    case 'js': {
      backend = resolveOurBackend(contender);
      const { sessions } = require('../../dist/hono.js');
      app.use(sessions({ cookieName: 'session', secret: SECRET, duration: DURATION, backend: contender }));
      break;
    }
    case 'iron-session': {
      // No middleware: each route asks for the session (async) on the Web Request and Response,
      // Hono's c.req.raw and c.res, whose headers c.json() then carries over, Set-Cookie included.
      const { getIronSession } = require('iron-session');
      const options = { password: SECRET, cookieName: 'session' };
      const session = (c) => getIronSession(c.req.raw, c.res, options);
      routes = {
        seed: async (c) => {
          const s = await session(c);
          seedInto(s);
          await s.save();
          return { seeded: true };
        },
        read: async (c) => readBody(await session(c)),
        write: async (c) => {
          const s = await session(c);
          const body = bump(s);
          await s.save();
          return body;
        },
      };
      break;
    }
    default:
      throw new Error(`no Hono server for ${contender}`);
  }

  for (const [route, handler] of Object.entries(routes)) {
    const isAsync = handler.constructor.name === 'AsyncFunction';
    app.get(`/${route}`, isAsync ? async (c) => c.json(await handler(c)) : (c) => c.json(handler(c)));
  }
  app.get('/none', (c) => c.json(NONE_BODY));
  app.onError((err, c) => {
    console.error(`[${framework}:${contender}] ${c.req.method} ${c.req.path}: ${err && err.stack ? err.stack : err}`);
    return c.json({ error: String(err && err.message) }, 500);
  });
  const listen = (port) =>
    new Promise((resolve, reject) => {
      const server = serve({ fetch: app.fetch, port, hostname: HOST }, () => resolve(nodeListener(server)));
      server.once('error', reject);
    });
  return { listen, backend };
}

// --- Bun.serve --------------------------------------------------------------------------------

/** A fetch handler for Bun.serve, bare or with our Web store (client-sessions-native/web). */
function bunServer(framework, contender) {
  if (typeof globalThis.Bun === 'undefined') throw new Error(`${framework}:${contender} runs on Bun: node_modules/bun/bin/bun.exe bench/http/server.mjs ${framework}:${contender}`);
  const JSON_HEADERS = { 'content-type': 'application/json' };
  let backend = null;
  let handle;

  switch (contender) {
    case 'bare':
      handle = (route) => new Response(JSON.stringify(SESSIONLESS[route]()), { headers: JSON_HEADERS });
      break;
    case 'native':
    case 'js': {
      backend = resolveOurBackend(contender);
      const { createSessionStore } = require('../../dist/web.js');
      const store = createSessionStore({ cookieName: 'session', secret: SECRET, duration: DURATION, backend: contender });
      const routes = { seed: (s) => (seedInto(s), { seeded: true }), read: readBody, write: bump };
      handle = (route, request) => {
        const session = store.load(request);
        const headers = new Headers(JSON_HEADERS);
        const body = JSON.stringify(routes[route](session));
        store.commit(session, headers);
        return new Response(body, { headers });
      };
      break;
    }
    default:
      throw new Error(`no Bun server for ${contender}`);
  }

  const fetch = (request) => {
    // The path, without a URL object: from the third slash to a "?" if any.
    const url = request.url;
    const start = url.indexOf('/', url.indexOf('//') + 2);
    const query = url.indexOf('?', start);
    const route = url.slice(start + 1, query < 0 ? undefined : query);
    if (route === 'none') return new Response(JSON.stringify(NONE_BODY), { headers: JSON_HEADERS });
    if (route === 'seed' || route === 'read' || route === 'write') return handle(route, request);
    return new Response('not found', { status: 404 });
  };
  const error = (err) => {
    console.error(`[${framework}:${contender}] ${err && err.stack ? err.stack : err}`);
    return new Response(JSON.stringify({ error: String(err && err.message) }), { status: 500, headers: JSON_HEADERS });
  };
  const listen = async (port) => {
    const server = globalThis.Bun.serve({ port, hostname: HOST, fetch, error });
    return {
      port: server.port,
      close: (done) => {
        server.stop(true);
        done();
      },
    };
  };
  return { listen, backend };
}

// --- main -------------------------------------------------------------------------------------

/** A node:http server as main() uses it: its port, and close(done) closing every connection. */
function nodeListener(server) {
  return {
    port: server.address().port,
    close: (done) => {
      server.close(done);
      server.closeAllConnections();
    },
  };
}

const SERVERS = { express4: expressServer, express5: expressServer, fastify: fastifyServer, hono: honoServer, bun: bunServer };

async function main() {
  const name = process.argv[2] ?? process.env.BENCH_SERVER ?? process.env.BENCH_CONTENDER;
  const port = Number(process.argv[3] ?? process.env.BENCH_PORT ?? 0);
  if (!name) {
    console.error('usage: node bench/http/server.mjs <[framework:]contender> [port]');
    process.exit(2);
  }
  const { id, framework, contender } = parseServerId(name);
  const { listen, backend } = SERVERS[framework](framework, contender);
  let server;
  try {
    server = await listen(port);
  } catch (err) {
    console.error(`[${id}] listen failed: ${err.message}`);
    process.exit(1);
  }
  const info = { id, framework, contender, port: server.port, pid: process.pid, backend };
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    server.close(() => process.exit(0));
    // Never hang on shutdown.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Started by a runner: also stop when the runner's end of our stdin pipe closes, so a runner
  // that dies without signalling leaves no server behind.
  if (process.env.BENCH_EXIT_ON_STDIN_END === '1') {
    process.stdin.on('end', shutdown);
    process.stdin.on('error', shutdown);
    process.stdin.resume();
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
