// The Hono middleware: the web store's session at c.get(requestKey), its Set-Cookie values
// added to c.res after `await next()`, only when the session changed. Hono hands errors thrown
// by later handlers to app.onError before next() returns, so error responses get the cookie too.

import type { Context, MiddlewareHandler } from 'hono';

import { reportProblem } from '../../core/report';
import type { SessionMethods, SessionState } from '../../core/session-state';
import type { SessionOptions } from '../../core/settings';
import { webRequestView } from '../web/request-view';
import { appendSetCookies, storeParts } from '../web/store';

/** The middleware's options: the session options, with onError receiving Hono's Context. */
export type HonoSessionOptions = SessionOptions<Context>;

/** A session as `c.get(requestKey)` returns it: its own data plus the session methods. */
export type HonoSession<T extends object = Record<string, any>> = Partial<T> & SessionMethods;

/**
 * The Context variable a session is on: requestKey, else cookieName, else client-sessions'
 * default. Options whose type leaves the name open (a HonoSessionOptions variable, or the
 * default when the data type is given, `sessions<{ user: string }>(...)`) give `string`.
 */
export type SessionKey<Options> = Options extends { requestKey: infer Key extends string }
  ? Key
  : Options extends { cookieName: infer Name extends string }
    ? Name
    : 'requestKey' extends keyof Options
      ? string
      : 'cookieName' extends keyof Options
        ? string
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

type SetVariable = (key: string, value: unknown) => void;

/**
 * `c.set(requestKey, value)` acts at once, as assigning `req.session` does on Express: `null`
 * (or undefined) removes the cookie, an object replaces the content (method names and
 * `__proto__` keys are not stored), anything else throws the core's TypeError. The variable
 * keeps the session itself, so later middleware and handlers that read `c.get(requestKey)`
 * find a session (an empty one after `null`), never the value given.
 */
function assignThrough(c: Context, requestKey: string, state: SessionState<Context>, session: object): void {
  const set = c.set as SetVariable;
  (c as { set: SetVariable }).set = (key, value) => {
    if (key === requestKey && value !== session) {
      state.content = value;
      value = session;
    }
    set(key, value);
  };
}

/**
 * Adds our Set-Cookie values to the response, as the web store's commit does (a cookie of the
 * same name already there, e.g. hono/cookie's, is replaced). To the response's own headers when
 * they can change: c.header() on a finished response copies it into a new Response around the
 * same body stream, which took @hono/node-server off its fast path (a /write cost 214 µs of CPU
 * against 131 µs; bench:http).
 */
function addSetCookies(c: Context, ours: readonly string[]): void {
  try {
    appendSetCookies(c.res.headers, ours);
    return;
  } catch {
    // Immutable (Response.redirect(), a fetch() response): the first change threw, so nothing
    // changed; c.header() makes the copy that can change, without the Set-Cookie values, which
    // go back first.
  }
  const existing = c.res.headers.getSetCookie();
  c.header('Set-Cookie', undefined);
  for (const line of existing) c.res.headers.append('set-cookie', line);
  appendSetCookies(c.res.headers, ours);
}

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
    // Already set on this request (the middleware mounted twice, on the app and on a route, or
    // another one on the same variable): leave it, as client-sessions does on Express, rather
    // than have two sessions write one cookie.
    if (c.get(requestKey as SessionKey<Options>) !== undefined) {
      await next();
      return;
    }
    const context = c as unknown as Context;
    const { state, session } = parts.open(context);
    c.set(requestKey as SessionKey<Options>, session as HonoSession<T>);
    assignThrough(context, requestKey, state, session);
    await next();
    try {
      // Set with a c.set taken before this middleware wrapped it.
      const current: unknown = c.get(requestKey as SessionKey<Options>);
      if (current !== session) state.content = current;
      const cookies = state.setCookies();
      if (cookies.length > 0) addSetCookies(context, cookies);
    } catch (err) {
      reportProblem(settings, c, 'ERR_CLIENT_SESSIONS_ENCODE_FAILED', 'error',
        `the ${cookieName} cookie could not be written: ${(err as Error).message}`);
    }
  };
}
