// Set-Cookie header values. Attribute values are validated at setup, so nothing a request
// carries ever reaches the header except the encoded (base64url and digits) cookie value.

import { codedError } from './errors';
import { MAX_DURATION, describe } from './options';

export type SameSite = 'strict' | 'lax' | 'none';
export type Priority = 'low' | 'medium' | 'high';

export interface CookieOptions {
  /** Default `/`. */
  path?: string | undefined;
  domain?: string | undefined;
  /** Default `true`: scripts in the page cannot read the session cookie. */
  httpOnly?: boolean | undefined;
  /**
   * `true`: the cookie is marked Secure and only sent over a secure connection. `'auto'`: marked
   * Secure when the connection is secure. Default `false` (as in client-sessions).
   */
  secure?: boolean | 'auto' | undefined;
  /** `'strict'`, `'lax'`, `'none'` (forces Secure), `true` (= strict) or `false`. */
  sameSite?: boolean | 'strict' | 'lax' | 'none' | 'Strict' | 'Lax' | 'None' | undefined;
  /** Cookie lifetime in ms from each write, instead of following the session's expiry. */
  maxAge?: number | undefined;
  /** A fixed expiry date for the cookie (rarely wanted: it does not follow the session). */
  expires?: Date | undefined;
  /** A browser-session cookie: no Expires attribute. Cannot be combined with `maxAge`. */
  ephemeral?: boolean | undefined;
  /** CHIPS `Partitioned` (forces Secure). */
  partitioned?: boolean | undefined;
  priority?: 'low' | 'medium' | 'high' | 'Low' | 'Medium' | 'High' | undefined;
}

export interface ResolvedCookieOptions {
  path: string;
  domain: string | undefined;
  httpOnly: boolean;
  /** `always`: Secure attribute, sent only on secure connections; `auto`: Secure when secure. */
  secure: 'always' | 'auto' | 'never';
  sameSite: SameSite | undefined;
  maxAge: number | undefined;
  expires: Date | undefined;
  ephemeral: boolean;
  partitioned: boolean;
  priority: Priority | undefined;
}

// RFC 6265 attribute values: printable ASCII except ';' (and no controls), so no option can
// end an attribute early or inject a header.
const ATTRIBUTE_VALUE = /^[\x20-\x3a\x3c-\x7e]*$/;

export function resolveCookieOptions(cookie: unknown, cookieName = ''): ResolvedCookieOptions {
  if (cookie !== undefined && (cookie === null || typeof cookie !== 'object')) {
    throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', `cookie must be an object of cookie attributes, got ${describe(cookie)}`, TypeError);
  }
  const c = (cookie ?? {}) as CookieOptions;
  const path = attribute('path', c.path ?? '/');
  const domain = c.domain === undefined ? undefined : attribute('domain', c.domain);
  const httpOnly = flag('httpOnly', c.httpOnly, true);
  const sameSite = resolveSameSite(c.sameSite);
  const partitioned = flag('partitioned', c.partitioned, false);
  const ephemeral = flag('ephemeral', c.ephemeral, false);
  let secure = resolveSecure(c.secure);
  // Browsers drop SameSite=None and Partitioned cookies that are not Secure.
  if ((sameSite === 'none' || partitioned) && secure === 'never') secure = 'always';
  const prefix = namePrefix(cookieName);
  if (prefix !== undefined) {
    // Browsers store a __Secure- or __Host- cookie only with Secure, from a secure page. 'auto'
    // would leave Secure out on plain HTTP, where the browser drops the cookie anyway.
    if (c.secure === false) {
      throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', `a cookie named ${prefix}… must be Secure, or browsers drop it: remove cookie.secure: false, or rename the cookie`);
    }
    secure = 'always';
    // __Host- also pins the cookie to the exact host and the whole site: that is what stops a
    // sibling subdomain from setting a cookie of that name (cookie tossing).
    if (prefix === '__Host-' && (domain !== undefined || path !== '/')) {
      throw codedError(
        'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS',
        `a cookie named __Host-… must have path '/' and no domain, or browsers drop it: ${domain !== undefined ? 'remove cookie.domain' : "set cookie.path to '/'"}, or use the __Secure- prefix`,
      );
    }
  }

  let maxAge: number | undefined;
  if (c.maxAge !== undefined && c.maxAge !== null) {
    if (typeof c.maxAge !== 'number' || !Number.isSafeInteger(c.maxAge) || c.maxAge <= 0 || c.maxAge > MAX_DURATION) {
      throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', `cookie.maxAge must be a whole number of milliseconds above 0 up to ${MAX_DURATION}, got ${describe(c.maxAge)}`, TypeError);
    }
    maxAge = c.maxAge;
  }
  if (ephemeral && maxAge !== undefined) {
    throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', 'you cannot have an ephemeral cookie with a maxAge: remove one of cookie.ephemeral and cookie.maxAge');
  }
  let expires: Date | undefined;
  if (c.expires !== undefined && c.expires !== null) {
    if (!(c.expires instanceof Date) || Number.isNaN(c.expires.getTime())) {
      throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', 'cookie.expires must be a valid Date', TypeError);
    }
    expires = c.expires;
  }
  return { path, domain, httpOnly, secure, sameSite, maxAge, expires, ephemeral, partitioned, priority: resolvePriority(c.priority) };
}

