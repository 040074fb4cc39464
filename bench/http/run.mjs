// HTTP benchmark: Express 4 with each session middleware, loaded by autocannon over loopback.
//
//   node bench/http/run.mjs           full run, about 7 minutes (writes bench/results/http.json)
//   node bench/http/run.mjs --quick   CI smoke run, well under a minute, writes nothing
//
// Each contender's server (server.mjs) runs in its own process; the load generator (autocannon,
// used as a library) runs here. For every server process the runner first gets a session cookie
// from GET /seed and checks that it works (/read returns the seeded user, /write sends a
// Set-Cookie whose cookie makes the next /write count 2), then times GET /read and GET /write
// with that Cookie header: a warm-up run (3 s before a process's first route, which also warms
// most of the code the second one uses; 1 s before its second), then a measured run. Nothing is
// pinned: on the reference 2-core VM the server runs at 100% of a core and autocannon at about
// 30% of the other, so it is the server that is measured. Each round starts a fresh process
// per contender and goes through the contenders in a rotated order, so that machine noise
// (other processes, CPU frequency) is spread over all of them. Reported: the median over rounds
// of each run's average req/s (with min-max), and of each run's p99 latency.
//
// `none` has no session middleware; it gets a dummy Cookie header as long as the real one of
// `native`, so that header parsing costs the same.
//
// Every run must end with 0 errors, 0 timeouts, 0 non-2xx and 0 body mismatches (each response
// is compared with the expected body), and /write responses must carry the Set-Cookie (checked
// through bytes per response); otherwise the runner reports it, writes nothing and exits 1.

import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { EXPECTED_BODY, HOST, ROUTES, commandLine, cpuModel, elapsedSeconds, log, markdownTable, median, runMain, runProblems, seedAndVerify, startServer, stopServer, writeResults } from './harness.mjs';
import { CONTENDERS, SEED_SESSION } from './shared.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const QUICK = process.argv.includes('--quick');
const CONFIG = QUICK
  ? { rounds: 1, duration: 1, warmupFirst: 1, warmupNext: 1, connections: 10, pipelining: 1 }
  : { rounds: 5, duration: 5, warmupFirst: 3, warmupNext: 1, connections: 10, pipelining: 1 };

const RESULTS_FILE = fileURLToPath(new URL('../results/http.json', import.meta.url));
const COMMAND = commandLine(import.meta.url);
const CPU = cpuModel();

// --- load ------------------------------------------------------------------------------------

/**
 * One autocannon run; with `measure`, also every response time (ms, not rounded to whole ms as
 * autocannon's own histogram does) and the response bytes (headers included).
 */
function cannon(port, route, cookie, duration, measure) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    let bytes = 0;
    const instance = autocannon(
      {
        url: `http://${HOST}:${port}/${route}`,
        connections: CONFIG.connections,
        pipelining: CONFIG.pipelining,
        duration,
        timeout: 10,
        headers: { cookie },
        expectBody: EXPECTED_BODY[route],
      },
      (err, result) => (err ? reject(err) : resolve({ result, latencies, bytes })),
    );
    if (measure) {
      instance.on('response', (client, statusCode, resBytes, ms) => {
        latencies.push(ms);
        bytes += resBytes;
      });
    }
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

const failures = [];

