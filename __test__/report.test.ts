// Problems the middleware meets are reported, never thrown into the request: the problem object
// onError gets, and where problems go without an onError (debug lines for routine bad cookies,
// process warnings for the rest).
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { defaultErrorHandler, reportProblem, type SessionProblem } from '../src/core/report';
import { BACKEND } from './helpers/backend';

const req = {} as IncomingMessage;

afterEach(() => {
  vi.restoreAllMocks();
});

describe(`problem reports (${BACKEND})`, () => {
  it('onError gets a coded Error naming the cookie, with reason and size only when they apply', () => {
    const seen: Array<[SessionProblem, IncomingMessage]> = [];
    const settings = { cookieName: 'cart', onError: (err: SessionProblem, r: IncomingMessage) => seen.push([err, r]) };
    reportProblem(settings, req, 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug', 'the cart cookie is expired', 'expired');
    reportProblem(settings, req, 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE', 'warn', 'too big', undefined, 5000);
    reportProblem(settings, req, 'ERR_CLIENT_SESSIONS_HEADERS_SENT', 'warn', 'late');
    const [[invalid, r], [large], [late]] = seen as [[SessionProblem, IncomingMessage], [SessionProblem], [SessionProblem]];
    expect(r).toBe(req);
    expect(invalid).toBeInstanceOf(Error);
    expect({ ...invalid, message: invalid.message }).toEqual({ code: 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', level: 'debug', cookieName: 'cart', reason: 'expired', message: 'client-sessions-native: the cart cookie is expired' });
    expect(Object.keys(large)).toEqual(['code', 'level', 'cookieName', 'size']);
    expect(large.size).toBe(5000);
    expect(Object.keys(late)).toEqual(['code', 'level', 'cookieName']);
  });

  it('an onError that throws is contained', () => {
    const settings = { cookieName: 's', onError: () => { throw new Error('handler bug'); } };
    expect(() => reportProblem(settings, req, 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug', 'x', 'malformed')).not.toThrow();
    const throwsString = { cookieName: 's', onError: () => { throw 'a string'; } };
    expect(() => reportProblem(throwsString, req, 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug', 'x')).not.toThrow();
  });

  /** report.ts loaded afresh, with a recording NODE_DEBUG=client-sessions-native log. */
  async function reportWithDebugLog(): Promise<{ report: typeof import('../src/core/report'); lines: unknown[][]; sections: string[] }> {
    const lines: unknown[][] = [];
    const sections: string[] = [];
    vi.resetModules();
    vi.doMock('node:util', async (importOriginal) => ({
      ...(await importOriginal<typeof import('node:util')>()),
      debuglog: (section: string) => {
        sections.push(section);
        return (...args: unknown[]) => lines.push(args);
      },
    }));
    return { report: await import('../src/core/report.js'), lines, sections };
  }

  it('debug problems, and what a throwing onError threw, are NODE_DEBUG=client-sessions-native lines', async () => {
    try {
      const { report, lines, sections } = await reportWithDebugLog();
      expect(sections).toEqual(['client-sessions-native']);
      report.reportProblem({ cookieName: '100%s', onError: report.defaultErrorHandler }, req, 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug', 'the 100%s cookie is malformed', 'malformed');
      report.reportProblem({ cookieName: 's', onError: () => { throw new Error('handler bug'); } }, req, 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug', 'x');
      report.reportProblem({ cookieName: 's', onError: () => { throw 'a string'; } }, req, 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE', 'warn', 'y');
      // The message goes in as an argument, never as the format, so a % in a cookie name is printed as it is.
      expect(lines).toEqual([
        ['%s', 'client-sessions-native: the 100%s cookie is malformed'],
        ['onError threw: %s', 'handler bug'],
        ['onError threw: %s', 'a string'],
      ]);
    } finally {
      vi.doUnmock('node:util');
      vi.resetModules();
    }
  });

  it('without onError, debug problems are no process warning; the others are one, with the type and code', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const settings = { cookieName: 's', onError: defaultErrorHandler };
    reportProblem(settings, req, 'ERR_CLIENT_SESSIONS_COOKIE_INVALID', 'debug', 'routine bad cookie', 'bad-mac');
    expect(warn).not.toHaveBeenCalled();
    reportProblem(settings, req, 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE', 'warn', 'too big', undefined, 5000);
    reportProblem(settings, req, 'ERR_CLIENT_SESSIONS_ENCODE_FAILED', 'error', 'cannot encode');
    expect(warn.mock.calls).toEqual([
      ['client-sessions-native: too big', { type: 'ClientSessionsWarning', code: 'ERR_CLIENT_SESSIONS_COOKIE_TOO_LARGE' }],
      ['client-sessions-native: cannot encode', { type: 'ClientSessionsWarning', code: 'ERR_CLIENT_SESSIONS_ENCODE_FAILED' }],
    ]);
  });
});
