// Runs spec files on whichever runtime executes this file: `node|bun|deno run.mjs a.spec.mjs ...`.
// Each file registers tests with harness.cjs; they run in order, failures go to stderr, and the
// last stdout line is the result for scripts/test-runtimes.mjs to read.
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { currentRuntime, tests } from './harness.cjs';

const RESULT_MARK = 'runtimes-result ';

const files = process.argv.slice(2);
for (const file of files) {
  const first = tests.length;
  try {
    await import(pathToFileURL(resolve(file)).href);
  } catch (err) {
    // A spec that cannot even load is one failed test, not a crash that hides the others.
    tests.push({ name: 'loads', fn: () => { throw err; } });
  }
  for (const entry of tests.slice(first)) entry.name = `${basename(file)}: ${entry.name}`;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const { name, fn, skip } of tests) {
  if (skip !== undefined) {
    skipped++;
    console.error(`skip ${name} (${skip})`);
    continue;
  }
  try {
    await fn();
    passed++;
  } catch (err) {
    failed++;
    console.error(`FAIL ${name}\n${indent(err instanceof Error && err.stack ? err.stack : String(err))}`);
  }
}

const runtime = currentRuntime();
const version = runtime === 'node' ? process.versions.node : process.versions[runtime];
console.log(RESULT_MARK + JSON.stringify({ runtime, version, files: files.length, passed, failed, skipped }));
// Exit now: a server or socket a failed test left open must not keep the run waiting.
process.exit(failed > 0 ? 1 : 0);

function indent(text) {
  return text.split('\n').slice(0, 6).map((line) => `    ${line}`).join('\n');
}
