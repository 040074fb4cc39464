// Express without sockets, counted: CPU instructions per request when requests are handed to
// the app in-process (`app.handle` on a fresh IncomingMessage and ServerResponse, no parser, no
// kernel), under valgrind's callgrind, by difference (../callgrind.mjs). It
// takes about a minute per figure instead of instructions.mjs's several, and it can measure
// ablations no contender is: what putting a slot or an accessor on Express's request costs.
//
//   node bench/http/in-process.mjs                        every shape on Express 4, /none
//   node bench/http/in-process.mjs express5 native,none read,write
//                                                         framework, shapes, routes
//
// Shapes: `none` (the bare app), `noop` (one middleware that only calls next), `slot` (one that
// writes a symbol-keyed property on req), `slot+accessor` (that, plus a `session` accessor
// defined on req, as the middleware does), `native` and `js` (the middleware on each backend).
// Every request is answered synchronously (res.end is reached before app.handle returns);
// anything else is an error.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { perCall, requireValgrind } from '../callgrind.mjs';
import { SEED_SESSION } from './shared.mjs';

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const WARMUP = 10_000;
const REQUESTS = 5_000;
const FRAMEWORKS = { express4: 'express', express5: 'express5' };
const SHAPES = ['none', 'noop', 'slot', 'slot+accessor', 'native', 'js'];
const ROUTES = ['none', 'read', 'write'];
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4], process.argv[5], Number(process.argv[6]));
} else {
  await main(process.argv.slice(2));
}

function child(framework, shape, route, requests) {
  const http = require('node:http');
  const { Socket } = require('node:net');
  const express = require(FRAMEWORKS[framework]);
  const app = express();
  const SLOT = Symbol('slot');
  const accessor = { configurable: true, enumerable: true, get() { return this[SLOT]; }, set(v) { this[SLOT] = v; } };
  const sessionless = ['none', 'noop', 'slot', 'slot+accessor'].includes(shape);
  if (shape === 'noop') app.use((req, res, next) => next());
  if (shape === 'slot') app.use((req, res, next) => { req[SLOT] = { n: 1 }; next(); });
  if (shape === 'slot+accessor') app.use((req, res, next) => { req[SLOT] = { n: 1 }; Object.defineProperty(req, 'session', accessor); next(); });
  if (!sessionless) app.use(require('../../dist/index.js')({ cookieName: 'session', secret: SECRET, duration: 86_400_000, backend: shape }));
  app.get('/seed', (req, res) => { Object.assign(req.session, structuredClone(SEED_SESSION)); res.json({ seeded: true }); });
  app.get('/none', (req, res) => res.json({ ok: true }));
  app.get('/read', (req, res) => res.json({ user: sessionless ? SEED_SESSION.user.id : req.session.user.id }));
  app.get('/write', (req, res) => {
    if (sessionless) return res.json({ counter: 1 });
    req.session.counter = (req.session.counter ?? 0) + 1;
    res.json({ counter: req.session.counter });
  });
  const socket = new Socket();
  const request = (url, cookie) => {
    const req = new http.IncomingMessage(socket);
    req.method = 'GET';
    req.url = url;
    req.headers = { host: 'localhost', cookie };
    req.rawHeaders = ['Host', 'localhost', 'Cookie', cookie];
    const res = new http.ServerResponse(req);
    let ended = false;
    const end = res.end;
    res.end = function (...args) {
      ended = true;
      return end.apply(this, args);
    };
    app.handle(req, res, (err) => {
      throw err ?? new Error(`no route answered ${url}`);
    });
    if (!ended) throw new Error(`${url} was not answered synchronously`);
    return res;
  };
  // A cookie of the seeded session's size either way, so every shape parses the same header.
  let cookie = `session=${'a'.repeat(600)}`;
  if (!sessionless) {
    cookie = String(request('/seed', '').getHeader('set-cookie')).split(';')[0];
    if (!request('/read', cookie).getHeader('content-type')) throw new Error('the seeded session was not read');
  }
  for (let i = 0; i < WARMUP; i++) request(`/${route}`, cookie);
  for (let i = 0; i < requests; i++) request(`/${route}`, cookie);
}

async function main(args) {
  const framework = args.find((a) => a in FRAMEWORKS) ?? 'express4';
  const rest = args.filter((a) => !(a in FRAMEWORKS));
  const shapes = rest[0] ? rest[0].split(',') : SHAPES;
  const routes = rest[1] ? rest[1].split(',') : ['none'];
  const bad = [...shapes.filter((s) => !SHAPES.includes(s)), ...routes.filter((r) => !ROUTES.includes(r))];
  if (bad.length > 0 || rest.length > 2) {
    console.error(`bench/http/in-process.mjs: unknown ${bad.join(', ') || rest.slice(2).join(' ')} (frameworks: ${Object.keys(FRAMEWORKS).join(', ')}; shapes: ${SHAPES.join(', ')}; routes: ${ROUTES.join(', ')})`);
    process.exit(2);
  }
  await requireValgrind('bench/http/in-process.mjs');
  console.log(`${framework} in-process instructions per request (node ${process.version}, --single-threaded; ${WARMUP} requests of warm-up, then the difference between 0 and ${REQUESTS} more)`);
  console.log('| shape | route | instructions per request |');
  console.log('|---|---|---:|');
  for (const route of routes) {
    for (const shape of shapes) {
      const count = await perCall((n) => [SELF, '--child', framework, shape, route, String(n)], REQUESTS, `${framework} ${shape} /${route}`);
      console.log(`| ${shape} | /${route} | ${count.toLocaleString('en-US')} |`);
    }
  }
}
