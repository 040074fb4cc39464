#!/usr/bin/env node
// Runs `client-sessions-native/web` in Cloudflare's Workers runtime, locally: workerd (the
// `workerd` devDependency) serving the README's Worker, examples/web/server.mjs as it is, and a
// Worker with a format 2 store, twice: on the runtime's node:crypto, and with node:crypto's
// chacha20-poly1305 hidden from it, so that the library's own ChaCha20-Poly1305 runs (as on a
// runtime without it). Each cookie is also opened by this process and the other way round.
// Needs the built package (`npm run build:ts` first).
//
// The Worker is built as a Workers user's is. The app is laid out as `npm install` leaves it:
// the package's published files, and beside them this host's platform package with its `.node`
// binary, which npm installs as an optionalDependency on every host that has one. Then esbuild
// (the `esbuild` devDependency, which wrangler bundles with) bundles it with wrangler's options:
// ESM, esbuild's default platform, the `workerd`, `worker` and `browser` conditions, Node
// built-ins left to the runtime as `node:*`, and `require()` of a built-in turned into an import
// (an ES module Worker has no `require`), as wrangler's nodejs_compat plugin does.
//
// Each Worker runs at two compatibility dates: 2025-04-01, the first at which nodejs_compat
// copies text bindings into process.env (nodejs_compat_populate_process_env), and the newest this
// workerd knows. The secret is a text binding (what `wrangler secret put` makes), read as the
// example reads it, `process.env.SESSION_SECRET`, when the module loads.
//
// One line per check, then `workerd: N passed, N failed`; the exit code is non-zero if a check
// failed, and also when workerd cannot run on this host (that is a failure, not a skip).
// workerd is always killed, and the whole run is bounded by RUN_TIMEOUT_MS.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

const MIN_COMPATIBILITY_DATE = '2025-04-01';
const COMPATIBILITY_FLAGS = ['nodejs_compat'];
const SECRET = 'workerd test secret, long and random enough for the checks';
const COOKIE_NAME = 'session';
// What the library may import from the runtime: modules workerd has at every nodejs_compat date.
// node:fs or node:child_process here would mean the native loader (binding.js) was bundled.
const ALLOWED_IMPORTS = new Set(['node:buffer', 'node:crypto', 'node:util']);

const RUN_TIMEOUT_MS = 45_000;
const LISTEN_TIMEOUT_MS = 15_000;
const FETCH_TIMEOUT_MS = 5_000;

const started = performance.now();
const results = [];
let workerd;
let workerdOutput = '';
let tempDir;

function check(name, ok, detail = '') {
  results.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  return ok;
}

function indent(text) {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `     ${line}`)
    .join('\n');
}

function stopWorkerd() {
  if (workerd && workerd.exitCode === null && workerd.signalCode === null) workerd.kill('SIGKILL');
}

function cleanUp() {
  stopWorkerd();
  const dir = tempDir;
  tempDir = undefined;
  try {
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    // An interrupted bundle may still be writing there; the directory is only a leftover.
    console.log(`     (could not remove ${dir}: ${err.code ?? err.message})`);
  }
}

function finish() {
  cleanUp();
  const passed = results.filter(Boolean).length;
  const failed = results.length - passed;
  console.log(`workerd: ${passed} passed, ${failed} failed (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

// However the run ends, workerd does not outlive it.
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    check(`interrupted by ${signal}`, false);
    finish();
  });
}
setTimeout(() => {
  check(`the whole run within ${RUN_TIMEOUT_MS / 1000} s`, false, 'timed out');
  if (workerdOutput) console.log(indent(`workerd output:\n${workerdOutput}`));
  finish();
}, RUN_TIMEOUT_MS).unref();

// ---------------------------------------------------------------------------------------------
// The binary.

function workerdBinary() {
  let pkg;
  try {
    pkg = require('workerd');
  } catch (err) {
    return { error: `the workerd package did not find its binary (${err.message.split('\n').find(Boolean)}); run npm install` };
  }
  const path = pkg.default;
  const run = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (run.error || run.status !== 0) {
    // A too-old glibc shows here, as "version `GLIBC_2.xx' not found".
    const why = run.error ? run.error.message : (run.stderr || run.stdout || `exit code ${run.status}`).trim();
    return { error: `${relative(root, path)} does not run on this host (${process.platform}-${process.arch}): ${why}` };
  }
  return { path, reports: run.stdout.trim(), version: pkg.version, newestDate: pkg.compatibilityDate };
}

// ---------------------------------------------------------------------------------------------
// The app, as `npm install client-sessions-native` leaves it.

