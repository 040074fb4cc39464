// Next.js App Router route handler (app/api/visits/route.js), on the Node.js runtime.
import { createSessionStore } from 'client-sessions-native/web';

const store = createSessionStore({ cookieName: 'session', secret: process.env.SESSION_SECRET });

export const runtime = 'nodejs';

export async function GET(request) {
  const session = store.load(request);
  session.visits = (session.visits ?? 0) + 1;
  const response = Response.json({ visits: session.visits });
  store.commit(session, response.headers);
  return response;
}

export async function DELETE(request) {
  const session = store.load(request);
  store.remove(session);
  const response = new Response(null, { status: 204 });
  store.commit(session, response.headers);
  return response;
}
