// HTTP benchmark, counted instead of timed: CPU instructions per request in each contender's
// Express server, under valgrind's callgrind.
//
//   node bench/http/instructions.mjs            full run, about 25 minutes on 2 cores
//                                               (writes bench/results/http-instructions.json)
//   node bench/http/instructions.mjs --quick    a short smoke run of the harness, writes nothing
//   node bench/http/instructions.mjs native,none   only these contenders, writes nothing; `noop`
//                                               (Express with one do-nothing middleware) is
//                                               measured only when named
//
// Why: req/s on a shared 2-core VM moves 15-25% from run to run, more than the gaps the targets
// are about. callgrind counts the instructions the server process executes (JIT code, V8, libuv,
// OpenSSL, our Rust code: every user-space instruction in every thread of the process), which is
// the same from run to run whatever else the machine is doing. `none ÷ contender` is the share
// of the bare server's throughput a CPU-bound contender can reach if an instruction costs the
// same everywhere; it leaves out the kernel (the same sockets and bytes for every contender) and
// cache effects, so it complements `run.mjs`, it does not replace it.
//
// For each contender: server.mjs starts under callgrind (about 50x slower than native speed),
// is seeded and checked like in run.mjs, warmed up with WARMUP requests to /read and half as
// many to /write (so V8 has optimised the hot code, as it has in a long-running server), then
// measured in BATCHES alternating batches of BATCH requests per route: callgrind's counters are
// zeroed before a batch (`callgrind_control -z`) and dumped after it (`callgrind_control -d`).
// Garbage collection is counted where it falls, as in a long-running server, so a batch with a
// major collection in it counts a few percent more: hence the median. (Forcing a full collection
// before each batch made batches repeat better but doubled every count: the shrunken heap then
// collects far more often than a warm server's does.)
// Reported: the median over batches of instructions per request. Two servers run at a time
// (callgrind runs each on one core); their counts do not depend on each other.

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EXPECTED_BODY, HOST, ROUTES, commandLine, cpuModel, elapsedSeconds, log, markdownTable, median, runMain, runProblems, seedAndVerify, startServer, stopServer, writeResults } from './harness.mjs';
import { CONTENDERS, SEED_SESSION, SERVERS } from './shared.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const run = promisify(execFile);

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const CONFIG = QUICK
  ? { warmup: 300, batch: 100, batches: 1, parallel: 2, connections: 10 }
  : { warmup: 6000, batch: 1500, batches: 5, parallel: 2, connections: 10 };
const ONLY = args.find((a) => !a.startsWith('--'));
// Only a full run of every contender replaces the results file.
const WRITE = !QUICK && ONLY === undefined;
const SELECTED = ONLY ? ONLY.split(',') : CONTENDERS;
for (const name of SELECTED) {
  if (!SERVERS.includes(name)) throw new Error(`unknown contender ${JSON.stringify(name)}: use some of ${SERVERS.join(',')}`);
}
// The slowest under callgrind first, so that the two lanes finish close together.
const ORDER = [...SELECTED].sort((a, b) => (b === 'iron-session') - (a === 'iron-session'));

const RESULTS_FILE = fileURLToPath(new URL('../results/http-instructions.json', import.meta.url));
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
  throw new Error(`${server.contender}: no callgrind dump appeared in ${dir}`);
}

