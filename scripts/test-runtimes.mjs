#!/usr/bin/env node
// Runs the runtime-neutral specs in __test__/runtimes/ on Node, Bun and Deno, each with the native
// and the js backend, against the built package (`npm run build:ts` first): every *.spec.mjs and
// *.spec.cjs there runs, so a new spec file needs no change here. Bun and Deno are the `bun` and
// `deno` devDependencies. One line per run, then `runtimes: N passed, N failed`; the exit code is
// non-zero if anything failed or a runtime is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const specDir = join(root, '__test__', 'runtimes');
const RESULT_MARK = 'runtimes-result ';
const RUN_TIMEOUT_MS = 30_000;
const PARALLEL = 2;

// What Deno must grant, and what breaks without each (README "Bun and Deno"):
//   --allow-read  the built package and the spec files: this repository is not under node_modules,
//                 which is all Deno reads unasked; and napi-rs's loader reads /usr/bin/ldd to tell
//                 glibc from musl (without it, it asks process.report, which needs --allow-sys)
//   --allow-env   CLIENT_SESSIONS_NATIVE_BACKEND, the loader's NAPI_RS_* variables, express's
//                 NO_DEPRECATION; without it the backend cannot be forced and native does not load
//   --allow-ffi   opening the .node addon; without it the package falls back to js (a run below)
//   --allow-net   the specs' servers (Express, Deno.serve) and fetch, on loopback only
// --allow-sys is not needed, and --no-prompt makes a missing grant fail instead of waiting for input.
const DENO_FLAGS = ['--allow-read', '--allow-env', '--allow-ffi', '--allow-net=127.0.0.1'];

const windows = process.platform === 'win32';
// The binaries the packages' postinstall scripts put in place (bun/bin/bun.exe on every platform).
const RUNTIMES = {
  node: { command: process.execPath, args: [] },
  bun: { command: join(root, 'node_modules', 'bun', 'bin', 'bun.exe'), args: ['--no-install', '--no-env-file'] },
  deno: { command: join(root, 'node_modules', 'deno', windows ? 'deno.exe' : 'deno'), args: ['run', '--no-prompt', ...DENO_FLAGS] },
};

const specs = readdirSync(specDir)
  .filter((name) => /\.spec\.[cm]js$/.test(name))
  .sort();

/** The runs, in the order they are reported. */
const runs = [];
for (const runtime of Object.keys(RUNTIMES)) {
  for (const backend of ['native', 'js']) {
    runs.push({ runtime, label: backend, args: RUNTIMES[runtime].args, env: { CLIENT_SESSIONS_NATIVE_BACKEND: backend }, files: specs });
  }
}
// Deno without --allow-ffi, as a user who forgot it runs: auto must fall back to js and say why.
runs.push({
  runtime: 'deno',
  label: 'auto without --allow-ffi',
  args: ['run', '--no-prompt', ...DENO_FLAGS.filter((flag) => flag !== '--allow-ffi')],
  env: { CLIENT_SESSIONS_NATIVE_BACKEND: 'auto', CLIENT_SESSIONS_RUNTIMES_EXPECT: 'js' },
  files: [...specs, 'deno-without-ffi.check.mjs'],
});

function versionOf(runtime) {
  if (runtime === 'node') return process.versions.node;
  const { command } = RUNTIMES[runtime];
  if (!existsSync(command)) return undefined;
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.status !== 0) return undefined;
  return probe.stdout.trim().split('\n')[0].replace(/^deno /, '').replace(/ \(.*$/, '');
}

/** Runs one (runtime, backend) in a child process; resolves to its counts and stderr. */
function execute(run) {
  const { command } = RUNTIMES[run.runtime];
  const args = [...run.args, join(specDir, 'run.mjs'), ...run.files.map((file) => join(specDir, file))];
  const env = { ...process.env, ...run.env, CLIENT_SESSIONS_RUNTIMES_RUNTIME: run.runtime, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' };
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      stderr += `\ntimed out after ${RUN_TIMEOUT_MS / 1000} s`;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('error', (err) => (stderr += `\n${err.message}`));
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').reverse().find((text) => text.startsWith(RESULT_MARK));
      const seconds = (Date.now() - started) / 1000;
      if (line === undefined) {
        // It died before reporting (a crash at import, a timeout): one failure, with its stderr.
        resolve({ passed: 0, failed: 1, skipped: 0, seconds, stderr: `${stderr}\n(exit code ${code}, no result line)` });
        return;
      }
      const result = JSON.parse(line.slice(RESULT_MARK.length));
      if (result.runtime !== run.runtime) {
        result.failed++;
        stderr += `\nFAIL expected to run on ${run.runtime}, ran on ${result.runtime}`;
      }
      if (result.failed === 0 && code !== 0) {
        result.failed++;
        stderr += `\nFAIL exit code ${code}`;
      }
      resolve({ ...result, seconds, stderr });
    });
  });
}

function indent(text) {
  return text
    .trim()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

async function main() {
  for (const built of ['index.js', 'esm.mjs']) {
    if (!existsSync(join(root, 'dist', built))) {
      console.error(`dist/${built} is missing: run \`npm run build:ts\` first`);
      process.exit(1);
    }
  }
  const versions = Object.fromEntries(Object.keys(RUNTIMES).map((runtime) => [runtime, versionOf(runtime)]));
  const started = Date.now();

  // At most PARALLEL children at once; lines are printed in run order as soon as each is known.
  const results = new Array(runs.length);
  let next = 0;
  let printed = 0;
  let passed = 0;
  let failed = 0;
  const report = () => {
    while (printed < runs.length && results[printed] !== undefined) {
      const run = runs[printed];
      const result = results[printed];
      const name = `${run.runtime} ${versions[run.runtime] ?? ''}`.padEnd(14);
      if (result.missing) {
        console.log(`${name} ${run.label.padEnd(24)} MISSING: ${relative(root, RUNTIMES[run.runtime].command)} does not run (its postinstall puts it there: npm rebuild ${run.runtime})`);
      } else {
        const skipped = result.skipped > 0 ? `, ${result.skipped} skipped` : '';
        console.log(`${name} ${run.label.padEnd(24)} ${result.passed} passed, ${result.failed} failed${skipped} (${result.seconds.toFixed(1)} s)`);
        if (result.failed > 0) console.log(indent(result.stderr));
      }
      passed += result.passed;
      failed += result.failed;
      printed++;
    }
  };
  const worker = async () => {
    while (next < runs.length) {
      const index = next++;
      const run = runs[index];
      results[index] =
        versions[run.runtime] === undefined ? { missing: true, passed: 0, failed: 1 } : await execute(run);
      report();
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));

  console.log(`(${specs.length} spec files, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`runtimes: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

await main();
