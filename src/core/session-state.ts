// One request's session, whatever the framework: loaded from the Cookie header on first use,
// tracked by Proxy, and turned into Set-Cookie values when the adapter asks. The framework's
// request is seen only through the adapter's RequestView (the Cookie header, whether the
// connection is secure) and handed to onError as it is. Nothing here is shared between requests:
// setDuration and ephemeral change this session only.

import type { Codec } from '../codec';
import { resolveCookieOptions, serializeCookie, type CookieOptions, type ResolvedCookieOptions } from '../cookie';
import { PACKAGE, codedError, emitWarning } from '../errors';
import { MAX_DURATION } from '../options';
import { chunkCookiesIn, chunkCount, chunkName, format2ValueLength, splitValue, staleChunks } from './chunks';
import { reportProblem } from './report';
import { MAX_SET_COOKIE_LENGTH, type SessionSettings } from './settings';
import { createTracker, dropForbiddenKeys, isPlainObject, parseContent, unwrap, type MethodSource, type Tracker } from './tracking';

/**
 * What the core reads from a framework's request: one object per adapter, shared by every
 * request, so a request costs no closures for it.
 */
export interface RequestView<Request> {
  /** The raw `Cookie` header, or undefined. Read once, on the session's first use. */
  cookieHeader(request: Request): string | undefined;
  /** Whether the client reached us over TLS; asked only when the cookie's Secure depends on it. */
  isSecure(request: Request, trustProxy: boolean): boolean;
}

export type Callback = (err?: Error | null) => void;

/** Calls back, or resolves when called without a callback. */
export interface CallbackOrPromise {
  (callback: Callback): void;
  (): Promise<void>;
}

/**
 * The methods every session object carries (non-enumerable, never stored). They are read-only:
 * assigning one throws at run time, so the types refuse it too.
 */
export interface SessionMethods {
  /** Empties the session except `keysToKeep` (a key or a list of keys), and starts a new lifetime from now. */
  readonly reset: (keysToKeep?: string | readonly string[]) => void;
  /**
   * `reset()`, then calls back (or resolves): express-session's `destroy(cb)` logout works as
   * written. To remove the cookie itself, assign `null` to the session.
   */
  readonly destroy: CallbackOrPromise;
  /** Gives this session a lifetime of `ms` from now; `ephemeral` makes it a browser-session cookie. */
  readonly setDuration: (ms: number, ephemeral?: boolean) => void;
  /** A new, empty session object with a new lifetime (Passport calls this at login). */
  readonly regenerate: CallbackOrPromise;
  /** Nothing to store server-side: the cookie is written with the response headers. */
  readonly save: CallbackOrPromise;
}

/**
 * The methods @fastify/secure-session's sessions carry, for `secureSessionMethods: true`, so that
 * code written for it runs as it is. `changed` and `deleted` are read-only flags. Only with the
 * option: without it these are ordinary keys (`session.data` is a common one).
 */
export interface SecureSessionMethods<T extends object = Record<string, any>> {
  /** `session[key]`. */
  readonly get: <K extends keyof T>(key: K) => T[K] | undefined;
  /** `session[key] = value`, and the lifetime starts again from now, as @fastify/secure-session's set() does. */
  readonly set: <K extends keyof T>(key: K, value: T[K]) => void;
  /** Deletes the cookie when the reply goes out, as assigning `null` to the session does. */
  readonly delete: () => void;
  /** Writes the cookie again with a lifetime starting now, content unchanged. */
  readonly touch: () => void;
  /** A plain copy of the content, without the methods. */
  readonly data: () => Partial<T>;
  /** Cookie options for this response's cookie, over the configured ones (`{ maxAge, path, ... }`). */
  readonly options: (cookie: CookieOptions) => void;
  /** Whether the cookie will be written (or deleted) with this response. */
  readonly changed: boolean;
  /** Whether the cookie will be deleted with this response. */
  readonly deleted: boolean;
}

