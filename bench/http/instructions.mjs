// HTTP benchmark, counted instead of timed: CPU instructions per request in each contender's
// server (Express 4, Express 5, Fastify 5 or Hono on @hono/node-server), under valgrind's
// callgrind. Not Bun.serve: valgrind runs node.
//
//   node bench/http/instructions.mjs            full run: Express 4's six contenders, about
//                                               35 minutes on 2 cores (writes
//                                               bench/results/http-instructions.json)
//   node bench/http/instructions.mjs --quick    a short smoke run of the harness, writes nothing
//   node bench/http/instructions.mjs native,none,fastify:bare,fastify:native
//                                               only these servers, writes nothing: a plain name
//                                               is Express 4's, `framework:name` another's
//                                               (express4, express5, fastify, hono); `noop` (the bare
//                                               server plus one do-nothing middleware or hook)
//                                               is measured only when named
//   --framework=fastify --contenders=bare,native   the same selection flags as run.mjs
//   --routes=read,write                         only these routes (of none, read, write; the
//                                               full run without /none takes about 25 minutes)
//   --out=FILE                                  write the results there, whatever the selection
//   --dry-run                                   print what would run, start nothing
//
// Why: req/s on a shared 2-core VM moves 15-25% from run to run, more than the gaps the targets
// are about. callgrind counts the instructions the server process executes (JIT code, V8, libuv,
// OpenSSL, our Rust code: every user-space instruction in every thread of the process), which is
// the same from run to run whatever else the machine is doing. `bare ÷ contender` is the share
// of the bare server's throughput a CPU-bound contender can reach if an instruction costs the
// same everywhere; it leaves out the kernel (the same sockets and bytes for every contender) and
// cache effects, so it complements `run.mjs`, it does not replace it.
//
// For each server: server.mjs starts under callgrind (about 50x slower than native speed),
// is seeded and checked like in run.mjs, warmed up with WARMUP requests to /read, half as many
// to /write and a quarter to /none, four times as many on Fastify (so V8 has optimised the hot
// code, as it has in a long-running server; /none's code is mostly /read's), then measured in BATCHES rounds of
// one batch of BATCH requests per route, in a rotating order: callgrind's counters are
// zeroed before a batch (`callgrind_control -z`) and dumped after it (`callgrind_control -d`).
// Garbage collection is counted where it falls, as in a long-running server, so a batch with a
// major collection in it counts a few percent more: hence the median. (Forcing a full collection
// before each batch made batches repeat better but doubled every count: the shrunken heap then
// collects far more often than a warm server's does.)
// Reported: the median over batches of instructions per request, per framework against its
// bare server and baseline, and the targets (shared.mjs) on instructions per request: the
// noise-free check of what run.mjs times. Two servers run at a time (callgrind runs each on one
// core); their counts do not depend on each other.

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  EXPECTED_BODY,
  HOST,
  commandLine,
  cpuModel,
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
const run = promisify(execFile);

// Without a selection: Express 4's contenders (the results file the README quotes).
const CLI = parseCommandLine(process.argv.slice(2), { defaultFrameworks: ['express4'], booleans: ['quick', 'dry-run'], strings: ['out'] });
// valgrind runs node here; a server that runs on Bun (JavaScriptCore, its own allocator) is timed
// by run.mjs only.
const onBun = CLI.servers.filter((s) => FRAMEWORKS[s.framework].runtime === 'bun');
if (onBun.length) {
  console.error(`bench/http/instructions.mjs counts servers run by node under valgrind, not ${onBun.map((s) => s.id).join(', ')}: time them with bench/http/run.mjs`);
  process.exit(2);
}
const QUICK = CLI.flags.quick === true;
const CONFIG = QUICK
  ? { warmup: 300, batch: 100, batches: 1, parallel: 2, connections: 10 }
  : { warmup: 6000, batch: 1500, batches: 5, parallel: 2, connections: 10 };
const ROUTES = CLI.routes;
const WARMUP = { read: CONFIG.warmup, write: CONFIG.warmup / 2, none: CONFIG.warmup / 4 };
// Fastify's requests are ~6x cheaper than Express's, so after the same number of them V8's
// background compiler (which callgrind runs on the same core, in turns) is still behind: with
// 6,000 warm-up requests the first batches counted 20-50% more than the settled ones. Four times
// as many cost Fastify less time than Express's own warm-up.
// Hono's bare requests cost about what Fastify's do: the same.
const WARMUP_SCALE = { fastify: 4, hono: 4 };
// The slowest under callgrind first, so that the two lanes finish close together.
const ORDER = [...CLI.servers].sort((a, b) => (b.contender === 'iron-session') - (a.contender === 'iron-session'));

