// The Connect/Express adapter of core/cross-origin.ts: reads the method, path and headers from a
// node:http request and answers a refused one with 403. Mount it before the session middleware,
// so a refused request never reaches code that could set a cookie.

import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  CROSS_ORIGIN_OPTION_NAMES,
  refuseCrossOrigin,
  rejectUnknownOptions,
  resolveCrossOriginPolicy,
  type CrossOriginOptions,
  type CrossOriginRefusal,
  type CrossOriginRequest,
} from '../../core/cross-origin';
import { codedError } from '../../errors';
import type { NextFunction } from './middleware';
import { describe } from '../../options';

export interface CrossOriginProtectionOptions extends CrossOriginOptions {
  /**
   * Answers a refused request instead of the default 403 with a plain-text body: render a page,
   * log, or call `next(err)` to use the app's error handler.
   */
  onRejected?: ((req: IncomingMessage, res: ServerResponse, next: NextFunction) => void) | undefined;
}

export type CrossOriginProtectionMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

const OPTION_NAMES: readonly string[] = [...CROSS_ORIGIN_OPTION_NAMES, 'onRejected'];

const MESSAGES: Record<CrossOriginRefusal, string> = {
  'sec-fetch-site': 'Forbidden: cross-origin request (Sec-Fetch-Site)\n',
  origin: 'Forbidden: cross-origin request (Origin does not match Host)\n',
};

/**
 * `app.use(sessions.crossOriginProtection())` before the sessions: POST, PUT, PATCH, DELETE...
 * from another origin's page get a 403; same-origin requests and non-browser clients go on.
 */
export function crossOriginProtection(options: CrossOriginProtectionOptions = {}): CrossOriginProtectionMiddleware {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw codedError(
      'ERR_CLIENT_SESSIONS_OPTIONS',
      `crossOriginProtection options must be an object such as { trustedOrigins: ["https://app.example.com"] }, got ${describe(options)}`,
      TypeError,
    );
  }
  rejectUnknownOptions(options, OPTION_NAMES, 'crossOriginProtection');
  const policy = resolveCrossOriginPolicy(options);
  const { onRejected } = options;
  if (onRejected !== undefined && typeof onRejected !== 'function') {
    throw codedError('ERR_CLIENT_SESSIONS_OPTIONS', `onRejected must be a function (req, res, next) => void, got ${describe(onRejected)}`, TypeError);
  }

  return function crossOriginProtection(req: IncomingMessage, res: ServerResponse, next: NextFunction): void {
    const refusal = refuseCrossOrigin(viewOf(req), policy);
    if (refusal === undefined) {
      next();
      return;
    }
    if (onRejected) {
      onRejected(req, res, next);
      return;
    }
    res.statusCode = 403;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(MESSAGES[refusal]);
  };
}

function viewOf(req: IncomingMessage & { originalUrl?: string }): CrossOriginRequest {
  return {
    method: req.method ?? '',
    // Express and Connect strip a mount path from req.url; bypass paths are whole paths.
    path: req.originalUrl ?? req.url ?? '',
    header(name) {
      const value = req.headers[name];
      // HTTP/2 (node:http2's compatibility API) carries the host as :authority.
      if (value === undefined && name === 'host') return single(req.headers[':authority']);
      return single(value);
    },
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
