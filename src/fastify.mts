// ESM entry of `client-sessions-native/fastify`: the CommonJS build is the one implementation,
// so `import` and `require` in the same process share its state.
import clientSessions from './fastify.js';

export const { sessionCookies } = clientSessions;
export default clientSessions;

export type FastifySessionOptions = clientSessions.FastifySessionOptions;
export type FastifyClientSession<T extends object = Record<string, any>> = clientSessions.FastifyClientSession<T>;
export type ClientSessionsOnRequest<Sessions> = clientSessions.ClientSessionsOnRequest<Sessions>;
export type CookieOptions = clientSessions.CookieOptions;
export type SessionMethods = clientSessions.SessionMethods;
export type SecureSessionMethods<T extends object = Record<string, any>> = clientSessions.SecureSessionMethods<T>;
export type SessionProblem = clientSessions.SessionProblem;
export type ErrorHandler = clientSessions.ErrorHandler;
