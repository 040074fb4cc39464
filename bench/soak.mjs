#!/usr/bin/env node
// Soak: millions of encodes and decodes through the native codec, then a bounded load run
// against an Express app on loopback, reporting memory at start and end, errors and non-2xx.
//
//   npm run soak                     2M codec operations, 20 s of HTTP load
//   node bench/soak.mjs --short      200k operations, 3 s of load; the test command runs this
//
// Fails (exit 1) on any error, any non-2xx response, or memory growth beyond the bounds below
// (measured after a forced GC, so it is retained memory, not garbage waiting to be collected).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const SHORT = process.argv.includes('--short');
const SERVER = process.argv.includes('--server');
const CONFIG = SHORT ? { operations: 200_000, seconds: 3 } : { operations: 2_000_000, seconds: 20 };
/** Retained growth allowed after warm-up, in MB: leaks of even a few bytes per op exceed it. */
const MAX_CODEC_GROWTH_MB = 24;
const MAX_SERVER_GROWTH_MB = 48;
const SECRET = 'a soak test secret that is long enough to be real';
const SESSION = {
  user: { id: 48213, email: 'ada.lovelace@example.com', roles: ['customer', 'beta-tester'] },
  csrfToken: 'q8Jr2vXkM1bT7wYh0sLdZc4NfPaE9uGi',
  cart: [{ sku: 'BK-1042', qty: 1 }, { sku: 'MUG-007', qty: 2 }],
  prefs: { theme: 'dark', lang: 'en-GB' },
};

const mb = (bytes) => bytes / (1 << 20);
function memory() {
  globalThis.gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss: mb(rss), heap: mb(heapUsed), external: mb(external) };
}
const show = (m) => `rss ${m.rss.toFixed(1)} MB, heap ${m.heap.toFixed(1)} MB, external ${m.external.toFixed(1)} MB`;

if (SERVER) {
  // The server process: our middleware on Express, with a route that reports its memory.
  const express = require('express');
  const sessions = require('../dist/index.js');
  const app = express();
  app.use(sessions({ cookieName: 'session', secret: SECRET, backend: 'native' }));
  app.get('/seed', (req, res) => {
    req.session = structuredClone(SESSION);
    res.end('ok');
  });
  app.get('/read', (req, res) => res.end(String(req.session.user?.id)));
  app.get('/write', (req, res) => {
    req.session.counter = (req.session.counter ?? 0) + 1;
    res.end('ok');
  });
  app.get('/__memory', (_req, res) => res.json(memory()));
  const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

async function main() {
  if (!globalThis.gc) {
    console.error('soak: run with node --expose-gc (npm run soak does)');
    process.exit(1);
  }
  const failures = [];
  const sessions = require('../dist/index.js');
  console.log(`soak${SHORT ? ' (short)' : ''}: node ${process.version}, default backend ${sessions.backend}`);

  // 1. Codec churn on the native backend.
  const codec = sessions.createCodec({ cookieName: 'session', secret: SECRET, backend: 'native' });
  const json = JSON.stringify(SESSION);
  let errors = 0;
  const churn = (n) => {
    for (let i = 0; i < n; i++) {
      const cookie = codec.encode(json, Date.now(), 86_400_000);
      const decoded = codec.decode(i % 64 === 0 ? cookie.slice(1) : cookie);
      if (decoded.status !== (i % 64 === 0 ? 'invalid' : 'valid')) errors++;
    }
  };
  churn(20_000);
  const codecStart = memory();
  const started = performance.now();
  churn(CONFIG.operations / 2);
  const seconds = (performance.now() - started) / 1000;
  const codecEnd = memory();
  const codecGrowth = codecEnd.rss - codecStart.rss;
  console.log(`codec: ${CONFIG.operations.toLocaleString('en-US')} operations (encode + decode, 1 in 64 tampered) in ${seconds.toFixed(1)} s, ${errors} errors`);
  console.log(`  start: ${show(codecStart)}`);
  console.log(`  end:   ${show(codecEnd)}  (rss ${codecGrowth >= 0 ? '+' : ''}${codecGrowth.toFixed(1)} MB)`);
  if (errors > 0) failures.push(`${errors} codec results were wrong`);
  if (codecGrowth > MAX_CODEC_GROWTH_MB) failures.push(`codec rss grew ${codecGrowth.toFixed(1)} MB > ${MAX_CODEC_GROWTH_MB} MB`);

  // 2. HTTP load against a separate server process.
  const autocannon = require('autocannon');
  const child = fork(fileURLToPath(import.meta.url), ['--server'], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const [{ port }] = await once(child, 'message');
    const base = `http://127.0.0.1:${port}`;
    const seed = await fetch(`${base}/seed`);
    const cookie = seed.headers.getSetCookie()[0].split(';')[0];
    const fire = (path, duration) =>
      autocannon({ url: `${base}${path}`, connections: 10, duration, headers: { cookie } });
    await fire('/read', 1);
    await fire('/write', 1);
    const serverStart = await (await fetch(`${base}/__memory`)).json();
    const half = Math.max(1, Math.round(CONFIG.seconds / 2));
    const runs = [await fire('/read', half), await fire('/write', half)];
    const serverEnd = await (await fetch(`${base}/__memory`)).json();
    const requests = runs.reduce((sum, r) => sum + r.requests.total, 0);
    const non2xx = runs.reduce((sum, r) => sum + r.non2xx, 0);
    const httpErrors = runs.reduce((sum, r) => sum + r.errors + r.timeouts, 0);
    const growth = serverEnd.rss - serverStart.rss;
    console.log(`http: ${requests.toLocaleString('en-US')} requests in ${half * 2} s (/read then /write), ${httpErrors} errors, ${non2xx} non-2xx`);
    console.log(`  server start: ${show(serverStart)}`);
    console.log(`  server end:   ${show(serverEnd)}  (rss ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB)`);
    if (httpErrors > 0) failures.push(`${httpErrors} HTTP errors or timeouts`);
    if (non2xx > 0) failures.push(`${non2xx} non-2xx responses`);
    if (requests === 0) failures.push('no HTTP requests completed');
    if (growth > MAX_SERVER_GROWTH_MB) failures.push(`server rss grew ${growth.toFixed(1)} MB > ${MAX_SERVER_GROWTH_MB} MB`);
  } finally {
    child.kill();
  }

  if (failures.length > 0) {
    console.error(`soak FAILED: ${failures.join('; ')}`);
    process.exit(1);
  }
  console.log(`soak: passed (bounds: codec rss +${MAX_CODEC_GROWTH_MB} MB, server rss +${MAX_SERVER_GROWTH_MB} MB)`);
}
