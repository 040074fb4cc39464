// Counting a node process's instructions under valgrind's callgrind, for the counters that work
// by difference (bench/codec/instructions.mjs, bench/http/in-process.mjs): the same script run
// twice, with and without the calls to count.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Exits with a message naming the script when valgrind is not on the PATH. */
export async function requireValgrind(script) {
  try {
    await run('valgrind', ['--version']);
  } catch {
    console.error(`${script} needs valgrind on the PATH, e.g. \`apt-get install valgrind\`.`);
    process.exit(2);
  }
}

/**
 * The instructions `node --single-threaded <args>` runs, start to exit. Single-threaded: with
 * V8's background compiler on, how many calls ran before optimised code arrived varied with
 * valgrind's thread scheduling, and the same difference moved by a third between runs.
 */
export async function instructions(args, what) {
  const { stderr } = await run('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', ...args], { maxBuffer: 1 << 24 });
  const match = /Collected : (\d+)/.exec(stderr);
  if (!match) throw new Error(`${what}: no instruction count in valgrind's output:\n${stderr.slice(-2000)}`);
  return Number(match[1]);
}

/** Instructions per call: the difference between `count` more calls and none, over `count`. */
export async function perCall(argsFor, count, what) {
  // The two processes side by side: callgrind runs each on one core.
  const [without, withCalls] = await Promise.all([0, count].map((n) => instructions(argsFor(n), what)));
  return Math.round((withCalls - without) / count);
}
