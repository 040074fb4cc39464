// A Hono app with a session and a second cookie for a cart: `node examples/hono/server.mjs`
// (with @hono/node-server), or export `app` to Bun, Deno or Workers as `export default app`.
import { Hono } from 'hono';
import { sessions } from 'client-sessions-native/hono';

export const app = new Hono();

app.use(sessions({ cookieName: 'session', secret: process.env.SESSION_SECRET, duration: 24 * 60 * 60 * 1000 }));
app.use(sessions({ cookieName: 'cart', secret: process.env.CART_SECRET }));

app.get('/', (c) => {
  const session = c.get('session');
  session.visits = (session.visits ?? 0) + 1;
  return c.json({ visits: session.visits, cart: c.get('cart').items ?? [] });
});

app.post('/cart/:id', (c) => {
  const cart = c.get('cart');
  cart.items = [...(cart.items ?? []), c.req.param('id')];
  return c.json({ items: cart.items });
});

app.post('/logout', (c) => {
  c.set('session', null); // expires the session cookie; the cart stays
  return c.redirect('/', 303);
});

if (import.meta.url === `file://${process.argv[1]}`) {
  const { serve } = await import('@hono/node-server');
  serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) }, (info) => console.log(`listening on http://localhost:${info.port}`));
}
