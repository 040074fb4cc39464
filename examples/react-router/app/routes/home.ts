// The / route's loader: signed-in users only.

import { data, redirect, type LoaderFunctionArgs } from 'react-router';

import { commitSession, getSession, sessionBackend } from '../sessions.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getSession(request.headers.get('Cookie'));
  const userId = session.get('userId');
  if (userId === undefined) return redirect('/login');
  // Committing a session that did not change writes the same lifetime again, except close to
  // its end (activeDuration), where it is extended: a session stays alive while it is used.
  return data({ userId, backend: sessionBackend }, { headers: { 'Set-Cookie': await commitSession(session) } });
}
