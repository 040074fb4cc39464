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
// The same runner first runs the suite against client-sessions itself, which must honour every
// vow: that proves the suite still runs here and the runner counts what it should.
//
//   node scripts/compat-suite.cjs                 the original, then both backends
//   node scripts/compat-suite.cjs --child TARGET  one run (native, js or original), for the above
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

const TARGETS = ['original', 'native', 'js'];

function runChild(target) {
  const vows = require(require.resolve('vows', { paths: [root] }));
  const source = readFileSync(SUITE, 'utf8');
  const original = 'require("../lib/client-sessions")';
  if (!source.includes(original)) throw new Error(`${SUITE} no longer requires ${original}`);
  const ours = path.join(root, 'dist', 'index.js');
  const library = target === 'original' ? path.join(path.dirname(SUITE), '..', 'lib', 'client-sessions.js') : ours;
  const patched = source.replace(original, `require(${JSON.stringify(library)})`);
  // Compiled as a module beside the original file, so its other requires resolve from the
  // project's node_modules; vows' export() then registers the suite instead of running it.
  const filename = path.join(root, 'compat-suite.all-test.js');
  const suiteModule = new Module(filename, module);
  suiteModule.filename = filename;
  suiteModule.paths = Module._nodeModulePaths(root);
  suiteModule._compile(patched, filename);
  const suite = suiteModule.exports['client-sessions'];
  if (suite === undefined) throw new Error('the suite did not export "client-sessions"');

  if (target !== 'original') {
    const loaded = require(ours);
    if (loaded.backend !== target) throw new Error(`asked for the ${target} backend, got ${loaded.backend}`);
  }

  const vowResults = [];
  const reporter = {
    name: 'compat',
    reset() {},
    print() {},
    report(data) {
      const [event, detail] = data;
      if (event === 'vow') {
        vowResults.push({ title: `${detail.context}: ${detail.title}`, status: detail.status, exception: plain(detail.exception) });
      } else if (event === 'error') {
        vowResults.push({ title: detail.context ?? 'suite', status: 'errored', exception: plain(detail.error) });
      }
    },
  };
  suite.run({ reporter }, (results) => {
    process.stdout.write(`${JSON.stringify({ results, vows: vowResults })}\n`);
    process.exit(0);
  });
}

/** An exception as one readable line: vows colours its messages, and errors may be objects. */
function plain(exception) {
  if (exception === null || exception === undefined) return '';
  const text = typeof exception === 'string' ? exception : exception.stack ?? JSON.stringify(exception);
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').split('\n')[0];
}

function runParent() {
  const { version } = require(require.resolve('client-sessions/package.json', { paths: [root] }));
  if (version !== EXPECTED_VERSION) throw new Error(`client-sessions ${version} is installed; the suite is ${EXPECTED_VERSION}'s`);
  let failed = false;
  // One after the other: the suite listens on fixed ports from 9001.
  for (const target of TARGETS) {
    const env = { ...process.env };
    if (target === 'original') delete env.CLIENT_SESSIONS_NATIVE_BACKEND;
    else env.CLIENT_SESSIONS_NATIVE_BACKEND = target;
    const child = spawnSync(process.execPath, [__filename, '--child', target], { cwd: root, encoding: 'utf8', timeout: 120_000, env });
    const label = target === 'original' ? `client-sessions ${EXPECTED_VERSION} itself` : `this package on ${target}`;
    const line = child.stdout.trim().split('\n').pop() ?? '';
    let report;
    try {
      report = JSON.parse(line);
    } catch {
      process.stderr.write(`${label}: the suite did not finish (status ${child.status})\n${child.stdout}\n${child.stderr}\n`);
      failed = true;
      continue;
    }
    const { vows } = report;
    const honoured = vows.filter((v) => v.status === 'honored');
    const problems = [];
    const known = target === 'original' ? new Map() : KNOWN_DIFFERENCES;
    for (const vow of vows) {
      const isKnown = known.has(vow.title);
      if (vow.status !== 'honored' && !isKnown) problems.push(`  ${vow.status}: ${vow.title}\n    ${vow.exception}`);
      if (vow.status === 'honored' && isKnown) problems.push(`  now honoured, remove it from KNOWN_DIFFERENCES: ${vow.title}`);
    }
    for (const title of known.keys()) {
      if (!vows.some((v) => v.title === title)) problems.push(`  known difference not found in the suite: ${title}`);
    }
    if (vows.length < 60) problems.push(`  only ${vows.length} vows ran; the suite has 60`);
    process.stdout.write(`client-sessions ${EXPECTED_VERSION}'s suite, ${label}: ${honoured.length} of ${vows.length} vows honoured\n`);
    for (const vow of vows) {
      if (known.has(vow.title) && vow.status !== 'honored') {
        process.stdout.write(`  known difference (${vow.status}): ${vow.title}\n    why: ${known.get(vow.title)}\n`);
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
