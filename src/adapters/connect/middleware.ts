// The Connect/Express middleware factory, a drop-in for client-sessions v0.8: the session core
// on req[requestKey], its Set-Cookie values written by a res.writeHead hook.

import type { IncomingMessage, ServerResponse } from 'node:http';

import { SessionState, type SessionMethods } from '../../core/session-state';
import type { SessionOptions as CoreSessionOptions } from '../../core/settings';
import { setUpSessions } from '../../core/setup';
import { connectRequestView } from './request-view';
import { hookWriteHead } from './response-hook';

/** The middleware's options: the session options, with onError receiving the IncomingMessage. */
export type SessionOptions = CoreSessionOptions<IncomingMessage>;

/** A session as the application sees it: its own data plus the session methods. */
export type ClientSession<T extends object = Record<string, any>> = Partial<T> & SessionMethods;

export type NextFunction = (err?: unknown) => void;

export interface SessionMiddleware<T extends object = Record<string, any>> {
  (req: IncomingMessage, res: ServerResponse, next: NextFunction): void;
  /** Only for typing: the session type this middleware puts on requests. */
  readonly __session?: ClientSession<T>;
}

/**
 * Builds the middleware. Options are checked here, once; a bad option throws with a message that
 * says what to change. Each request gets its session at `req[requestKey]`, decoded on first use.
 */
export function clientSessions<T extends object = Record<string, any>>(options: SessionOptions): SessionMiddleware<T> {
  const { settings, codec } = setUpSessions(options, 'middleware', 'sessions({ cookieName: "session", secret: process.env.SESSION_SECRET })');
  const { requestKey } = settings;
  // The request property is an accessor whose getter and setter are the same two functions for
  // every request, reading the per-request state from a symbol-keyed slot. Counted with
  // `npm run bench:instructions`, this was the cheapest of the ways tried: fresh getter/setter
  // closures per request cost about 40,000 more instructions per request, a WeakMap from
  // request to state 40,000 to 50,000 more, and defining the slot with defineProperty no less.
  // A single data property holding a Proxy that reaches the state on its first trap (so that
  // replacing req.session must be detected when the headers go out, which needs the header
  // hook on every request) cost 117,000 more on /read and 35,000 more on /write (Express 4,
  // native, `npm run bench:instructions -- native`: 700,731 / 775,326 against 584,035 /
  // 739,913), and it would lose the TypeError on a non-object assignment, which client-sessions'
  // own suite expects.
  const stateKey = Symbol(`client-sessions-native:${requestKey}`);
  type WithState = IncomingMessage & { [stateKey]: SessionState<IncomingMessage> };
  const accessor: PropertyDescriptor = {
    configurable: true,
    enumerable: true,
    get(this: WithState) {
      return this[stateKey].content;
    },
    set(this: WithState, value: unknown) {
      this[stateKey].content = value;
    },
  };

  return function clientSession(req: IncomingMessage, res: ServerResponse, next: NextFunction): void {
    // Already set up on this request (the same middleware mounted twice): leave it, as
    // client-sessions does.
    if (requestKey in req) {
      next();
      return;
    }
    // The header hook is installed only once the session has something to write, so requests
    // that never change their session leave the response untouched.
    const state: SessionState<IncomingMessage> = new SessionState(settings, codec, connectRequestView, req, () => hookWriteHead(req, res, state, settings));
    (req as WithState)[stateKey] = state;
    Object.defineProperty(req, requestKey, accessor);
    next();
  };
}
