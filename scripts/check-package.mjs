#!/usr/bin/env node
// Checks the package as users get it from the registry, in fresh projects outside this checkout:
//   1. the tarball: its file list and size, publint and arethetypeswrong;
//   2. installed alone (no .node anywhere): require and import work, the backend is js, and an
//      Express app, a Fastify app, the web store, a Hono app and React Router's session storage
//      (each through its own entry point, from import and require) keep a session;
//   3. installed with the host's platform package (packed from npm/<platform>), with no cargo on
//      PATH: the backend is native;
//   4. with that binary corrupted: js with a one-line debug reason, and forcing native fails
//      with an error that says how to fix it.
// Run by `npm test` after the build. Exits non-zero on the first failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'csn-package-'));
// A guard against packing something by mistake (sources, fixtures, a binary), not a size goal:
// the README and the compiled adapters are most of it, and both grow with the package. At 431 KiB
// with five entry points and format 2 (dist 349 KiB, README 74 KiB); a stray binary or the
// sources would add well over the margin left.
const MAX_UNPACKED_BYTES = 512 * 1024;
let failures = 0;
// The lifecycle scripts npm runs when the package is installed, as a dependency or from git.
const INSTALL_HOOKS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** PATH without any directory holding cargo or rustc: proof that installing needs no Rust. */
function pathWithoutRust() {
  return process.env.PATH.split(delimiter)
    .filter((dir) => !readdirSafe(dir).some((f) => f === 'cargo' || f === 'rustc' || f === 'cargo.exe'))
    .join(delimiter);
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The napi platform suffix of this machine, e.g. linux-x64-gnu. */
function hostPlatform() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const glibc = process.report?.getReport?.().header?.glibcVersionRuntime;
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function pack(dir) {
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: dir }));
  return { ...info, path: join(work, info.filename) };
}

function freshProject(name) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, version: '1.0.0' }));
  return dir;
}

function install(dir, specs) {
  const env = { ...process.env, PATH: pathWithoutRust() };
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts=false', ...specs], { cwd: dir, env });
}

function node(dir, script, env = {}, input = 'commonjs') {
  return spawnSync(process.execPath, [input === 'module' ? '--input-type=module' : '--input-type=commonjs', '-e', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CLIENT_SESSIONS_NATIVE_BACKEND: '', NODE_DEBUG: '', ...env },
  });
}

const EXPRESS_APP = `
  const express = require('express');
  const sessions = require('client-sessions-native');
  const app = express();
  app.use(sessions({ cookieName: 'session', secret: 'a package test secret, long enough' }));
  app.get('/', (req, res) => { req.session.n = (req.session.n || 0) + 1; res.json({ n: req.session.n }); });
  const server = app.listen(0, '127.0.0.1', async () => {
    const url = 'http://127.0.0.1:' + server.address().port + '/';
    const first = await fetch(url);
    const cookie = first.headers.getSetCookie()[0].split(';')[0];
    const second = await fetch(url, { headers: { cookie } });
    console.log(JSON.stringify({ backend: sessions.backend, first: await first.json(), second: await second.json() }));
    server.close();
  });
`;

// The Fastify entry from ESM, and the same plugin object from require.
const FASTIFY_APP = `
  import Fastify from 'fastify';
  import clientSessions, { sessionCookies } from 'client-sessions-native/fastify';
  import { createRequire } from 'node:module';
  const required = createRequire(import.meta.url)('client-sessions-native/fastify');
  const app = Fastify();
  await app.register(clientSessions, { cookieName: 'session', secret: 'a package test secret, long enough' });
  app.get('/', async (request) => { request.session.n = (request.session.n || 0) + 1; return { n: request.session.n }; });
  const first = await app.inject('/');
  const cookie = [first.headers['set-cookie']].flat()[0].split(';')[0];
  const second = await app.inject({ url: '/', headers: { cookie } });
  console.log(JSON.stringify({ same: required === clientSessions && required.sessionCookies === sessionCookies, first: first.json(), second: second.json() }));
`;

// The web store and the Hono middleware: named ESM exports, the same objects from require, and a
// session kept across two requests on each.
const WEB_APP = `
  import { createSessionStore, backend } from 'client-sessions-native/web';
  import { sessions } from 'client-sessions-native/hono';
  import { Hono } from 'hono';
  import { createRequire } from 'node:module';
  const require = createRequire(import.meta.url);
  const secret = 'a package test secret, long enough';
  const store = createSessionStore({ cookieName: 'session', secret });
  const first = store.load(new Request('http://localhost/'));
  first.n = 1;
  const cookie = store.setCookies(first)[0].split(';')[0];
  const second = store.load(new Request('http://localhost/', { headers: { cookie } }));
  const app = new Hono();
  app.use(sessions({ cookieName: 'session', secret }));
  app.get('/', (c) => { const s = c.get('session'); s.n = (s.n || 0) + 1; return c.json({ n: s.n }); });
  const one = await app.request('/', { headers: { cookie } });
  const same = require('client-sessions-native/web').createSessionStore === createSessionStore && require('client-sessions-native/hono').sessions === sessions;
  console.log(JSON.stringify({ same, backend, web: second.n, hono: (await one.json()).n }));
`;

