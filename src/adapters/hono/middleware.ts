// The Hono middleware: the web store's session at c.get(requestKey), its Set-Cookie values
// added to c.res after `await next()`, only when the session changed. Hono hands errors thrown
// by later handlers to app.onError before next() returns, so error responses get the cookie too.

import type { Context, MiddlewareHandler } from 'hono';

import { reportProblem } from '../../core/report';
import type { SessionMethods } from '../../core/session-state';
import type { SessionOptions } from '../../core/settings';
import { webRequestView } from '../web/request-view';
import { storeParts } from '../web/store';

/** The middleware's options: the session options, with onError receiving Hono's Context. */
export type HonoSessionOptions = SessionOptions<Context>;

/** A session as `c.get(requestKey)` returns it: its own data plus the session methods. */
export type HonoSession<T extends object = Record<string, any>> = Partial<T> & SessionMethods;

/** The Context variable a session is on: requestKey, else cookieName, else client-sessions' default. */
export type SessionKey<Options> = Options extends { requestKey: infer Key extends string }
  ? Key
  : Options extends { cookieName: infer Name extends string }
    ? Name
    : 'session_state';

/** The Hono environment the middleware adds: `c.get(key)` is the session. */
export type SessionEnv<Key extends string, T extends object = Record<string, any>> = {
  Variables: { [K in Key]: HonoSession<T> };
};

// The Request Hono was given, as the web store reads it.
const honoRequestView = {
  cookieHeader: (c: Context) => webRequestView.cookieHeader(c.req.raw),
  isSecure: (c: Context, trustProxy: boolean) => webRequestView.isSecure(c.req.raw, trustProxy),
};

/**
 * Builds the middleware: `app.use(sessions({ cookieName: 'session', secret }))`, then
 * `c.get('session')`. Options are checked here, once. Several instances (one per cookie) can
 * run side by side, each on its own variable.
 */
export function sessions<T extends object = Record<string, any>, const Options extends HonoSessionOptions = HonoSessionOptions>(
  options: Options,
): MiddlewareHandler<SessionEnv<SessionKey<Options>, T>> {
  const parts = storeParts<Context>(options, 'hono', 'sessions({ cookieName: "session", secret: process.env.SESSION_SECRET })', honoRequestView);
  const { settings } = parts.setup;
  const { requestKey, cookieName } = settings;
  return async function clientSessions(c, next) {
    const { state, session } = parts.open(c as unknown as Context);
    c.set(requestKey as SessionKey<Options>, session as HonoSession<T>);
    await next();
    try {
      // c.set(key, null) removes the cookie; c.set(key, object) replaces the content, as
      // assigning req.session does on Express. The handle itself is the usual case.
      const current: unknown = c.get(requestKey as SessionKey<Options>);
      if (current !== session) state.content = current;
      const cookies = state.setCookies();
      for (const cookie of cookies) c.header('Set-Cookie', cookie, { append: true });
    } catch (err) {
      reportProblem(settings, c, 'ERR_CLIENT_SESSIONS_ENCODE_FAILED', 'error',
        `the ${cookieName} cookie could not be written: ${(err as Error).message}`);
    }
  };
}
