// The Fastify entry, `client-sessions-native/fastify`: the plugin, with sessionCookies and the
// types as its properties. The ESM entry (fastify.mts) re-exports this one module.

import fastifyPlugin from 'fastify-plugin';

import * as pluginModule from './adapters/fastify/plugin';
import type * as reportTypes from './core/report';
import type * as sessionTypes from './core/session-state';
import type * as cookieTypes from './cookie';

/**
 * Fastify 4 and 5 plugin keeping an encrypted session in a cookie:
 * `fastify.register(clientSessions, { cookieName: 'session', secret })`, then `request.session`.
 */
function clientSessions(fastify: pluginModule.AnyFastifyInstance, options: pluginModule.FastifySessionOptions, done: (err?: Error) => void): void {
  pluginModule.registerSessions(fastify, options, done);
}

// eslint-disable-next-line @typescript-eslint/no-namespace
namespace clientSessions {
  /** The Set-Cookie values of every session on a request, for a reply written after `reply.hijack()`. */
  export const sessionCookies = pluginModule.sessionCookies;

  export type FastifySessionOptions = pluginModule.FastifySessionOptions;
  export type FastifyClientSession<T extends object = Record<string, any>> = pluginModule.FastifyClientSession<T>;
  export type ClientSessionsOnRequest<Sessions> = pluginModule.ClientSessionsOnRequest<Sessions>;
  export type CookieOptions = cookieTypes.CookieOptions;
  export type SessionMethods = sessionTypes.SessionMethods;
  export type SecureSessionMethods<T extends object = Record<string, any>> = sessionTypes.SecureSessionMethods<T>;
  export type SessionProblem = reportTypes.SessionProblem;
  /** onError as the plugin calls it, with the FastifyRequest. */
  export type ErrorHandler = reportTypes.ErrorHandler<import('fastify').FastifyRequest>;
}

// Marks the function itself (fastify-plugin returns it): not encapsulated, named in Fastify's
// plugin tree and errors, and refused by a Fastify outside 4.x and 5.x.
fastifyPlugin(clientSessions, { fastify: '4.x || 5.x', name: 'client-sessions-native' });

export = clientSessions;
