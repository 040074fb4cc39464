// What both HTTP benchmarks share (run.mjs times req/s, instructions.mjs counts instructions):
// their command line (which frameworks, contenders and routes), starting and stopping
// server.mjs processes, plain GETs, a tiny cookie jar, the check that a contender's server
// really keeps its session before anything is measured, and the ratios and targets both report.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRAMEWORKS, FRAMEWORK_NAMES, HOST, NONE_BODY, SEED_SESSION, TARGETED, TARGETS, isSessionless, parseServerId } from './shared.mjs';

export { HOST };
/** The routes both benchmarks load, in their default order. */
export const ROUTES = ['none', 'read', 'write'];
const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));

export const EXPECTED_BODY = {
  none: JSON.stringify(NONE_BODY),
  read: JSON.stringify({ user: SEED_SESSION.user.id }),
  // Every timed /write carries the seeded cookie (no counter yet), so the answer is always 1.
  write: JSON.stringify({ counter: 1 }),
};

// --- command line ------------------------------------------------------------------------------

/**
 * The selection both runners accept, from argv:
 *   --framework=express4,fastify   frameworks (default `defaultFrameworks`)
 *   --contenders=native,bare,fastify:js
 *                                  a plain name selects that contender in every selected
 *                                  framework that has it; `framework:name` only there (and,
 *                                  without --framework, selects that framework)
 *   --routes=none,read             the routes to load (default all)
 *   a,b,c (one positional list)    server ids, `fastify:native`, a plain name being Express 4's
 *                                  (instructions.mjs's command line of before frameworks)
 * References (noop) are in only when named. `booleans` and `numbers` are the runner's own flags;
 * any other flag is refused, so a typo does not silently run everything.
 * Returns { servers: [{ id, framework, contender }], frameworks, routes, complete, explicit,
 * flags }: `complete` when the selection is the default one (all of `defaultFrameworks`'
 * contenders, all routes), `explicit` when servers were chosen (a list, --framework or
 * --contenders).
 */
export function parseCommandLine(argv, options = {}) {
  try {
    return parse(argv, options);
  } catch (err) {
    // A usage error: the message is enough, no stack.
    console.error(`${relative(process.cwd(), process.argv[1])}: ${err.message}`);
    process.exit(2);
  }
}