function layOutApp(dir) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const target = join(dir, 'node_modules', pkg.name);
  for (const entry of ['package.json', ...pkg.files]) {
    mkdirSync(dirname(join(target, entry)), { recursive: true });
    cpSync(join(root, entry), join(target, entry), { recursive: true });
  }
  const platform = hostPlatformPackage();
  if (platform) {
    const platformTarget = join(dir, 'node_modules', platform.name);
    mkdirSync(platformTarget, { recursive: true });
    cpSync(join(platform.dir, 'package.json'), join(platformTarget, 'package.json'));
    // The binary the build made, or a stand-in: a bundler treats either file the same way.
    const binary = join(root, platform.main);
    writeFileSync(join(platformTarget, platform.main), existsSync(binary) ? readFileSync(binary) : 'a stand-in for the binary');
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'workerd-app', private: true, type: 'module' }));
  return platform?.name;
}

/** This host's platform package in npm/ (the one binding.js requires), or undefined. */
function hostPlatformPackage() {
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
  if (!arch) return undefined;
  const libc = process.platform === 'linux' ? (process.report?.getReport()?.header?.glibcVersionRuntime ? '-gnu' : '-musl') : '';
  const dir = join(root, 'npm', `${process.platform}-${arch}${process.platform === 'win32' ? '-msvc' : libc}`);
  if (!existsSync(join(dir, 'package.json'))) return undefined;
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return { dir, name: manifest.name, main: manifest.main };
}

// ---------------------------------------------------------------------------------------------
// The Workers.

// A format 2 store; at /crypto what this runtime's node:crypto has and which ChaCha20-Poly1305
// the library chose (the flag xchacha20.ts computes once, when it loads: the file is imported by
// its path, so the bundle holds it once, the module the store uses); at /chacha both
// ChaCha20-Poly1305s of xchacha20.ts, each sealing what the other opens, and refusing a bad tag.
const FORMAT2_WORKER = `
import { createSessionStore, nativeLoadError } from 'client-sessions-native/web';
import { getCiphers, getHashes, getRandomValues } from 'node:crypto';
import {
  HAS_CHACHA20_POLY1305,
  JS_XCHACHA20_POLY1305,
  NODE_CRYPTO_XCHACHA20_POLY1305,
  xchacha20poly1305Decrypt as open,
  xchacha20poly1305Encrypt as seal,
} from './node_modules/client-sessions-native/dist/backend/xchacha20.js';

function crossCheck() {
  const key = getRandomValues(new Uint8Array(32));
  const aad = new TextEncoder().encode('aad');
  const js = JS_XCHACHA20_POLY1305;
  const node = NODE_CRYPTO_XCHACHA20_POLY1305;
  const same = (a, b) => a !== undefined && b !== undefined && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
  const failures = [];
  for (const length of [0, 1, 15, 16, 63, 64, 65, 1000]) {
    const nonce = getRandomValues(new Uint8Array(24));
    const plain = getRandomValues(new Uint8Array(length));
    try {
      const byJs = seal(key, nonce, aad, plain, js);
      const byNode = seal(key, nonce, aad, plain, node);
      if (!same(byJs, byNode)) failures.push(length + ': different bytes');
      if (!same(open(key, nonce, aad, byNode, js), plain)) failures.push(length + ": js does not open node:crypto's");
      if (!same(open(key, nonce, aad, byJs, node), plain)) failures.push(length + ": node:crypto does not open js's");
      const bad = Buffer.from(byJs);
      bad[bad.length - 1] ^= 1;
      if (open(key, nonce, aad, bad, js) !== undefined) failures.push(length + ': js opens a bad tag');
      if (open(key, nonce, aad, bad, node) !== undefined) failures.push(length + ': node:crypto opens a bad tag');
    } catch (err) {
      failures.push(length + ': throws ' + (err?.name ?? '') + ' ' + (err?.message ?? err));
    }
  }
  return failures;
}

const store = createSessionStore({ cookieName: '${COOKIE_NAME}', secret: process.env.SESSION_SECRET, format: 2 });

export default {
  fetch(request) {
    if (new URL(request.url).pathname === '/crypto') {
      const ciphers = getCiphers();
      const names = ['aes-256-cbc', 'aes-256-ecb', 'aes-128-cbc', 'aes-128-ecb', 'aes-192-cbc', 'aes-192-ecb', 'chacha20', 'chacha20-poly1305'];
      return Response.json({
        ciphers: Object.fromEntries(names.map((name) => [name, ciphers.includes(name)])),
        hashes: ['sha256', 'sha384', 'sha512'].filter((name) => getHashes().includes(name)),
        libraryUsesNodeChaCha: HAS_CHACHA20_POLY1305,
        nativeLoadError: nativeLoadError()?.message.split('\\n')[0] ?? null,
        globals: { Buffer: typeof Buffer, process: typeof process, SESSION_SECRET: typeof process.env.SESSION_SECRET },
      });
    }
    if (new URL(request.url).pathname === '/chacha') return Response.json({ failures: crossCheck() });
    const session = store.load(request);
    session.visits = (session.visits ?? 0) + 1;
    const response = Response.json({ visits: session.visits, backend: store.backend });
    store.commit(session, response.headers);
    return response;
  },
};
`;

