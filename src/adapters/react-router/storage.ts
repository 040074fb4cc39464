// React Router's SessionStorage over the session core: getSession(cookieHeader) decodes the
// cookie through a SessionState (lifetime, activeDuration refresh, key-rotation, hostile cookies,
// onError reports) and hands the application one of React Router's own Sessions, made by its
// createSession, so get/set/has/unset/flash and isSession() are exactly React Router's.
// commitSession(session) writes that Session's data back through the same SessionState, keeping
// the lifetime of the cookie it was read from; the wire format is the Express middleware's.
//
// React Router itself is passed in (see src/react-router.ts, the one place it is loaded), so the
// same code runs on the application's React Router 7 or 8 and the specs can run it on both.

import type { CookieSerializeOptions, Session, SessionData, SessionStorage } from 'react-router';

import type { BackendName } from '../../codec';
import { codedError, type CodedError } from '../../errors';
import type { ErrorHandler, SessionProblem } from '../../core/report';
import { SessionState, type RequestView } from '../../core/session-state';
import type { SessionOptions, SessionSettings } from '../../core/settings';
import { setUpSessions } from '../../core/setup';
import { parseContent } from '../../core/tracking';
import { describe } from '../../options';
import { toCookieOptions } from './commit-options';

/** What getSession() was given, normalised: the Cookie header, or undefined for none. */
export type CookieHeader = string | undefined;

/**
 * The storage's options: the middleware's, with onError receiving the Cookie header the session
 * was read from (undefined when there was none). `requestKey` and `secureSessionMethods` have no
 * meaning here (the session is React Router's Session, on no request) and are ignored.
 */
export type ReactRouterSessionOptions = SessionOptions<CookieHeader>;

/** onError as the storage calls it: the problem, and the Cookie header given to getSession(). */
export type ReactRouterErrorHandler = ErrorHandler<CookieHeader>;

/** React Router's SessionStorage, with the two facts the web store also tells. */
export interface ClientSessionStorage<Data = SessionData, FlashData = Data> extends SessionStorage<Data, FlashData> {
  /** Which codec runs: `native` (the Rust binary) or `js` (node:crypto). */
  readonly backend: BackendName;
  /** The cookie's name. */
  readonly cookieName: string;
}

/** What the storage uses of React Router: its Session factory and its check. */
export interface ReactRouterSessionApi {
  createSession(initialData: Record<string, unknown>, id: string): Session<any, any>;
  isSession(object: unknown): boolean;
}

// A header string says nothing about the connection, so a Secure cookie (cookie.secure true or
// 'auto', a __Secure-/__Host- name, SameSite=None, Partitioned) is always written with Secure,
// as the web store does for a header string: a browser drops it over plain HTTP (except on
// localhost, where React Router's dev server runs), and it never reaches the application unsent.
const headerView: RequestView<CookieHeader> = {
  cookieHeader: (header) => header,
  isSecure: () => true,
};

const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * A SessionState whose content may use any key. The core reserves its session methods' names
 * (reset, destroy, save, ...) because they live on the tracked object the Express middleware
 * hands out; here the application holds React Router's Session, never that object, so a
 * `session.set('save', ...)` is data like any other, and must not be dropped at commit.
 */
class StorageState extends SessionState<CookieHeader> {
  override get names(): ReadonlySet<string> {
    return NO_NAMES;
  }
}

// Problems the core reports while making a Set-Cookie value that stop it being made (too large;
// not JSON, though the content given to it is always JSON here). Those reject the commit instead
// of being reported: see cookieOf().
const STOPPING: ReadonlySet<string> = new Set(['ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE', 'ERR_CLIENT_SESSIONS_ENCODE_FAILED']);

/** A Set-Cookie value that expires its cookie: an empty value (a session value never is). */
const DELETION = /^[^=;]+=(?:;|$)/;

function noChangeHook(): void {
  // Nothing to install: commitSession() asks for the Set-Cookie value itself.
}

const USAGE = 'createSessionStorage({ cookieName: "__session", secret: process.env.SESSION_SECRET })';

