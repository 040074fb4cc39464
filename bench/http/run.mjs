// HTTP benchmark: Express 4, Express 5, Fastify 5 and Hono 4 (on @hono/node-server), each bare
// and with each session middleware, and Bun.serve bare and with our Web store (the server run
// by node_modules/bun), loaded by autocannon over loopback.
//
//   node bench/http/run.mjs           full run, about 21 minutes on 2 cores: 21 servers
//                                     (Express 4: 6, Express 5: 4, Fastify: 4, Hono: 4, Bun: 3)
//                                     x 3 routes x 3 rounds of 5 s, plus warm-ups (writes
//                                     bench/results/http.json)
//   node bench/http/run.mjs --quick   CI smoke run, about 37 s, writes nothing: checks every
//                                     server, then one round of 1 s per route of the bare server
//                                     and native on Express and Fastify, and of native alone
//                                     (without warm-up) on Hono and Bun
//   --framework=express4,fastify      only these frameworks (express4, express5, fastify, hono,
//                                     bun)
//   --contenders=native,bare,fastify:js
//                                     only these contenders: a plain name in every selected
//                                     framework that has it, `framework:name` only there; the
//                                     `noop` references only run when named
//   --routes=none,read                only these routes (none, read, write)
//   --rounds=N  --duration=S          rounds, and seconds per measured run
//   --out=FILE                        write the results there (any run but --quick); by default
//                                     only a run of every server and route writes, to http.json
//   --dry-run                         print what would run, and the time it would take
//
// Each server (server.mjs: one framework, one contender) runs in its own process; the load
// generator (autocannon, used as a library) runs here. For every server process the runner
// first gets a session cookie from GET /seed and checks that it works (/read returns the seeded
// user, /none answers without a Set-Cookie, /write sends a Set-Cookie whose cookie makes the
// next /write count 2), then times GET /none, /read and /write with that Cookie header: a
// warm-up run (2 s before a process's first route, which warms most of the code the others use;
// 1 s before each next one), then a measured run. /none never touches the session: what a
// session layer costs the requests that do not use it. Nothing is pinned: on the reference
// 2-core VM the server runs at 100% of a core and autocannon at 20-60% of the other (up to 90%
// against bare Fastify's 60,000 req/s), so it is the server that is measured; each run records
// both processes' CPU use (from /proc) and the summary names the runs where the server was
// below 90% of a core (a busy machine, or autocannon at its limit). Bare Bun.serve (and ours on
// Bun for /none) answers faster than one autocannon process asks, so there it is autocannon
// that is measured: for Bun, read the CPU-time table. Each round starts a fresh process per
// server and goes through all the servers, of every framework, in a rotated order, so that machine noise
// (other processes, CPU frequency) is spread over all of them; the routes' order rotates too.
// Reported: the median over rounds of each run's average req/s (with min-max), and of each
// run's p99 latency; per framework, the share of its bare server's req/s and the speed-up over
// its baseline (client-sessions on Express, @fastify/secure-session on Fastify, iron-session on
// Hono; none on Bun); and the targets
// (shared.mjs), from the per-request cost 1/req/s. As a cross-check, the same tables and targets
// on the server's CPU time per request, which other processes taking turns on the cores move
// much less than req/s (instructions.mjs is the noise-free check).
//
// A sessionless server (`none` on Express, `bare` on the others) gets a dummy Cookie header as
// long as the real one of native on the same framework, so that header parsing costs the same.
//
// Every run must end with 0 errors, 0 timeouts, 0 non-2xx and 0 body mismatches (each response
// is compared with the expected body); /write responses must carry the Set-Cookie and /none ones
// must not (checked through bytes per response, at least a cookie's worth apart); otherwise the
// runner reports it, writes nothing and exits 1. Targets missed do not fail the run.

