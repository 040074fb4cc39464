// Type-level checks of client-sessions-native/web, compiled by `tsc --noEmit` in `npm run lint`
// (tsconfig.json includes __test__; not a vitest file): the store typed by the session's data,
// what load(), commit(), replace() take, and onError's input. Each `@ts-expect-error` is a line
// that must NOT compile: tsc fails if it does.
import { createSessionStore, type BackendName, type SessionInput, type SessionStore, type WebSession } from '../src/web';

interface Visit {
  user?: { name: string };
  visits: number;
}

const store: SessionStore<Visit> = createSessionStore<Visit>({
  cookieName: 'session',
  secret: 'x',
  cookie: { sameSite: 'lax', secure: 'auto' },
  onError: (err, input: SessionInput) => console.debug(err.code, err.level, typeof input),
});
const untyped = createSessionStore({ secret: 'x' });

export async function handler(request: Request): Promise<Response> {
  const session: WebSession<Visit> = store.load(request);
  session.visits = (session.visits ?? 0) + 1;
  const name: string | undefined = session.user?.name;
  session.reset(['visits']);
  await session.regenerate();
  untyped.load(request.headers).anything = { deep: [1] };
  store.load(request.headers.get('cookie'));
  store.load(null);
  store.load(undefined);
  // @ts-expect-error: visits is a number
  session.visits = 'many';
  // @ts-expect-error: session methods are read-only
  session.regenerate = async () => undefined;
  // @ts-expect-error: load takes a Request, a Headers, a Cookie header string or nothing
  store.load(42);
  // @ts-expect-error: a record of headers is not a Headers
  store.load({ cookie: 'session=x' });
  store.replace(session, { visits: 1 });
  // @ts-expect-error: replace takes the session's data
  store.replace(session, { visits: 'one' });
  const response = new Response(name ?? 'ok');
  const written: string[] = store.commit(session, response.headers);
  // @ts-expect-error: commit appends to a Headers
  store.commit(session, { 'set-cookie': written[0] });
  const cookies: string[] = store.setCookies(session);
  void cookies;
  store.remove(session);
  const backend: BackendName = store.backend;
  const cookieName: string = store.cookieName;
  void [backend, cookieName];
  // @ts-expect-error: the backend is read-only
  store.backend = 'js';
  return response;
}

// @ts-expect-error: an option of the wrong type
createSessionStore({ secret: 'x', proxy: 'yes' });
// @ts-expect-error: onError receives what load() was given, not a Context
createSessionStore({ secret: 'x', onError: (_err, input: { req: Request }) => void input.req });