function parse(argv, { defaultFrameworks = FRAMEWORK_NAMES, booleans = [], numbers = [], strings = [] }) {
  const flags = {};
  const positional = [];
  const listFlags = ['framework', 'contenders', 'routes'];
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      positional.push(arg);
      continue;
    }
    const [, key, value] = m;
    if (booleans.includes(key) && value === undefined) flags[key] = true;
    else if (numbers.includes(key) && /^\d+(\.\d+)?$/.test(value ?? '') && Number(value) > 0) flags[key] = Number(value);
    else if ((strings.includes(key) || listFlags.includes(key)) && value) flags[key] = value;
    else {
      const known = [...booleans.map((b) => `--${b}`), ...[...numbers, ...strings, ...listFlags].map((k) => `--${k}=…`)];
      throw new Error(`bad argument ${JSON.stringify(arg)} (known: ${known.join(' ')})`);
    }
  }
  const list = (value) => value.split(',').map((x) => x.trim()).filter(Boolean);
  if (positional.length > 1) throw new Error(`one comma-separated list of servers, not ${positional.length} arguments`);
  if (positional.length && (flags.framework || flags.contenders)) throw new Error('give either a list of servers or --framework/--contenders, not both');

  const routes = flags.routes ? list(flags.routes) : ROUTES;
  for (const route of routes) if (!ROUTES.includes(route)) throw new Error(`unknown route ${JSON.stringify(route)}: use some of ${ROUTES.join(',')}`);

  let servers;
  if (positional.length) {
    servers = list(positional[0]).map(parseServerId);
  } else {
    const names = flags.contenders ? list(flags.contenders) : null;
    const qualified = (names ?? []).filter((n) => n.includes(':')).map(parseServerId);
    const plain = (names ?? []).filter((n) => !n.includes(':'));
    const chosen = flags.framework
      ? list(flags.framework)
      : names && plain.length === 0
        ? [...new Set(qualified.map((s) => s.framework))]
        : defaultFrameworks;
    for (const f of chosen) if (!FRAMEWORKS[f]) throw new Error(`unknown framework ${JSON.stringify(f)}: use some of ${FRAMEWORK_NAMES.join(',')}`);
    for (const s of qualified) {
      if (!chosen.includes(s.framework)) throw new Error(`${s.id}: ${s.framework} is not among --framework=${chosen.join(',')}`);
    }
    for (const name of plain) {
      if (!chosen.some((f) => [...FRAMEWORKS[f].contenders, ...FRAMEWORKS[f].references].includes(name))) {
        throw new Error(`unknown contender ${JSON.stringify(name)} for ${chosen.join(', ')}`);
      }
    }
    servers = chosen.flatMap((framework) => {
      const fw = FRAMEWORKS[framework];
      return [...fw.contenders, ...fw.references]
        .filter((c) => (names ? plain.includes(c) || qualified.some((s) => s.framework === framework && s.contender === c) : fw.contenders.includes(c)))
        .map((c) => parseServerId(`${framework}:${c}`));
    });
  }
  // Framework order, then contender order, whatever order they were named in.
  const all = FRAMEWORK_NAMES.flatMap((f) => [...FRAMEWORKS[f].contenders, ...FRAMEWORKS[f].references].map((c) => `${f}:${c}`));
  servers = [...new Map(servers.map((s) => [s.id, s])).values()].sort((a, b) => all.indexOf(a.id) - all.indexOf(b.id));
  if (servers.length === 0) throw new Error('no server selected');
  const frameworks = FRAMEWORK_NAMES.filter((f) => servers.some((s) => s.framework === f));
  const defaults = defaultFrameworks.flatMap((f) => FRAMEWORKS[f].contenders.map((c) => `${f}:${c}`));
  const complete = routes.length === ROUTES.length && servers.length === defaults.length && servers.every((s) => defaults.includes(s.id));
  const explicit = positional.length > 0 || Boolean(flags.framework || flags.contenders);
  return { servers, frameworks, routes, complete, explicit, flags };
}

/** Each framework's version as installed, `express@4.22.3`, `hono@4.13.19 on @hono/node-server@2.1.9`. */
export function frameworkPackage(framework) {
  const { module, server } = FRAMEWORKS[framework];
  return server ? `${installed(module)} on ${installed(server)}` : installed(module);
}

/** `name@version` of an installed package, also one whose `exports` hide its package.json (hono). */
function installed(module) {
  const require = createRequire(import.meta.url);
  try {
    const { name, version } = require(`${module}/package.json`);
    return `${name}@${version}`;
  } catch (err) {
    if (err.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw err;
  }
  // The package.json of that name in a folder above its entry point.
  for (let dir = dirname(require.resolve(module)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (name === module) return `${name}@${version}`;
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`no package.json of ${module} above ${require.resolve(module)}`);
}

// --- server processes ------------------------------------------------------------------------

const children = new Set();

/** The Bun binary the `bun` devDependency's postinstall puts in place (bun.exe on every platform). */
export const BUN = fileURLToPath(new URL('../../node_modules/bun/bin/bun.exe', import.meta.url));

/** The command that runs server.mjs for `framework`: node (this one), or Bun for `runtime: 'bun'`. */
function runtimeCommand(framework) {
  if (FRAMEWORKS[framework].runtime !== 'bun') return [process.execPath];
  if (!existsSync(BUN)) throw new Error(`${framework}: ${relative(process.cwd(), BUN)} is missing (its postinstall puts it there: npm rebuild bun)`);
  return [BUN, '--no-install', '--no-env-file'];
}

/**
 * Starts server.mjs for one server id (`fastify:native`); resolves once it prints its ready
 * line. `wrap` is a command to run node under (instructions.mjs uses valgrind), `readyTimeout`
 * in ms. The result has the id, framework and contender, port, pid and backend.
 */
export function startServer(id, { wrap = [], readyTimeout = 15_000 } = {}) {
  const { framework, contender } = parseServerId(id);
  const label = `${framework}:${contender}`;
  return new Promise((resolve, reject) => {
    const [command, ...args] = [...wrap, ...runtimeCommand(framework), SERVER, label, '0'];
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_EXIT_ON_STDIN_END: '1' },
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let ready = false;
    const timer = setTimeout(() => {
      fail(new Error(`${label}: server not ready after ${readyTimeout / 1000} s`));
    }, readyTimeout);
    const fail = (err) => {
      clearTimeout(timer);
      if (ready) return;
      ready = true;
      child.kill('SIGKILL');
      reject(err);
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (ready) return;
      stdout += chunk;
      const match = /^READY (.*)$/m.exec(stdout);
      if (!match) return;
      ready = true;
      clearTimeout(timer);
      const info = JSON.parse(match[1]);
      resolve({ child, id: label, framework, contender, pid: info.pid, port: info.port, backend: info.backend, stderr: () => stderr });
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      // Anything the server logs while running is an error worth seeing (valgrind's own
      // chatter goes to its log file, not here).
      if (ready) process.stderr.write(`[server ${label}] ${chunk}`);
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      children.delete(child);
      fail(new Error(`${label}: server exited (${signal ?? code}) before it was ready\n${stderr}`));
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited `grace` ms later. */
export function stopServer(server, grace = 3000) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), grace);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function killAllNow() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAllNow();
    process.exit(130);
  });
}

