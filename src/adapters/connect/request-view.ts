// How the Connect/Express adapter shows a node:http request to the session core: its Cookie
// header, and whether the connection is secure.

import type { IncomingMessage } from 'node:http';

import type { RequestView } from '../../core/session-state';

/**
 * Whether the client reached us over TLS: a TLS socket, Express's `req.secure` (which follows its
 * "trust proxy" setting), client-sessions' `req.connection.proxySecure`, or, with `proxy: true`,
 * an `X-Forwarded-Proto: https` from the proxy.
 */
export function isSecureRequest(req: IncomingMessage, trustProxy: boolean): boolean {
  const socket = req.socket as (IncomingMessage['socket'] & { encrypted?: boolean; proxySecure?: boolean }) | undefined;
  if (socket?.encrypted === true || socket?.proxySecure === true) return true;
  if ((req as IncomingMessage & { secure?: unknown }).secure === true) return true;
  if (!trustProxy) return false;
  const header = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',', 1)[0]?.trim().toLowerCase();
  return first === 'https';
}

export const connectRequestView: RequestView<IncomingMessage> = {
  cookieHeader: (req) => req.headers.cookie,
  isSecure: isSecureRequest,
};
