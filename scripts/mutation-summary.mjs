// Summarises the mutation runs of scripts/mutation.sh: StrykerJS's JSON reports for src/ (one per
// backend project) and cargo-mutants' outcomes for crates/core, less the survivors judged
// equivalent in scripts/mutation-equivalent.md (its ```json block). Prints killed, survived,
// equivalent-listed, timeout, no-coverage and the score, then every survivor not listed as
// equivalent. Exits 1 when a score is under the 90% target or a listed equivalent no longer
// exists (the list must follow the code).
//
// Score = (killed + timeout) / (killed + timeout + survived + no-coverage - equivalent): an
// equivalent mutant is one no test can kill, so it counts neither way.
//
// "Killed at load" (StrykerJS): a static mutant (module-level code) that makes src/ fail to load
// fails every spec file at import, before any test runs. Vitest reports those files as failed,
// but @stryker-mutator/vitest-runner 9.6 with vitest 4 sees no failed test and reports the mutant
// as Survived with testsCompleted 0. Such mutants are counted here as killed, apart.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'target', 'mutation');
const TARGET = 90;

/**
 * The equivalent list: entries `{ tool, file, mutator, replacement, near, reason }` (tool is
 * `stryker-js`, `stryker-native` or `cargo-mutants`), where `near`
 * is the trimmed source line the mutant sits on (so an entry survives code moving around it),
 * and for cargo-mutants `mutator` is the mutant's description without its position (`replace <
 * with <= in decode`).
 */
function equivalents() {
  const text = readFileSync(join(ROOT, 'scripts', 'mutation-equivalent.md'), 'utf8');
  const block = /```json\n([\s\S]*?)\n```/.exec(text);
  if (!block) throw new Error('scripts/mutation-equivalent.md has no ```json block');
  return JSON.parse(block[1]).map((entry) => ({ ...entry, used: false }));
}

const listed = equivalents();

function takeEquivalent(tool, file, mutator, replacement, near) {
  const entry = listed.find(
    (e) => !e.used && e.tool === tool && e.file === file && e.mutator === mutator && (e.replacement ?? null) === (replacement ?? null) && e.near === near,
  );
  if (entry) entry.used = true;
  return entry;
}

function score(counts) {
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage - counts.equivalent;
  return valid === 0 ? 100 : (100 * detected) / valid;
}

function line(name, counts) {
  const atLoad = counts.killedAtLoad ? ` (${counts.killedAtLoad} at load)` : '';
  return (
    `${name.padEnd(26)} killed ${String(counts.killed).padStart(5)}${atLoad}  survived ${String(counts.survived).padStart(4)}` +
    `  equivalent-listed ${String(counts.equivalent).padStart(3)}  timeout ${String(counts.timeout).padStart(3)}` +
    `  no-coverage ${String(counts.noCoverage).padStart(3)}${counts.ignored === undefined ? '' : `  ignored (static) ${String(counts.ignored).padStart(3)}`}` +
    `  other ${String(counts.other).padStart(3)}  score ${score(counts).toFixed(2)}%`
  );
}

const rows = [];
const survivors = [];

/**
 * A backend's files: from its whole run (stryker-js.json) and any split runs (stryker-js-PART.json,
 * MUTATION_PART), each file's newest result kept.
 */
function strykerFiles(backend) {
  const reports = readdirSync(OUT)
    .filter((name) => name === `stryker-${backend}.json` || (name.startsWith(`stryker-${backend}-`) && name.endsWith('.json') && !name.endsWith('-incremental.json')))
    .map((name) => join(OUT, name))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  if (reports.length === 0) return undefined;
  const files = {};
  for (const path of reports) Object.assign(files, JSON.parse(readFileSync(path, 'utf8')).files);
  // A file moved or deleted since an older report is no longer part of src/.
  for (const file of Object.keys(files)) if (!existsSync(join(ROOT, file))) delete files[file];
  return files;
}