/**
 * Builds a storage on `api` (React Router's exports). Options are the middleware's, checked here,
 * once: a bad option throws with a message that names it.
 */
export function sessionStorageWith<Data = SessionData, FlashData = Data>(api: ReactRouterSessionApi, options: ReactRouterSessionOptions): ClientSessionStorage<Data, FlashData> {
  const setup = setUpSessions(options as SessionOptions | undefined, 'react-router', USAGE);
  const { codec } = setup;
  if (setup.settings.maxChunks > 1) {
    // commitSession() returns one Set-Cookie value, and browsers do not split one into several
    // cookies: a session cut across name, name.1, ... could never reach them. Refused here, as
    // every option that cannot work is, rather than at the first large commit.
    throw codedError(
      'ERR_CLIENT_SESSIONS_OPTIONS',
      `maxChunks above 1 cannot work with React Router: commitSession() returns one Set-Cookie value, so a session must fit in one cookie: leave maxChunks out for this storage`,
    );
  }

  // The core reports problems through settings.onError, and catches what a handler throws, so a
  // problem that stops a commit is caught here instead: while a Set-Cookie value is made (a
  // synchronous call, so nothing else can report in between) the stopping ones are kept, for
  // cookieOf() to reject with, and the rest go on to the application's handler.
  const userOnError = setup.settings.onError;
  let stopped: SessionProblem | undefined;
  let making = false;
  const settings: SessionSettings = {
    ...setup.settings,
    onError(err: SessionProblem, header: CookieHeader) {
      if (making && STOPPING.has(err.code)) stopped ??= err;
      else userOnError(err, header);
    },
  };
  const { cookieName } = settings;

  /**
   * Each Session from getSession() → the SessionState its cookie was decoded into, which holds
   * that cookie's lifetime (when it began and when it ends, the end already moved on by
   * activeDuration when the cookie was close to it) and whether it was made with an old key or
   * in the other format, so the commit writes it again with the current ones. Kept rather than
   * decoding the header again at commit: one decryption per request, and the lifetime is the one
   * the cookie had when it was read, however long the loader or action takes. A WeakMap, so a
   * Session that is dropped takes its state with it, and nothing is added to React Router's
   * object (a Session serialised by the application carries nothing of ours).
   */
  const states = new WeakMap<object, StorageState>();

  function open(header: CookieHeader): StorageState {
    return new StorageState(settings, codec, headerView, header, noChangeHook);
  }

  /** The state behind `session`; a Session this storage did not read (createSession(), another storage's) starts a new lifetime at its first commit. */
  function stateOf(session: object): StorageState {
    let state = states.get(session);
    if (state === undefined) {
      state = open(undefined);
      states.set(session, state);
    }
    return state;
  }

  /** The one Set-Cookie value the state makes now; a problem that stops it rejects the call. */
  function cookieOf(state: StorageState, method: string): string {
    stopped = undefined;
    making = true;
    let cookies: string[];
    try {
      cookies = state.setCookies(false);
    } finally {
      making = false;
    }
    const problem = stopped;
    stopped = undefined;
    if (cookies.length === 0 || problem !== undefined) throw stoppedError(problem, method, cookieName);
    // After the value come deletions of chunk cookies (name.1, ...) the request carried and this
    // value does not use, which one Set-Cookie string cannot hold. They are left out: a
    // value seals how many chunks it has, so a stale one is never read, only sent until it
    // expires. Anything else after the value would be part of the session, and is not dropped.
    const parts = cookies.filter((cookie) => !DELETION.test(cookie)).length;
    if (parts > 1) {
      throw codedError('ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE', `the ${cookieName} session needs ${parts} cookies, and ${method}() returns one Set-Cookie value: store less in the session`);
    }
    return cookies[0]!;
  }

  function applyCookieOptions(state: StorageState, given: unknown, method: string, lifetime: boolean): void {
    // Always set, even to nothing: the override lasts for the state, and one commit's options
    // must not carry over to the next commit of the same Session.
    (state.method('options') as (cookie: object) => void)(toCookieOptions(given, method, lifetime));
  }

  return {
    async getSession(cookieHeader?: string | null) {
      const state = open(headerArgument(cookieHeader));
      // A detached JSON copy of what the cookie held (no prototype keys: the core's parseContent
      // dropped them at any depth when it decoded the cookie). A missing, tampered, expired or
      // unreadable cookie is an empty session, reported to onError at level debug.
      const data = (state.method('data') as () => Record<string, unknown>)();
      const session = api.createSession(data, '');
      states.set(session, state);
      return session as Session<Data, FlashData>;
    },

    async commitSession(session: Session<Data, FlashData>, callOptions?: CookieSerializeOptions) {
      if (!api.isSession(session)) {
        throw codedError('ERR_CLIENT_SESSIONS_ARGUMENT', `commitSession() takes a session from getSession(), got ${describeArgument(session)}`, TypeError);
      }
      const content = plainContent(session);
      const state = stateOf(session);
      applyCookieOptions(state, callOptions, 'commitSession', true);
      // Replaces the content, keeping the lifetime the state holds (a first commit of a new
      // session starts it now).
      state.content = content;
      return cookieOf(state, 'commitSession');
    },

    async destroySession(session: Session<Data, FlashData>, callOptions?: CookieSerializeOptions) {
      // Any value is taken, as React Router's cookie storage takes it: the cookie is expired
      // either way. A Session of this storage also forgets its lifetime, so committing it again
      // starts a new one.
      const state = session !== null && typeof session === 'object' ? stateOf(session) : open(undefined);
      applyCookieOptions(state, callOptions, 'destroySession', false);
      state.content = null;
      return cookieOf(state, 'destroySession');
    },

    backend: codec.backend,
    cookieName,
  };
}

