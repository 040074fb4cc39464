// Type-level checks of client-sessions-native/react-router, compiled by `tsc --noEmit` in `npm run
// lint` (not a vitest file): the storage is React Router's SessionStorage (7's and 8's), typed by
// its Data and FlashData, and the options are the middleware's. Each `@ts-expect-error` is a line
// that must NOT compile: tsc fails if it does.
import { isSession, type Session, type SessionStorage } from 'react-router';
// React Router 8 is ESM only: its types are imported as an ES module would import them.
import type { SessionStorage as SessionStorage8 } from 'react-router8' with { 'resolution-mode': 'import' };

import { createSessionStorage, type ClientSessionStorage, type ErrorHandler, type ReactRouterSessionOptions, type SessionProblem } from '../src/react-router';

type Data = { userId: string; visits: number };
type Flash = { error: string };

const storage = createSessionStorage<Data, Flash>({
  cookieName: '__session',
  secret: 'x',
  duration: 7 * 24 * 3600 * 1000,
  cookie: { sameSite: 'lax', secure: 'auto' },
  onError: (err, cookieHeader) => {
    const code: string = err.code;
    // The Cookie header the session was read from.
    const header: string | undefined = cookieHeader;
    void code;
    void header;
  },
});

// It is React Router's SessionStorage, on 7 and on 8, and tells its backend and cookie name.
export const asStorage: SessionStorage<Data, Flash> = storage;
export const asStorage8: SessionStorage8<Data, Flash> = storage;
export const backend: 'native' | 'js' = storage.backend;
export const cookieName: string = storage.cookieName;
export const withDefaults: ClientSessionStorage = createSessionStorage({ secret: 'x' });

export async function loader(request: Request): Promise<Response> {
  const session: Session<Data, Flash> = await storage.getSession(request.headers.get('Cookie'));
  await storage.getSession();
  await storage.getSession(null);
  const userId: string | undefined = session.get('userId');
  const error: string | undefined = session.get('error');
  session.set('visits', (session.get('visits') ?? 0) + 1);
  session.flash('error', 'Invalid username');
  session.unset('userId');
  const known: boolean = isSession(session) && session.has('error');
  // @ts-expect-error: visits is a number
  session.set('visits', 'many');
  // @ts-expect-error: not a key of the data
  session.set('nope', 1);
  // @ts-expect-error: not a key of the flash data
  session.flash('userId', 'ada');
  // @ts-expect-error: getSession takes the Cookie header, not the Request
  await storage.getSession(request);
  const headers = new Headers();
  headers.append('Set-Cookie', await storage.commitSession(session, { maxAge: 3600, sameSite: 'strict', path: '/', secure: true }));
  headers.append('Set-Cookie', await storage.commitSession(session, { expires: new Date(), priority: 'high', partitioned: true }));
  headers.append('Set-Cookie', await storage.destroySession(session, { path: '/', domain: 'example.com' }));
  // @ts-expect-error: maxAge is a number of seconds
  await storage.commitSession(session, { maxAge: '1h' });
  // @ts-expect-error: commitSession returns the Set-Cookie value, a string
  const wrong: string[] = await storage.commitSession(session);
  // @ts-expect-error: a plain object is not a Session
  await storage.commitSession({ userId: 'ada' });
  void [userId, error, known, wrong];
  return new Response(null, { headers });
}

export function options(): ReactRouterSessionOptions[] {
  return [
    { secret: 'x', cookieName: 's', activeDuration: 60_000, backend: 'js' },
    // @ts-expect-error: duration is milliseconds, a number
    { secret: 'x', duration: '1 day' },
    // @ts-expect-error: not a sameSite value
    { secret: 'x', cookie: { sameSite: 'sometimes' } },
  ];
}

export function onError(handler: ErrorHandler): (err: SessionProblem, cookieHeader: string | undefined) => void {
  return handler;
}

// @ts-expect-error: options are required
createSessionStorage();
