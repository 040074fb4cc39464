// The shared specs' routes and Connect-style middleware as a plain fetch handler, `(request:
// Request) => Response`, served by @hono/node-server, that uses the web store directly: each
// session middleware's options become a store, a route's `req[requestKey]` is that store's
// load(request) (made on first use), assigning null is store.remove() and an object
// store.replace(), and every Response a route makes gets store.commit(session,
// response.headers) for each session, at the moment the Response is made. What a route does to
// `res` builds that Response (ResponseFacade below, shared with hono-app.ts).
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { serve, type ServerType } from '@hono/node-server';

import { createSessionStore, type SessionStore } from '../../src/web.js'; // .js: the CommonJS entry's source (vite would take web.mts for a bare path)
import { sessionOptionsOf } from './sessions';

type Handler = (req: any, res: any) => unknown;
type Middleware = (req: any, res: any, next: (err?: unknown) => void) => void;

export interface WebAppOptions {
  tls?: { key: string; cert: string } | undefined;
}

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

/** How a request facade reaches the sessions: one per adapter. */
export interface SessionAccess {
  /** Whether `key` is a session's requestKey. */
  has(key: PropertyKey): key is string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * The parts of ServerResponse the specs use, building a Web Response. The Response is made when
 * Node would send the headers: at end() for a whole body, or at writeHead(), write() or
 * flushHeaders(), then with a streamed body (this PassThrough's readable side) that later
 * writes and end() feed. `onResponse` sees the Response as it is made (the web app commits
 * the sessions there); headersSent is true from then on.
 */
export class ResponseFacade extends PassThrough {
  statusCode = 200;
  statusMessage = '';
  readonly response: Promise<Response>;
  readonly #headers = new Map<string, string | string[]>();
  #resolve!: (response: Response) => void;
  #sent = false;
  #streaming = false;

  constructor(readonly onResponse?: (response: Response) => void) {
    super();
    this.response = new Promise((resolve) => (this.#resolve = resolve));
  }

  get headersSent(): boolean {
    return this.#sent;
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    if (this.#sent) throw Object.assign(new Error('Cannot set headers after they are sent to the client'), { code: 'ERR_HTTP_HEADERS_SENT' });
    this.#headers.set(name.toLowerCase(), Array.isArray(value) ? value.map(String) : String(value));
    return this;
  }

  getHeader(name: string): string | string[] | undefined {
    return this.#headers.get(name.toLowerCase());
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.#headers.delete(name.toLowerCase());
  }

  getHeaders(): Record<string, string | string[]> {
    return Object.fromEntries(this.#headers);
  }

  /**
   * Headers go now, as in Node: the Response is made, with a streamed body. Headers given here
   * replace those set before, except Set-Cookie, whose values are added (a Response's headers
   * keep every Set-Cookie given to them).
   */
  writeHead(status: number, reason?: unknown, headers?: unknown): this {
    if (typeof reason === 'string') this.statusMessage = reason;
    else headers = reason;
    this.statusCode = status;
    const given: Array<[string, unknown]> = [];
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) given.push([String(headers[i]), headers[i + 1]]);
    } else if (headers !== null && typeof headers === 'object') {
      given.push(...Object.entries(headers));
    }
    for (const [name, value] of given) {
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      const before = name.toLowerCase() === 'set-cookie' ? this.getHeader(name) ?? [] : [];
      this.setHeader(name, [...(Array.isArray(before) ? before : [before]), ...values]);
    }
    this.#stream();
    return this;
  }

  flushHeaders(): void {
    this.#stream();
  }

  override write(chunk: any, ...rest: any[]): boolean {
    this.#stream();
    return super.write(chunk, ...rest);
  }

  override end(chunk?: any, ...rest: any[]): this {
    if (this.#streaming) return super.end(chunk, ...rest);
    if (this.#sent) return this;
    // A whole body at once: one Response with that body.
    this.#respond(typeof chunk === 'function' || chunk === undefined ? null : chunk);
    return super.end(...rest.filter((arg) => typeof arg === 'function'));
  }

  #stream(): void {
    if (this.#sent) return;
    this.#streaming = true;
    this.#respond(Readable.toWeb(this) as ReadableStream);
  }

  #respond(body: ConstructorParameters<typeof Response>[0]): void {
    this.#sent = true;
    const headers = new Headers();
    for (const [name, value] of this.#headers) {
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
    }
    const status = this.statusCode;
    const init = { status, headers, ...(this.statusMessage ? { statusText: this.statusMessage } : {}) };
    const response = new Response(NULL_BODY_STATUS.has(status) ? null : body, init);
    this.onResponse?.(response);
    this.#resolve(response);
  }
}

/**
 * The request as the specs' node-style handlers see it: method, url (path and query), headers
 * (a lower-case record), the socket, the body as a stream, and each session at its requestKey.
 */
export function requestFacade(request: Request, socket: unknown, sessions: SessionAccess): any {
  const url = new URL(request.url);
  let headers: Record<string, string> | undefined;
  let body: Readable | undefined;
  const stream = (): Readable => (body ??= request.body ? Readable.fromWeb(request.body as any) : Readable.from([]));
  const target: Record<PropertyKey, unknown> = {
    method: request.method,
    url: url.pathname + url.search,
    get headers() {
      return (headers ??= Object.fromEntries(request.headers));
    },
    socket,
  };
  for (const name of ['setEncoding', 'on', 'once', 'off', 'pipe', 'read', 'resume', 'pause']) {
    target[name] = (...args: unknown[]) => (stream() as any)[name](...args);
  }
  return new Proxy(target, {
    get: (object, key) => (sessions.has(key) ? sessions.get(key) : Reflect.get(object, key)),
    set(object, key, value) {
      if (sessions.has(key)) sessions.set(key, value);
      else object[key] = value;
      return true;
    },
    has: (object, key) => sessions.has(key) || key in object,
  });
}

/**
 * Runs a route: resolves with the Response it makes, rejects with what it throws before that.
 * A route that fails after its Response started has the error recorded and the body ended.
 */
export function runRoute(route: Handler, req: unknown, res: ResponseFacade, errors: unknown[]): Promise<Response> {
  return new Promise((resolve, reject) => {
    void res.response.then(resolve);
    const fail = (err: unknown): void => {
      if (!res.headersSent) return reject(err);
      errors.push(err);
      res.end();
    };
    try {
      Promise.resolve(route(req, res)).catch(fail);
    } catch (err) {
      fail(err);
    }
  });
}

/** Runs Connect-style middleware: 'next', the Response it answered with, or a rejection with next(err). */
export function runMiddleware(mw: Middleware, req: unknown, res: ResponseFacade): Promise<'next' | Response> {
  return new Promise((resolve, reject) => {
    void res.response.then(resolve);
    try {
      mw(req, res, (err) => (err ? reject(err) : resolve('next')));
    } catch (err) {
      reject(err);
    }
  });
}

/** Serves `fetch` with @hono/node-server on a random loopback port, over TLS when asked. */
export async function serveFetch(fetch: (request: Request, env: any) => unknown, options: WebAppOptions): Promise<ServedApp> {
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve(
      {
        fetch,
        port: 0,
        hostname: '127.0.0.1',
        // Keep this process's Request and Response the platform's own.
        overrideGlobalObjects: false,
        ...(options.tls ? { createServer: createTlsServer, serverOptions: { key: options.tls.key, cert: options.tls.cert } } : {}),
      },
      (info: AddressInfo) => resolve(info.port),
    );
  });
  const running = server as ServerType & { closeAllConnections?: () => void };
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        running.closeAllConnections?.();
        running.close(() => resolve());
      }),
  };
}

