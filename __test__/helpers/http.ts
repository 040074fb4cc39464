// Real servers over real HTTP: the same routes mounted on Express 4, Express 5, Connect, plain
// node:http, Fastify 4 and 5, Hono and a plain fetch handler over the web store (both served by
// @hono/node-server), over plain HTTP or TLS, and a client that carries cookies between
// requests like a browser.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, request as tlsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

import { createFastifyApp, type FastifyVersion } from './fastify-app';
import { createHonoApp } from './hono-app';
import { createWebApp } from './web-app';

const load = createRequire(__filename);

export type WebStandard = 'hono' | 'web';
export type Framework = 'express4' | 'express5' | 'connect' | 'http' | FastifyVersion | WebStandard;
export const FRAMEWORKS: readonly Framework[] = ['express4', 'express5', 'connect', 'http', 'fastify4', 'fastify5', 'hono', 'web'];

/** The Fastify plugin, not the Connect middleware, serves these. */
export const isFastify = (framework: Framework): framework is FastifyVersion => framework === 'fastify4' || framework === 'fastify5';

/**
 * Request and Response instead of node:http: the Hono middleware and the web store. Their
 * session is one handle for the whole request (it stays the same object through regenerate()
 * and assignment), and the cookie goes on the Response when the handler makes it (see
 * hono-app.ts and web-app.ts).
 */
export const isWebStandard = (framework: Framework): framework is WebStandard => framework === 'hono' || framework === 'web';

export type Req = IncomingMessage & Record<string, any>;
export type Handler = (req: Req, res: ServerResponse) => unknown;
export type Middleware = (req: Req, res: ServerResponse, next: (err?: unknown) => void) => void;

/** A private key and certificate (PEM) for an HTTPS server; see helpers/tls.ts. */
export interface TlsCredentials {
  key: string;
  cert: string;
}

export interface StartOptions {
  /** Serve HTTPS with these credentials (node:https), so `req.socket.encrypted` is true. */
  tls?: TlsCredentials | undefined;
}

export interface RunningApp {
  url: string;
  /** Errors that reached the framework's error handler (a 500), for assertions. */
  errors: unknown[];
  close(): Promise<void>;
}

/**
 * Starts `framework` on a random loopback port with `middleware` in order, then (Express only)
 * whatever `configure` adds, then `routes` by exact path. A handler that throws or rejects becomes a 500 whose body is the error message.
 * With `options.tls` the server speaks HTTPS and `url` is an https: URL. On Fastify, session
 * middleware from helpers/sessions.ts are registered as the Fastify plugin with their options,
 * and other middleware run as onRequest hooks (see fastify-app.ts); on Hono they are
 * client-sessions-native/hono's middleware and the rest Hono middleware (hono-app.ts); on `web`
 * each becomes a store the fetch handler loads and commits (web-app.ts). `configure` is for
 * Express only.
 */
