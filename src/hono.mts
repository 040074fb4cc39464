// ESM entry of `client-sessions-native/hono`: the CommonJS build is the one implementation, so
// `import` and `require` in the same process share its state.
import hono from './hono.js';

export const { sessions } = hono;

export type HonoSessionOptions = hono.HonoSessionOptions;
export type HonoSession<T extends object = Record<string, any>> = hono.HonoSession<T>;
export type SessionKey<Options> = hono.SessionKey<Options>;
export type SessionEnv<Key extends string, T extends object = Record<string, any>> = hono.SessionEnv<Key, T>;
export type CookieOptions = hono.CookieOptions;
export type SessionMethods = hono.SessionMethods;
export type SecureSessionMethods<T extends object = Record<string, any>> = hono.SecureSessionMethods<T>;
export type SessionProblem = hono.SessionProblem;
export type ErrorHandler = hono.ErrorHandler;