// --- client ----------------------------------------------------------------------------------

export function get(port, path, cookie) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: HOST, port, path, agent: false, headers: cookie ? { cookie } : {}, timeout: 30_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, setCookie: res.headers['set-cookie'] ?? [], body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on('error', reject);
  });
}

/** The Cookie header a browser would send after these Set-Cookie headers (on top of `cookie`). */
export function applySetCookie(cookie, setCookie) {
  const jar = new Map();
  for (const pair of (cookie ?? '').split('; ').filter(Boolean)) {
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  for (const line of setCookie) {
    const pair = line.split(';', 1)[0];
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** `session=<base64url junk>`, exactly `length` characters long. */
export function dummyCookie(length) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let value = '';
  let x = 0x2545f491;
  while ('session='.length + value.length < length) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    value += alphabet[(x >>> 16) & 63];
  }
  return `session=${value}`;
}

export function expect(cond, contender, what) {
  if (!cond) throw new Error(`${contender}: check failed: ${what}`);
}

export function json(contender, res, path) {
  expect(res.status === 200, contender, `GET ${path} answered ${res.status}: ${res.body.slice(0, 200)}`);
  try {
    return JSON.parse(res.body);
  } catch {
    throw new Error(`${contender}: GET ${path} did not answer JSON: ${res.body.slice(0, 200)}`);
  }
}

/**
 * Seeds a session and checks the round trip, and that /none answers without a Set-Cookie;
 * returns the Cookie header to load with. `noneCookieLength` is the length of the Cookie header
 * a sessionless server must imitate.
 */
export async function seedAndVerify({ id, framework, contender, port }, noneCookieLength) {
  const seed = await get(port, '/seed');
  json(id, seed, '/seed');

  let cookie;
  const sessionless = isSessionless(framework, contender);
  if (sessionless) {
    expect(seed.setCookie.length === 0, id, '/seed sent a Set-Cookie');
    cookie = dummyCookie(noneCookieLength);
  } else {
    expect(seed.setCookie.length > 0, id, '/seed sent no Set-Cookie');
    cookie = applySetCookie('', seed.setCookie);
    // Without the cookie there is no user: the cookie is what carries it.
    const anonymous = json(id, await get(port, '/read'), '/read');
    expect(anonymous.user === null, id, `/read without a cookie gave user ${anonymous.user}`);
  }

  // A request that never looks at the session must not rewrite its cookie.
  const none = await get(port, '/none', cookie);
  expect(none.status === 200, id, `/none answered ${none.status}: ${none.body.slice(0, 200)}`);
  expect(none.body === EXPECTED_BODY.none, id, `/none gave ${none.body}, want ${EXPECTED_BODY.none}`);
  expect(none.setCookie.length === 0, id, `/none sent a Set-Cookie: ${none.setCookie.join(' | ').slice(0, 200)}`);

  const read = await get(port, '/read', cookie);
  expect(read.body === EXPECTED_BODY.read, id, `/read gave ${read.body}, want ${EXPECTED_BODY.read}`);
  const readSetsCookie = read.setCookie.length > 0;

  const write1 = await get(port, '/write', cookie);
  expect(write1.body === EXPECTED_BODY.write, id, `/write gave ${write1.body}, want ${EXPECTED_BODY.write}`);
  if (!sessionless) {
    expect(write1.setCookie.length > 0, id, '/write sent no Set-Cookie');
    const write2 = json(id, await get(port, '/write', applySetCookie(cookie, write1.setCookie)), '/write');
    expect(write2.counter === 2, id, `second /write with the new cookie gave counter ${write2.counter}, want 2`);
  }
  return { cookie, readSetsCookie };
}

/**
 * The length of the Cookie header ours (native) gets on `framework`, which that framework's
 * sessionless servers imitate (so that header parsing costs them the same): from a server
 * started just for this, for when native itself is not among the servers measured.
 */
export async function nativeCookieLength(framework) {
  const server = await startServer(`${framework}:native`);
  try {
    return (await seedAndVerify(server, 0)).cookie.length;
  } finally {
    await stopServer(server);
  }
}

/** What went wrong in a finished autocannon run, as strings (an empty list when nothing did). */
export function runProblems(result) {
  const problems = [];
  for (const key of ['errors', 'timeouts', 'non2xx', 'mismatches']) {
    if (result[key] !== 0) problems.push(`${key}=${result[key]}`);
  }
  if (!(result.requests.total > 0)) problems.push('no completed requests');
  if (result.non2xx) problems.push(`status codes ${JSON.stringify(result.statusCodeStats)}`);
  return problems;
}

/**
 * CPU seconds (user + system, every thread) process `pid` has used so far, from /proc; null
 * where there is none (not Linux). /proc counts in USER_HZ, 100 a second on every Linux.
 */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** The CPU model, for the results files. */
export const cpuModel = () => os.cpus()[0]?.model?.trim() ?? 'unknown';

/** Rows of cells as a Markdown table: the first row is the head, numbers right-aligned. */
export function markdownTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n');
}

