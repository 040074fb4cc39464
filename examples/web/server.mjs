// One fetch handler for Bun, Deno and Cloudflare Workers: `bun server.mjs`, `deno serve
// --allow-env --allow-ffi --allow-sys server.mjs`, or a Worker with the nodejs_compat flag.
import { createSessionStore } from 'client-sessions-native/web';

const store = createSessionStore({ cookieName: 'session', secret: process.env.SESSION_SECRET });

export default {
  fetch(request) {
    const session = store.load(request);
    session.visits = (session.visits ?? 0) + 1;
    const response = Response.json({ visits: session.visits, backend: store.backend });
    store.commit(session, response.headers);
    return response;
  },
};