// Only a full run of the default selection replaces the results file (or any run, with --out).
const RESULTS_FILE = QUICK ? null : resultsFile(fileURLToPath(new URL('../results/http-instructions.json', import.meta.url)), CLI);
const COMMAND = commandLine(import.meta.url);

async function requireValgrind() {
  try {
    const { stdout } = await run('valgrind', ['--version']);
    await run('callgrind_control', ['--version']);
    return stdout.trim();
  } catch {
    console.error('bench/http/instructions.mjs needs valgrind (with callgrind_control) on the PATH,');
    console.error('e.g. `apt-get install valgrind`; `npm run bench:http` times req/s without it.');
    process.exit(2);
  }
}

/** `amount` requests to /route over CONFIG.connections keep-alive connections; throws on any failure. */
function load(port, route, cookie, amount) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://${HOST}:${port}/${route}`,
        connections: CONFIG.connections,
        amount,
        timeout: 60,
        headers: { cookie },
        expectBody: EXPECTED_BODY[route],
      },
      (err, result) => {
        if (err) return reject(err);
        const problems = runProblems(result);
        if (result.requests.total !== amount) problems.push(`${result.requests.total} of ${amount} requests done`);
        if (problems.length) return reject(new Error(`/${route}: ${problems.join(', ')}`));
        resolve(result);
      },
    );
  });
}

