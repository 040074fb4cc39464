// Refusing cross-origin state-changing requests from browsers (CSRF, including login CSRF), with
// the rules of Go 1.25's net/http CrossOriginProtection. Framework-neutral: a request is a method,
// a path and a header getter, so each adapter (Connect/Express today) only translates its request.
//
// Why a session library needs it: SameSite=Lax keeps the session cookie off a cross-site POST,
// but the response to that POST can still set a cookie, so another site can log a visitor into
// the attacker's account. Browsers say where a request comes from (Sec-Fetch-Site, else Origin);
// refusing unsafe requests from elsewhere closes that, with no token to put in every form.

import { codedError } from '../errors';
import { describe } from '../options';

export interface CrossOriginOptions {
  /**
   * Origins allowed to send unsafe requests, written as browsers send the Origin header:
   * `scheme://host[:port]`, lower case, no path (Go's AddTrustedOrigin).
   */
  trustedOrigins?: readonly string[] | undefined;
  /**
   * Paths where cross-origin requests are let through: an exact path (`/webhook`) or a prefix
   * ending in `/` (`/webhooks/` covers everything under it, not `/webhooks` itself). "Insecure"
   * because the routes there get no CSRF protection at all from this check: use it only for
   * endpoints that authenticate every request by other means (a signed webhook, a bearer token),
   * never for routes that act on the session cookie (Go's AddInsecureBypassPattern).
   */
  insecureBypassPaths?: readonly string[] | undefined;
}

/** The checked options: what refuseCrossOrigin needs, built once at setup. */
export interface CrossOriginPolicy {
  readonly trustedOrigins: ReadonlySet<string>;
  readonly exactPaths: ReadonlySet<string>;
  readonly pathPrefixes: readonly string[];
}

/** What an adapter passes in: the request as the check needs to see it. */
export interface CrossOriginRequest {
  /** The request method, as sent (`POST`). */
  method: string;
  /** The path of the request target, with or without its query; only insecureBypassPaths reads it. */
  path: string;
  /** A request header by lower-case name, or undefined when absent. */
  header(name: 'sec-fetch-site' | 'origin' | 'host'): string | undefined;
}

/**
 * Why a request was refused: the browser said it came from another site (`sec-fetch-site`), or
 * it sent no Sec-Fetch-Site (an older browser) and its Origin does not match Host (`origin`).
 */
export type CrossOriginRefusal = 'sec-fetch-site' | 'origin';

export const CROSS_ORIGIN_OPTION_NAMES: readonly (keyof CrossOriginOptions)[] = ['trustedOrigins', 'insecureBypassPaths'];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Undefined when the request may go on, else why it must be refused. Go's rules, in Go's order:
 * safe methods pass; a Sec-Fetch-Site of `same-origin` or `none` (typed in the address bar, a
 * bookmark) passes and any other value is refused; without it, no Origin passes (curl, server to
 * server, browsers from before Origin was sent on every POST) and an Origin whose host is the
 * Host header passes. A refused request still passes if its Origin is trusted or its path is an
 * insecure bypass path.
 */
export function refuseCrossOrigin(request: CrossOriginRequest, policy: CrossOriginPolicy): CrossOriginRefusal | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  const site = request.header('sec-fetch-site');
  // An empty header counts as absent, as Go's Header.Get cannot tell them apart.
  if (site !== undefined && site !== '') {
    if (site === 'same-origin' || site === 'none') return undefined;
    return isExempt(request, policy) ? undefined : 'sec-fetch-site';
  }
  const origin = request.header('origin');
  if (origin === undefined || origin === '') return undefined;
  const host = request.header('host');
  // Host has no scheme, so an http page posting to the https site passes here; Go accepts that
  // too, since only browsers from before 2023 lack Sec-Fetch-Site, and HSTS closes it. A missing
  // Host never matches (Go would match it to an Origin such as `null`, whose host is empty).
  const originHost = hostOf(origin);
  if (originHost !== undefined && host !== undefined && originHost === host) return undefined;
  return isExempt(request, policy) ? undefined : 'origin';
}

function isExempt(request: CrossOriginRequest, policy: CrossOriginPolicy): boolean {
  if (policy.exactPaths.size > 0 || policy.pathPrefixes.length > 0) {
    const path = pathOf(request.path);
    if (path !== undefined && (policy.exactPaths.has(path) || policy.pathPrefixes.some((prefix) => path.startsWith(prefix)))) {
      return true;
    }
  }
  // Browsers serialize Origin one way (`scheme://host[:port]`, lower case), so equality is enough.
  const origin = request.header('origin');
  return origin !== undefined && policy.trustedOrigins.has(origin);
}

