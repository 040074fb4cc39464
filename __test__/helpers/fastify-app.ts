// The shared specs' routes and Connect-style middleware on Fastify 4 or 5, through the Fastify
// plugin: what a route does to `res` becomes the Fastify reply call an app would make (end ->
// reply.send, writeHead/write/flushHeaders -> a streamed reply, whose headers go at once), so
// the session cookie travels Fastify's own onSend path, never a raw write.
import { PassThrough } from 'node:stream';
import { createRequire } from 'node:module';
import type { FastifyReply, FastifyRequest } from 'fastify';

import fastifyClientSessions from '../../src/fastify';
import { sessionOptionsOf } from './sessions';

const load = createRequire(__filename);

export type FastifyVersion = 'fastify4' | 'fastify5';

/** Fastify's request as the specs' node-style handlers see it: own members first, then the IncomingMessage's. */
function requestFacade(request: FastifyRequest): any {
  const raw = request.raw as unknown as Record<PropertyKey, unknown>;
  return new Proxy(request, {
    get(target, key) {
      if (key in target) return Reflect.get(target, key, target);
      const value = raw[key];
      return typeof value === 'function' ? value.bind(raw) : value;
    },
    set(target, key, value) {
      if (key in target) return Reflect.set(target, key, value, target);
      raw[key] = value;
      return true;
    },
    has: (target, key) => key in target || key in raw,
  });
}

/** The parts of ServerResponse the specs use, on a Fastify reply. */
class ReplyFacade extends PassThrough {
  #streaming = false;

  constructor(readonly reply: FastifyReply) {
    super();
  }

  get statusCode(): number {
    return this.reply.statusCode;
  }

  set statusCode(code: number) {
    this.reply.code(code);
  }

  get headersSent(): boolean {
    return this.reply.sent || this.reply.raw.headersSent;
  }

  get socket(): unknown {
    return this.reply.raw.socket;
  }

  /** Node's setHeader replaces, Set-Cookie included (Fastify's header() appends Set-Cookie). */
  setHeader(name: string, value: number | string | readonly string[]): this {
    this.reply.removeHeader(name);
    this.reply.header(name, value);
    return this;
  }

  getHeader(name: string): unknown {
    return this.reply.getHeader(name);
  }

  removeHeader(name: string): void {
    this.reply.removeHeader(name);
  }

  /** Headers go now, as in Node: a streamed reply starts (headers given here are added, as reply.headers() does). */
  writeHead(status: number, reason?: unknown, headers?: unknown): this {
    if (typeof reason !== 'string') headers = reason;
    else this.reply.raw.statusMessage = reason;
    this.reply.code(status);
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) this.reply.header(String(headers[i]), headers[i + 1]);
    } else if (headers !== null && typeof headers === 'object') {
      this.reply.headers(headers as Record<string, string>);
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
    // A whole body at once: Fastify's plain send path.
    this.reply.send(typeof chunk === 'function' || chunk === undefined ? '' : chunk);
    return this;
  }

  #stream(): void {
    if (this.#streaming) return;
    this.#streaming = true;
    this.reply.send(this);
  }
}

type Handler = (req: any, res: any) => unknown;
type Middleware = (req: any, res: any, next: (err?: unknown) => void) => void;

export interface FastifyAppOptions {
  tls?: { key: string; cert: string } | undefined;
}

/** The Fastify app for startApp: session middleware become plugin registrations, the rest onRequest hooks. */
export async function createFastifyApp(version: FastifyVersion, middleware: Middleware[], routes: Record<string, Handler>, errors: unknown[], options: FastifyAppOptions) {
  const Fastify = load(version === 'fastify5' ? 'fastify' : 'fastify4');
  const app = Fastify({ forceCloseConnections: true, ...(options.tls ? { https: options.tls } : {}) });
  // Bodies stay unread for the route to read from the IncomingMessage, as on Connect.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request: unknown, _payload: unknown, done: (err: null) => void) => done(null));
  for (const mw of middleware) {
    const sessionOptions = sessionOptionsOf(mw);
    if (sessionOptions !== undefined) {
      app.register(fastifyClientSessions, sessionOptions);
      continue;
    }
    // Responding from a callback hook: send, and do not call done.
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
      mw(requestFacade(request), new ReplyFacade(reply), (err) => done(err as Error | undefined));
    });
  }
  app.setErrorHandler((err: Error, _request: FastifyRequest, reply: FastifyReply) => {
    errors.push(err);
    reply.code(500).type('text/plain').send(String(err?.message ?? err));
  });
  app.all('/*', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = routes[request.url.split('?')[0]!];
    if (!route) return reply.code(404).send('not found');
    await route(requestFacade(request), new ReplyFacade(reply));
    return reply;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}
