// HTTP benchmark server: one Express 4 app with one session middleware ("contender").
//
//   node bench/http/server.mjs <contender> [port]        (or BENCH_CONTENDER / BENCH_PORT)
//
// Contenders: none, native, js, client-sessions, cookie-session, iron-session; and noop, a
// reference for instructions.mjs (none plus a middleware that only calls next()).
// Port 0 (the default) lets the OS choose; the real port is in the ready line, printed on
// stdout once the server listens on 127.0.0.1:
//
//   READY {"contender":"native","port":41234,"pid":1234,"backend":"native"}
//
// Routes (same bodies for every contender, so that response sizes match):
//   GET /seed   stores SEED_SESSION (about 380 bytes of JSON) in a fresh session -> Set-Cookie
//   GET /read   reads one field of the session          -> {"user":48213}   (no Set-Cookie)
//   GET /write  session.counter += 1                     -> {"counter":N}    (Set-Cookie)
// For `none` there is no session: /read and /write send the bodies a seeded session would give
// (the runner sends a dummy Cookie header of the size of a real one).
//
// SIGTERM / SIGINT: closes the listener and every open connection, then exits 0.

import { createRequire } from 'node:module';
import { DURATION, SECRET, SEED_SESSION, SERVERS } from './shared.mjs';

const require = createRequire(import.meta.url);
const express = require('express');

/** The express app for one contender (no listen). */
async function createApp(contender) {
  const app = express();
  let backend = null;

  const seedInto = (session) => Object.assign(session, structuredClone(SEED_SESSION));
  const readBody = (session) => ({ user: session.user ? session.user.id : null });
  const bump = (session) => {
    session.counter = (session.counter || 0) + 1;
    return { counter: session.counter };
  };

  switch (contender) {
    case 'noop':
    case 'none': {
      if (contender === 'noop') app.use((req, res, next) => next());
      const userId = SEED_SESSION.user.id;
      app.get('/seed', (req, res) => res.json({ seeded: false }));
      app.get('/read', (req, res) => res.json({ user: userId }));
      app.get('/write', (req, res) => res.json({ counter: 1 }));
      return { app, backend };
    }

    case 'native':
    case 'js': {
      const sessions = require('../../dist/index.js');
      const select = require('../../dist/backend/select.js');
      // Throws (and the server exits non-zero) if `native` cannot load: never a silent fallback.
      backend = select.resolveBackend(contender);
      app.use(sessions({ cookieName: 'session', secret: SECRET, duration: DURATION, backend: contender }));
      break;
    }

    case 'client-sessions': {
      const clientSessions = require('client-sessions');
      app.use(clientSessions({ cookieName: 'session', secret: SECRET, duration: DURATION }));
      break;
    }

    case 'cookie-session': {
      const cookieSession = require('cookie-session');
      app.use(cookieSession({ name: 'session', keys: [SECRET] }));
      break;
    }

    case 'iron-session': {
      const { getIronSession } = require('iron-session');
      const options = { password: SECRET, cookieName: 'session' };
      const wrap = (fn) => (req, res, next) => fn(req, res).catch(next);
      app.get(
        '/seed',
        wrap(async (req, res) => {
          const session = await getIronSession(req, res, options);
          seedInto(session);
          await session.save();
          res.json({ seeded: true });
        }),
      );
      app.get(
        '/read',
        wrap(async (req, res) => {
          const session = await getIronSession(req, res, options);
          res.json(readBody(session));
        }),
      );
      app.get(
        '/write',
        wrap(async (req, res) => {
          const session = await getIronSession(req, res, options);
          const body = bump(session);
          await session.save();
          res.json(body);
        }),
      );
      return { app, backend };
    }

    default:
      throw new Error(`unknown contender ${JSON.stringify(contender)}: use one of ${SERVERS.join(', ')}`);
  }

  // The synchronous middlewares: the session is at req.session.
  app.get('/seed', (req, res) => {
    // A fresh session holding exactly SEED_SESSION.
    if (contender === 'cookie-session') req.session = structuredClone(SEED_SESSION);
    else seedInto(req.session);
    res.json({ seeded: true });
  });
  app.get('/read', (req, res) => res.json(readBody(req.session)));
  app.get('/write', (req, res) => res.json(bump(req.session)));
  return { app, backend };
}

async function main() {
  const contender = process.argv[2] ?? process.env.BENCH_CONTENDER;
  const port = Number(process.argv[3] ?? process.env.BENCH_PORT ?? 0);
  if (!contender) {
    console.error(`usage: node bench/http/server.mjs <${SERVERS.join('|')}> [port]`);
    process.exit(2);
  }
  const { app, backend } = await createApp(contender);

  // Errors must show up as 500s (which the runner counts), and be visible here.
  app.use((err, req, res, next) => {
    console.error(`[${contender}] ${req.method} ${req.url}: ${err && err.stack ? err.stack : err}`);
    if (res.headersSent) return next(err);
    res.status(500).json({ error: String(err && err.message) });
  });

  const server = app.listen(port, '127.0.0.1', () => {
    const info = { contender, port: server.address().port, pid: process.pid, backend };
    process.stdout.write(`READY ${JSON.stringify(info)}\n`);
  });
  server.on('error', (err) => {
    console.error(`[${contender}] listen failed: ${err.message}`);
    process.exit(1);
  });

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    server.close(() => process.exit(0));
    server.closeAllConnections();
    // Never hang on shutdown.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Started by run.mjs: also stop when the runner's end of our stdin pipe closes, so a runner
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