/** The cookie prefix browsers enforce (matched without regard to case, as they match it). */
function namePrefix(name: string): '__Secure-' | '__Host-' | undefined {
  const lower = name.toLowerCase();
  if (lower.startsWith('__host-')) return '__Host-';
  if (lower.startsWith('__secure-')) return '__Secure-';
  return undefined;
}

function attribute(name: string, value: unknown): string {
  if (typeof value !== 'string' || !ATTRIBUTE_VALUE.test(value)) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_COOKIE_OPTIONS',
      `cookie.${name} must be a string of printable ASCII without ';', got ${typeof value === 'string' ? JSON.stringify(value) : describe(value)}`,
      TypeError,
    );
  }
  return value;
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') {
    throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', `cookie.${name} must be true or false, got ${describe(value)}`, TypeError);
  }
  return value;
}

// The value is described, not echoed: a string here is not known to be a harmless one.
function resolveSecure(value: unknown): ResolvedCookieOptions['secure'] {
  if (value === undefined || value === null || value === false) return 'never';
  if (value === true) return 'always';
  if (value === 'auto') return 'auto';
  throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', `cookie.secure must be true, false or 'auto', got ${describe(value)}`, TypeError);
}

function resolveSameSite(value: unknown): SameSite | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return 'strict';
  const lower = typeof value === 'string' ? value.toLowerCase() : '';
  if (lower === 'strict' || lower === 'lax' || lower === 'none') return lower;
  throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', `cookie.sameSite must be 'strict', 'lax', 'none', true or false, got ${typeof value === 'string' ? JSON.stringify(value) : describe(value)}`, TypeError);
}

function resolvePriority(value: unknown): Priority | undefined {
  if (value === undefined || value === null) return undefined;
  const lower = typeof value === 'string' ? value.toLowerCase() : '';
  if (lower === 'low' || lower === 'medium' || lower === 'high') return lower;
  throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', `cookie.priority must be 'low', 'medium' or 'high', got ${typeof value === 'string' ? JSON.stringify(value) : describe(value)}`, TypeError);
}

/**
 * The Set-Cookie value exactly as client-sessions 0.8 writes it (through the `cookies` module):
 * lower-case attribute names in its order, `name=value; path=…; expires=…; domain=…; samesite=…;
 * secure; httponly`. Applications' own tests match these headers with lower-case patterns, so the
 * spelling is part of the drop-in promise; browsers read either. The attributes client-sessions
 * did not know go where later versions of `cookies` put them, in the same style: `priority`
 * before `samesite`, `partitioned` last.
 */
export function serializeCookie(
  name: string,
  value: string,
  options: ResolvedCookieOptions,
  expires: Date | undefined,
  secure: boolean,
): string {
  let header = `${name}=${value}; path=${options.path}`;
  if (expires !== undefined) header += `; expires=${expires.toUTCString()}`;
  if (options.domain !== undefined) header += `; domain=${options.domain}`;
  if (options.priority !== undefined) header += `; priority=${options.priority}`;
  if (options.sameSite !== undefined) header += `; samesite=${options.sameSite}`;
  if (secure) header += '; secure';
  if (options.httpOnly) header += '; httponly';
  if (options.partitioned) header += '; partitioned';
  return header;
}