/** Instructions the process ran between a zero and a dump of callgrind's counters. */
async function countBatch(server, dir, route, cookie) {
  await run('callgrind_control', ['-z', String(server.pid)]);
  await load(server.port, route, cookie, CONFIG.batch);
  const before = new Set(readdirSync(dir));
  await run('callgrind_control', ['-d', String(server.pid)]);
  // The dump is written by the server process: wait for the new file's totals line.
  for (let tries = 0; tries < 200; tries++) {
    for (const name of readdirSync(dir)) {
      if (before.has(name) || !name.startsWith(`cg.${server.pid}.`)) continue;
      const match = /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, name), 'utf8'));
      if (match) return Number(match[1]);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${server.id}: no callgrind dump appeared in ${dir}`);
}

async function measure(target, noneCookieLength) {
  const dir = mkdtempSync(join(os.tmpdir(), `cs-instr-${target.framework}-${target.contender}-`));
  const wrap = ['valgrind', '--tool=callgrind', `--callgrind-out-file=${dir}/cg.%p`, `--log-file=${dir}/valgrind.%p.log`];
  const server = await startServer(target.id, { wrap, readyTimeout: 180_000 });
  try {
    const { cookie } = await seedAndVerify(server, noneCookieLength);
    log(`${target.id}: seeded (Cookie header ${cookie.length} bytes), warming up`);
    // The first route warmed gets the full warm-up even when it is not /read (--routes=none).
    const warmups = ['read', 'write', 'none'].filter((r) => ROUTES.includes(r));
    const scale = WARMUP_SCALE[target.framework] ?? 1;
    for (const [i, route] of warmups.entries()) await load(server.port, route, cookie, scale * (i === 0 ? CONFIG.warmup : WARMUP[route]));
    const counts = Object.fromEntries(ROUTES.map((r) => [r, []]));
    for (let b = 0; b < CONFIG.batches; b++) {
      const k = b % ROUTES.length;
      for (const route of [...ROUTES.slice(k), ...ROUTES.slice(0, k)]) {
        const total = await countBatch(server, dir, route, cookie);
        counts[route].push(total / CONFIG.batch);
        log(`${target.id.padEnd(24)} /${route.padEnd(5)} batch ${b + 1}: ${Math.round(total / CONFIG.batch).toLocaleString('en')} instructions/request`);
      }
    }
    return { cookieBytes: cookie.length, counts };
  } finally {
    await stopServer(server, 20_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Instructions per request (median over batches), as ratios() and evaluateTargets() want it. */
const costFrom = (frameworks) => (framework, contender, route) =>
  frameworks.find((f) => f.name === framework)?.contenders.find((c) => c.name === contender)?.routes[route]?.median;

function table(fw, frameworks) {
  const ratioCols = ratioColumns(fw.name, ROUTES, costFrom(frameworks));
  const rows = [['contender', ...ROUTES.map((r) => `/${r} instr/req`), ...ratioCols.head]];
  for (const c of fw.contenders) rows.push([c.name, ...ROUTES.map((r) => Math.round(c.routes[r].median).toLocaleString('en')), ...ratioCols.cells(c.name)]);
  return markdownTable(rows);
}

async function main() {
  const date = new Date().toISOString();
  const mode = QUICK ? 'quick smoke run' : CLI.complete ? 'full run' : 'partial run';
  console.log(`HTTP instructions per request (${mode}${RESULTS_FILE ? '' : ', nothing written'})`);
  console.log(`servers: ${CLI.servers.map((s) => s.id).join(', ')}`);
  console.log(`routes: ${ROUTES.join(', ')}; config: ${JSON.stringify(CONFIG)}`);
  if (CLI.flags['dry-run']) {
    console.log('dry run: nothing started');
    return;
  }
  const valgrind = await requireValgrind();
  console.log(`node ${process.version}, ${valgrind}, command: ${COMMAND}`);
  console.log();

  // A sessionless server imitates native's Cookie header on the same framework: its length,
  // from a native server run without valgrind.
  const noneCookieLength = {};
  for (const framework of CLI.frameworks) {
    if (CLI.servers.some((s) => s.framework === framework && isSessionless(s.framework, s.contender))) {
      noneCookieLength[framework] = await nativeCookieLength(framework);
    }
  }

  const results = {};
  const queue = [...ORDER];
  const workers = Array.from({ length: CONFIG.parallel }, async () => {
    while (queue.length) {
      const target = queue.shift();
      results[target.id] = await measure(target, noneCookieLength[target.framework] ?? 0);
    }
  });
  await Promise.all(workers);

  const frameworks = CLI.frameworks.map((name) => ({
    name,
    label: FRAMEWORKS[name].label,
    package: frameworkPackage(name),
    bare: FRAMEWORKS[name].bare,
    baseline: FRAMEWORKS[name].baseline,
    contenders: CLI.servers
      .filter((s) => s.framework === name)
      .map((s) => {
        const routes = {};
        for (const route of ROUTES) {
          const list = results[s.id].counts[route];
          routes[route] = { median: Math.round(median(list)), min: Math.round(Math.min(...list)), max: Math.round(Math.max(...list)), batches: list.map(Math.round) };
        }
        return { name: s.contender, id: s.id, cookieBytes: results[s.id].cookieBytes, routes };
      }),
  }));
  const cost = costFrom(frameworks);
  for (const fw of frameworks) {
    for (const c of fw.contenders) for (const route of ROUTES) Object.assign(c.routes[route], ratios(cost, fw.name, c.name, route));
  }
  const targets = evaluateTargets(cost, 'instr');

  console.log();
  console.log(`Instructions per request in the server process (callgrind; median of ${CONFIG.batches} batches of ${CONFIG.batch} after ${CONFIG.warmup} warm-up requests)`);
  console.log(`"% bare" = the bare server's count ÷ the contender's: the share of the bare server's throughput the instructions allow`);
  for (const fw of frameworks) {
    console.log();
    console.log(`${fw.label} (${fw.package})`);
    console.log();
    console.log(table(fw, frameworks));
  }
  console.log();
  if (targets.length) {
    console.log(`Targets (for ${TARGETED}, on instructions per request):`);
    console.log();
    console.log(targetsTable(targets));
    console.log(`${targets.filter((t) => t.met).length} of ${targets.length} met`);
    console.log();
  }
  log(`done in ${elapsedSeconds().toFixed(0)} s`);
  if (!RESULTS_FILE) return;

  const output = {
    date,
    node: process.version,
    valgrind,
    cpu: cpuModel(),
    command: COMMAND,
    config: { ...CONFIG, routes: ROUTES, warmupPerRoute: WARMUP, warmupScale: WARMUP_SCALE, sessionJsonBytes: Buffer.byteLength(JSON.stringify(SEED_SESSION)) },
    unit: 'instructions per request executed by the server process (all threads), median over batches',
    frameworks,
    targets,
  };
  writeResults(RESULTS_FILE, output);
}

await runMain(main);