export async function startApp(
  framework: Framework,
  middleware: Middleware[],
  routes: Record<string, Handler>,
  configure?: (app: any) => void,
  options: StartOptions = {},
): Promise<RunningApp> {
  const serve = (listener: RequestListener): Server =>
    options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);
  const errors: unknown[] = [];
  if (isFastify(framework)) {
    const fastify = await createFastifyApp(framework, middleware, routes, errors, options);
    const { port } = fastify.server.address() as AddressInfo;
    return { url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, errors, close: () => fastify.close() };
  }
  if (isWebStandard(framework)) {
    const served = await (framework === 'hono' ? createHonoApp : createWebApp)(middleware, routes, errors, options);
    return { ...served, errors };
  }
  const fail = (res: ServerResponse, err: unknown): void => {
    errors.push(err);
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end(String((err as Error)?.message ?? err));
    } else res.end();
  };
  const dispatch = (req: Req, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes[path];
    if (!route) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    try {
      Promise.resolve(route(req, res)).catch((err) => fail(res, err));
    } catch (err) {
      fail(res, err);
    }
  };

  let server: Server;
  if (framework === 'express4' || framework === 'express5') {
    const express = load(framework === 'express4' ? 'express' : 'express5');
    const app = express();
    for (const mw of middleware) app.use(mw);
    // Settings and the framework's own routes, after the session middleware.
    configure?.(app);
    app.use(dispatch);
    app.use((err: unknown, _req: Req, res: ServerResponse, _next: unknown) => fail(res, err));
    server = serve(app);
  } else if (framework === 'connect') {
    const connect = load('connect');
    const app = connect();
    for (const mw of middleware) app.use(mw);
    app.use(dispatch);
    app.use((err: unknown, _req: Req, res: ServerResponse, _next: unknown) => fail(res, err));
    server = serve(app);
  } else {
    server = serve((req, res) => {
      const chain = [...middleware];
      const next = (err?: unknown): void => {
        if (err) return fail(res, err);
        const mw = chain.shift();
        if (mw) mw(req as Req, res, next);
        else dispatch(req as Req, res);
      };
      next();
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export interface Reply {
  status: number;
  body: string;
  headers: Headers;
  /** The raw Set-Cookie lines of this response. */
  setCookies: string[];
}

/** A cookie as a browser stores it, parsed from a Set-Cookie line. */
export interface StoredCookie {
  value: string;
  attributes: Record<string, string | true>;
}

export function parseSetCookie(line: string): { name: string; cookie: StoredCookie } {
  const [pair, ...attrs] = line.split(/;\s*/);
  const eq = pair!.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    if (i < 0) attributes[attr.toLowerCase()] = true;
    else attributes[attr.slice(0, i).toLowerCase()] = attr.slice(i + 1);
  }
  return { name: pair!.slice(0, eq), cookie: { value: pair!.slice(eq + 1), attributes } };
}

interface RawReply {
  status: number;
  body: string;
  headers: Headers;
  setCookies: string[];
}

type BrowserRequest = { method?: string; headers?: Record<string, string>; body?: string };

/** One request with fetch (plain HTTP). */
async function fetchReply(url: string, init: BrowserRequest, headers: Record<string, string>): Promise<RawReply> {
  const res = await fetch(url, { method: init.method ?? 'GET', headers, redirect: 'manual', ...(init.body !== undefined ? { body: init.body } : {}) });
  return { status: res.status, body: await res.text(), headers: res.headers, setCookies: res.headers.getSetCookie() };
}

/** One request over TLS with node:https, trusting `ca` (the test server's self-signed certificate). */
function tlsReply(url: string, init: BrowserRequest, headers: Record<string, string>, ca: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = tlsRequest(url, { method: init.method ?? 'GET', headers, ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', reject);
      res.on('end', () => {
        const replyHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (name === 'set-cookie' || value === undefined) continue;
          for (const one of Array.isArray(value) ? value : [value]) replyHeaders.append(name, one);
        }
        resolve({ status: res.statusCode ?? 0, body, headers: replyHeaders, setCookies: res.headers['set-cookie'] ?? [] });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Keeps cookies between requests (no domain/path matching: one test server per browser). */
export class Browser {
  readonly jar = new Map<string, StoredCookie>();

  /** `options.ca`: the certificate an https: `base` is trusted with. */
  constructor(
    readonly base: string,
    readonly options: { ca?: string } = {},
  ) {}

  cookieHeader(): string | undefined {
    if (this.jar.size === 0) return undefined;
    return [...this.jar].map(([name, c]) => `${name}=${c.value}`).join('; ');
  }

  async request(path: string, init: BrowserRequest = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader();
    if (cookie !== undefined && headers.cookie === undefined) headers.cookie = cookie;
    let reply: RawReply;
    if (this.base.startsWith('https:')) {
      if (this.options.ca === undefined) throw new Error('an https: Browser needs options.ca, the server certificate to trust');
      reply = await tlsReply(this.base + path, init, headers, this.options.ca);
    } else {
      reply = await fetchReply(this.base + path, init, headers);
    }
    const { status, body, headers: replyHeaders, setCookies } = reply;
    for (const line of setCookies) {
      const { name, cookie: stored } = parseSetCookie(line);
      const expires = stored.attributes.expires;
      if (typeof expires === 'string' && Date.parse(expires) <= Date.now()) this.jar.delete(name);
      else this.jar.set(name, stored);
    }
    return { status, body, headers: replyHeaders, setCookies };
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request(path, headers ? { headers } : {});
  }

  async json<T = any>(path: string, headers?: Record<string, string>): Promise<T> {
    const reply = await this.get(path, headers);
    if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${reply.body}`);
    return JSON.parse(reply.body) as T;
  }
}

export function sendJson(res: ServerResponse, value: unknown): void {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(value));
}
