// The Connect/Express factory for the shared behaviour specs, remembering each middleware's
// options so helpers/http.ts can register the same sessions as the Fastify plugin: one spec,
// every adapter. Everything else is the real export (util, crossOriginProtection, ...).
import realSessions from '../../src/index';

const OPTIONS = new WeakMap<object, realSessions.SessionOptions>();

function sessions<T extends object = Record<string, any>>(options: realSessions.SessionOptions): realSessions.SessionMiddleware<T> {
  const middleware = realSessions<T>(options);
  OPTIONS.set(middleware, options);
  return middleware;
}

/** The options a middleware from this factory was built with, or undefined for any other. */
export function sessionOptionsOf(middleware: unknown): realSessions.SessionOptions | undefined {
  return typeof middleware === 'function' ? OPTIONS.get(middleware) : undefined;
}

export default Object.assign(sessions, realSessions) as typeof realSessions;
