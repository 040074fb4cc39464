// Type-level checks, compiled by `tsc --noEmit` in `npm run lint` (not a vitest file): the
// generic session type, and typing req.session through declaration merging.
import type { IncomingMessage, ServerResponse } from 'node:http';

import sessions from '../src/index';

interface MySession {
  user?: { name: string };
  visits: number;
}

// The documented way to type `req.session` (or any requestKey) for Express. Without
// @types/express installed this declares the namespace rather than merging into it; the
// declaration is the same either way.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      session: sessions.ClientSession<MySession>;
    }
  }
}

const middleware: sessions.SessionMiddleware<MySession> = sessions<MySession>({ cookieName: 'session', secret: 'x' });

export function handler(req: IncomingMessage & Express.Request, res: ServerResponse): void {
  middleware(req, res, () => undefined);
  req.session.visits = (req.session.visits ?? 0) + 1;
  req.session.user = { name: 'ada' };
  req.session.reset(['visits']);
  req.session.setDuration(1000, true);
  void req.session.regenerate().then(() => req.session.save());
  // @ts-expect-error visits is a number
  req.session.visits = 'many';
  // @ts-expect-error not a method of the session
  req.session.touch();
}

// @ts-expect-error cookie.sameSite takes only the documented values
sessions({ secret: 'x', cookie: { sameSite: 'sometimes' } });

export const codec: sessions.Codec = sessions.createCodec({ secret: 'x' });
export const status: sessions.DecodeStatus = codec.decode('x').status;
