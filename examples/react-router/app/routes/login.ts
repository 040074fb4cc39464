// The /login route's loader and action (in an app, login.tsx, beside the page component that
// shows `loaderData.error` and a <Form method="post"> with a username field).

import { createSession, data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from 'react-router';

import { commitSession, getSession, type SessionData, type SessionFlashData } from '../sessions.server';

const USERNAME = /^[A-Za-z0-9_-]{1,32}$/;

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getSession(request.headers.get('Cookie'));
  if (session.has('userId')) return redirect('/');
  // get() removes a flash value from the session; the commit removes it from the cookie.
  return data({ error: session.get('error') }, { headers: { 'Set-Cookie': await commitSession(session) } });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const username = form.get('username');
  // A demo login: a real app checks a password (or a passkey, or an OAuth callback) here.
  if (typeof username !== 'string' || !USERNAME.test(username)) {
    const session = await getSession(request.headers.get('Cookie'));
    session.flash('error', 'Usernames are 1 to 32 letters, digits, - or _');
    return redirect('/login', { headers: { 'Set-Cookie': await commitSession(session) } });
  }
  // A login starts a new session: a commit keeps the lifetime of the cookie a session was read
  // from, and the visitor's anonymous session may be days old. A Session from createSession()
  // was read from no cookie, so its lifetime starts at this commit.
  const session = createSession<SessionData, SessionFlashData>();
  session.set('userId', username);
  return redirect('/', { headers: { 'Set-Cookie': await commitSession(session) } });
}
