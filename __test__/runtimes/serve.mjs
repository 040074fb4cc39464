// A fetch handler `(request) => Response` served over real HTTP on 127.0.0.1 by the runtime's own
// server: Bun.serve under Bun, Deno.serve under Deno, @hono/node-server under Node (which hands
// the handler its own lightweight Request, as it does to every Hono app on Node). Not a spec
// (no .spec. in the name): web.spec.mjs and hono.spec.mjs share it.
import { currentRuntime } from './harness.cjs';

export const HOST = '127.0.0.1';

/** Serves `fetch` on a free loopback port for the time of `fn(origin)`, then closes every connection. */
export async function withServer(fetch, fn) {
  const server = await listen(fetch);
  try {
    await fn(server.origin);
  } finally {
    await server.close();
  }
}

async function listen(fetch) {
  switch (currentRuntime()) {
    case 'bun': {
      const server = globalThis.Bun.serve({ port: 0, hostname: HOST, fetch });
      // stop(true): also the keep-alive connections fetch() left open.
      return { origin: `http://${HOST}:${server.port}`, close: () => server.stop(true) };
    }
    case 'deno': {
      const server = globalThis.Deno.serve({ port: 0, hostname: HOST, onListen() {} }, fetch);
      return { origin: `http://${HOST}:${server.addr.port}`, close: () => server.shutdown() };
    }
    default: {
      const { serve } = await import('@hono/node-server');
      const server = await new Promise((resolve, reject) => {
        const listening = serve({ fetch, port: 0, hostname: HOST }, () => resolve(listening));
        listening.once('error', reject);
      });
      return {
        origin: `http://${HOST}:${server.address().port}`,
        close: () =>
          new Promise((resolve) => {
            server.close(resolve);
            server.closeAllConnections();
          }),
      };
    }
  }
}

/** GET `url` with an optional Cookie header; the status, the JSON body and the Set-Cookie values. */
export async function get(url, cookie) {
  const res = await fetch(url, { headers: cookie === undefined ? {} : { cookie } });
  return { status: res.status, body: await res.json(), setCookies: res.headers.getSetCookie() };
}

// As client-sessions spells it (and express.spec.mjs checks): name=value; path=/; expires=…; httponly.
const SET_COOKIE = /^([\w-]+)=([\w-]+\.[\w-]+\.\d+\.\d+\.[\w-]+); path=\/; expires=(\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT); httponly$/;

/** The cookie value in a Set-Cookie value of cookie `name` spelled as SET_COOKIE, or an assertion error. */
export function cookieValue(setCookie, assert, name = 'session') {
  const match = SET_COOKIE.exec(setCookie ?? '');
  if (!match || match[1] !== name) assert.fail(`not a ${name} Set-Cookie as client-sessions spells it: ${setCookie}`);
  return match[2];
}

/** The Expires date of a Set-Cookie value, as ms since the epoch. */
export function expiresOf(setCookie) {
  return Date.parse(SET_COOKIE.exec(setCookie ?? '')?.[3] ?? 'not a date');
}

/** The value with the first character of its MAC (the last field) replaced by another one. */
export function forge(value) {
  return value.replace(/\.([\w-])([\w-]*)$/, (_, head, rest) => `.${head === 'A' ? 'B' : 'A'}${rest}`);
}
