// How the Fastify plugin shows a request to the session core.

import type { FastifyRequest } from 'fastify';

import type { RequestView } from '../../core/session-state';
import { isSecureRequest } from '../connect/request-view';

export const fastifyRequestView: RequestView<FastifyRequest> = {
  // The raw header, not `request.headers`: that getter copies every header when a hook has
  // added some, and the core wants only this one.
  cookieHeader: (request) => request.raw.headers.cookie,
  // Fastify's `protocol` follows its `trustProxy` setting (as Express's req.secure follows
  // "trust proxy"); the rest (a TLS socket, `proxy: true` and X-Forwarded-Proto) is what the
  // Connect adapter checks on the IncomingMessage.
  isSecure: (request, trustProxy) => request.protocol === 'https' || isSecureRequest(request.raw, trustProxy),
};
