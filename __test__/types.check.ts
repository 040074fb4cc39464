// Type-level checks, compiled by `tsc --noEmit` in `npm run lint` (not a vitest file): the
// generic session type, typing req.session through declaration merging, the decode result as a
// discriminated union, the algorithm names as literal types, and read-only session methods.
// Each `@ts-expect-error` is a line that must NOT compile: tsc fails if it does.
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
  req.session.reset('visits');
  void req.session.destroy().then(() => undefined);
  req.session.destroy((err) => void err);
  // @ts-expect-error the session methods are read-only (assigning one throws at run time)
  req.session.reset = () => undefined;
  // @ts-expect-error the session methods are read-only
  req.session.destroy = req.session.save;
}

// With an accessor pair, `req.session = null` (cookie-session's logout) type-checks while reads
// stay non-null.
interface RequestWithNullableSet {
  get session(): sessions.ClientSession<MySession>;
  set session(value: Partial<MySession> | null | undefined);
}
export function logout(req: RequestWithNullableSet): number {
  req.session = null;
  req.session = { visits: 0 };
  return req.session.visits ?? 0;
}

export function readDecoded(result: sessions.DecodeResult): string {
  // @ts-expect-error json is only a string once status is 'valid'
  const early: string = result.json;
  void early;
  switch (result.status) {
    case 'valid':
      return result.json.toUpperCase();
    case 'invalid': {
      const reason: sessions.InvalidReason = result.reason;
      return reason;
    }
    case 'expired': {
      const refresh: false = result.refresh;
      return String(refresh);
    }
    case 'absent':
      // @ts-expect-error an absent cookie has no JSON
      return result.json.toUpperCase();
  }
}

// @ts-expect-error cookie.sameSite takes only the documented values
sessions({ secret: 'x', cookie: { sameSite: 'sometimes' } });

export const codec: sessions.Codec = sessions.createCodec({ secret: 'x' });
export const status: sessions.DecodeStatus = codec.decode('x').status;

// The algorithm options take only the names client-sessions supports.
sessions.createCodec({ secret: 'x', encryptionAlgorithm: 'aes128', signatureAlgorithm: 'sha512-drop256' });
// @ts-expect-error not an encryption algorithm of the format
sessions.createCodec({ secret: 'x', encryptionAlgorithm: 'aes-256-gcm' });
// @ts-expect-error not a signature algorithm of the format (a typo of sha256-drop128)
sessions({ secret: 'x', signatureAlgorithm: 'sha256-drop182' });
export const algorithms: [sessions.EncryptionAlgorithm, sessions.SignatureAlgorithm] = ['aes256', 'sha384-drop192'];