import { createRequire } from 'node:module';
import os from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EXPECTED_BODY,
  HOST,
  commandLine,
  cpuModel,
  cpuSeconds,
  elapsedSeconds,
  evaluateTargets,
  frameworkPackage,
  log,
  markdownTable,
  median,
  nativeCookieLength,
  parseCommandLine,
  ratioColumns,
  ratios,
  resultsFile,
  round1,
  round2,
  runMain,
  runProblems,
  seedAndVerify,
  startServer,
  stopServer,
  targetsTable,
  writeResults,
} from './harness.mjs';
import { FRAMEWORKS, SEED_SESSION, TARGETED, isSessionless } from './shared.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const CLI = parseCommandLine(process.argv.slice(2), { booleans: ['quick', 'dry-run'], numbers: ['rounds', 'duration'], strings: ['out'] });
const QUICK = CLI.flags.quick === true;
// Quick: no warm-up before a process's second and third route, the first one's is enough for
// a smoke run.
const CONFIG = {
  ...(QUICK
    ? { rounds: 1, duration: 1, warmupFirst: 1, warmupNext: 0, connections: 10, pipelining: 1 }
    : { rounds: 3, duration: 5, warmupFirst: 2, warmupNext: 1, connections: 10, pipelining: 1 }),
  ...(CLI.flags.rounds ? { rounds: Math.round(CLI.flags.rounds) } : {}),
  ...(CLI.flags.duration ? { duration: CLI.flags.duration } : {}),
};
const ROUTES = CLI.routes;
// Every selected server is checked; --quick times only the bare server and native of each
// framework (unless servers were chosen), enough for CI to see every adapter under load.
const CHECKED = CLI.servers;
// A framework may name fewer (`quick` in shared.mjs: Hono and Bun time native alone).
const quickTimed = ({ framework, contender }) => (FRAMEWORKS[framework].quick ?? ['native', FRAMEWORKS[framework].bare]).includes(contender);
const TIMED = QUICK && !CLI.explicit ? CHECKED.filter(quickTimed) : CHECKED;
const RESULTS_FILE = QUICK ? null : resultsFile(fileURLToPath(new URL('../results/http.json', import.meta.url)), CLI);
const COMMAND = commandLine(import.meta.url);
const CPU = cpuModel();

/** Seconds the run should take: the loads, plus about 0.6 s to start, check and stop a server. */
function expectedSeconds() {
  const perProcess = 0.6;
  const warmups = (s) => (QUICK && FRAMEWORKS[s.framework].quick ? 0 : CONFIG.warmupFirst + (ROUTES.length - 1) * CONFIG.warmupNext);
  const loads = (s) => warmups(s) + ROUTES.length * CONFIG.duration;
  return CHECKED.length * perProcess + CONFIG.rounds * TIMED.reduce((sum, s) => sum + loads(s) + perProcess, 0);
}

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

const pct = (x) => (x === null ? '?' : `${x.toFixed(0)}%`);

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

const failures = [];

async function measureServer(target, round, noneCookieLength, runs) {
  const server = await startServer(target.id);
  try {
    const { cookie } = await seedAndVerify(server, noneCookieLength);
    // Rotate which route goes first, so that no route always gets the fresher process.
    const k = round % ROUTES.length;
    const routes = [...ROUTES.slice(k), ...ROUTES.slice(0, k)];
    const bytesPerResponse = {};
    for (const [i, route] of routes.entries()) {
      // A framework with its own `quick` list gets no warm-up in a smoke run (its preflight ran
      // the code already): Hono and Bun add about 7 s to it, not 10.
      const warmup = QUICK && FRAMEWORKS[target.framework].quick ? 0 : i === 0 ? CONFIG.warmupFirst : CONFIG.warmupNext;
      const warm = warmup > 0 ? await cannon(server.port, route, cookie, warmup, false) : null;
      const cpu0 = { server: cpuSeconds(server.pid), runner: process.cpuUsage(), at: performance.now() };
      const { result, latencies, bytes } = await cannon(server.port, route, cookie, CONFIG.duration, true);
      const seconds = (performance.now() - cpu0.at) / 1000;
      const serverCpu = cpu0.server === null ? null : cpuSeconds(server.pid);
      const runnerCpu = process.cpuUsage(cpu0.runner);
      const problems = [...(warm ? runProblems(warm.result).map((p) => `warm-up ${p}`) : []), ...runProblems(result)];
      latencies.sort((a, b) => a - b);
      const run = {
        round,
        reqPerSec: result.requests.average,
        p99: percentile(latencies, 99),
        p50: percentile(latencies, 50),
        requests: result.requests.total,
        bytesPerResponse: latencies.length ? bytes / latencies.length : 0,
        // % of one core: the server should be near 100 (it is what is measured); if it is not
        // while the load generator is, the load generator was the limit.
        serverCpuPct: serverCpu === null ? null : (100 * (serverCpu - cpu0.server)) / seconds,
        loadgenCpuPct: (runnerCpu.user + runnerCpu.system) / 1e4 / seconds,
        // The server's CPU time per response: other processes taking turns on the cores move
        // it much less than req/s (what they still move is caches and clock frequency).
        cpuUsPerRequest: serverCpu === null || !result.requests.total ? null : ((serverCpu - cpu0.server) * 1e6) / result.requests.total,
      };
      bytesPerResponse[route] = run.bytesPerResponse;
      runs[target.id][route].push(run);
      if (problems.length) failures.push(`${target.id} /${route} round ${round + 1}: ${problems.join(', ')}`);
      log(
        `round ${round + 1} ${target.id.padEnd(24)} /${route.padEnd(5)} ` +
          `${run.reqPerSec.toFixed(0).padStart(6)} req/s  p99 ${run.p99.toFixed(2)} ms  ` +
          `${run.bytesPerResponse.toFixed(0)} B/resp  CPU server ${pct(run.serverCpuPct)} autocannon ${pct(run.loadgenCpuPct)}` +
          `${problems.length ? `  PROBLEMS: ${problems.join(', ')}` : ''}`,
      );
    }
    // The timed /write responses carried a Set-Cookie, and the others did not: at least a
    // cookie's worth of bytes apart.
    if (!isSessionless(target.framework, target.contender) && 'write' in bytesPerResponse) {
      for (const route of ROUTES.filter((r) => r !== 'write')) {
        if (!(bytesPerResponse.write > bytesPerResponse[route] + 100)) {
          failures.push(
            `${target.id} round ${round + 1}: /write responses (${bytesPerResponse.write.toFixed(0)} B) are not ` +
              `bigger than /${route} ones (${bytesPerResponse[route].toFixed(0)} B): a Set-Cookie missing on /write, or sent on /${route}?`,
          );
        }
      }
    }
  } finally {
    await stopServer(server);
  }
}