const METHOD_NAMES: ReadonlySet<string> = new Set(['reset', 'destroy', 'setDuration', 'regenerate', 'save']);
const WITH_SECURE_SESSION_METHODS: ReadonlySet<string> = new Set([...METHOD_NAMES, 'get', 'set', 'delete', 'touch', 'data', 'options', 'changed', 'deleted']);

/** The reserved names on a session object under these settings. */
export function reservedNames(settings: Pick<SessionSettings, 'secureSessionMethods'>): ReadonlySet<string> {
  return settings.secureSessionMethods ? WITH_SECURE_SESSION_METHODS : METHOD_NAMES;
}

export class SessionState<Request = unknown> implements MethodSource {
  readonly #settings: SessionSettings;
  readonly #codec: Codec;
  readonly #view: RequestView<Request>;
  readonly #req: Request;
  #loaded = false;
  #dirty = false;
  /** `req.session = null`: the response expires the cookie, unless the session is written again. */
  #deleting = false;
  #content: Record<string, unknown> = {};
  #tracker: Tracker | undefined;
  /** Undefined until the session has a lifetime (a new session gets one when first written). */
  #createdAt: number | undefined;
  #duration: number;
  /**
   * When the session began (login, reset, regenerate, setDuration), for format 2's absolute
   * lifetime; set with #createdAt, and unlike it never moved by activity.
   */
  #issuedAt: number | undefined;
  /** Which chunk cookies (`name.1` ... `name.3`) the request carried, to expire stale ones. */
  #chunkCookies = 0;
  #ephemeral: boolean;
  #methods: Record<string, unknown> | undefined;
  /** The adapter has taken the Set-Cookie values: a later change cannot be saved. */
  #closed = false;
  /** Cookie options for this response only (secure-session's `options()`), else the settings'. */
  #cookie: ResolvedCookieOptions | undefined;

  /** Called once, when the session first has something to write (installs the header hook). */
  readonly #onFirstChange: () => void;

  constructor(settings: SessionSettings, codec: Codec, view: RequestView<Request>, req: Request, onFirstChange: () => void) {
    this.#onFirstChange = onFirstChange;
    this.#settings = settings;
    this.#codec = codec;
    this.#view = view;
    this.#req = req;
    this.#duration = settings.duration;
    this.#ephemeral = settings.cookie.ephemeral;
  }

  /** What `req[requestKey]` returns: the tracked content. */
  get content(): object {
    this.#load();
    return this.#root();
  }

  /**
   * `req[requestKey] = value`: an object replaces the content, keeping the lifetime; `null` or
   * `undefined` (cookie-session's logout) deletes the cookie and leaves an empty session for the
   * rest of the request. Anything else throws, with client-sessions' message.
   */
  set content(value: unknown) {
    if (value === null || value === undefined) {
      this.#delete();
      return;
    }
    if (!isPlainObject(value)) {
      throw codedError('ERR_CLIENT_SESSIONS_NOT_AN_OBJECT', 'cannot set client-session to non-object', TypeError, false);
    }
    this.#load();
    const content = unwrap(value);
    // The method names are not data: client-sessions overwrote them on an assigned object with
    // its methods, so the data under them was never stored there either.
    for (const name of this.names) if (Object.prototype.hasOwnProperty.call(content, name)) delete content[name];
    dropForbiddenKeys(content);
    this.#replace(content);
  }

