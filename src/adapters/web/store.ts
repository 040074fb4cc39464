// The Web-standard door: a store that turns a Request (or its Headers, or a Cookie header
// string) into a session object, and the session into Set-Cookie values. Synchronous, and made
// of nothing but the core, so it runs wherever Request and Headers exist: Node, Bun, Deno,
// Next.js route handlers, SvelteKit and Astro endpoints, Workers with nodejs_compat.

import { sessionHandle, stateOfHandle } from '../../core/handle';
import { SessionState, type SessionMethods } from '../../core/session-state';
import type { SessionOptions } from '../../core/settings';
import { setUpSessions, type SessionSetup } from '../../core/setup';
import type { BackendName } from '../../codec';
import { codedError } from '../../errors';
import type { OptionsEntry } from '../../option-names';
import { checkInput, webRequestView, type SessionInput } from './request-view';

export type { SessionInput };

/** The store's options: the middleware's, with onError receiving what load() was given. */
export type WebSessionOptions = SessionOptions<SessionInput>;

/** A session as load() returns it: its own data plus the session methods. */
export type WebSession<T extends object = Record<string, any>> = Partial<T> & SessionMethods;

export interface SessionStore<T extends object = Record<string, any>> {
  /**
   * The session in `input`'s cookie: a Request, a Headers, a Cookie header string, or
   * null/undefined for none. The cookie is decoded on the session's first use; a missing,
   * tampered, expired or malformed one gives an empty session. The object stays the same
   * through regenerate(), reset() and remove().
   */
  load(input: SessionInput): WebSession<T>;
  /**
   * The Set-Cookie values to send for `session`: empty when nothing changed since the session
   * was loaded or since the last call. Call it (or commit) after the last change.
   */
  setCookies(session: WebSession<T>): string[];
  /**
   * Appends setCookies(session) to `headers`, beside any other Set-Cookie already there (one of
   * this cookie's name, from an earlier commit or set by hand, is replaced); returns them.
   */
  commit(session: WebSession<T>, headers: Headers): string[];
  /**
   * Expires the cookie with this response (what `req.session = null` does on Express); the
   * session stays usable, empty, and a later change writes a new one instead.
   */
  remove(session: WebSession<T>): void;
  /**
   * Replaces the session's content with `content`'s own keys, keeping its lifetime (what
   * `req.session = { ... }` does on Express): method names and `__proto__` keys are not stored,
   * null or undefined is remove(), and anything else but a plain object throws a TypeError. The
   * session object stays the same.
   */
  replace(session: WebSession<T>, content: Partial<T>): void;
  /** Which codec runs: `native` (the Rust binary) or `js` (node:crypto). */
  readonly backend: BackendName;
  /** The cookie's name. */
  readonly cookieName: string;
}

/** The store's body, shared with the adapters built on it (Hono). */
export interface StoreParts<Input> {
  setup: SessionSetup;
  open(input: Input): { state: SessionState<Input>; session: object };
  stateOf(session: unknown, method: string): SessionState<Input>;
}

function firstChange(): void {
  // Nothing to install: the application asks for the Set-Cookie values itself.
}

export function storeParts<Input>(options: SessionOptions<Input> | undefined, entry: OptionsEntry, usage: string, view: { cookieHeader(input: Input): string | undefined; isSecure(input: Input, trustProxy: boolean): boolean }): StoreParts<Input> {
  const setup = setUpSessions(options as SessionOptions | undefined, entry, usage);
  const { settings, codec } = setup;
  return {
    setup,
    open(input) {
      const state = new SessionState(settings, codec, view, input, firstChange);
      return { state, session: sessionHandle(state) };
    },
    stateOf(session, method) {
      const state = stateOfHandle(session);
      if (state === undefined || state.settings !== settings) {
        throw codedError('ERR_CLIENT_SESSIONS_ARGUMENT', `${method}() takes a session returned by this store's load() (for the ${settings.cookieName} cookie), got ${state === undefined ? describeValue(session) : `a session of the ${state.settings.cookieName} cookie's store`}`, TypeError);
      }
      return state as SessionState<Input>;
    },
  };
}

/**
 * Adds ours beside the Set-Cookie values already in `headers`. One of the same name (an earlier
 * commit of this session, or the application's) is taken out first, as the Connect and Fastify
 * adapters do: the browser would keep whichever came last, and the session's is the one meant.
 */
export function appendSetCookies(headers: Headers, ours: readonly string[]): void {
  const existing = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
  const names = new Set(ours.map(cookieNameOf));
  if (existing.some((line) => names.has(cookieNameOf(line)))) {
    headers.delete('set-cookie');
    for (const line of existing) if (!names.has(cookieNameOf(line))) headers.append('set-cookie', line);
  }
  for (const cookie of ours) headers.append('set-cookie', cookie);
}

/** The name a Set-Cookie line sets. */
function cookieNameOf(line: string): string {
  const eq = line.indexOf('=');
  return (eq < 0 ? line : line.slice(0, eq)).trim();
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'another object' : `a ${typeof value}`;
}

/**
 * Builds a store. Options are the middleware's, checked here, once: a bad option throws with a
 * message that says what to change.
 */
export function createSessionStore<T extends object = Record<string, any>>(options: WebSessionOptions): SessionStore<T> {
  const parts = storeParts<SessionInput>(options, 'web', 'createSessionStore({ cookieName: "session", secret: process.env.SESSION_SECRET })', webRequestView);
  const { settings, codec } = parts.setup;
  return {
    load(input) {
      checkInput(input);
      return parts.open(input).session as WebSession<T>;
    },
    setCookies(session) {
      return parts.stateOf(session, 'setCookies').setCookies(false);
    },
    commit(session, headers) {
      const state = parts.stateOf(session, 'commit');
      if (typeof (headers as Headers | null)?.append !== 'function') {
        throw codedError('ERR_CLIENT_SESSIONS_ARGUMENT', `commit() appends to a Headers (e.g. response.headers), got ${describeValue(headers)}`, TypeError);
      }
      const cookies = state.setCookies(false);
      if (cookies.length === 0) return cookies;
      try {
        appendSetCookies(headers, cookies);
      } catch (err) {
        // Response.redirect(), Response.error() and fetch() give responses whose headers are immutable.
        throw codedError('ERR_CLIENT_SESSIONS_ARGUMENT', `commit() could not add the ${settings.cookieName} cookie to these headers (${(err as Error).message}): commit to the headers of a Response you make, e.g. new Response(body, { status: 302, headers: { location } })`, TypeError);
      }
      return cookies;
    },
    remove(session) {
      parts.stateOf(session, 'remove').content = null;
    },
    replace(session, content) {
      const state = parts.stateOf(session, 'replace');
      // Given back to itself, the session is unchanged (and not rewritten).
      if (content === session) return;
      state.content = content;
    },
    backend: codec.backend,
    cookieName: settings.cookieName,
  };
}
