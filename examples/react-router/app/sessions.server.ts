// The session storage of a React Router app, in an encrypted cookie. Import it from server code
// only (loaders, actions, middleware): the `.server` name keeps it out of the client bundle.

import { createSessionStorage } from 'client-sessions-native/react-router';

/** What the session holds between requests. */
export type SessionData = { userId: string };
/** What it holds until the next read (`session.flash()`). */
export type SessionFlashData = { error: string };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Only for trying the example locally: anyone who knows a secret can forge sessions, and this one
// is public. A deployment sets SESSION_SECRET to a long random string (e.g. the output of
// `node -e "console.log(crypto.randomBytes(32).toString('base64url'))"`); in production a
// missing one stops the server instead of running on this.
const DEV_ONLY_SECRET = 'DEVELOPMENT-ONLY-session-secret-do-not-use-in-production';

function sessionSecret(): string {
  const secret = process.env.SESSION_SECRET;
  if (secret) return secret;
  if (process.env.NODE_ENV === 'production') {
    throw new Error('SESSION_SECRET is not set: set it to a long random string (32 bytes or more) before starting the server');
  }
  console.warn('WARNING: SESSION_SECRET is not set; using a development-only secret (never do this in production)');
  return DEV_ONLY_SECRET;
}

const storage = createSessionStorage<SessionData, SessionFlashData>({
  // React Router's default cookie name; any name works.
  cookieName: '__session',
  secret: sessionSecret(),
  // The session's lifetime, sealed in the cookie. A commit keeps it (it does not start again),
  // so a login lasts a week however often the session is written...
  duration: 7 * DAY,
  // ...unless it is in use: a session read and committed within its last day is extended by a day.
  activeDuration: DAY,
  cookie: {
    sameSite: 'lax',
    // Browsers only send a Secure cookie over HTTPS (and to localhost): on in production.
    secure: process.env.NODE_ENV === 'production',
  },
});

export const { getSession, commitSession, destroySession } = storage;
/** Which codec runs: `native` (the Rust binary) or `js` (node:crypto). */
export const sessionBackend = storage.backend;
