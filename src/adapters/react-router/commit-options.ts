// React Router's per-call cookie options (`commitSession(session, { maxAge, ... })`, the `cookie`
// package's SerializeOptions in React Router 7, cookie-es's in 8) as the core's CookieOptions, for
// SessionState's per-response override. They are laid over the configured cookie options for
// that one Set-Cookie value.

import type { CookieOptions } from '../../cookie';
import { codedError } from '../../errors';
import { MAX_DURATION, describe } from '../../options';

/**
 * What this storage reads of React Router's options. `encode` (and cookie-es's `stringify`) are
 * left out on purpose: the cookie value is base64url and digits, which no encoding changes, and
 * the value is ours to spell (it must stay readable by the Express middleware and util.decode).
 */
export interface CallCookieOptions {
  /** In seconds, as React Router's (the core's cookie.maxAge is in milliseconds). */
  maxAge?: number | undefined;
  expires?: Date | undefined;
  path?: string | undefined;
  domain?: string | undefined;
  httpOnly?: boolean | undefined;
  secure?: boolean | undefined;
  sameSite?: boolean | 'lax' | 'strict' | 'none' | undefined;
  partitioned?: boolean | undefined;
  priority?: 'low' | 'medium' | 'high' | undefined;
}

// Copied as they are: the names and values mean the same in both, and resolveCookieOptions
// checks them with messages naming the attribute.
const ATTRIBUTES = ['path', 'domain', 'httpOnly', 'secure', 'sameSite', 'partitioned', 'priority'] as const;

const MAX_AGE_SECONDS = MAX_DURATION / 1000;

/**
 * The override for one call. `lifetime: false` (destroySession) leaves maxAge and expires out:
 * a deletion is always written expired, as React Router's destroySession writes it.
 *
 * A call's maxAge or expires replaces the configured cookie lifetime for that cookie (maxAge,
 * expires and ephemeral alike): without that, a configured cookie.maxAge would quietly win over
 * the expires given to the call, since the core puts maxAge before expires. They change the
 * cookie's Expires only; the session's own lifetime, sealed in the value, stays `duration`.
 */
export function toCookieOptions(given: unknown, method: string, lifetime: boolean): CookieOptions {
  if (given === undefined || given === null) return {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw codedError('ERR_CLIENT_SESSIONS_ARGUMENT', `${method}() takes cookie options such as { maxAge: 3600 } as its second argument, got ${describe(given)}`, TypeError);
  }
  const options = given as CallCookieOptions;
  const cookie: CookieOptions = {};
  for (const name of ATTRIBUTES) {
    if (options[name] !== undefined) (cookie as Record<string, unknown>)[name] = options[name];
  }
  if (!lifetime) return cookie;
  const { maxAge, expires } = options;
  if (maxAge !== undefined && maxAge !== null) {
    // React Router (through `cookie` and cookie-es) takes whole seconds, and 0 or less as an
    // already expired cookie; here that is what destroySession is for, so it says so.
    if (typeof maxAge !== 'number' || !Number.isSafeInteger(maxAge) || maxAge <= 0 || maxAge > MAX_AGE_SECONDS) {
      throw codedError(
        'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS',
        `${method}()'s maxAge is in seconds, as React Router's: a whole number above 0 up to ${MAX_AGE_SECONDS}, got ${describe(maxAge)}${typeof maxAge === 'number' && maxAge <= 0 ? ' (to remove the cookie, return destroySession(session) instead)' : ''}`,
        TypeError,
      );
    }
    cookie.maxAge = maxAge * 1000;
    cookie.expires = undefined;
    cookie.ephemeral = false;
  } else if (expires !== undefined && expires !== null) {
    if (!(expires instanceof Date) || Number.isNaN(expires.getTime())) {
      throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', `${method}()'s expires must be a valid Date, got ${describe(expires)}`, TypeError);
    }
    cookie.expires = expires;
    cookie.maxAge = undefined;
    cookie.ephemeral = false;
  }
  return cookie;
}