// --- report ----------------------------------------------------------------------------------

function summarise(list) {
  const rps = list.map((r) => r.reqPerSec);
  const p99 = list.map((r) => r.p99);
  return {
    reqPerSec: round1(median(rps)),
    reqPerSecMin: round1(Math.min(...rps)),
    reqPerSecMax: round1(Math.max(...rps)),
    p99: round2(median(p99)),
    p99Min: round2(Math.min(...p99)),
    p99Max: round2(Math.max(...p99)),
    bytesPerResponse: Math.round(median(list.map((r) => r.bytesPerResponse))),
    serverCpuPct: list[0].serverCpuPct === null ? null : Math.round(median(list.map((r) => r.serverCpuPct))),
    loadgenCpuPct: Math.round(median(list.map((r) => r.loadgenCpuPct))),
    cpuUsPerRequest: list[0].cpuUsPerRequest === null ? null : round1(median(list.map((r) => r.cpuUsPerRequest))),
    runs: list.map((r) => ({
      ...r,
      reqPerSec: round1(r.reqPerSec),
      p99: round2(r.p99),
      p50: round2(r.p50),
      bytesPerResponse: Math.round(r.bytesPerResponse),
      serverCpuPct: r.serverCpuPct === null ? null : Math.round(r.serverCpuPct),
      loadgenCpuPct: Math.round(r.loadgenCpuPct),
      cpuUsPerRequest: r.cpuUsPerRequest === null ? null : round1(r.cpuUsPerRequest),
    })),
  };
}

/** The results grouped by framework, each contender with its routes' figures and ratios. */
function byFramework(runs, info) {
  const frameworks = [...new Set(TIMED.map((s) => s.framework))].map((name) => ({
    name,
    label: FRAMEWORKS[name].label,
    package: frameworkPackage(name),
    bare: FRAMEWORKS[name].bare,
    baseline: FRAMEWORKS[name].baseline,
    contenders: TIMED.filter((s) => s.framework === name).map((s) => ({
      name: s.contender,
      id: s.id,
      backend: info[s.id].backend,
      cookieBytes: info[s.id].cookieBytes,
      routes: Object.fromEntries(ROUTES.map((route) => [route, summarise(runs[s.id][route])])),
    })),
  }));
  const cost = costFrom(frameworks);
  for (const fw of frameworks) {
    for (const c of fw.contenders) for (const route of ROUTES) Object.assign(c.routes[route], ratios(cost, fw.name, c.name, route));
  }
  return frameworks;
}

/**
 * A cost per request in µs, as ratios() and evaluateTargets() want it: from the median req/s
 * (1e6 / req/s, what the targets are judged on), or with `cpu` the server's median CPU time.
 */
const costFrom =
  (frameworks, { cpu = false } = {}) =>
  (framework, contender, route) => {
    const r = frameworks.find((f) => f.name === framework)?.contenders.find((c) => c.name === contender)?.routes[route];
    if (!r) return undefined;
    if (cpu) return r.cpuUsPerRequest ?? undefined;
    return 1e6 / r.reqPerSec;
  };