// The authority of `scheme://authority/...` without any `user@`, as Go's url.Parse gives Host;
// undefined for `null`, `scheme:opaque`, an empty host or a port that is not digits.
function hostOf(origin: string): string | undefined {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(origin);
  if (!match) return undefined;
  const authority = match[1]!;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  const port = /^(?:\[[^\]]*\]|[^:[\]]*)(?::(.*))?$/.exec(host);
  if (host === '' || !port || (port[1] !== undefined && !/^[0-9]*$/.test(port[1]))) return undefined;
  return host;
}

// The request path when it is canonical, else undefined so no bypass applies. Frameworks differ
// in how they decode `%2e%2e`, `%2f`, `\`, `//` or `/./` before routing; if this check saw a
// different path than the router, `/webhooks/../login` could bypass the check and reach /login.
// A bypass path is never one of those, so refusing them only ever refuses, never lets through.
function pathOf(target: string): string | undefined {
  const end = target.search(/[?#]/);
  const path = end < 0 ? target : target.slice(0, end);
  return isCanonicalPath(path) ? path : undefined;
}

function isCanonicalPath(path: string): boolean {
  return path.startsWith('/') && !/[%\\\s]|\/\/|\/\.\.?(?:\/|$)/.test(path);
}

/** Checks the options once, at setup; a bad one throws with a message saying what to write. */
export function resolveCrossOriginPolicy(options: CrossOriginOptions): CrossOriginPolicy {
  const trustedOrigins = new Set<string>();
  for (const origin of listOption('trustedOrigins', options.trustedOrigins)) {
    trustedOrigins.add(checkTrustedOrigin(origin));
  }
  const exactPaths = new Set<string>();
  const pathPrefixes: string[] = [];
  for (const path of listOption('insecureBypassPaths', options.insecureBypassPaths)) {
    checkBypassPath(path);
    if (path.endsWith('/')) pathPrefixes.push(path);
    else exactPaths.add(path);
  }
  return { trustedOrigins, exactPaths, pathPrefixes };
}

/** Unknown option names are errors: a misspelt `trustedOrigin` would silently trust nothing. */
export function rejectUnknownOptions(options: object, known: readonly string[], entry: string): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', `${entry}: unknown option "${name}"; the options are ${known.join(', ')}`, TypeError);
    }
  }
}

function listOption(name: string, value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', `${name} must be an array of strings, got ${describe(value)}`, TypeError);
  }
  return value as readonly string[];
}

function checkTrustedOrigin(origin: string): string {
  const fail = (why: string): never => {
    throw codedError(
      'ERR_CLIENT_SESSIONS_OPTIONS',
      `trustedOrigins: "${origin}" ${why}; write an origin as browsers send it in the Origin header, scheme://host[:port] with no path, e.g. "https://app.example.com"`,
    );
  };
  // Said first: a line break (an origin list split badly, a value from a file) otherwise read as
  // a missing scheme, which sends the reader looking for the wrong mistake.
  if (/[\s\0-\x1f\x7f]/.test(origin)) return fail('contains a line break, a space or another control character');
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(origin);
  if (!match) return fail('has no scheme://');
  if (match[2] === '') return fail('needs a host');
  if (match[2]!.includes('@')) return fail('has a user@ part, which browsers never send');
  if (match[3] !== '') return fail(`has "${match[3]}" after the host (a path, query or fragment)`);
  if (hostOf(origin) === undefined) return fail('has a port that is not a number');
  // For http and https the browser's spelling is known: lower case, no default port. Another
  // spelling would never equal an Origin header, so it is a mistake worth saying.
  if (match[1] === 'http' || match[1] === 'https') {
    let canonical: string;
    try {
      canonical = new URL(origin).origin;
    } catch {
      return fail('is not a valid URL');
    }
    if (canonical !== origin) return fail(`is never sent by a browser, which writes it "${canonical}"`);
  }
  return origin;
}

function checkBypassPath(path: string): void {
  const fail = (why: string): never => {
    throw codedError(
      'ERR_CLIENT_SESSIONS_OPTIONS',
      `insecureBypassPaths: "${path}" ${why}; write an exact path ("/webhook") or a prefix ending in "/" ("/webhooks/")`,
    );
  };
  if (!path.startsWith('/')) fail('does not start with "/"');
  if (/[?#]/.test(path)) fail('has a query or fragment');
  if (!isCanonicalPath(path)) fail('is not a plain path (no %-escapes, "\\", "//", "." or ".." segments)');
  if (path === '/') fail('would exempt every path: leave the protection out instead');
}
