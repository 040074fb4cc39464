// The Hono entry, `client-sessions-native/hono`: the sessions middleware and its types. The ESM
// entry (hono.mts) re-exports this one module.

import * as middlewareModule from './adapters/hono/middleware';
import type * as reportTypes from './core/report';
import type * as sessionTypes from './core/session-state';
import type * as cookieTypes from './cookie';

export const sessions = middlewareModule.sessions;

export type HonoSessionOptions = middlewareModule.HonoSessionOptions;
export type HonoSession<T extends object = Record<string, any>> = middlewareModule.HonoSession<T>;
export type SessionKey<Options> = middlewareModule.SessionKey<Options>;
export type SessionEnv<Key extends string, T extends object = Record<string, any>> = middlewareModule.SessionEnv<Key, T>;
export type CookieOptions = cookieTypes.CookieOptions;
export type SessionMethods = sessionTypes.SessionMethods;
export type SecureSessionMethods<T extends object = Record<string, any>> = sessionTypes.SecureSessionMethods<T>;
export type SessionProblem = reportTypes.SessionProblem;
/** onError as the middleware calls it, with Hono's Context. */
export type ErrorHandler = reportTypes.ErrorHandler<import('hono').Context>;