  /** The settings of the adapter instance this session belongs to. */
  get settings(): SessionSettings {
    return this.#settings;
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  reset(keysToKeep?: string | readonly string[]): void {
    this.#load();
    // One key may be given as a string (client-sessions kept it too, by an accident of indexOf
    // that also kept every key whose name is part of the string; here it is that one key).
    const keep: readonly unknown[] = typeof keysToKeep === 'string' ? [keysToKeep] : Array.isArray(keysToKeep) ? keysToKeep : [];
    for (const key of Object.keys(this.#content)) {
      if (!keep.includes(key)) delete this.#content[key];
    }
    this.#renew();
  }

  setDuration(ms: number, ephemeral?: boolean): void {
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms <= 0 || ms > MAX_DURATION) {
      throw codedError('ERR_CLIENT_SESSIONS_DURATION', `setDuration needs a whole number of milliseconds above 0 up to ${MAX_DURATION}, got ${typeof ms === 'number' ? String(ms) : `a ${typeof ms}`}`, TypeError);
    }
    if (ephemeral && this.#settings.cookie.maxAge !== undefined) {
      throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', 'you cannot have an ephemeral cookie with a maxAge.', Error, false);
    }
    this.#load();
    this.#duration = ms;
    this.#createdAt = Date.now();
    this.#issuedAt = this.#createdAt;
    this.#ephemeral = Boolean(ephemeral);
    this.#changed();
  }

  /**
   * The Set-Cookie values to send: none when nothing changed, or when nothing may be sent (a
   * Secure cookie on plain HTTP, content JSON cannot hold, a cookie too large for browsers; each
   * reported to onError). Adapters that write the response call it once, as the headers go,
   * and a later change is reported as too late. `close: false` (the web store, where the
   * application decides when the response goes) takes the values and leaves the session open:
   * a later change makes the next call give the cookie again, and an unchanged session none.
   */
  setCookies(close = true): string[] {
    if (close) this.#closed = true;
    const cookies = this.#cookiesToWrite();
    if (!close) this.#dirty = false;
    if (cookies === undefined) return [];
    // A chunked value is cut to fit; one cookie is checked here, as it always was.
    const size = Buffer.byteLength(cookies[0]!);
    if (size > MAX_SET_COOKIE_LENGTH) {
      this.#reportTooLarge(size);
      return [];
    }
    return cookies;
  }

  #reportTooLarge(size: number): void {
    const { cookieName, maxChunks } = this.#settings;
    const fix = maxChunks > 1 ? `, even in ${maxChunks} cookies: store less in the session` : this.#settings.format === 2 ? ': store less in the session, or allow more cookies with maxChunks (up to 4)' : ': store less in the session';
    reportProblem(this.#settings, this.#req, 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE', 'warn',
      `the ${cookieName} cookie is ${size} bytes, over the ${MAX_SET_COOKIE_LENGTH} browsers keep, so it was not sent${fix}`,
      undefined, size);
  }

