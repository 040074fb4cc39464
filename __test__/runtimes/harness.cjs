// The test harness every runtime runs the same way: spec files call `test(name, fn)` and assert
// with node:assert/strict, which Node, Bun and Deno all provide, so one file needs no runtime's
// own test framework. run.mjs imports the spec files and runs what they registered.
'use strict';

// On globalThis rather than in this module: an ESM `import` and a CommonJS `require` of this
// file must register into one list on every runtime, whatever each does with module caches.
const REGISTRY = Symbol.for('client-sessions-native/runtimes/tests');
const tests = (globalThis[REGISTRY] ??= []);

/**
 * Registers a test. `fn` may return a promise, which is awaited. `options.skip`, a reason, makes
 * the test count as skipped rather than passed, so a check that cannot run here stays visible.
 */
function test(name, fn, options = {}) {
  tests.push({ name, fn, skip: options.skip || undefined });
}

/** The runtime executing this file, by its own global. */
function currentRuntime() {
  if (typeof globalThis.Bun !== 'undefined') return 'bun';
  if (typeof globalThis.Deno !== 'undefined') return 'deno';
  return 'node';
}

/**
 * The backend the package must have chosen: what the runner asked for, or what it expects when it
 * asked for `auto` (Deno without --allow-ffi must fall back to js). By hand, `native` as smoke.cjs.
 */
function expectedBackend() {
  return process.env.CLIENT_SESSIONS_RUNTIMES_EXPECT || process.env.CLIENT_SESSIONS_NATIVE_BACKEND || 'native';
}

module.exports = { test, tests, currentRuntime, expectedBackend };