// --- ratios and targets ----------------------------------------------------------------------
// Both on a cost per request: µs (1e6 / req/s) in run.mjs, instructions in instructions.mjs.
// `cost(framework, contender, route)` gives it, or undefined when that one was not measured.

/**
 * Per contender and route, against its framework's bare server and baseline (shared.mjs):
 * { pctOfBare, vsBaseline }: bare's cost ÷ the contender's, in % (the share of the bare
 * server's throughput it keeps), and the baseline's cost ÷ the contender's (its speed-up over
 * the baseline). null where a term was not measured.
 */
export function ratios(cost, framework, contender, route) {
  const own = cost(framework, contender, route);
  const bare = cost(framework, FRAMEWORKS[framework].bare, route);
  const baseline = FRAMEWORKS[framework].baseline ? cost(framework, FRAMEWORKS[framework].baseline, route) : undefined;
  return {
    pctOfBare: own !== undefined && bare !== undefined ? round1((100 * bare) / own) : null,
    vsBaseline: own !== undefined && baseline !== undefined ? round2(baseline / own) : null,
  };
}

/**
 * A framework's ratio columns for a table (% of bare, × baseline, per route): heads, and one
 * contender's cells. A framework without a baseline (Bun) has only the % of bare.
 */
export function ratioColumns(fw, routes, cost) {
  const dash = (x, fmt) => (x === null ? '-' : fmt(x));
  const { bare, baseline } = FRAMEWORKS[fw];
  return {
    head: [...routes.map((r) => `${r} % ${bare}`), ...(baseline ? routes.map((r) => `${r} × ${baseline}`) : [])],
    cells: (contender) => {
      const rs = routes.map((r) => ratios(cost, fw, contender, r));
      return [
        ...rs.map((x) => dash(x.pctOfBare, (v) => `${v.toFixed(1)}%`)),
        ...(baseline ? rs.map((x) => dash(x.vsBaseline, (v) => `${v.toFixed(2)}×`)) : []),
      ];
    },
  };
}

