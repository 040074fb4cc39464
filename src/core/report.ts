// Problems the middleware meets are reported, never thrown into the request: through the
// `onError(err, req)` option, or by default as a process warning (level `warn`/`error`) or a
// NODE_DEBUG=client-sessions-native line (level `debug`: bad cookies are routine on the web).

import { debuglog } from 'node:util';

import { PACKAGE, emitWarning, type ErrorCode } from '../errors';

export type ProblemLevel = 'debug' | 'warn' | 'error';

export interface SessionProblem extends Error {
  code: ErrorCode;
  level: ProblemLevel;
  cookieName: string;
  /** For invalid cookies: `expired`, `bad-mac`, `malformed`, `wrong-name`, ... */
  reason?: string;
  /** For oversized cookies: the Set-Cookie header's length in bytes. */
  size?: number;
}

/** `req` is the framework's request, as the adapter received it (Connect: the IncomingMessage). */
export type ErrorHandler<Request = any> = (err: SessionProblem, req: Request) => void;

interface ReportSettings {
  cookieName: string;
  onError: ErrorHandler<any>;
}

const debug = debuglog('client-sessions-native');

export function defaultErrorHandler(err: SessionProblem): void {
  if (err.level === 'debug') debug('%s', err.message);
  else emitWarning(err.message, err.code);
}

export function reportProblem(
  settings: ReportSettings,
  req: unknown,
  code: ErrorCode,
  level: ProblemLevel,
  message: string,
  reason?: string,
  size?: number,
): void {
  const err = new Error(`${PACKAGE}: ${message}`) as SessionProblem;
  err.code = code;
  err.level = level;
  err.cookieName = settings.cookieName;
  if (reason !== undefined) err.reason = reason;
  if (size !== undefined) err.size = size;
  try {
    settings.onError(err, req);
  } catch (thrown) {
    // A throwing handler must not turn a cookie problem into a failed response.
    debug('onError threw: %s', thrown instanceof Error ? thrown.message : String(thrown));
  }
}
