// ESM entry of `client-sessions-native/web`: the CommonJS build is the one implementation, so
// `import` and `require` in the same process share its state.
import web from './web.js';

export const { createSessionStore, backend, nativeLoadError } = web;

export type WebSessionOptions = web.WebSessionOptions;
export type WebSession<T extends object = Record<string, any>> = web.WebSession<T>;
export type SessionStore<T extends object = Record<string, any>> = web.SessionStore<T>;
export type SessionInput = web.SessionInput;
export type BackendName = web.BackendName;
export type CookieOptions = web.CookieOptions;
export type SessionMethods = web.SessionMethods;
export type SecureSessionMethods<T extends object = Record<string, any>> = web.SecureSessionMethods<T>;
export type SessionProblem = web.SessionProblem;
export type ErrorHandler = web.ErrorHandler;
