// The Web-standard entry, `client-sessions-native/web`: createSessionStore and its types. The
// ESM entry (web.mts) re-exports this one module.

import * as storeModule from './adapters/web/store';
import * as backendSelect from './backend/select';
import type * as codecTypes from './codec';
import type * as reportTypes from './core/report';
import type * as sessionTypes from './core/session-state';
import type * as cookieTypes from './cookie';

export const createSessionStore = storeModule.createSessionStore;
/**
 * The backend stores use unless told otherwise: `native` when the Rust binary loaded, `js` when
 * it did not (Workers, Deno without --allow-ffi) or when CLIENT_SESSIONS_NATIVE_BACKEND=js.
 * Each store's own is `store.backend`; `nativeLoadError()` says why the binary did not load.
 */
export const backend: codecTypes.BackendName = backendSelect.resolveBackend(backendSelect.requestedBackend());
export const nativeLoadError = backendSelect.nativeLoadError;

export type WebSessionOptions = storeModule.WebSessionOptions;
export type WebSession<T extends object = Record<string, any>> = storeModule.WebSession<T>;
export type SessionStore<T extends object = Record<string, any>> = storeModule.SessionStore<T>;
export type SessionInput = storeModule.SessionInput;
export type BackendName = codecTypes.BackendName;
export type CookieOptions = cookieTypes.CookieOptions;
export type SessionMethods = sessionTypes.SessionMethods;
export type SecureSessionMethods<T extends object = Record<string, any>> = sessionTypes.SecureSessionMethods<T>;
export type SessionProblem = reportTypes.SessionProblem;
/** onError as the store calls it, with what load() was given. */
export type ErrorHandler = reportTypes.ErrorHandler<storeModule.SessionInput>;