async function measureContender(contender, round, noneCookieLength, runs) {
  const server = await startServer(contender);
  try {
    const { cookie, readSetsCookie } = await seedAndVerify(server, noneCookieLength);
    // Alternate which route goes first, so neither always gets the fresher process.
    const routes = round % 2 === 0 ? ROUTES : [...ROUTES].reverse();
    const bytesPerResponse = {};
    for (const [i, route] of routes.entries()) {
      const warmup = i === 0 ? CONFIG.warmupFirst : CONFIG.warmupNext;
      const warm = await cannon(server.port, route, cookie, warmup, false);
      const { result, latencies, bytes } = await cannon(server.port, route, cookie, CONFIG.duration, true);
      const problems = [...runProblems(warm.result).map((p) => `warm-up ${p}`), ...runProblems(result)];
      latencies.sort((a, b) => a - b);
      const run = {
        round,
        reqPerSec: result.requests.average,
        p99: percentile(latencies, 99),
        p50: percentile(latencies, 50),
        requests: result.requests.total,
        bytesPerResponse: latencies.length ? bytes / latencies.length : 0,
      };
      bytesPerResponse[route] = run.bytesPerResponse;
      runs[contender][route].push(run);
      if (problems.length) failures.push(`${contender} /${route} round ${round + 1}: ${problems.join(', ')}`);
      log(
        `round ${round + 1} ${contender.padEnd(15)} /${route.padEnd(5)} ` +
          `${run.reqPerSec.toFixed(0).padStart(6)} req/s  p99 ${run.p99.toFixed(2)} ms  ` +
          `${run.bytesPerResponse.toFixed(0)} B/resp${problems.length ? `  PROBLEMS: ${problems.join(', ')}` : ''}`,
      );
    }
    // The timed /write responses carried a Set-Cookie (at least a cookie's worth more bytes).
    if (contender !== 'none' && !(bytesPerResponse.write > bytesPerResponse.read + 100)) {
      failures.push(
        `${contender} round ${round + 1}: /write responses (${bytesPerResponse.write.toFixed(0)} B) are not ` +
          `bigger than /read (${bytesPerResponse.read.toFixed(0)} B): no Set-Cookie?`,
      );
    }
    return { cookieBytes: cookie.length, readSetsCookie };
  } finally {
    await stopServer(server);
  }
}

// --- report ----------------------------------------------------------------------------------

function summarise(runs) {
  return CONTENDERS.map((name) => {
    const routes = {};
    for (const route of ROUTES) {
      const list = runs[name][route];
      const rps = list.map((r) => r.reqPerSec);
      const p99 = list.map((r) => r.p99);
      routes[route] = {
        reqPerSec: round1(median(rps)),
        reqPerSecMin: round1(Math.min(...rps)),
        reqPerSecMax: round1(Math.max(...rps)),
        p99: round2(median(p99)),
        p99Min: round2(Math.min(...p99)),
        p99Max: round2(Math.max(...p99)),
        bytesPerResponse: Math.round(median(list.map((r) => r.bytesPerResponse))),
        runs: list.map((r) => ({ ...r, reqPerSec: round1(r.reqPerSec), p99: round2(r.p99), p50: round2(r.p50), bytesPerResponse: Math.round(r.bytesPerResponse) })),
      };
    }
    return { name, routes };
  });
}

const round1 = (x) => Math.round(x * 10) / 10;
const round2 = (x) => Math.round(x * 100) / 100;

function addRatios(contenders) {
  const by = Object.fromEntries(contenders.map((c) => [c.name, c]));
  for (const c of contenders) {
    for (const route of ROUTES) {
      const r = c.routes[route];
      r.pctOfNone = round1((100 * r.reqPerSec) / by.none.routes[route].reqPerSec);
      r.vsClientSessions = round2(r.reqPerSec / by['client-sessions'].routes[route].reqPerSec);
    }
  }
}

function table(contenders) {
  const fmtRps = (r) => `${r.reqPerSec.toFixed(0)} (${r.reqPerSecMin.toFixed(0)}–${r.reqPerSecMax.toFixed(0)})`;
  const rows = [
    [
      'contender',
      '/read req/s (min–max)',
      '/read p99 ms',
      '/write req/s (min–max)',
      '/write p99 ms',
      'read % none',
      'write % none',
      'read × client-sessions',
      'write × client-sessions',
    ],
  ];
  for (const c of contenders) {
    const { read, write } = c.routes;
    rows.push([
      c.name,
      fmtRps(read),
      read.p99.toFixed(2),
      fmtRps(write),
      write.p99.toFixed(2),
      `${read.pctOfNone.toFixed(1)}%`,
      `${write.pctOfNone.toFixed(1)}%`,
      `${read.vsClientSessions.toFixed(2)}×`,
      `${write.vsClientSessions.toFixed(2)}×`,
    ]);
  }
  return markdownTable(rows);
}

