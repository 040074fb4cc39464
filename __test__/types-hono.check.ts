// Type-level checks of client-sessions-native/hono, compiled by `tsc --noEmit` in `npm run lint`
// (tsconfig.json includes __test__; not a vitest file): c.get() typed from the options, the
// requestKey or cookieName literal, or client-sessions' default; the data type given or through
// the environment; onError's Context. Each `@ts-expect-error` is a line that must NOT compile:
// tsc fails if it does.
import { Hono, type Context } from 'hono';

import { sessions, type HonoSession, type HonoSessionOptions, type SessionEnv, type SessionKey } from '../src/hono';

interface Cart {
  items: string[];
  total?: number;
}

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

// The variable a session is on.
export const keys: [
  Equal<SessionKey<{ requestKey: 'cart'; cookieName: 'cart_cookie' }>, 'cart'>,
  Equal<SessionKey<{ cookieName: 'auth' }>, 'auth'>,
  Equal<SessionKey<{ secret: string }>, 'session_state'>,
  // Options whose type leaves the name open.
  Equal<SessionKey<HonoSessionOptions>, string>,
  Equal<SessionKey<{ cookieName: string }>, string>,
] = [true, true, true, true, true];

export const app = new Hono()
  .use(sessions({ cookieName: 'session', secret: 'x', onError: (err, c) => console.debug(err.code, c.req.path) }))
  .use(sessions({ cookieName: 'cart_cookie', requestKey: 'cart', secret: 'y' }))
  .use(sessions({ secret: 'z' }))
  .get('/', async (c) => {
    const session = c.get('session');
    session.visits = (session.visits ?? 0) + 1;
    c.get('cart').items = ['book'];
    c.get('session_state').seen = true;
    session.reset(['visits']);
    session.setDuration(60_000);
    await session.regenerate();
    await session.destroy();
    const same: HonoSession = c.var.session;
    void same;
    // @ts-expect-error: the cart is at its requestKey, not at its cookie name
    c.get('cart_cookie');
    // @ts-expect-error: no session is on this variable
    c.get('basket');
    // @ts-expect-error: session methods are read-only
    session.reset = () => undefined;
    // @ts-expect-error: a session is an object
    c.set('session', 5);
    return c.text('ok');
  });

// The data type given: the variable is then any name (the options' type is not inferred).
export const typed = new Hono().use(sessions<Cart>({ cookieName: 'cart', secret: 'x' })).get('/', (c) => {
  const cart = c.get('cart');
  cart.items = [...(cart.items ?? []), 'book'];
  // @ts-expect-error: items holds strings
  cart.items = [1];
  // @ts-expect-error: not a session method (touch() is secureSessionMethods', typed by hand)
  cart.touch();
  return c.json({ total: cart.total ?? 0 });
});

// Or through the environment, which keeps the name checked.
const env = new Hono<SessionEnv<'cart', Cart>>();
env.use(sessions({ cookieName: 'cart', secret: 'x' }));
env.get('/', (c) => {
  c.get('cart').total = 3;
  // @ts-expect-error: total is a number
  c.get('cart').total = 'three';
  // @ts-expect-error: not the session's variable
  c.get('session');
  return c.text('ok');
});
export { env };

export const onError = sessions({ secret: 'x', onError: (_err, c: Context) => void c.req.header('cookie') });
// @ts-expect-error: onError receives Hono's Context, not a Request
sessions({ secret: 'x', onError: (_err, request: Request) => void request.url });
// @ts-expect-error: an option of the wrong type
sessions({ secret: 'x', duration: '1 day' });
