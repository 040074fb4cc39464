// The public API. `require('client-sessions-native')` is the middleware factory, with `util`,
// `createCodec` and the rest as its properties, as `require('client-sessions')` was. The ESM
// entry (esm.mts) re-exports this one module, so both module systems share one instance.

import * as backendSelect from './backend/select';
import type * as codecTypes from './codec';
import * as codecModule from './codec';
import * as createCodecModule from './create-codec';
import * as crossOriginMiddlewareModule from './adapters/connect/cross-origin';
import type * as crossOriginTypes from './core/cross-origin';
import type * as errorTypes from './errors';
import * as middlewareModule from './adapters/connect/middleware';
import type * as optionTypes from './options';
import type * as algorithmTypes from './algorithms';
import type * as cookieTypes from './cookie';
import type * as reportTypes from './core/report';
import type * as sessionTypes from './core/session-state';
import * as utilModule from './util';

const defaultBackend = backendSelect.resolveBackend(backendSelect.requestedBackend());

/**
 * Connect/Express middleware keeping an encrypted session in a cookie:
 * `app.use(sessions({ cookieName: 'session', secret, duration }))`, then `req.session`.
 */
function clientSessions<T extends object = Record<string, any>>(
  options: middlewareModule.SessionOptions,
): middlewareModule.SessionMiddleware<T> {
  return middlewareModule.clientSessions<T>(options);
}

// eslint-disable-next-line @typescript-eslint/no-namespace
namespace clientSessions {
  /** client-sessions' `util.encode`, `util.decode` and `util.computeHmac`. */
  export const util = utilModule;
  export const createCodec = createCodecModule.createCodec;
  /**
   * The backend codecs use unless told otherwise: `native` when the Rust binary loaded, `js`
   * when it did not or when CLIENT_SESSIONS_NATIVE_BACKEND=js. `nativeLoadError()` says why.
   */
  export const backend: codecTypes.BackendName = defaultBackend;
  export const nativeLoadError = backendSelect.nativeLoadError;
  export const BACKEND_ENV = backendSelect.BACKEND_ENV;
  export const MAX_COOKIE_VALUE_LENGTH = codecModule.MAX_COOKIE_VALUE_LENGTH;
  /** Refuses cross-origin POSTs and the like with 403; mount it before the sessions. */
  export const crossOriginProtection = crossOriginMiddlewareModule.crossOriginProtection;

  export type SessionOptions = middlewareModule.SessionOptions;
  export type CookieOptions = cookieTypes.CookieOptions;
  export type SessionMiddleware<T extends object = Record<string, any>> = middlewareModule.SessionMiddleware<T>;
  export type ClientSession<T extends object = Record<string, any>> = middlewareModule.ClientSession<T>;
  export type SessionMethods = sessionTypes.SessionMethods;
  export type SecureSessionMethods<T extends object = Record<string, any>> = sessionTypes.SecureSessionMethods<T>;
  export type CallbackOrPromise = sessionTypes.CallbackOrPromise;
  export type SessionProblem = reportTypes.SessionProblem;
  /** onError as the Connect/Express middleware calls it, with the IncomingMessage. */
  export type ErrorHandler = reportTypes.ErrorHandler<import('node:http').IncomingMessage>;
  export type BackendChoice = codecTypes.BackendChoice;
  export type BackendName = codecTypes.BackendName;
  export type Codec = codecTypes.Codec;
  export type DecodeResult = codecTypes.DecodeResult;
  export type ValidDecodeResult = codecTypes.ValidDecodeResult;
  export type ExpiredDecodeResult = codecTypes.ExpiredDecodeResult;
  export type InvalidDecodeResult = codecTypes.InvalidDecodeResult;
  export type AbsentDecodeResult = codecTypes.AbsentDecodeResult;
  export type DecodeStatus = codecTypes.DecodeStatus;
  export type InvalidReason = codecTypes.InvalidReason;
  export type CodecOptions = optionTypes.CodecOptions;
  export type KeySetOptions = optionTypes.KeySetOptions;
  export type EncryptionAlgorithm = algorithmTypes.EncryptionAlgorithm;
  export type SignatureAlgorithm = algorithmTypes.SignatureAlgorithm;
  export type DecodedCookie<T = unknown> = utilModule.DecodedCookie<T>;
  export type UtilOptions = utilModule.UtilOptions;
  export type HmacOptions = utilModule.HmacOptions;
  export type CodedError = errorTypes.CodedError;
  export type ErrorCode = errorTypes.ErrorCode;
  export type CrossOriginProtectionOptions = crossOriginMiddlewareModule.CrossOriginProtectionOptions;
  export type CrossOriginProtectionMiddleware = crossOriginMiddlewareModule.CrossOriginProtectionMiddleware;
  export type CrossOriginOptions = crossOriginTypes.CrossOriginOptions;
}

export = clientSessions;