/** React Router passes `request.headers.get('Cookie')`: a string, or null. */
function headerArgument(value: unknown): CookieHeader {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw codedError(
    'ERR_CLIENT_SESSIONS_ARGUMENT',
    `getSession() takes the request's Cookie header, e.g. getSession(request.headers.get("Cookie")), got ${describeArgument(value)}`,
    TypeError,
  );
}

/**
 * The Session's data as the plain JSON the cookie will hold: the same values React Router's
 * cookie storage keeps (it writes JSON.stringify(session.data) too), detached from the
 * application's objects, and without `__proto__` keys at any depth (session.set('__proto__', x),
 * or request JSON stored in the session, would otherwise carry one into the cookie).
 */
function plainContent(session: Session<any, any>): Record<string, unknown> {
  let json: string | undefined;
  try {
    json = JSON.stringify(session.data);
  } catch (err) {
    throw codedError('ERR_CLIENT_SESSIONS_ENCODE_FAILED', `the session cannot be written as JSON (${(err as Error).message}): keep only JSON values (strings, numbers, booleans, null, arrays and plain objects) in it`, TypeError);
  }
  const content = json === undefined ? undefined : parseContent(json);
  if (content === undefined) {
    throw codedError('ERR_CLIENT_SESSIONS_NOT_AN_OBJECT', `commitSession() needs session.data to be an object, got ${describeArgument(session.data)}`, TypeError);
  }
  return content;
}

/**
 * The rejection for a commit that wrote nothing. React Router's own cookie storage throws when
 * its cookie would be over 4096 bytes, and so does this one (same point, its own code), rather
 * than returning a header that would lose what the action just stored.
 */
function stoppedError(problem: SessionProblem | undefined, method: string, cookieName: string): CodedError {
  if (problem?.code === 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE') {
    const err = codedError(
      'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE',
      `the ${cookieName} cookie would be ${problem.size} bytes, over the 4096 browsers keep, so ${method}() did not make it: store less in the session (an id, with the rest on the server)`,
    ) as CodedError & { size?: number; cookieName?: string };
    if (problem.size !== undefined) err.size = problem.size;
    err.cookieName = cookieName;
    return err;
  }
  // Not JSON (the content is parsed JSON here, so only if the core changes), or nothing made.
  return codedError(problem?.code ?? 'ERR_CLIENT_SESSIONS_ENCODE_FAILED', `${method}() could not make the ${cookieName} cookie${problem ? ` (${problem.message})` : ''}`);
}

function describeArgument(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return describe(value);
}
