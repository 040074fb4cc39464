// The shared specs' routes and Connect-style middleware on Hono, served by @hono/node-server:
// session middleware become `app.use(sessions(options))` of client-sessions-native/hono, other
// middleware Hono middleware over the facades, and a route's `res` calls build the Response the
// Hono handler returns (ResponseFacade, web-app.ts). So the cookie travels the middleware's own
// path, appended to c.res after `await next()`: when the handler's Response is made (at
// writeHead, write or flushHeaders for a streamed one), never by a raw write. A route's
// `req[requestKey]` is `c.get(requestKey)` and assigning it is `c.set(requestKey, value)`.
import type { Context } from 'hono';
import { Hono } from 'hono';

import { sessions as honoSessions } from '../../src/hono.js'; // .js: the CommonJS entry's source (vite would take hono.mts for a bare path)
import { sessionOptionsOf } from './sessions';
import { ResponseFacade, requestFacade, requestKeyOf, runMiddleware, runRoute, serveFetch, type ServedApp, type WebAppOptions } from './web-app';

type Handler = (req: any, res: any) => unknown;
type Middleware = (req: any, res: any, next: (err?: unknown) => void) => void;

export async function createHonoApp(middleware: Middleware[], routes: Record<string, Handler>, errors: unknown[], options: WebAppOptions): Promise<ServedApp> {
  const app = new Hono();
  const keys = new Set<string>();
  // One facade per request, so what a middleware sets on `req` is there for the route.
  const facades = new WeakMap<Context, unknown>();
  const facade = (c: Context): unknown => {
    let req = facades.get(c);
    if (req === undefined) {
      req = requestFacade(c.req.raw, (c.env as { incoming?: { socket?: unknown } } | undefined)?.incoming?.socket, {
        has: (key): key is string => typeof key === 'string' && keys.has(key),
        get: (key) => c.get(key as never),
        set: (key, value) => c.set(key as never, value as never),
      });
      facades.set(c, req);
    }
    return req;
  };
  app.onError((err, c) => {
    errors.push(err);
    return c.text(String(err?.message ?? err), 500);
  });
  app.notFound((c) => c.text('not found', 404));
  for (const mw of middleware) {
    const sessionOptions = sessionOptionsOf(mw);
    if (sessionOptions !== undefined) {
      keys.add(requestKeyOf(sessionOptions));
      app.use(honoSessions(sessionOptions as never));
      continue;
    }
    app.use(async (c, next) => {
      const outcome = await runMiddleware(mw, facade(c), new ResponseFacade());
      if (outcome === 'next') await next();
      else return outcome;
    });
  }
  app.all('*', (c) => {
    const route = routes[c.req.path];
    if (!route) return c.notFound();
    return runRoute(route, facade(c), new ResponseFacade(), errors);
  });
  return serveFetch(app.fetch, options);
}
