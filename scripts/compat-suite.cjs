#!/usr/bin/env node
// Runs client-sessions 0.8.0's own test suite (test/all-test.js, shipped in its npm tarball, which
// the pinned devDependency installs) against this package, on each backend in turn.
//
// The suite's `require("../lib/client-sessions")` is pointed at our build (dist/index.js); vows,
// express and request come from our devDependencies. vows' command line does not start on Node
// 18+ (its glob dependency pulls an old graceful-fs: "primordials is not defined"), so its library
// runs the suite directly, with a reporter that records every vow.
//
// Every vow must be honoured except the ones listed in KNOWN_DIFFERENCES, each with its reason;
// a known difference that starts passing is a failure too, so the list cannot go stale.
//
//   node scripts/compat-suite.cjs            both backends
//   node scripts/compat-suite.cjs --child X  one backend (used by the above)
'use strict';

const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const root = path.join(__dirname, '..');
const SUITE = require.resolve('client-sessions/test/all-test.js', { paths: [root] });
const EXPECTED_VERSION = '0.8.0';

const KNOWN_DIFFERENCES = new Map([
  [
    'across two requests, without proxySecure, secure cookies: cannot be set',
    'client-sessions answers every request with a 500 when cookie.secure is set and the connection ' +
      'is plain HTTP; this package serves the request, leaves the Secure cookie out (a browser would ' +
      'drop it anyway) and warns once per middleware',
  ],
]);

function runChild(backend) {
  process.env.CLIENT_SESSIONS_NATIVE_BACKEND = backend;
  const vows = require(require.resolve('vows', { paths: [root] }));
  const source = readFileSync(SUITE, 'utf8');
  const original = 'require("../lib/client-sessions")';
  if (!source.includes(original)) throw new Error(`${SUITE} no longer requires ${original}`);
  const ours = path.join(root, 'dist', 'index.js');
  const patched = source.replace(original, `require(${JSON.stringify(ours)})`);
  // Compiled as a module beside the original file, so its other requires resolve from the
  // project's node_modules; vows' export() then registers the suite instead of running it.
  const filename = path.join(root, 'compat-suite.all-test.js');
  const suiteModule = new Module(filename, module);
  suiteModule.filename = filename;
  suiteModule.paths = Module._nodeModulePaths(root);
  suiteModule._compile(patched, filename);
  const suite = suiteModule.exports['client-sessions'];
  if (suite === undefined) throw new Error('the suite did not export "client-sessions"');

  const loaded = require(ours);
  if (loaded.backend !== backend) throw new Error(`asked for the ${backend} backend, got ${loaded.backend}`);

  const vowResults = [];
  const reporter = {
    name: 'compat',
    reset() {},
    print() {},
    report(data) {
      const [event, detail] = data;
      if (event === 'vow') {
        vowResults.push({
          title: `${detail.context}: ${detail.title}`,
          status: detail.status,
          exception: detail.exception,
        });
      } else if (event === 'error') {
        vowResults.push({ title: detail.context ?? 'suite', status: 'errored', exception: String(detail.error) });
      }
    },
  };
  suite.run({ reporter }, (results) => {
    process.stdout.write(`${JSON.stringify({ results, vows: vowResults })}\n`);
    process.exit(0);
  });
}

function runParent() {
  const { version } = require(require.resolve('client-sessions/package.json', { paths: [root] }));
  if (version !== EXPECTED_VERSION) throw new Error(`client-sessions ${version} is installed; the suite is ${EXPECTED_VERSION}'s`);
  let failed = false;
  for (const backend of ['native', 'js']) {
    const child = spawnSync(process.execPath, [__filename, '--child', backend], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CLIENT_SESSIONS_NATIVE_BACKEND: backend },
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    let report;
    try {
      report = JSON.parse(line);
    } catch {
      process.stderr.write(`${backend}: the suite did not finish (status ${child.status})\n${child.stdout}\n${child.stderr}\n`);
      failed = true;
      continue;
    }
    const { vows } = report;
    const honoured = vows.filter((v) => v.status === 'honored');
    const problems = [];
    for (const vow of vows) {
      const known = KNOWN_DIFFERENCES.has(vow.title);
      if (vow.status !== 'honored' && !known) problems.push(`  ${vow.status}: ${vow.title}\n    ${String(vow.exception).split('\n')[0]}`);
      if (vow.status === 'honored' && known) problems.push(`  now honoured, remove it from KNOWN_DIFFERENCES: ${vow.title}`);
    }
    for (const title of KNOWN_DIFFERENCES.keys()) {
      if (!vows.some((v) => v.title === title)) problems.push(`  known difference not found in the suite: ${title}`);
    }
    process.stdout.write(`client-sessions ${EXPECTED_VERSION} suite on ${backend}: ${honoured.length} of ${vows.length} vows honoured\n`);
    for (const vow of vows) {
      if (KNOWN_DIFFERENCES.has(vow.title) && vow.status !== 'honored') {
        process.stdout.write(`  known difference (${vow.status}): ${vow.title}\n    why: ${KNOWN_DIFFERENCES.get(vow.title)}\n`);
      }
    }
    if (problems.length > 0) {
      failed = true;
      process.stdout.write(`${problems.join('\n')}\n`);
    }
    if (child.status !== 0) {
      failed = true;
      process.stderr.write(child.stderr);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[2] === '--child') runChild(process.argv[3]);
else runParent();
