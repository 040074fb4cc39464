// ESM entry of `client-sessions-native/react-router`: the CommonJS build is the one
// implementation, so `import` and `require` in the same process share its state.
import type { SessionData } from 'react-router';

import reactRouter from './react-router.js';

export const { createSessionStorage, backend, nativeLoadError } = reactRouter;

export type ReactRouterSessionOptions = reactRouter.ReactRouterSessionOptions;
export type ClientSessionStorage<Data = SessionData, FlashData = Data> = reactRouter.ClientSessionStorage<Data, FlashData>;
export type BackendName = reactRouter.BackendName;
export type CookieOptions = reactRouter.CookieOptions;
export type SessionProblem = reactRouter.SessionProblem;
export type ErrorHandler = reactRouter.ErrorHandler;