function table(fw, frameworks) {
  const fmtRps = (r) => `${r.reqPerSec.toFixed(0)} (${r.reqPerSecMin.toFixed(0)}–${r.reqPerSecMax.toFixed(0)})`;
  const ratioCols = ratioColumns(fw.name, ROUTES, costFrom(frameworks));
  const rows = [['contender', ...ROUTES.flatMap((r) => [`/${r} req/s (min–max)`, `/${r} p99 ms`]), ...ratioCols.head]];
  for (const c of fw.contenders) {
    rows.push([c.name, ...ROUTES.flatMap((r) => [fmtRps(c.routes[r]), c.routes[r].p99.toFixed(2)]), ...ratioCols.cells(c.name)]);
  }
  return markdownTable(rows);
}

function cpuTable(fw, frameworks) {
  const ratioCols = ratioColumns(fw.name, ROUTES, costFrom(frameworks, { cpu: true }));
  const rows = [['contender', ...ROUTES.map((r) => `/${r} CPU µs/req`), ...ratioCols.head]];
  for (const c of fw.contenders) {
    rows.push([c.name, ...ROUTES.map((r) => (c.routes[r].cpuUsPerRequest ?? NaN).toFixed(1)), ...ratioCols.cells(c.name)]);
  }
  return markdownTable(rows);
}

// --- main ------------------------------------------------------------------------------------