async function measure(contender, noneCookieLength) {
  const dir = mkdtempSync(join(os.tmpdir(), `cs-instr-${contender}-`));
  const wrap = ['valgrind', '--tool=callgrind', `--callgrind-out-file=${dir}/cg.%p`, `--log-file=${dir}/valgrind.%p.log`];
  const server = await startServer(contender, { wrap, readyTimeout: 180_000 });
  try {
    const { cookie } = await seedAndVerify(server, noneCookieLength);
    log(`${contender}: seeded (Cookie header ${cookie.length} bytes), warming up`);
    await load(server.port, 'read', cookie, CONFIG.warmup);
    await load(server.port, 'write', cookie, CONFIG.warmup / 2);
    const counts = { read: [], write: [] };
    for (let b = 0; b < CONFIG.batches; b++) {
      for (const route of b % 2 === 0 ? ROUTES : [...ROUTES].reverse()) {
        const total = await countBatch(server, dir, route, cookie);
        counts[route].push(total / CONFIG.batch);
        log(`${contender.padEnd(15)} /${route.padEnd(5)} batch ${b + 1}: ${Math.round(total / CONFIG.batch).toLocaleString('en')} instructions/request`);
      }
    }
    return { cookieBytes: cookie.length, counts };
  } finally {
    await stopServer(server, 20_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(contenders) {
  const none = contenders.find((c) => c.name === 'none');
  const cs = contenders.find((c) => c.name === 'client-sessions');
  const head = ['contender', '/read instr/req', '/write instr/req', 'read % none', 'write % none', 'read × client-sessions', 'write × client-sessions'];
  const rows = [head];
  for (const c of contenders) {
    const { read, write } = c.routes;
    rows.push([
      c.name,
      Math.round(read.median).toLocaleString('en'),
      Math.round(write.median).toLocaleString('en'),
      none ? `${((100 * none.routes.read.median) / read.median).toFixed(1)}%` : '-',
      none ? `${((100 * none.routes.write.median) / write.median).toFixed(1)}%` : '-',
      cs ? `${(cs.routes.read.median / read.median).toFixed(2)}×` : '-',
      cs ? `${(cs.routes.write.median / write.median).toFixed(2)}×` : '-',
    ]);
  }
  return markdownTable(rows);
}

async function main() {
  const valgrind = await requireValgrind();
  const date = new Date().toISOString();
  console.log(`HTTP instructions per request (${QUICK ? 'quick smoke run' : 'full run'}${WRITE ? '' : ', nothing written'})`);
  console.log(`node ${process.version}, ${valgrind}, command: ${COMMAND}`);
  console.log(`config: ${JSON.stringify(CONFIG)}`);
  console.log();

  // `none` imitates native's Cookie header: its length, from a native server run without valgrind.
  const probe = await startServer('native');
  const noneCookieLength = await seedAndVerify(probe, 0).then(({ cookie }) => cookie.length).finally(() => stopServer(probe));

  const results = {};
  const queue = [...ORDER];
  const workers = Array.from({ length: CONFIG.parallel }, async () => {
    while (queue.length) {
      const contender = queue.shift();
      results[contender] = await measure(contender, noneCookieLength);
    }
  });
  await Promise.all(workers);

  const contenders = SERVERS.filter((c) => results[c]).map((name) => {
    const routes = {};
    for (const route of ROUTES) {
      const list = results[name].counts[route];
      routes[route] = { median: Math.round(median(list)), min: Math.min(...list), max: Math.max(...list), batches: list.map(Math.round) };
    }
    return { name, cookieBytes: results[name].cookieBytes, routes };
  });

  console.log();
  console.log(`Instructions per request in the server process (callgrind; median of ${CONFIG.batches} batches of ${CONFIG.batch} after ${CONFIG.warmup} warm-up requests)`);
  console.log(`"% none" = none's count ÷ the contender's: the share of the bare server's throughput the instructions allow`);
  console.log();
  console.log(table(contenders));
  console.log();
  log(`done in ${elapsedSeconds().toFixed(0)} s`);
  if (!WRITE) return;

  const output = {
    date,
    node: process.version,
    valgrind,
    cpu: cpuModel(),
    command: COMMAND,
    config: { ...CONFIG, framework: 'express@4', sessionJsonBytes: Buffer.byteLength(JSON.stringify(SEED_SESSION)) },
    unit: 'instructions per request executed by the server process (all threads), median over batches',
    contenders,
  };
  writeResults(RESULTS_FILE, output);
}

await runMain(main);
