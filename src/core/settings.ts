// The session options every adapter takes, checked once at setup into the settings the core
// runs on. Codec options are checked by options.ts; this adds the session's own.

import { resolveCookieOptions, serializeCookie, type CookieOptions, type ResolvedCookieOptions } from '../cookie';
import { MAX_CHUNKS, type CookieFormat } from '../codec';
import { codedError } from '../errors';
import { describe, resolveMilliseconds, type CodecOptions, type ResolvedCodecOptions } from '../options';
import { defaultErrorHandler, type ErrorHandler } from './report';

/** `Request`: what the adapter hands onError (Connect: the IncomingMessage). */
export interface SessionOptions<Request = any> extends CodecOptions {
  /** The property the session appears on: `req[requestKey]`. Default: the cookie name. */
  requestKey?: string | undefined;
  /** The session's lifetime in ms. Default 24 hours. */
  duration?: number | undefined;
  cookie?: CookieOptions | undefined;
  /** Trust `X-Forwarded-Proto` from a TLS-terminating proxy to tell whether a request is secure. */
  proxy?: boolean | undefined;
  /** Where problems go (oversized cookie, bad cookies at level debug, ...). */
  onError?: ErrorHandler<Request> | undefined;
  /**
   * Adds @fastify/secure-session's get, set, delete, touch, data, options, changed and deleted
   * to the session object, so code written for it runs unchanged. Those names are then
   * reserved: they cannot be keys of the data. Default false.
   */
  secureSessionMethods?: boolean | undefined;
  /**
   * Format 2: how many cookies (1 to 4, default 1) a session may be split across when it is too
   * big for one (`name`, `name.1`, ...). Past that, nothing is written and onError is told.
   */
  maxChunks?: number | undefined;
}

export interface SessionSettings {
  cookieName: string;
  requestKey: string;
  duration: number;
  activeDuration: number;
  cookie: ResolvedCookieOptions;
  /** The cookie options as given (a copy), for a session's own options() over them. */
  givenCookie: CookieOptions;
  proxy: boolean;
  secureSessionMethods: boolean;
  /** Format 2's chunk cap; 1 for format 1. */
  maxChunks: number;
  /** The format written, and format 2's absolute lifetime (0: none), from the codec options. */
  format: CookieFormat;
  absoluteDuration: number;
  onError: ErrorHandler<any>;
  serialize(value: string, expires: Date | undefined, secure: boolean): string;
}

export const DEFAULT_DURATION = 24 * 60 * 60 * 1000;

/** Browsers keep a cookie only if its Set-Cookie line fits in 4096 bytes. */
export const MAX_SET_COOKIE_LENGTH = 4096;

export function resolveSessionSettings(options: SessionOptions, codec: ResolvedCodecOptions): SessionSettings {
  // client-sessions read `opts.duration || 24h`, so 0 meant its default; here 0 is refused, as
  // it is almost always a mistake, and the message says what to write to keep the old lifetime.
  const duration = resolveMilliseconds(
    'duration',
    options.duration,
    DEFAULT_DURATION,
    1,
    `client-sessions treated 0 as its 24-hour default: leave duration out, or write ${DEFAULT_DURATION}, for the same lifetime`,
  );
  const requestKey = options.requestKey ?? codec.cookieName;
  if (typeof requestKey !== 'string' || requestKey === '') {
    throw codedError('ERR_CLIENT_SESSIONS_REQUEST_KEY', `requestKey must be a non-empty string, got ${describe(requestKey)}`, TypeError);
  }
  if (options.proxy !== undefined && typeof options.proxy !== 'boolean') {
    throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', `proxy must be true or false, got ${describe(options.proxy)}`, TypeError);
  }
  const onError = options.onError ?? defaultErrorHandler;
  if (typeof onError !== 'function') {
    throw codedError('ERR_CLIENT_SESSIONS_ON_ERROR', `onError must be a function (err, req) => void, got ${describe(onError)}`, TypeError);
  }
  if (options.secureSessionMethods !== undefined && typeof options.secureSessionMethods !== 'boolean') {
    throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', `secureSessionMethods must be true or false, got ${describe(options.secureSessionMethods)}`, TypeError);
  }
  const maxChunks = options.maxChunks ?? 1;
  if (typeof maxChunks !== 'number' || !Number.isInteger(maxChunks) || maxChunks < 1 || maxChunks > MAX_CHUNKS) {
    throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', `maxChunks must be a whole number from 1 to ${MAX_CHUNKS}, got ${describe(maxChunks)}`, TypeError);
  }
  if (maxChunks > 1 && codec.format !== 2) {
    throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', 'maxChunks above 1 needs format: 2 (format 1 cookies cannot be split): add format: 2, or leave maxChunks out');
  }
  const cookieName = codec.cookieName;
  const cookie = resolveCookieOptions(options.cookie, cookieName);
  return {
    cookieName,
    requestKey,
    duration,
    activeDuration: codec.activeDuration,
    cookie,
    givenCookie: { ...options.cookie },
    proxy: options.proxy ?? false,
    secureSessionMethods: options.secureSessionMethods ?? false,
    maxChunks,
    format: codec.format,
    absoluteDuration: codec.absoluteDuration,
    onError,
    serialize: (value, expires, secure) => serializeCookie(cookieName, value, cookie, expires, secure),
  };
}
