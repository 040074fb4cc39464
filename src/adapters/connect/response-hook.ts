// Writing the core's Set-Cookie values when the response headers go out. Every way a response
// starts in Node (writeHead, end or write without writeHead, flushHeaders, Express
// redirect/json/send, piped streams) goes through res.writeHead, so one wrapper covers them all.

import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';

import { reportProblem } from '../../core/report';
import { reportLateChange, type SessionState } from '../../core/session-state';
import type { SessionSettings } from '../../core/settings';

type WriteHeadArgs = Parameters<ServerResponse['writeHead']>;

export function hookWriteHead(req: IncomingMessage, res: ServerResponse, state: SessionState<IncomingMessage>, settings: SessionSettings): void {
  if (res.headersSent) {
    reportLateChange(settings, req);
    return;
  }
  const writeHead = res.writeHead;
  let written = false;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!written) {
      written = true;
      try {
        args = addSessionCookies(res, state, settings, args);
      } catch (err) {
        reportProblem(settings, req, 'ERR_CLIENT_SESSIONS_ENCODE_FAILED', 'error',
          `the ${settings.cookieName} cookie could not be written: ${(err as Error).message}`);
      }
    }
    return writeHead.apply(this, args as WriteHeadArgs);
  } as ServerResponse['writeHead'];
}

function addSessionCookies(res: ServerResponse, state: SessionState<IncomingMessage>, settings: SessionSettings, args: unknown[]): unknown[] {
  if (!state.dirty) return args;
  const ours = state.setCookies();
  if (ours.length === 0) return args;
  const { rest, cookies: passed } = takeSetCookieFromArgs(args);
  const prefix = `${settings.cookieName}=`;
  // Cookies set by the application or by other instances stay; an earlier one of ours is replaced.
  const cookies = [...headerValues(res.getHeader('set-cookie')), ...passed].filter((c) => !c.startsWith(prefix));
  cookies.push(...ours);
  res.setHeader('Set-Cookie', cookies);
  return rest;
}

/**
 * Headers given to writeHead itself replace those set before (Node calls setHeader for each), so
 * Set-Cookie values passed there are taken out and merged with ours instead.
 */
function takeSetCookieFromArgs(args: unknown[]): { rest: unknown[]; cookies: string[] } {
  const index = typeof args[1] === 'string' ? 2 : 1;
  const headers = args[index];
  if (headers === null || typeof headers !== 'object') return { rest: args, cookies: [] };
  const cookies: string[] = [];
  let cleaned: unknown;
  if (Array.isArray(headers)) {
    const kept: unknown[] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === 'set-cookie') cookies.push(...headerValues(headers[i + 1] as OutgoingHttpHeader));
      else kept.push(headers[i], headers[i + 1]);
    }
    if (cookies.length === 0) return { rest: args, cookies };
    cleaned = kept;
  } else {
    const record = headers as Record<string, OutgoingHttpHeader>;
    const keys = Object.keys(record).filter((k) => k.toLowerCase() === 'set-cookie');
    if (keys.length === 0) return { rest: args, cookies };
    const copy = { ...record };
    for (const key of keys) {
      cookies.push(...headerValues(copy[key]));
      delete copy[key];
    }
    cleaned = copy;
  }
  const rest = [...args];
  rest[index] = cleaned;
  return { rest, cookies };
}

function headerValues(value: OutgoingHttpHeader | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}