/** The key a session middleware's session is at: requestKey, else the cookie name. */
export function requestKeyOf(options: { requestKey?: string | undefined; cookieName?: string | undefined }): string {
  return options.requestKey ?? options.cookieName ?? 'session_state';
}

interface Session {
  store: SessionStore;
  key: string;
}

/** The fetch handler app for startApp('web', ...). */
export async function createWebApp(middleware: Middleware[], routes: Record<string, Handler>, errors: unknown[], options: WebAppOptions): Promise<ServedApp> {
  const stores: Session[] = [];
  const others: Middleware[] = [];
  for (const mw of middleware) {
    const sessionOptions = sessionOptionsOf(mw);
    if (sessionOptions === undefined) others.push(mw);
    else stores.push({ store: createSessionStore(sessionOptions as never), key: requestKeyOf(sessionOptions) });
  }
  const keys = new Map(stores.map((s) => [s.key, s.store]));

  async function handle(request: Request, env: { incoming?: { socket?: unknown } } | undefined): Promise<Response> {
    const loaded = new Map<string, object>();
    const sessionAt = (key: string): any => {
      let session = loaded.get(key);
      if (session === undefined) loaded.set(key, (session = keys.get(key)!.load(request)));
      return session;
    };
    const access: SessionAccess = {
      has: (key): key is string => typeof key === 'string' && keys.has(key),
      get: sessionAt,
      set(key, value) {
        const store = keys.get(key)!;
        if (value === null || value === undefined) store.remove(sessionAt(key));
        else store.replace(sessionAt(key), value as object);
      },
    };
    // The application's part: the cookie of every session it used goes on each Response it makes.
    const commit = (response: Response): void => {
      for (const [key, session] of loaded) keys.get(key)!.commit(session as never, response.headers);
    };
    const req = requestFacade(request, env?.incoming?.socket, access);
    try {
      for (const mw of others) {
        const outcome = await runMiddleware(mw, req, new ResponseFacade(commit));
        if (outcome !== 'next') return outcome;
      }
      const route = routes[new URL(request.url).pathname];
      const res = new ResponseFacade(commit);
      if (!route) {
        res.statusCode = 404;
        res.end('not found');
        return res.response;
      }
      return await runRoute(route, req, res, errors);
    } catch (err) {
      errors.push(err);
      const res = new ResponseFacade(commit);
      res.statusCode = 500;
      res.end(String((err as Error)?.message ?? err));
      return res.response;
    }
  }

  return serveFetch(handle, options);
}