const NODE_BUILTIN = new RegExp(`^(node:)?(${builtinModules.filter((name) => !name.startsWith('_')).join('|')})$`);

/**
 * Built-ins as wrangler's nodejs_compat plugin treats them: an import stays an import of
 * `node:<name>`, for the runtime to provide, and a `require()` becomes a module that imports it.
 * With `hideChaCha`, the library's `require('node:crypto')` gets a getCiphers() without
 * chacha20-poly1305, as a runtime lacking it (Bun) has, so that it runs its own ChaCha20-Poly1305.
 */
const nodejsCompat = (hideChaCha) => ({
  name: 'nodejs-compat',
  setup(build) {
    build.onResolve({ filter: NODE_BUILTIN }, (args) => {
      const name = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
      if (args.kind === 'require-call') return { path: name, namespace: 'required-node-builtin' };
      return { path: name, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: 'required-node-builtin' }, (args) => ({
      contents:
        hideChaCha && args.path === 'node:crypto'
          ? `import lib from 'node:crypto';\nmodule.exports = { ...lib, getCiphers: () => lib.getCiphers().filter((name) => name !== 'chacha20-poly1305') };\n`
          : `import lib from ${JSON.stringify(args.path)};\nmodule.exports = lib;\n`,
      loader: 'js',
    }));
  },
});

async function bundle(esbuild, dir, { entry, file: outfile, hideChaCha = false }) {
  const result = await esbuild.build({
    absWorkingDir: dir,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2024',
    conditions: ['workerd', 'worker', 'browser'],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [nodejsCompat(hideChaCha)],
    logLevel: 'silent',
  });
  const output = readFileSync(join(dir, outfile), 'utf8');
  const imports = [...new Set([...output.matchAll(/^import\s[^'"]*?["']([^"']+)["'];?$/gm)].map((m) => m[1]))].sort();
  return { warnings: result.warnings, bytes: Buffer.byteLength(output), imports };
}

const describeMessage = (m) => `${m.text}${m.location ? ` (${m.location.file}:${m.location.line})` : ''}`;

function capnpConfig(services) {
  const service = ({ name, file, date }) => `    (name = "${name}", worker = (
      modules = [ (name = "${file}", esModule = embed "${file}") ],
      compatibilityDate = "${date}",
      compatibilityFlags = ${JSON.stringify(COMPATIBILITY_FLAGS)},
      bindings = [ (name = "SESSION_SECRET", text = ${JSON.stringify(SECRET)}) ],
    )),`;
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
${services.map(service).join('\n')}
  ],
  sockets = [
${services.map(({ name }) => `    (name = "${name}", address = "127.0.0.1:0", http = (), service = "${name}"),`).join('\n')}
  ],
);
`;
}

/** Starts workerd; resolves with each socket's port, from its control messages on fd 3. */
function startWorkerd(binary, dir, names) {
  return new Promise((resolve, reject) => {
    workerd = spawn(binary, ['serve', 'config.capnp', '--control-fd=3'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const ports = {};
    let control = '';
    const timer = setTimeout(() => reject(new Error(`workerd did not listen within ${LISTEN_TIMEOUT_MS / 1000} s`)), LISTEN_TIMEOUT_MS);
    const record = (chunk) => {
      workerdOutput = (workerdOutput + chunk).slice(-20_000);
    };
    workerd.stdout.setEncoding('utf8').on('data', record);
    workerd.stderr.setEncoding('utf8').on('data', record);
    workerd.stdio[3].setEncoding('utf8').on('data', (chunk) => {
      control += chunk;
      const lines = control.split('\n');
      control = lines.pop();
      for (const line of lines) {
        try {
          const message = JSON.parse(line);
          if (message.event === 'listen') ports[message.socket] = message.port;
        } catch {
          // not a control message
        }
      }
      if (names.every((name) => ports[name])) {
        clearTimeout(timer);
        resolve(ports);
      }
    });
    workerd.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    workerd.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited (${signal ?? `code ${code}`}) before listening`));
    });
  });
}