  #cookiesToWrite(): string[] | undefined {
    if (!this.#dirty) return undefined;
    const { cookieName } = this.#settings;
    const cookie = this.#cookie ?? this.#settings.cookie;
    // Asked only when the answer matters: Express's req.secure getter is not free.
    const secureConnection = cookie.secure !== 'never' && this.#view.isSecure(this.#req, this.#settings.proxy);
    const secure = cookie.secure === 'always' || (cookie.secure === 'auto' && secureConnection);
    if (secure && !secureConnection) {
      warnInsecureOnce(this.#settings);
      reportProblem(this.#settings, this.#req, 'ERR_CLIENT_SESSIONS_INSECURE_CONNECTION', 'debug',
        `the ${cookieName} cookie is Secure, so it is not sent over this insecure connection (set proxy: true or Express "trust proxy" behind a TLS proxy)`);
      return undefined;
    }
    // Emptied and expired, as the `cookies` module spells a deletion.
    if (this.#deleting) return this.#withStaleChunks([this.#serialize('', EPOCH, secure)], 1, secure);
    let json: string;
    try {
      json = JSON.stringify(this.#content);
    } catch (err) {
      reportProblem(this.#settings, this.#req, 'ERR_CLIENT_SESSIONS_ENCODE_FAILED', 'error',
        `the session in the ${cookieName} cookie cannot be written as JSON (${(err as Error).message}); the cookie was not changed`);
      return undefined;
    }
    const now = Date.now();
    const createdAt = (this.#createdAt ??= now);
    const issuedAt = (this.#issuedAt ??= createdAt);
    if (this.#settings.format === 2) return this.#format2Cookies(json, now, createdAt, issuedAt, cookie, secure);
    const value = this.#codec.encode(json, createdAt, this.#duration);
    let expires: Date | undefined;
    if (this.#ephemeral) expires = undefined;
    else if (cookie.maxAge !== undefined) expires = new Date(now + cookie.maxAge);
    else if (cookie.expires !== undefined) expires = cookie.expires;
    // One second more than the session, as client-sessions does: Expires has whole seconds.
    else expires = new Date(createdAt + this.#duration + 1000);
    return this.#withStaleChunks([this.#serialize(value, expires, secure)], 1, secure);
  }

  /**
   * Format 2: the session ends at createdAt + duration, never past issuedAt + absoluteDuration,
   * and neither does the cookie's Expires (cut to whole seconds, so it ends no later). A value
   * too long for one cookie is split across up to maxChunks.
   */
  #format2Cookies(json: string, now: number, createdAt: number, issuedAt: number, cookie: ResolvedCookieOptions, secure: boolean): string[] | undefined {
    const { cookieName, absoluteDuration, maxChunks } = this.#settings;
    const end = absoluteDuration > 0 ? issuedAt + absoluteDuration : Infinity;
    const expiresAt = Math.min(createdAt + this.#duration, end);
    let expires: Date | undefined;
    if (this.#ephemeral) expires = undefined;
    else if (cookie.maxAge !== undefined) expires = new Date(Math.min(now + cookie.maxAge, end));
    else if (cookie.expires !== undefined) expires = new Date(Math.min(cookie.expires.getTime(), end));
    else expires = new Date(expiresAt);
    let count = 1;
    let overhead = 0;
    if (maxChunks > 1) {
      overhead = Buffer.byteLength(this.#serialize('', expires, secure)) - (cookieName.length + 1);
      const length = format2ValueLength(Buffer.byteLength(json));
      const needed = chunkCount(cookieName, length, overhead, maxChunks);
      if (needed === undefined) {
        this.#reportTooLarge(length + overhead + cookieName.length + 1);
        return undefined;
      }
      count = needed;
    }
    const value = this.#codec.encode(json, issuedAt, Math.max(0, expiresAt - issuedAt), issuedAt, count);
    if (count === 1) return this.#withStaleChunks([this.#serialize(value, expires, secure)], 1, secure);
    const cookies = splitValue(cookieName, value, count, overhead).map((piece, index) =>
      serializeCookie(chunkName(cookieName, index), piece, cookie, expires, secure),
    );
    return this.#withStaleChunks(cookies, count, secure);
  }

  /** Expires the chunk cookies the request carried that this write no longer uses. */
  #withStaleChunks(cookies: string[], used: number, secure: boolean): string[] {
    if (this.#chunkCookies === 0) return cookies;
    const cookie = this.#cookie ?? this.#settings.cookie;
    for (const index of staleChunks(this.#chunkCookies, used)) {
      cookies.push(serializeCookie(chunkName(this.#settings.cookieName, index), '', cookie, EPOCH, secure));
    }
    return cookies;
  }

  #serialize(value: string, expires: Date | undefined, secure: boolean): string {
    if (this.#cookie === undefined) return this.#settings.serialize(value, expires, secure);
    return serializeCookie(this.#settings.cookieName, value, this.#cookie, expires, secure);
  }

  #root(): object {
    if (this.#tracker === undefined) {
      const tracker: Tracker = createTracker(this.#content, () => this.#markDirty(tracker), this);
      this.#tracker = tracker;
    }
    return this.#tracker.root;
  }

  #changed(): void {
    // Anything written after `= null` is a new session, sent as one.
    this.#deleting = false;
    if (this.#closed) {
      this.#closed = false;
      reportLateChange(this.#settings, this.#req);
    }
    if (this.#dirty) return;
    this.#dirty = true;
    this.#onFirstChange();
  }

  /**
   * The response has started without asking for this session's cookies (the adapter saw the
   * headers go while the session was untouched): a later change is reported, not lost silently.
   */
  close(): void {
    this.#closed = true;
  }

  /** The reserved names on the session object (MethodSource, for the root Proxy). */
  get names(): ReadonlySet<string> {
    return reservedNames(this.#settings);
  }

  /** A session method, bound to this session; made only when the application asks for it. */
  method(name: string): unknown {
    if (name === 'changed') return this.#dirty;
    if (name === 'deleted') return this.#dirty && this.#deleting;
    this.#methods ??= {};
    return (this.#methods[name] ??= this.#makeMethod(name));
  }

  #makeMethod(name: string): unknown {
    switch (name) {
      case 'reset':
        return (keysToKeep?: readonly string[]) => this.reset(keysToKeep);
      case 'destroy':
        return (callback?: Callback) => {
          this.reset();
          return settle(callback);
        };
      case 'setDuration':
        return (ms: number, ephemeral?: boolean) => this.setDuration(ms, ephemeral);
      case 'regenerate':
        return (arg?: Callback | readonly string[]) => this.#regenerate(arg);
      case 'save':
        return (callback?: Callback) => settle(callback);
      // With secureSessionMethods only (the names are not reserved otherwise).
      case 'get':
        return (key: string) => (this.content as Record<string, unknown>)[key];
      case 'set':
        return (key: string, value: unknown) => {
          (this.content as Record<string, unknown>)[key] = value;
          this.#touch();
        };
      case 'delete':
        return () => this.#delete();
      case 'touch':
        return () => this.#touch();
      case 'data':
        // What the cookie would hold: JSON is all a session keeps, and the copy is detached.
        return () => JSON.parse(JSON.stringify(this.#loadedContent()));
      case 'options':
        return (cookie: CookieOptions) => this.#setCookieOptions(cookie);
      default:
        return undefined;
    }
  }

  #markDirty(from: Tracker | undefined): void {
    // A proxy from before regenerate() belongs to the old session: writes to it are ignored.
    if (from === this.#tracker) this.#changed();
  }

  /** Reads the cookie, once, on first use. */
  #load(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    const decoded = this.#codec.decodeFromHeader(this.#view.cookieHeader(this.#req));
    this.#chunkCookies = decoded.chunkCookies;
    if (decoded.status === 'absent') return;
    const { cookieName } = this.#settings;
    if (decoded.status === 'valid') {
      let content: Record<string, unknown> | undefined;
      try {
        content = parseContent(decoded.json);
      } catch {
        content = undefined;
      }
      if (content !== undefined) {
        this.#content = content;
        this.#issuedAt = decoded.issuedAt;
        if (decoded.format === 2) {
          // Format 2 seals when the session began and ends, not its duration: the end is kept,
          // and touch() or a refresh works from the configured duration.
          this.#duration = this.#settings.duration;
          this.#createdAt = decoded.createdAt + decoded.duration - this.#duration;
        } else {
          this.#createdAt = decoded.createdAt;
          this.#duration = decoded.duration;
        }
        if (decoded.refresh) {
          // Close to expiry and in use: extend by activeDuration, as client-sessions does.
          this.#createdAt += this.#settings.activeDuration;
          this.#changed();
        }
        // Made with an old key, or in the other format: write it again with the current ones.
        if (decoded.keyIndex > 0 || decoded.format !== this.#settings.format) this.#changed();
        return;
      }
      reportProblem(this.#settings, this.#req, 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug',
        `the ${cookieName} cookie holds no JSON object; starting a new session`, 'not-an-object');
    } else {
      const reason = decoded.status === 'expired' ? 'expired' : decoded.reason;
      reportProblem(this.#settings, this.#req, 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug',
        `the ${cookieName} cookie is ${reason}; starting a new session`, reason);
    }
    // An expired or unreadable cookie is replaced by a new, empty session (only written if the
    // request uses the session, since nothing is decoded otherwise).
    this.#renew();
  }

  /** A new lifetime from now with the configured duration. */
  #renew(): void {
    this.#createdAt = Date.now();
    this.#issuedAt = this.#createdAt;
    this.#duration = this.#settings.duration;
    this.#ephemeral = this.#settings.cookie.ephemeral;
    this.#changed();
  }

  /** Nothing is decoded: whatever the cookie held is gone, and no lifetime carries over. */
  #delete(): void {
    // Not read yet: which chunk cookies to expire comes from the header itself.
    if (!this.#loaded) this.#chunkCookies = chunkCookiesIn(this.#view.cookieHeader(this.#req), this.#settings.cookieName);
    this.#loaded = true;
    this.#content = {};
    this.#tracker = undefined;
    this.#createdAt = undefined;
    this.#issuedAt = undefined;
    this.#duration = this.#settings.duration;
    this.#ephemeral = this.#settings.cookie.ephemeral;
    this.#changed();
    this.#deleting = true;
  }

  #replace(content: Record<string, unknown>): void {
    this.#content = content;
    this.#tracker = undefined;
    this.#changed();
  }

  /** A callback, or (as @fastify/secure-session's regenerate takes) the keys to keep. */
  #regenerate(arg?: Callback | readonly string[]): Promise<void> | undefined {
    this.#load();
    const kept: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      for (const key of arg) if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(this.#content, key)) kept[key] = this.#content[key];
    }
    this.#replace(kept);
    this.#renew();
    return settle(typeof arg === 'function' ? arg : undefined);
  }

  #loadedContent(): Record<string, unknown> {
    this.#load();
    return this.#content;
  }

  /** A lifetime from now, keeping this session's duration. */
  #touch(): void {
    this.#load();
    this.#createdAt = Date.now();
    this.#changed();
  }

  #setCookieOptions(options: CookieOptions): void {
    if (options === null || typeof options !== 'object') {
      throw codedError('ERR_CLIENT_SESSIONS_COOKIE_OPTIONS', `session.options() takes cookie options, e.g. { maxAge: 3600000 }, got ${options === null ? 'null' : `a ${typeof options}`}`, TypeError);
    }
    const { givenCookie, cookieName } = this.#settings;
    const resolved = resolveCookieOptions({ ...givenCookie, ...options }, cookieName);
    this.#cookie = resolved;
    this.#ephemeral = resolved.ephemeral;
  }
}

const EPOCH = new Date(0);

/** Once per change after the Set-Cookie values were taken (set again by the next setCookies()). */
export function reportLateChange(settings: SessionSettings, req: unknown): void {
  reportProblem(settings, req, 'ERR_CLIENT_SESSIONS_HEADERS_SENT', 'warn',
    `the session in the ${settings.cookieName} cookie changed after the response headers were sent, so the change cannot be saved: change it before the response starts`);
}

// A Secure cookie on plain HTTP never reaches the browser, and in local development that looks
// like every login being lost. The per-request report is a debug line, so once per middleware
// the misconfiguration is also a process warning nobody can miss.
const warnedInsecure = new WeakSet<SessionSettings>();

function warnInsecureOnce(settings: SessionSettings): void {
  if (warnedInsecure.has(settings)) return;
  warnedInsecure.add(settings);
  const { cookie, cookieName } = settings;
  let why = 'it has cookie.secure: true';
  if (/^__(?:host|secure)-/i.test(cookieName)) why = 'it is Secure (cookies named __Host-… or __Secure-… must be)';
  else if (cookie.sameSite === 'none' || cookie.partitioned) why = 'it is Secure (SameSite=None and Partitioned cookies must be)';
  emitWarning(
    `${PACKAGE}: the ${cookieName} cookie was not sent, because the request came over plain HTTP and ${why}, which browsers only accept over HTTPS. ` +
      `Use cookie.secure: 'auto' to send it over HTTPS only where the connection allows; behind a TLS proxy, set proxy: true or Express "trust proxy". ` +
      `(Shown once; NODE_DEBUG=client-sessions-native logs each request.)`,
    'ERR_CLIENT_SESSIONS_INSECURE_CONNECTION',
  );
}

/** Calls back on the next tick, or returns a resolved Promise when no callback is given. */
function settle(callback?: Callback): Promise<void> | undefined {
  if (typeof callback === 'function') {
    process.nextTick(callback, null);
    return undefined;
  }
  return Promise.resolve();
}
