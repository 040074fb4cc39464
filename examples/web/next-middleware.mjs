// Next.js middleware (middleware.js) on the Node.js runtime: send signed-out visitors to /login,
// and keep a last-seen time in the session of everyone else.
import { NextResponse } from 'next/server';
import { createSessionStore } from 'client-sessions-native/web';

const store = createSessionStore({ cookieName: 'session', secret: process.env.SESSION_SECRET });

export const config = { matcher: '/account/:path*', runtime: 'nodejs' };

export function middleware(request) {
  const session = store.load(request);
  if (session.userId === undefined) return NextResponse.redirect(new URL('/login', request.url));
  session.lastSeen = Date.now();
  const response = NextResponse.next();
  store.commit(session, response.headers);
  return response;
}