// --- main ------------------------------------------------------------------------------------

async function main() {
  const date = new Date().toISOString();
  console.log(`HTTP session benchmark (${QUICK ? 'quick smoke run, nothing written' : 'full run'})`);
  console.log(`date ${date}`);
  console.log(`node ${process.version}, ${os.platform()}-${os.arch()}, ${os.cpus().length} CPUs: ${CPU}`);
  console.log(`command: ${COMMAND}`);
  console.log(`config: ${JSON.stringify(CONFIG)}`);
  console.log(`session JSON: ${Buffer.byteLength(JSON.stringify(SEED_SESSION))} bytes`);
  console.log();

  // Preflight: every contender seeds and passes the round trip before anything is timed; native
  // first, since `none` imitates its Cookie header.
  const info = {};
  let noneCookieLength = 0;
  const preflightOrder = ['native', ...CONTENDERS.filter((c) => c !== 'native')];
  for (const contender of preflightOrder) {
    const server = await startServer(contender);
    try {
      const checked = await seedAndVerify(server, noneCookieLength);
      info[contender] = { backend: server.backend, ...checked, cookieBytes: checked.cookie.length };
      if (contender === 'native') noneCookieLength = checked.cookie.length;
      log(
        `preflight ${contender.padEnd(15)} ok: Cookie header ${checked.cookie.length} bytes` +
          `${server.backend ? `, backend ${server.backend}` : ''}` +
          `${checked.readSetsCookie ? ', /read sends a Set-Cookie' : ''}`,
      );
    } finally {
      await stopServer(server);
    }
  }
  for (const [name, i] of Object.entries(info)) {
    if (i.readSetsCookie) failures.push(`${name}: /read sends a Set-Cookie (a read-only request should not)`);
  }

  const runs = Object.fromEntries(CONTENDERS.map((c) => [c, { read: [], write: [] }]));
  const shift = Math.max(1, Math.floor(CONTENDERS.length / CONFIG.rounds));
  for (let round = 0; round < CONFIG.rounds; round++) {
    const k = (round * shift) % CONTENDERS.length;
    const order = [...CONTENDERS.slice(k), ...CONTENDERS.slice(0, k)];
    log(`round ${round + 1}/${CONFIG.rounds}: ${order.join(', ')}`);
    for (const contender of order) {
      await measureContender(contender, round, noneCookieLength, runs);
    }
  }

  const contenders = summarise(runs);
  addRatios(contenders);
  for (const c of contenders) c.cookieBytes = info[c.name].cookieBytes;

  console.log();
  console.log(
    `Express 4, ${CONFIG.connections} connections, pipelining ${CONFIG.pipelining}, ` +
      `${CONFIG.rounds} round(s) of ${CONFIG.duration} s per route and contender (after a warm-up); ` +
      `median over rounds (min–max); p99 = median of each run's p99 latency`,
  );
  console.log(`node ${process.version}, ${CPU}, ${date}, \`${COMMAND}\``);
  console.log(
    `Cookie header bytes: ${contenders.map((c) => `${c.name} ${c.cookieBytes}${c.name === 'none' ? ' (dummy)' : ''}`).join(', ')}`,
  );
  console.log();
  console.log(table(contenders));
  console.log();
  log(`done in ${elapsedSeconds().toFixed(1)} s`);

  if (failures.length) {
    console.error(`\nFAILED (${failures.length}):\n  ${failures.join('\n  ')}`);
    console.error('nothing written');
    process.exitCode = 1;
    return;
  }
  if (QUICK) return;

  const output = {
    date,
    node: process.version,
    cpu: CPU,
    cpus: os.cpus().length,
    command: COMMAND,
    config: { ...CONFIG, framework: 'express@4', host: HOST, sessionJsonBytes: Buffer.byteLength(JSON.stringify(SEED_SESSION)) },
    unit: { reqPerSec: 'requests/s, average of a run; median over rounds', p99: 'ms, median over rounds' },
    contenders,
  };
  writeResults(RESULTS_FILE, output);
}

await runMain(main);
