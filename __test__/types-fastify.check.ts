// Type-level checks of client-sessions-native/fastify, compiled by `tsc --noEmit` in `npm run
// lint` (not a vitest file): registering with typed options, and typing request[requestKey]
// through the FastifyClientSessions declaration merging. Each `@ts-expect-error` is a line that
// must NOT compile: tsc fails if it does.
import Fastify, { type FastifyRequest } from 'fastify';

import clientSessions from '../src/fastify';

declare module 'fastify' {
  interface FastifyClientSessions {
    session: { user?: { name: string }; visits: number };
    cart: { items: string[] };
  }
  interface FastifyRequest {
    // A registration with secureSessionMethods: true, typed by hand.
    legacy: clientSessions.FastifyClientSession<{ user: string }> & clientSessions.SecureSessionMethods<{ user: string }>;
  }
}

export async function build(): Promise<void> {
  const app = Fastify();
  await app.register(clientSessions, { cookieName: 'session', secret: 'x', cookie: { sameSite: 'lax' } });
  await app.register(clientSessions, { cookieName: 'cart', secret: 'y', onError: (err, request) => request.log.debug(err.code) });
  // @ts-expect-error: an option of the wrong type
  await app.register(clientSessions, { cookieName: 'session', secret: 'x', duration: '1 day' });

  app.get('/', async (request) => {
    request.session.visits = (request.session.visits ?? 0) + 1;
    const name: string | undefined = request.session.user?.name;
    request.cart.items = [...(request.cart.items ?? []), 'book'];
    request.session.reset();
    await request.session.regenerate();
    // @ts-expect-error: visits is a number
    request.session.visits = 'many';
    // @ts-expect-error: session methods are read-only
    request.session.reset = () => undefined;
    request.legacy.set('user', 'ada');
    const user: string | undefined = request.legacy.get('user');
    // @ts-expect-error: not a key of the data
    request.legacy.get('nope');
    void user;
    // @ts-expect-error: no session is registered under this name
    void request.basket;
    return { name, cookies: clientSessions.sessionCookies(request) };
  });
}

export function onError(handler: clientSessions.ErrorHandler): (err: clientSessions.SessionProblem, request: FastifyRequest) => void {
  return handler;
}