async function get(port, path, cookie) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: cookie ? { cookie } : {},
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  const text = await response.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a plain-text error page
  }
  return { status: response.status, body, setCookies: response.headers.getSetCookie() };
}

/** The `name=value` pair of a Set-Cookie value, for a Cookie header. */
const cookiePair = (setCookie) => setCookie.split(';')[0];

/** The cookie with one character of its value changed to another base64url character. */
function tamper(pair) {
  const at = pair.length - 10;
  return pair.slice(0, at) + (pair[at] === 'A' ? 'B' : 'A') + pair.slice(at + 1);
}

const shorten = (setCookie) => setCookie.replace(/^([^=]+=[^;]{10})[^;]*/, '$1…');

const SET_COOKIE = new RegExp(`^${COOKIE_NAME}=[A-Za-z0-9_.~-]+; path=/; expires=[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT; httponly$`);

/** The visit counter against one Worker; `node` is a store in this process with the Worker's options. */
async function counterChecks(label, port, node) {
  const first = await get(port, '/');
  check(`${label}: first request gives visits 1`, first.status === 200 && first.body?.visits === 1, JSON.stringify(first.body));
  check(`${label}: backend is js`, first.body?.backend === 'js', String(first.body?.backend));
  const [setCookie] = first.setCookies;
  check(`${label}: one Set-Cookie, session=…; path=/; expires=…; httponly`, first.setCookies.length === 1 && SET_COOKIE.test(setCookie), first.setCookies.map(shorten).join(' | ') || 'none');
  if (!setCookie) return;
  const cookie = cookiePair(setCookie);

  const second = await get(port, '/', cookie);
  check(`${label}: the cookie carried back gives visits 2`, second.status === 200 && second.body?.visits === 2 && second.setCookies.length === 1, JSON.stringify(second.body));

  const tampered = await get(port, '/', tamper(cookie));
  check(`${label}: a tampered cookie gives visits 1`, tampered.status === 200 && tampered.body?.visits === 1, `${tampered.status} ${JSON.stringify(tampered.body)}`);

  // The same bytes as Node's: what workerd sealed opens here, and what this process seals opens there.
  const opened = second.setCookies[0] ? node.load(cookiePair(second.setCookies[0])).visits : undefined;
  check(`${label}: Node (${node.backend} backend) opens workerd's cookie`, opened === 2, `visits ${opened}`);
  const minted = node.load(null);
  minted.visits = 41;
  const fromNode = await get(port, '/', cookiePair(node.setCookies(minted)[0]));
  check(`${label}: workerd opens Node's cookie`, fromNode.status === 200 && fromNode.body?.visits === 42, JSON.stringify(fromNode.body));
}

