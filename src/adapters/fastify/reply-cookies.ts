// Adding the core's Set-Cookie values to a Fastify reply, beside whatever the route and other
// plugins (@fastify/cookie among them) have set.

import type { FastifyReply } from 'fastify';

export function addSetCookies(reply: FastifyReply, cookieName: string, ours: readonly string[]): void {
  const current = reply.getHeader('set-cookie');
  const prefix = `${cookieName}=`;
  const existing = current === undefined ? [] : Array.isArray(current) ? current.map(String) : [String(current)];
  if (existing.some((line) => line.startsWith(prefix))) {
    // The route set a cookie of our name (by hand, or with @fastify/cookie): the session's wins,
    // as it does in the Connect adapter, and the other cookies stay.
    reply.removeHeader('set-cookie');
    reply.header('set-cookie', [...existing.filter((line) => !line.startsWith(prefix)), ...ours]);
  } else {
    // Fastify appends to a Set-Cookie already set.
    reply.header('set-cookie', ours);
  }
}