async function main() {
  const date = new Date().toISOString();
  const mode = QUICK ? 'quick smoke run' : CLI.complete ? 'full run' : 'partial run';
  console.log(`HTTP session benchmark (${mode}${RESULTS_FILE ? '' : ', nothing written'})`);
  console.log(`date ${date}`);
  console.log(`node ${process.version}, ${os.platform()}-${os.arch()}, ${os.cpus().length} CPUs: ${CPU}`);
  console.log(`command: ${COMMAND}`);
  console.log(`config: ${JSON.stringify({ ...CONFIG, routes: ROUTES })}`);
  console.log(`frameworks: ${CLI.frameworks.map(frameworkPackage).join(', ')}`);
  console.log(`checked: ${CHECKED.map((s) => s.id).join(', ')}`);
  if (TIMED !== CHECKED) console.log(`timed: ${TIMED.map((s) => s.id).join(', ')}`);
  console.log(`session JSON: ${Buffer.byteLength(JSON.stringify(SEED_SESSION))} bytes`);
  const expected = expectedSeconds();
  console.log(`expected time: about ${expected < 120 ? `${Math.round(expected)} s` : `${Math.round(expected / 60)} min`} on an idle 2-core machine`);
  console.log(`results: ${RESULTS_FILE ? relative(process.cwd(), RESULTS_FILE) : 'not written'}`);
  console.log();
  if (CLI.flags['dry-run']) {
    console.log('dry run: nothing started');
    return;
  }

  // Preflight: every server seeds and passes the round trip before anything is timed; each
  // framework's native first, since its sessionless servers imitate native's Cookie header.
  const info = {};
  const noneCookieLength = {};
  for (const framework of CLI.frameworks) {
    const servers = CHECKED.filter((s) => s.framework === framework).sort((a, b) => (b.contender === 'native') - (a.contender === 'native'));
    if (servers.some((s) => isSessionless(s.framework, s.contender)) && servers[0].contender !== 'native') {
      noneCookieLength[framework] = await nativeCookieLength(framework);
    }
    for (const s of servers) {
      const server = await startServer(s.id);
      try {
        const checked = await seedAndVerify(server, noneCookieLength[framework] ?? 0);
        info[s.id] = { backend: server.backend, readSetsCookie: checked.readSetsCookie, cookieBytes: checked.cookie.length };
        if (s.contender === 'native') noneCookieLength[framework] = checked.cookie.length;
        log(
          `preflight ${s.id.padEnd(24)} ok: Cookie header ${checked.cookie.length} bytes` +
            `${server.backend ? `, backend ${server.backend}` : ''}` +
            `${checked.readSetsCookie ? ', /read sends a Set-Cookie' : ''}`,
        );
        if (checked.readSetsCookie) failures.push(`${s.id}: /read sends a Set-Cookie (a read-only request should not)`);
      } finally {
        await stopServer(server);
      }
    }
  }

  const runs = Object.fromEntries(TIMED.map((s) => [s.id, Object.fromEntries(ROUTES.map((r) => [r, []]))]));
  const shift = Math.max(1, Math.floor(TIMED.length / CONFIG.rounds));
  for (let round = 0; round < CONFIG.rounds; round++) {
    const k = (round * shift) % TIMED.length;
    const order = [...TIMED.slice(k), ...TIMED.slice(0, k)];
    log(`round ${round + 1}/${CONFIG.rounds}: ${order.map((s) => s.id).join(', ')}`);
    for (const target of order) await measureServer(target, round, noneCookieLength[target.framework], runs);
  }

  const frameworks = byFramework(runs, info);
  const targets = evaluateTargets(costFrom(frameworks), 'µs');
  const haveCpu = frameworks.every((fw) => fw.contenders.every((c) => ROUTES.every((r) => c.routes[r].cpuUsPerRequest !== null)));
  const targetsCpu = haveCpu ? evaluateTargets(costFrom(frameworks, { cpu: true }), 'µs') : [];

  for (const fw of frameworks) {
    console.log();
    console.log(
      `${fw.label} (${fw.package}), ${CONFIG.connections} connections, pipelining ${CONFIG.pipelining}, ` +
        `${CONFIG.rounds} round(s) of ${CONFIG.duration} s per route and contender (after a warm-up); ` +
        `median over rounds (min–max); p99 = median of each run's p99 latency`,
    );
    console.log(
      `Cookie header bytes: ${fw.contenders.map((c) => `${c.name} ${c.cookieBytes}${isSessionless(fw.name, c.name) ? ' (dummy)' : ''}`).join(', ')}`,
    );
    console.log();
    console.log(table(fw, frameworks));
    if (haveCpu) {
      console.log();
      console.log(`${fw.label}, the server's CPU time per request (user + system, every thread, from /proc; median over rounds):`);
      console.log();
      console.log(cpuTable(fw, frameworks));
    }
  }
  console.log();
  console.log(`node ${process.version}, ${CPU}, ${date}, \`${COMMAND}\``);
  // The design assumes a CPU-bound server; say where it was not (median over rounds).
  const starved = frameworks.flatMap((fw) =>
    fw.contenders.flatMap((c) =>
      ROUTES.filter((r) => c.routes[r].serverCpuPct !== null && c.routes[r].serverCpuPct < 90).map(
        (r) => `${c.id} /${r} (server ${c.routes[r].serverCpuPct}%, autocannon ${c.routes[r].loadgenCpuPct}%)`,
      ),
    ),
  );
  if (starved.length) {
    console.log(`server below 90% of a core (a busy machine, or the load generator was the limit): ${starved.join(', ')}`);
  }
  console.log();
  if (targets.length) {
    console.log(`Targets (for ${TARGETED}; per-request cost = 1 / median req/s${QUICK ? '; a smoke run: the figures mean nothing' : ''}):`);
    console.log();
    console.log(targetsTable(targets));
    console.log(`${targets.filter((t) => t.met).length} of ${targets.length} met`);
    if (targetsCpu.length) {
      console.log();
      console.log("Cross-check, the same targets on the server's CPU time per request (less moved by a busy machine):");
      console.log();
      console.log(targetsTable(targetsCpu));
      console.log(`${targetsCpu.filter((t) => t.met).length} of ${targetsCpu.length} met`);
    }
  } else {
    console.log('Targets: none computable from the servers run');
  }
  console.log();
  log(`done in ${elapsedSeconds().toFixed(1)} s`);

  if (failures.length) {
    console.error(`\nFAILED (${failures.length}):\n  ${failures.join('\n  ')}`);
    console.error('nothing written');
    process.exitCode = 1;
    return;
  }
  if (!RESULTS_FILE) return;

  const output = {
    date,
    node: process.version,
    cpu: CPU,
    cpus: os.cpus().length,
    command: COMMAND,
    config: { ...CONFIG, routes: ROUTES, host: HOST, sessionJsonBytes: Buffer.byteLength(JSON.stringify(SEED_SESSION)) },
    unit: {
      reqPerSec: 'requests/s, average of a run; median over rounds',
      p99: 'ms, median over rounds',
      serverCpuPct: "% of one core used by the server process (all threads) during a run, from /proc; median over rounds",
      loadgenCpuPct: '% of one core used by the runner (autocannon) during a run; median over rounds',
      cpuUsPerRequest: "µs of the server process's CPU time (user + system, all threads) per response; median over rounds",
      pctOfBare: "% of the framework's bare server's req/s",
      vsBaseline: "req/s ÷ the framework's baseline's",
      targets: "on µs per request = 1e6 / median req/s; overhead = µs per request minus the bare server's",
      targetsCpu: 'the same targets on cpuUsPerRequest',
    },
    frameworks,
    targets,
    targetsCpu,
  };
  writeResults(RESULTS_FILE, output);
}

await runMain(main);