/**
 * The targets (shared.mjs) whose terms were all measured, each as { name, framework, route,
 * kind, versus, measured, target, met, detail }; `unit` names the cost in `detail`
 * ('µs' or 'instr').
 */
export function evaluateTargets(cost, unit) {
  const rows = [];
  for (const t of TARGETS) {
    const c = (contender) => cost(t.framework, contender, t.route);
    const ours = c(TARGETED);
    const versus = c(t.versus);
    const label = `${FRAMEWORKS[t.framework].label} /${t.route}`;
    if (ours === undefined || versus === undefined) continue;
    const fmt = (x) => (unit === 'µs' ? `${x.toFixed(1)} µs` : `${Math.round(x).toLocaleString('en')} ${unit}`);
    if (t.kind === 'speedup') {
      const measured = versus / ours;
      rows.push({
        name: `${label}: ${TARGETED} × ${t.versus}`,
        ...t,
        measured: round3(measured),
        target: t.min,
        met: measured >= t.min,
        detail: `${TARGETED} ${fmt(ours)}, ${t.versus} ${fmt(versus)} per request`,
      });
    } else {
      const bare = c(FRAMEWORKS[t.framework].bare);
      if (bare === undefined) continue;
      const oursOver = ours - bare;
      const versusOver = versus - bare;
      // A baseline that measured no slower than bare leaves nothing to divide by: noise.
      const measured = versusOver > 0 ? oursOver / versusOver : null;
      rows.push({
        name: `${label}: ${TARGETED} overhead ÷ ${t.versus} overhead`,
        ...t,
        measured: measured === null ? null : round3(measured),
        target: t.max,
        met: measured !== null && measured <= t.max,
        detail: `over bare: ${TARGETED} ${oursOver >= 0 ? '+' : ''}${fmt(oursOver)}, ${t.versus} ${versusOver >= 0 ? '+' : ''}${fmt(versusOver)} per request`,
      });
    }
  }
  return rows;
}

/** The targets as a Markdown table: name, measured, target, met. */
export function targetsTable(rows) {
  const cells = [['target', 'measured', 'target', 'met', 'detail']];
  for (const r of rows) {
    const fmt = (x) => (r.kind === 'speedup' ? `${x.toFixed(2)}×` : x.toFixed(2));
    cells.push([r.name, r.measured === null ? 'n/a' : fmt(r.measured), `${r.kind === 'speedup' ? '≥' : '≤'} ${fmt(r.target)}`, r.met ? 'yes' : 'no', r.detail]);
  }
  return markdownTable(cells);
}

export const round1 = (x) => Math.round(x * 10) / 10;
export const round2 = (x) => Math.round(x * 100) / 100;
const round3 = (x) => Math.round(x * 1000) / 1000;

// --- running ---------------------------------------------------------------------------------

const START = Date.now();

/** Seconds since the benchmark started. */
export const elapsedSeconds = () => (Date.now() - START) / 1000;

/** A progress line, stamped with the seconds since the benchmark started. */
export const log = (msg) => console.log(`[${elapsedSeconds().toFixed(0).padStart(4)}s] ${msg}`);

/** The command line that ran `scriptUrl` (import.meta.url), for the results file. */
export function commandLine(scriptUrl) {
  return ['node', relative(process.cwd(), fileURLToPath(scriptUrl)), ...process.argv.slice(2)].join(' ');
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Where a run writes its results: the default file for a complete run, `--out=FILE` for any, else nothing (null). */
export function resultsFile(defaultFile, { complete, flags }) {
  if (flags.out) return resolve(flags.out);
  return complete ? defaultFile : null;
}

/** Writes a results file as JSON, creating its folder, and says where (relative to the cwd). */
export function writeResults(file, output) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`wrote ${relative(process.cwd(), file) || file}`);
}

/** Runs a benchmark's main: prints what failed, sets the exit code, never leaves a server behind. */
export async function runMain(main) {
  try {
    await main();
  } catch (err) {
    console.error(err && err.stack ? err.stack : err);
    process.exitCode = 1;
  } finally {
    killAllNow();
  }
}