async function main() {
  const binary = workerdBinary();
  if (!check('workerd runs on this host', !binary.error, binary.error ?? `${binary.reports}, npm workerd ${binary.version}`)) return;
  if (!check('the package is built', existsSync(join(root, 'dist', 'web.js')), 'dist/web.js (npm run build:ts)')) return;

  tempDir = mkdtempSync(join(tmpdir(), 'client-sessions-workerd-'));
  const platformPackage = layOutApp(tempDir);
  cpSync(join(root, 'examples', 'web', 'server.mjs'), join(tempDir, 'server.mjs'));
  writeFileSync(join(tempDir, 'format2.mjs'), FORMAT2_WORKER);

  const esbuild = require('esbuild');
  const workers = [
    { name: 'example', entry: 'server.mjs', file: 'example.bundle.mjs', what: 'examples/web/server.mjs' },
    { name: 'format2', entry: 'format2.mjs', file: 'format2.bundle.mjs', what: 'the format 2 Worker' },
    { name: 'format2-ts', entry: 'format2.mjs', file: 'format2-ts.bundle.mjs', what: "the format 2 Worker, node:crypto's chacha20-poly1305 hidden", hideChaCha: true },
  ];
  const beside = platformPackage ? `, ${platformPackage} installed beside it` : '';
  const bundleStart = performance.now();
  for (const worker of workers) {
    const label = `esbuild ${esbuild.version} bundles ${worker.what}${beside}`;
    let built;
    try {
      built = await bundle(esbuild, tempDir, worker);
    } catch (err) {
      check(label, false, (err.errors ?? []).map(describeMessage).join('; ') || err.message);
      if (/binding\.js|\.node\b/.test(String(err.message))) console.log(indent('the native loader (binding.js) was bundled: under the workerd condition the package has to resolve it to a stand-in'));
      return;
    }
    const extra = built.imports.filter((name) => !ALLOWED_IMPORTS.has(name));
    check(label, extra.length === 0 && built.warnings.length === 0, `${(built.bytes / 1024).toFixed(0)} KiB, imports ${built.imports.join(' ') || 'nothing'}${extra.length ? ` (not only ${[...ALLOWED_IMPORTS].join(', ')}: the native loader was bundled)` : ''}, ${built.warnings.length} warning(s)`);
    for (const warning of built.warnings) console.log(indent(`warning: ${describeMessage(warning)}`));
  }
  const bundleMs = performance.now() - bundleStart;

  const dates = [...new Set([MIN_COMPATIBILITY_DATE, binary.newestDate])];
  const services = dates.flatMap((date) => workers.map((w) => ({ ...w, date, name: `${w.name}-${date}` })));
  writeFileSync(join(tempDir, 'config.capnp'), capnpConfig(services));
  const startAt = performance.now();
  let ports;
  try {
    ports = await startWorkerd(binary.path, tempDir, services.map((s) => s.name));
  } catch (err) {
    check('workerd loads the Workers', false, err.message);
    if (workerdOutput) console.log(indent(`workerd output:\n${workerdOutput}`));
    return;
  }
  check('workerd loads the Workers', true, `${services.length} services (compatibility dates ${dates.join(' and ')}, flags ${COMPATIBILITY_FLAGS.join(',')}), bundles ${bundleMs.toFixed(0)} ms, listening after ${(performance.now() - startAt).toFixed(0)} ms`);

  const { createSessionStore } = require(join(root, 'dist', 'web.js'));
  try {
    for (const date of dates) {
      // The README's Worker, as it is.
      await counterChecks(`example @${date}`, ports[`example-${date}`], createSessionStore({ cookieName: COOKIE_NAME, secret: SECRET }));

      for (const variant of ['format2', 'format2-ts']) {
        const port = ports[`${variant}-${date}`];
        const info = (await get(port, '/crypto')).body ?? {};
        const has = info.ciphers?.['chacha20-poly1305'];
        const ran = info.libraryUsesNodeChaCha ? "node:crypto's chacha20-poly1305" : 'the TypeScript ChaCha20-Poly1305 (chacha20-poly1305.ts)';
        const label = `format 2 (${info.libraryUsesNodeChaCha ? 'node:crypto' : 'TypeScript'} ChaCha20-Poly1305) @${date}`;
        const expected = variant === 'format2' ? has : false;
        check(`${label}: the library picks its cipher by what getCiphers() lists`, typeof has === 'boolean' && info.libraryUsesNodeChaCha === expected, `node:crypto ${has ? 'has' : 'lacks'} it${variant === 'format2-ts' ? ' (hidden for this Worker)' : ''}; ${ran} runs`);
        if (variant === 'format2') {
          const formatOne = ['aes-256-cbc', 'aes-256-ecb'].every((name) => info.ciphers?.[name]) && info.hashes?.includes('sha256');
          check(`node:crypto @${date} has what format 1 uses (aes-256-cbc, aes-256-ecb, sha256)`, formatOne, JSON.stringify({ ciphers: info.ciphers, hashes: info.hashes }));
          const globals = info.globals ?? {};
          check(`globals @${date}: Buffer, process, process.env.SESSION_SECRET from the text binding`, globals.Buffer === 'function' && globals.process === 'object' && globals.SESSION_SECRET === 'string', JSON.stringify(globals));
          if (info.nativeLoadError) console.log(indent(`nativeLoadError(): ${info.nativeLoadError}`));
          const { failures } = (await get(port, '/chacha')).body ?? {};
          check(`ChaCha20-Poly1305 @${date}: the TypeScript one and node:crypto's seal the same bytes, open each other's, refuse a bad tag`, Array.isArray(failures) && failures.length === 0, failures?.join('; ') || '8 lengths from 0 to 1000 bytes');
        }
        await counterChecks(label, port, createSessionStore({ cookieName: COOKIE_NAME, secret: SECRET, format: 2 }));
      }
    }
  } catch (err) {
    check('requests to workerd', false, err.message);
  }
  const running = workerd.exitCode === null && workerd.signalCode === null;
  const uncaught = workerdOutput.split('\n').filter((line) => /uncaught/i.test(line));
  check('workerd ran throughout, with no uncaught exception', running && uncaught.length === 0, running ? uncaught.join(' | ') : `it exited (${workerd.signalCode ?? workerd.exitCode})`);
  if (results.includes(false) && workerdOutput) console.log(indent(`workerd output:\n${workerdOutput}`));
}

main()
  .catch((err) => check('test-workerd', false, err.stack ?? String(err)))
  .finally(finish);
