// How the web store shows its input to the session core. The input is a Request, a Headers, a
// Cookie header string, or nothing. Recognised by shape, not instanceof: Next.js, Bun, Deno,
// undici and Workers each bring their own Request and Headers classes.

import type { RequestView } from '../../core/session-state';
import { codedError } from '../../errors';

/** What `load()` takes. */
export type SessionInput = Request | Headers | string | null | undefined;

interface HeadersLike {
  get(name: string): string | null;
}

interface RequestLike {
  readonly url: string;
  readonly headers: HeadersLike;
}

function isHeadersLike(value: unknown): value is HeadersLike {
  return typeof (value as HeadersLike | null)?.get === 'function';
}

function isRequestLike(value: unknown): value is RequestLike {
  return isHeadersLike((value as RequestLike | null)?.headers) && typeof (value as RequestLike).url === 'string';
}

/** Refuses, at the call, an input the store cannot read a Cookie header from. */
export function checkInput(input: unknown): void {
  if (input === null || input === undefined || typeof input === 'string' || isHeadersLike(input) || isRequestLike(input)) return;
  throw codedError(
    'ERR_CLIENT_SESSIONS_ARGUMENT',
    `load() takes a Request, a Headers, a Cookie header string, or null, got ${Array.isArray(input) ? 'an array' : typeof input === 'object' ? 'an object that is neither a Request nor a Headers' : `a ${typeof input}`}`,
    TypeError,
  );
}

function headersOf(input: SessionInput): HeadersLike | undefined {
  if (input === null || input === undefined || typeof input === 'string') return undefined;
  return isRequestLike(input) ? input.headers : input;
}

function forwardedHttps(headers: HeadersLike): boolean | undefined {
  const header = headers.get('x-forwarded-proto');
  if (header === null) return undefined;
  return header.split(',', 1)[0]!.trim().toLowerCase() === 'https';
}

export const webRequestView: RequestView<SessionInput> = {
  cookieHeader(input) {
    if (typeof input === 'string') return input;
    return headersOf(input)?.get('cookie') ?? undefined;
  },
  // A Request knows its URL: https there, or (with `proxy: true`) an X-Forwarded-Proto: https
  // from the TLS proxy in front. A Headers or a header string says nothing about the
  // connection, so the cookie's Secure attribute is written as configured (a browser drops a
  // Secure cookie sent over plain HTTP anyway, except on localhost).
  isSecure(input, trustProxy) {
    if (isRequestLike(input)) {
      if (input.url.startsWith('https:')) return true;
      return trustProxy && forwardedHttps(input.headers) === true;
    }
    const headers = headersOf(input);
    if (trustProxy && headers !== undefined) return forwardedHttps(headers) ?? true;
    return true;
  },
};