for (const backend of ['js', 'native']) {
  const files = strykerFiles(backend);
  if (files === undefined) continue;
  const report = { files };
  const counts = { killed: 0, killedAtLoad: 0, survived: 0, equivalent: 0, timeout: 0, noCoverage: 0, ignored: 0, other: 0 };
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const lines = source.split('\n');
    for (const m of mutants) {
      if (m.status === 'Killed') counts.killed++;
      else if (m.status === 'Timeout') counts.timeout++;
      else if (m.status === 'Survived' && m.static === true && m.testsCompleted === 0) {
        counts.killed++;
        counts.killedAtLoad++;
      }
      else if (m.status === 'Survived' || m.status === 'NoCoverage') {
        if (m.status === 'Survived') counts.survived++;
        else counts.noCoverage++;
        const near = (lines[m.location.start.line - 1] ?? '').trim();
        if (takeEquivalent(`stryker-${backend}`, file, m.mutatorName, m.replacement, near)) counts.equivalent++;
        else survivors.push(`stryker-${backend} ${m.status} ${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} -> ${JSON.stringify(m.replacement)}\n    ${near}`);
      } else if (m.status === 'Ignored') counts.ignored++; // static, see stryker.config.mjs: not counted in the score
      else counts.other++; // CompileError, RuntimeError: not counted in the score
    }
  }
  rows.push([`stryker-${backend}`, counts]);
}

const outcomesPath = join(OUT, 'mutants.out', 'outcomes.json');
if (existsSync(outcomesPath)) {
  const { outcomes } = JSON.parse(readFileSync(outcomesPath, 'utf8'));
  const counts = { killed: 0, survived: 0, equivalent: 0, timeout: 0, noCoverage: 0, other: 0 };
  const sources = new Map();
  for (const outcome of outcomes) {
    const mutant = outcome.scenario?.Mutant;
    if (mutant === undefined) continue; // the baseline
    const summary = outcome.summary;
    if (summary === 'CaughtMutant') counts.killed++;
    else if (summary === 'Timeout') counts.timeout++;
    else if (summary === 'MissedMutant') {
      counts.survived++;
      if (!sources.has(mutant.file)) sources.set(mutant.file, readFileSync(join(ROOT, mutant.file), 'utf8').split('\n'));
      const near = (sources.get(mutant.file)[mutant.span.start.line - 1] ?? '').trim();
      const description = mutant.name.replace(/^[^:]+:\d+:\d+: /, '');
      if (takeEquivalent('cargo-mutants', mutant.file, description, null, near)) counts.equivalent++;
      else survivors.push(`cargo-mutants missed ${mutant.name}\n    ${near}`);
    } else counts.other++; // Unviable (does not build): not counted
  }
  rows.push(['cargo-mutants', counts]);
}

if (rows.length === 0) {
  console.error('no mutation reports under target/mutation: run scripts/mutation.sh first');
  process.exit(1);
}
console.log('\nMutation testing summary (target: at least 90% of non-equivalent mutants killed)');
const titles = { 'stryker-js': 'StrykerJS, js project', 'stryker-native': 'StrykerJS, native project', 'cargo-mutants': 'cargo-mutants, crates/core' };
for (const [name, counts] of rows) console.log(line(titles[name] ?? name, counts));
if (survivors.length > 0) console.log(`\nSurvivors not listed as equivalent (${survivors.length}):\n${survivors.join('\n')}`);
const stale = listed.filter((e) => !e.used);
const reported = new Set(rows.map(([name]) => name));
const staleHere = stale.filter((e) => reported.has(e.tool));
if (staleHere.length > 0) {
  console.log(`\nListed as equivalent but not found among this run's survivors (${staleHere.length}): update scripts/mutation-equivalent.md`);
  for (const e of staleHere) console.log(`  ${e.tool} ${e.file} ${e.mutator} ${JSON.stringify(e.replacement ?? null)} near ${JSON.stringify(e.near)}`);
}
const low = rows.filter(([, counts]) => score(counts) < TARGET);
process.exit(low.length > 0 || staleHere.length > 0 ? 1 : 0);
