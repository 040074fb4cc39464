// The Fastify plugin's body: the session core on request[requestKey], its Set-Cookie values
// added in an onSend hook, which every reply Fastify sends goes through (send, redirect,
// streams, errors, 404s). It needs no @fastify/cookie (it reads the Cookie header itself). The
// entry (src/fastify.ts) wraps it with fastify-plugin, so the sessions reach every route of the
// instance it is registered on.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { reportProblem } from '../../core/report';
import { SessionState, type SessionMethods } from '../../core/session-state';
import type { SessionOptions } from '../../core/settings';
import { setUpSessions } from '../../core/setup';
import { codedError } from '../../errors';
import { addSetCookies } from './reply-cookies';
import { fastifyRequestView } from './request-view';

/** The plugin's options: the session options, with onError receiving the FastifyRequest. */
export type FastifySessionOptions = SessionOptions<FastifyRequest>;

/** A session as a route sees it: its own data plus the session methods. */
export type FastifyClientSession<T extends object = Record<string, any>> = Partial<T> & SessionMethods;

declare module 'fastify' {
  /**
   * Each session's request property and data type, for `request[requestKey]`'s type. Augment it:
   * `declare module 'fastify' { interface FastifyClientSessions { session: { userId?: string } } }`
   */
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface FastifyClientSessions {}
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface FastifyRequest extends ClientSessionsOnRequest<FastifyClientSessions> {}
}

/** `request[requestKey]` for every session named in FastifyClientSessions. */
export type ClientSessionsOnRequest<Sessions> = {
  [Key in keyof Sessions]: FastifyClientSession<Sessions[Key] extends object ? Sessions[Key] : Record<string, any>>;
};

/**
 * The per-request slot: `null` until the session is first used; `false` when the reply went
 * out before that (a session made afterwards cannot be saved, and says so when changed).
 */
type Slot = SessionState<FastifyRequest> | null | false;

function firstChange(): void {
  // Nothing to install: the onSend hook is there for every reply and asks the session.
}

// Any Fastify instance: its server and type-provider generics do not matter here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFastifyInstance = FastifyInstance<any, any, any, any, any>;

export function registerSessions(fastify: AnyFastifyInstance, options: FastifySessionOptions, done: (err?: Error) => void): void {
  // A callback plugin reports through done: thrown, avvio would leave ready() waiting.
  try {
    addSessions(fastify, options);
  } catch (err) {
    done(err as Error);
    return;
  }
  done();
}

function addSessions(fastify: AnyFastifyInstance, options: FastifySessionOptions): void {
  const { settings, codec } = setUpSessions(options, 'fastify', 'fastify.register(clientSessions, { cookieName: "session", secret: process.env.SESSION_SECRET })');
  const { requestKey, cookieName } = settings;
  if (fastify.hasRequestDecorator(requestKey)) {
    throw codedError('ERR_CLIENT_SESSIONS_REQUEST_KEY',
      `request.${requestKey} is already taken (by another registration of this plugin or by another plugin): give each registration its own cookieName, or a requestKey`);
  }
  // The state lives in a slot Fastify initialises in its request constructor (decorateRequest
  // with a primitive), so every request has the same shape; the session property is a
  // prototype getter, so a request that never touches it costs one slot write and one hook.
  const stateKey = Symbol(`client-sessions-native:${requestKey}`);
  type WithSlot = FastifyRequest & { [stateKey]: Slot };
  const stateOf = (request: WithSlot): SessionState<FastifyRequest> => {
    let state = request[stateKey];
    if (state === null || state === false) {
      const late = state === false;
      state = new SessionState(settings, codec, fastifyRequestView, request, firstChange);
      if (late) state.close();
      request[stateKey] = state;
    }
    return state;
  };
  fastify.decorateRequest(stateKey as unknown as string, null);
  fastify.decorateRequest(requestKey, {
    getter(this: WithSlot) {
      return stateOf(this).content;
    },
    setter(this: WithSlot, value: unknown) {
      stateOf(this).content = value;
    },
  });

  fastify.addHook('onSend', function onSendSession(request: FastifyRequest, reply: FastifyReply, payload: unknown, next: (err: null, payload: unknown) => void) {
    const state = (request as WithSlot)[stateKey];
    if (state === null) {
      (request as WithSlot)[stateKey] = false;
    } else if (state !== false) {
      try {
        const ours = state.setCookies();
        if (ours.length > 0) addSetCookies(reply, cookieName, ours);
      } catch (err) {
        reportProblem(settings, request, 'ERR_CLIENT_SESSIONS_ENCODE_FAILED', 'error',
          `the ${cookieName} cookie could not be written: ${(err as Error).message}`);
      }
    }
    next(null, payload);
  });
}

/**
 * The Set-Cookie values of every session on this request, for a reply written by hand after
 * `reply.hijack()` (Fastify runs no onSend hook for it). A change after this call is reported.
 */
export function sessionCookies(request: FastifyRequest): string[] {
  const cookies: string[] = [];
  for (const key of Object.getOwnPropertySymbols(request)) {
    const state: unknown = (request as unknown as Record<symbol, unknown>)[key];
    if (state instanceof SessionState) cookies.push(...state.setCookies());
  }
  return cookies;
}