// React Router's session storage, from ESM and CJS.
const REACT_ROUTER_APP = `
  import { createSessionStorage } from 'client-sessions-native/react-router';
  import { createRequire } from 'node:module';
  const require = createRequire(import.meta.url);
  const storage = createSessionStorage({ cookieName: '__session', secret: 'a package test secret, long enough' });
  const session = await storage.getSession(null);
  session.set('n', 1);
  const cookie = (await storage.commitSession(session)).split(';')[0];
  const again = await storage.getSession(cookie);
  console.log(JSON.stringify({ same: require('client-sessions-native/react-router').createSessionStorage === createSessionStorage, n: again.get('n') }));
`;

try {
  // 1. The tarball.
  console.log(`# ${pkg.name}@${pkg.version}: packing in ${work}`);
  const main = pack(root);
  const files = main.files.map((f) => f.path).sort();
  console.log(`tarball ${main.filename}: ${main.size} bytes packed, ${main.unpackedSize} unpacked, ${files.length} files:`);
  for (const f of main.files) console.log(`  ${String(f.size).padStart(7)}  ${f.path}`);
  check(main.unpackedSize < MAX_UNPACKED_BYTES, `unpacked size ${main.unpackedSize} < ${MAX_UNPACKED_BYTES}`);
  check(!files.some((f) => /^(src|__test__|bench|crates|scripts|examples|npm)\//.test(f) || f.endsWith('.node')),
    'no sources, tests, benchmarks or binaries in the tarball');
  const entries = ['index.js', 'esm.mjs', 'fastify.js', 'fastify.mjs', 'web.js', 'web.mjs', 'hono.js', 'hono.mjs', 'react-router.js', 'react-router.mjs'];
  check([...entries.map((f) => `dist/${f}`), 'binding.js'].every((f) => files.includes(f)), 'entry points present');
  // Nothing may run on a user's machine at install time: npm warns about every install script
  // and a git install would compile Rust (or fail without it) only to fall back to js anyway.
  const packed = JSON.parse(run('tar', ['-xOzf', main.path, 'package/package.json']));
  const installHooks = Object.keys(packed.scripts ?? {}).filter((name) => INSTALL_HOOKS.includes(name));
  check(installHooks.length === 0, `the packed package.json has no install-time scripts${installHooks.length ? ` (has ${installHooks.join(', ')})` : ''}`);
  const publint = spawnSync('npx', ['publint', '--strict', root], { encoding: 'utf8' });
  check(publint.status === 0, `publint --strict${publint.status === 0 ? '' : `\n${publint.stdout}${publint.stderr}`}`);
  const attw = spawnSync('npx', ['attw', main.path, '--format', 'ascii'], { encoding: 'utf8' });
  check(attw.status === 0, `arethetypeswrong${attw.status === 0 ? '' : `\n${attw.stdout}${attw.stderr}`}`);

  // 2. Installed alone: no binary anywhere, so the js backend.
  const alone = freshProject('alone');
  install(alone, [main.path, ...['express', 'fastify', 'hono', 'react-router'].map((name) => `${name}@${pkg.devDependencies[name]}`)]);
  const cjs = node(alone, `const s = require('client-sessions-native'); console.log(typeof s, s.backend, typeof s.util.encode)`);
  check(cjs.stdout.trim() === 'function js function', `require works and reports js (${cjs.stdout.trim() || cjs.stderr})`);
  const esm = node(alone, `import s, { backend, createCodec } from 'client-sessions-native'; console.log(typeof s, backend, typeof createCodec)`, {}, 'module');
  check(esm.stdout.trim() === 'function js function', `import works and reports js (${esm.stdout.trim() || esm.stderr})`);
  // No binary: the reason names this host's package and the fix, in a few lines, not the
  // generated loader's first attempt (wasm32-wasi) and its cause chain of every attempt.
  const why = node(alone, `
    const s = require('client-sessions-native');
    const { inspect } = require('node:util');
    let forced = '';
    try { s.createCodec({ secret: 'a package test secret, long enough', backend: 'native' }); } catch (err) { forced = inspect(err); }
    console.log(JSON.stringify({ reason: s.nativeLoadError().message, lines: s.nativeLoadError().message.split('\\n').length, forced, chained: /\\[cause\\]/.test(forced) || /\\[cause\\]/.test(inspect(s.nativeLoadError())) }));
  `);
  const reason = JSON.parse(why.stdout || '{}');
  check(
    new RegExp(`${pkg.name}-${hostPlatform()} is not installed`).test(reason.reason ?? '') && !/wasm32/.test(reason.reason ?? '') && reason.lines <= 3,
    `nativeLoadError() names ${pkg.name}-${hostPlatform()} in ${reason.lines} lines (${(reason.reason ?? why.stderr).split('\n')[0]})`,
  );
  check(/ERR_CLIENT_SESSIONS_NATIVE_UNAVAILABLE/.test(reason.forced ?? '') && reason.chained === false && !/wasm32/.test(reason.forced ?? ''),
    'forcing native without a binary: a coded error without the loader\'s cause chain');
  const app = node(alone, EXPRESS_APP);
  check(app.stdout.trim() === '{"backend":"js","first":{"n":1},"second":{"n":2}}', `Express keeps a session across requests on js (${app.stdout.trim() || app.stderr})`);
  const fastify = node(alone, FASTIFY_APP, {}, 'module');
  check(fastify.stdout.trim() === '{"same":true,"first":{"n":1},"second":{"n":2}}',
    `client-sessions-native/fastify: import and require give one plugin, and it keeps a session (${fastify.stdout.trim() || fastify.stderr})`);
  const web = node(alone, WEB_APP, {}, 'module');
  check(web.stdout.trim() === '{"same":true,"backend":"js","web":1,"hono":2}',
    `client-sessions-native/web and /hono: named imports, the same objects from require, and a session read back (${web.stdout.trim() || web.stderr})`);
  const reactRouter = node(alone, REACT_ROUTER_APP, {}, 'module');
  check(reactRouter.stdout.trim() === '{"same":true,"n":1}',
    `client-sessions-native/react-router: import and require give one storage factory, and a session round-trips (${reactRouter.stdout.trim() || reactRouter.stderr})`);

  // 3. With the host's platform package, installed without cargo on PATH.
  const platform = hostPlatform();
  const binaryName = `${pkg.napi.binaryName}.${platform}.node`;
  run('npx', ['napi', 'create-npm-dirs'], { cwd: root });
  copyFileSync(join(root, binaryName), join(root, 'npm', platform, binaryName));
  const native = pack(join(root, 'npm', platform));
  console.log(`platform package ${native.filename}: ${native.size} bytes packed, ${native.unpackedSize} unpacked`);
  const withBinary = freshProject('with-binary');
  install(withBinary, [main.path, native.path, `express@${pkg.devDependencies.express}`]);
  const nativeApp = node(withBinary, EXPRESS_APP);
  check(nativeApp.stdout.trim() === '{"backend":"native","first":{"n":1},"second":{"n":2}}',
    `with ${pkg.name}-${platform} installed (no cargo on PATH) the backend is native (${nativeApp.stdout.trim() || nativeApp.stderr})`);

  // 4. A corrupt binary: js with a one-line reason, and forcing native explains the fix.
  writeFileSync(join(withBinary, 'node_modules', `${pkg.name}-${platform}`, binaryName), 'this is not a shared library');
  const fallback = node(withBinary, `console.log(require('client-sessions-native').backend)`, { NODE_DEBUG: 'client-sessions-native' });
  const debugLines = fallback.stderr.split('\n').filter((l) => /CLIENT-SESSIONS-NATIVE/.test(l));
  check(fallback.status === 0 && fallback.stdout.trim() === 'js', `a corrupt binary falls back to js (${fallback.stdout.trim() || fallback.stderr})`);
  check(debugLines.length === 1 && /native backend unavailable, using js: /.test(debugLines[0]), `one debug line says why: ${debugLines[0]}`);
  const forced = node(withBinary, `require('client-sessions-native')`, { CLIENT_SESSIONS_NATIVE_BACKEND: 'native' });
  check(forced.status !== 0 && /native backend was requested but cannot be loaded/.test(forced.stderr) && /reinstall on this machine/.test(forced.stderr),
    `forcing native with a corrupt binary fails with the fix: ${(forced.stderr.match(/client-sessions-native: [^\n]*/) ?? [''])[0].slice(0, 160)}...`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures > 0) {
  console.error(`check-package: ${failures} check(s) failed`);
  process.exit(1);
}
console.log('check-package: all checks passed');
