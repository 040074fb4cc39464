// What both HTTP benchmarks share (run.mjs times req/s, instructions.mjs counts instructions):
// starting and stopping server.mjs processes, plain GETs, a tiny cookie jar, and the check that
// a contender's server really keeps its session before anything is measured.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEED_SESSION, isSessionless } from './shared.mjs';

export const HOST = '127.0.0.1';
export const ROUTES = ['read', 'write'];
const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));

export const EXPECTED_BODY = {
  read: JSON.stringify({ user: SEED_SESSION.user.id }),
  // Every timed /write carries the seeded cookie (no counter yet), so the answer is always 1.
  write: JSON.stringify({ counter: 1 }),
};

// --- server processes ------------------------------------------------------------------------

const children = new Set();

/**
 * Starts server.mjs for one contender; resolves once it prints its ready line. `wrap` is a
 * command to run node under (instructions.mjs uses valgrind), `readyTimeout` in ms.
 */
export function startServer(contender, { wrap = [], readyTimeout = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const [command, ...args] = [...wrap, process.execPath, SERVER, contender, '0'];
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_EXIT_ON_STDIN_END: '1' },
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let ready = false;
    const timer = setTimeout(() => {
      fail(new Error(`${contender}: server not ready after ${readyTimeout / 1000} s`));
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
      resolve({ child, contender, pid: info.pid, port: info.port, backend: info.backend, stderr: () => stderr });
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      // Anything the server logs while running is an error worth seeing (valgrind's own
      // chatter goes to its log file, not here).
      if (ready) process.stderr.write(`[server ${contender}] ${chunk}`);
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      children.delete(child);
      fail(new Error(`${contender}: server exited (${signal ?? code}) before it was ready\n${stderr}`));
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
 * Seeds a session and checks the round trip; returns the Cookie header to load with.
 * `noneCookieLength` is the length of the Cookie header `none` must imitate.
 */
export async function seedAndVerify({ contender, port }, noneCookieLength) {
  const seed = await get(port, '/seed');
  json(contender, seed, '/seed');

  let cookie;
  const sessionless = isSessionless(contender);
  if (sessionless) {
    expect(seed.setCookie.length === 0, contender, '/seed sent a Set-Cookie');
    cookie = dummyCookie(noneCookieLength);
  } else {
    expect(seed.setCookie.length > 0, contender, '/seed sent no Set-Cookie');
    cookie = applySetCookie('', seed.setCookie);
    // Without the cookie there is no user: the cookie is what carries it.
    const anonymous = json(contender, await get(port, '/read'), '/read');
    expect(anonymous.user === null, contender, `/read without a cookie gave user ${anonymous.user}`);
  }

  const read = await get(port, '/read', cookie);
  expect(read.body === EXPECTED_BODY.read, contender, `/read gave ${read.body}, want ${EXPECTED_BODY.read}`);
  const readSetsCookie = read.setCookie.length > 0;

  const write1 = await get(port, '/write', cookie);
  expect(write1.body === EXPECTED_BODY.write, contender, `/write gave ${write1.body}, want ${EXPECTED_BODY.write}`);
  if (!sessionless) {
    expect(write1.setCookie.length > 0, contender, '/write sent no Set-Cookie');
    const write2 = json(contender, await get(port, '/write', applySetCookie(cookie, write1.setCookie)), '/write');
    expect(write2.counter === 2, contender, `second /write with the new cookie gave counter ${write2.counter}, want 2`);
  }
  return { cookie, readSetsCookie };
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

/** The CPU model, for the results files. */
export const cpuModel = () => os.cpus()[0]?.model?.trim() ?? 'unknown';

/** Rows of cells as a Markdown table: the first row is the head, numbers right-aligned. */
export function markdownTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n');
}

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
