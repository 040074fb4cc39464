// SvelteKit endpoint (src/routes/api/visits/+server.js). Astro endpoints take the same
// { request } argument: the same GET works in src/pages/api/visits.js.
import { createSessionStore } from 'client-sessions-native/web';

const store = createSessionStore({ cookieName: 'session', secret: process.env.SESSION_SECRET });

export function GET({ request }) {
  const session = store.load(request);
  session.visits = (session.visits ?? 0) + 1;
  const response = Response.json({ visits: session.visits });
  store.commit(session, response.headers);
  return response;
}
