// The React Router entry, `client-sessions-native/react-router`: createSessionStorage and its
// types. The ESM entry (react-router.mts) re-exports this one module.
//
// This is the one module that loads react-router, the application's own copy (an optional peer
// dependency, never bundled): React Router 7 through its CommonJS build, React Router 8 (ESM
// only) through require(esm), which every Node it supports has. Only this subpath loads it.

import { createSession, isSession } from 'react-router';
import type { SessionData } from 'react-router';

import * as storageModule from './adapters/react-router/storage';
import * as backendSelect from './backend/select';
import type * as codecTypes from './codec';
import type * as reportTypes from './core/report';
import type * as cookieTypes from './cookie';

const reactRouter: storageModule.ReactRouterSessionApi = { createSession, isSession };

/**
 * React Router's SessionStorage keeping the session encrypted in its cookie, in the Express
 * middleware's wire format: `const { getSession, commitSession, destroySession } =
 * createSessionStorage({ cookieName: '__session', secret })`. Options are the middleware's,
 * checked here, once. A commit keeps the lifetime of the cookie the session was read from.
 */
export function createSessionStorage<Data = SessionData, FlashData = Data>(
  options: storageModule.ReactRouterSessionOptions,
): storageModule.ClientSessionStorage<Data, FlashData> {
  return storageModule.sessionStorageWith<Data, FlashData>(reactRouter, options);
}

/**
 * The backend storages use unless told otherwise: `native` when the Rust binary loaded, `js` when
 * it did not or when CLIENT_SESSIONS_NATIVE_BACKEND=js. Each storage's own is `storage.backend`;
 * `nativeLoadError()` says why the binary did not load.
 */
export const backend: codecTypes.BackendName = backendSelect.resolveBackend(backendSelect.requestedBackend());
export const nativeLoadError = backendSelect.nativeLoadError;

export type ReactRouterSessionOptions = storageModule.ReactRouterSessionOptions;
export type ClientSessionStorage<Data = SessionData, FlashData = Data> = storageModule.ClientSessionStorage<Data, FlashData>;
export type BackendName = codecTypes.BackendName;
export type CookieOptions = cookieTypes.CookieOptions;
export type SessionProblem = reportTypes.SessionProblem;
/** onError as the storage calls it, with the Cookie header the session was read from (undefined for none). */
export type ErrorHandler = storageModule.ReactRouterErrorHandler;
