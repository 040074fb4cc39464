// The codec contenders of bench/codec/run.mjs timed a second way, with benchmark.js (2.1.4), so
// that the figures can be set beside the ones published the benchmark.js way (ops/sec ± relative
// margin of error, "runs sampled"), and so that the two tools check each other: after a full
// run, the ratio to client-sessions of every contender, payload and op is compared with the one
// in bench/results/codec.json, our own harness's last results.
//
//   node bench/codec/benchmarkjs.mjs           full run: 6 processes, about 2½ minutes (145 s
//                                              on a busy 2-core VM: 42 benchmarks of ~3 s, as
//                                              benchmark.js does not count its cycle delays in
//                                              maxTime, plus warm-ups and process start-up;
//                                              wall-clock bound, so load hardly lengthens it),
//                                              writes bench/results/codec-benchmarkjs.json
//   node bench/codec/benchmarkjs.mjs --assert  the same, exiting 1 when the ratios disagree
//   node bench/codec/benchmarkjs.mjs --quick   smoke run: tiny maxTime, a few seconds, writes
//                                              nothing, ratios meaningless
//
// The comparison reads whatever bench/results/codec.json holds, so it means something only
// right after `npm run bench:codec` on the same machine and code (`npm run bench:codec`, then
// this); it warns when that file looks older than the built code or than the packages.
//
// What is timed is exactly what run.mjs times: the contenders of contenders.mjs (encode =
// session object -> cookie value, decode = cookie value -> session object, JSON included),
// checked by checkContenders before any clock starts, on the payloads of payloads.mjs.

import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import os from 'node:os';
import { PAYLOADS } from './payloads.mjs';
import { checkContenders, closeContenders, createContenders, versions } from './contenders.mjs';

const require = createRequire(import.meta.url);

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_FILE = fileURLToPath(new URL('../results/codec-benchmarkjs.json', import.meta.url));
const HARNESS_FILE = fileURLToPath(new URL('../results/codec.json', import.meta.url));
const BASELINE = 'client-sessions';
const OPS = ['encode', 'decode'];
const CPU = os.cpus()[0]?.model?.trim() ?? 'unknown';
const CORES = os.cpus().length;

const QUICK = process.argv.includes('--quick');
const ASSERT = process.argv.includes('--assert');

// benchmark.js options per benchmark. Full: maxTime 2 s (benchmark.js's default is 5 s, which
// would make 42 benchmarks take 4 minutes) and at least 10 samples, so the ±rme rests on
// enough cycles even for iron-session's ~1 ms ops; minTime stays benchmark.js's own default
// (derived from the timer's resolution, at least 50 ms per sample). Quick: just enough to
// run every benchmark through benchmark.js once.
// The warm-up mirrors run.mjs's (≥ 5000 iterations and ≥ 150 ms, at most 800 ms per
// contender), so both tools time the same compiled code rather than one of them timing the
// JIT's first attempts.
const CONFIG = QUICK
  ? { benchmark: { maxTime: 0.02, minSamples: 2, minTime: 0.002 }, warmup: { minIterations: 50, minMs: 2, maxMs: 20 } }
  : { benchmark: { maxTime: 2, minSamples: 10 }, warmup: { minIterations: 5000, minMs: 150, maxMs: 800 } };

// --- the timed side (one child process per suite) ----------------------------------------------
//
// A suite is one payload and one op, with every contender in it: the unit benchmark.js compares
// within. Each suite runs in a fresh process rather than one per payload (or one for all)
// because benchmark.js times its benchmarks one after the other, each for its whole maxTime:
// in a shared process, whatever ran before (the other op's suite, the other payloads) leaves
// its type feedback in the code the contenders share (dist/index.js for native and js,
// node:crypto's JS wrappers for js, node:crypto and client-sessions, JSON), its garbage in the
// heap and its compiled code in the caches, so a contender's figure would depend on its place
// in the queue. In a fresh process every suite starts from the same state, every contender of
// the suite is warmed up before the first clock starts (the same feedback for all, as in our
// harness's processes), and the order of the contenders rotates from suite to suite so that
// none is always first or last.

/** A cheap number from an op's result (as in worker.mjs), so the JIT cannot drop the work. */
const consume = (result) => (typeof result === 'string' ? result.length : result === null ? 0 : 1);
let sink = 0;

/** Sends a message to the parent, resolving once it is written. */
const send = (message) => new Promise((resolve) => process.send(message, resolve));

/** Runs a cell n times (awaiting each call of an async contender). */
async function runMany(cell, n) {
  if (cell.async) for (let i = 0; i < n; i++) sink += consume(await cell.op());
  else for (let i = 0; i < n; i++) sink += consume(cell.op());
}

/** Warms a cell up until it ran minIterations times for minMs, or for maxMs (slow async ops). */
async function warmUp(cell, { minIterations, minMs, maxMs }) {
  const start = performance.now();
  let iterations = 0;
  for (;;) {
    await runMany(cell, 16);
    iterations += 16;
    const elapsed = performance.now() - start;
    if ((iterations >= minIterations && elapsed >= minMs) || elapsed >= maxMs) return iterations;
  }
}

/**
 * The cells of one suite: one per contender. Contenders sharing client-sessions' format decode
 * client-sessions' own cookie, the others their own, as worker.mjs has them do, so that the
 * decode figures of both tools time the same work.
 */
function suiteCells(contenders, cookies, p, op) {
  const csCookie = cookies.get(BASELINE)?.[p];
  return contenders.map((c) => {
    // Each contender encodes its own copy (@fastify/secure-session stamps `__ts` on it).
    const session = structuredClone(PAYLOADS[p].value);
    const cookie = c.format === 'client-sessions' && csCookie ? csCookie : cookies.get(c.name)[p];
    return {
      contender: c.name,
      async: Boolean(c.async),
      op: op === 'encode' ? () => c.encode(session) : () => c.decode(cookie),
    };
  });
}

/**
 * A benchmark.js benchmark for a cell. Sync ops are a plain function (benchmark.js 2.1.4 calls
 * it through `this.fn()` in its loop rather than inlining its source, as it only decompiles
 * when there is a setup or teardown). Async ops are deferred benchmarks: the next call starts
 * when the previous promise settles, as our harness awaits them one by one. A rejection ends
 * the child at once: benchmark.js would otherwise wait forever for `resolve()`.
 */
function benchmarkOf(cell, options, fail) {
  if (!cell.async) return { ...options, fn: () => void (sink += consume(cell.op())) };
  return {
    ...options,
    defer: true,
    fn: (deferred) =>
      cell.op().then((result) => {
        sink += consume(result);
        deferred.resolve();
      }, fail),
  };
}

/** Runs a Suite to its end; resolves with its benchmarks, in the order they ran. */
function runSuite(Benchmark, name, cells, options, fail) {
  return new Promise((resolve) => {
    const suite = new Benchmark.Suite(name);
    for (const cell of cells) suite.add(cell.contender, benchmarkOf(cell, options, fail));
    // benchmark.js's own one-line summary, as it is usually published.
    suite.on('cycle', (event) => console.log(`  ${name}  ${String(event.target)}`));
    suite.on('complete', function () {
      resolve(Array.from(this));
    });
    suite.run({ async: true });
  });
}

async function childMain({ payload, op, rotate }) {
  const Benchmark = require('benchmark');
  const p = PAYLOADS.findIndex((x) => x.name === payload);
  const contenders = await createContenders();
  const { failures, cookies } = await checkContenders(contenders, PAYLOADS);
  if (failures.length > 0) return send({ type: 'failed', failures });
  const fail = (err) =>
    send({ type: 'failed', failures: [`${payload} ${op}: ${err?.stack ?? err}`] }).then(() => process.exit(1));

  const cells = suiteCells(contenders, cookies, p, op);
  const ordered = cells.map((_, k) => cells[(k + rotate) % cells.length]);
  const warmStart = performance.now();
  for (const cell of ordered) await warmUp(cell, CONFIG.warmup);
  const warmupMs = performance.now() - warmStart;

  const benches = await runSuite(Benchmark, `${payload} ${op}`, ordered, CONFIG.benchmark, fail);
  await closeContenders(contenders);
  const errors = benches.filter((b) => b.error).map((b) => `${payload} ${op}, ${b.name}: ${b.error?.stack ?? b.error}`);
  if (errors.length > 0) return send({ type: 'failed', failures: errors });
  return send({
    type: 'result',
    payload,
    op,
    warmupMs,
    sink,
    benchmarkjs: Benchmark.version,
    platform: Benchmark.platform.description,
    rows: benches.map((b, position) => ({
      contender: b.name,
      position,
      hz: b.hz,
      rme: b.stats.rme,
      samples: b.stats.sample.length,
      meanSeconds: b.stats.mean,
      deviationSeconds: b.stats.deviation,
      count: b.count,
      cycles: b.cycles,
    })),
  });
}

// --- the parent: processes, tables, report -----------------------------------------------------

/** Forks one suite's process; resolves with its result, rejects with its failures. */
function runChild(suite) {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--child', JSON.stringify(suite), ...(QUICK ? ['--quick'] : [])], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let message = null;
    child.on('message', (m) => {
      message = m;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (message?.type === 'result' && code === 0) return resolve(message);
      const failures = message?.failures ?? [`${suite.payload} ${suite.op} exited with ${signal ?? `code ${code}`} and no result`];
      reject(Object.assign(new Error('suite failed'), { failures }));
    });
  });
}

const round = (n, digits) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);
const fmtHz = (hz) => Math.round(hz).toLocaleString('en-US');
const times = (r) => (r === null || r === undefined ? '—' : `${r.toFixed(2)}×`);

/** Renders rows of cells as an aligned text table (first column left-aligned). */
function renderTable(title, header, rows) {
  const lines = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...lines.map((l) => String(l[col]).length)));
  const render = (l) => l.map((c, col) => (col === 0 ? String(c).padEnd(widths[col]) : String(c).padStart(widths[col]))).join('  ');
  return [title, render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(render)].join('\n');
}

/** Per payload: { contender -> { encode, decode } } from the suites' results, with ratios. */
function collect(contenders, results) {
  return PAYLOADS.map((payload) => {
    const byOp = Object.fromEntries(
      OPS.map((op) => [op, new Map(results.find((r) => r.payload === payload.name && r.op === op).rows.map((row) => [row.contender, row]))]),
    );
    const rows = contenders.map((c) => {
      const row = { contender: c.name, ...(c.note ? { note: c.note } : {}) };
      for (const op of OPS) {
        const cell = byOp[op].get(c.name);
        const base = byOp[op].get(BASELINE);
        row[op] = { ...cell, hz: round(cell.hz, 1), rme: round(cell.rme, 2), ratioVsClientSessions: base ? round(cell.hz / base.hz, 3) : null };
      }
      return row;
    });
    return { payload: payload.name, label: payload.label, bytes: payload.bytes, rows };
  });
}

function payloadTable(t) {
  const rows = t.rows.flatMap((r) =>
    OPS.map((op) => [
      r.note ? `${r.contender} *` : r.contender,
      op,
      fmtHz(r[op].hz),
      `±${r[op].rme.toFixed(2)}%`,
      String(r[op].samples),
      times(r[op].ratioVsClientSessions),
    ]),
  );
  return renderTable(`${t.payload}: ${t.label}, ${t.bytes} bytes of JSON`, ['contender', 'op', 'ops/sec', '±rme', 'runs sampled', `× ${BASELINE}`], rows);
}

// --- agreement with our harness ------------------------------------------------------------------
//
// For a contender C, a payload and an op, let
//   R_b = hz(C) / hz(client-sessions)                        benchmark.js's ratio (from means)
//   e_C, e_B = their relative margins of error (rme / 100)   benchmark.js's 95% bounds on means
//   R_h = median_B / median_C                                our harness's ratio (ns/op medians)
//   [R_lo, R_hi] = [p25_B / p75_C, p75_B / p25_C]            the ratio range its p25–p75 spreads
//                                                            allow (quickest baseline batch
//                                                            against slowest contender batch,
//                                                            and the reverse)
// benchmark.js's own bounds on its ratio are [R_b (1 − e_B) / (1 + e_C), R_b (1 + e_B) / (1 − e_C)]
// (each mean period within ±rme, hz its inverse). The tools agree when those bounds overlap
// [R_lo, R_hi], which is the same as R_b lying within our harness's range widened by
// benchmark.js's margins:
//   lo = R_lo (1 − e_C) / (1 + e_B)      hi = R_hi (1 + e_C) / (1 − e_B)   (∞ when e_B ≥ 1)
// and a pair is flagged when R_b < lo or R_b > hi. The range is deliberately generous (it
// ignores that our harness's batches of baseline and contender are interleaved and so noisy
// together): it is meant to catch a tool that is wrong, not to decide second decimals. The
// baseline itself (1× in both) is not compared.

/** Our harness's results, or a reason they cannot be used. */
function readHarness() {
  let harness;
  try {
    harness = JSON.parse(readFileSync(HARNESS_FILE, 'utf8'));
  } catch (err) {
    return { error: `cannot read ${relative(process.cwd(), HARNESS_FILE)}: ${err.code ?? err.message}` };
  }
  if (!Array.isArray(harness.results)) return { error: `${relative(process.cwd(), HARNESS_FILE)} has no results` };
  return { harness };
}

/** Newest modification time (ms) among the files of a directory tree. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Reasons to believe codec.json was not measured on the code and packages measured now. */
function stalenessWarnings(harness, now) {
  const warnings = [];
  const measured = Date.parse(harness.date);
  const built = Math.max(
    newestMtime(join(ROOT, 'dist')),
    ...readdirSync(ROOT).filter((f) => f.endsWith('.node')).map((f) => statSync(join(ROOT, f)).mtimeMs),
  );
  if (!(measured >= built)) warnings.push(`it predates the built code (dist/ or the native binary, ${new Date(built).toISOString()})`);
  if (harness.node !== process.version) warnings.push(`it was measured on node ${harness.node}, this is ${process.version}`);
  if (harness.cpu !== CPU) warnings.push(`it was measured on "${harness.cpu}", this is "${CPU}"`);
  for (const [name, version] of Object.entries(now)) {
    const then = harness.versions?.[name];
    if (then !== version) warnings.push(`${name} was ${then ?? 'absent'}, is now ${version}`);
  }
  return warnings;
}

/** The comparison of one contender/payload/op; null when our harness has no figure for it. */
function comparePair(harnessRows, payload, row, baseRow, op) {
  const hc = harnessRows?.find((r) => r.contender === row.contender)?.[op];
  const hb = harnessRows?.find((r) => r.contender === BASELINE)?.[op];
  if (!hc || !hb) return null;
  const rb = row[op].hz / baseRow[op].hz;
  const eC = row[op].rme / 100;
  const eB = baseRow[op].rme / 100;
  const rLo = hb.p25 / hc.p75;
  const rHi = hb.p75 / hc.p25;
  const lo = (rLo * Math.max(0, 1 - eC)) / (1 + eB);
  const hi = eB >= 1 ? Infinity : (rHi * (1 + eC)) / (1 - eB);
  return {
    payload,
    contender: row.contender,
    op,
    benchmarkjs: round(rb, 3),
    benchmarkjsRme: { contender: row[op].rme, baseline: baseRow[op].rme },
    harness: round(hb.median / hc.median, 3),
    harnessRange: [round(rLo, 3), round(rHi, 3)],
    allowed: [round(lo, 3), Number.isFinite(hi) ? round(hi, 3) : null],
    agree: rb >= lo && rb <= hi,
  };
}

/** Every comparable pair, the ones our harness lacks, and why the comparison may not hold. */
function compare(tables) {
  const { harness, error } = readHarness();
  if (error) return { error };
  const pairs = [];
  const missing = [];
  for (const t of tables) {
    const harnessRows = harness.results.find((r) => r.payload === t.payload)?.rows;
    const baseRow = t.rows.find((r) => r.contender === BASELINE);
    for (const row of t.rows) {
      if (row.contender === BASELINE) continue;
      for (const op of OPS) {
        const pair = comparePair(harnessRows, t.payload, row, baseRow, op);
        if (pair) pairs.push(pair);
        else missing.push(`${t.payload} ${row.contender} ${op}`);
      }
    }
  }
  return {
    harnessFile: relative(ROOT, HARNESS_FILE),
    harnessDate: harness.date,
    harnessCommand: harness.command,
    staleness: stalenessWarnings(harness, versions()),
    pairs,
    missing,
    disagreements: pairs.filter((p) => !p.agree).length,
  };
}

function printComparison(comparison) {
  console.log(`\nagreement with our harness (${comparison.harnessFile}, ${comparison.harnessDate}, "${comparison.harnessCommand}"):`);
  for (const w of comparison.staleness) console.log(`  warning: codec.json may be stale: ${w}`);
  if (comparison.staleness.length > 0) console.log('  (run `npm run bench:codec` first for a meaningful comparison)');
  const fmtRange = ([a, b]) => `${a.toFixed(2)}–${b === null ? '∞' : b.toFixed(2)}`;
  const rows = comparison.pairs.map((p) => [
    `${p.payload} ${p.contender}`,
    p.op,
    `${times(p.benchmarkjs)} ±${p.benchmarkjsRme.contender.toFixed(1)}/${p.benchmarkjsRme.baseline.toFixed(1)}%`,
    `${times(p.harness)} (${fmtRange(p.harnessRange)})`,
    fmtRange(p.allowed),
    p.agree ? 'ok' : 'DISAGREE',
  ]);
  const header = ['payload contender', 'op', 'benchmark.js × (±rme C/B)', 'harness × (p25–p75 range)', 'allowed', 'verdict'];
  console.log(renderTable('', header, rows).trimStart());
  for (const m of comparison.missing) console.log(`  not compared (no figure in codec.json): ${m}`);
  console.log(
    `allowed = harness range widened by benchmark.js's ±rme (see the comment in benchmarkjs.mjs); ` +
      `${comparison.pairs.length - comparison.disagreements}/${comparison.pairs.length} agree, ${comparison.disagreements} disagree`,
  );
}

// --- main ----------------------------------------------------------------------------------------

/** The suites, one per payload and op, each starting from another contender. */
const SUITES = PAYLOADS.flatMap((payload, p) => OPS.map((op, o) => ({ payload: payload.name, op, rotate: 2 * p + o })));

async function main() {
  const started = performance.now();
  const date = new Date().toISOString();
  const command = ['node', relative(process.cwd(), process.argv[1]), ...process.argv.slice(2)].join(' ');
  const ours = require('../../dist/index.js');
  const { benchmark: b, warmup: w } = CONFIG;

  console.log(`command: ${command}`);
  console.log(`date: ${date}`);
  console.log(`node ${process.version}, ${CPU} (${CORES} cores), ${os.platform()}/${os.arch()}, default backend: ${ours.backend}`);
  console.log(`payloads: ${PAYLOADS.map((p) => `${p.name} ${p.bytes} B`).join(', ')} (JSON, UTF-8)`);
  console.log(
    `benchmark.js ${require('benchmark/package.json').version}: maxTime ${b.maxTime} s, minSamples ${b.minSamples}, ` +
      `minTime ${b.minTime ? `${b.minTime} s` : "benchmark.js's default"}; one process per payload × op, ` +
      `after a warm-up of ≥ ${w.minIterations} iterations and ≥ ${w.minMs} ms (≤ ${w.maxMs} ms) per contender`,
  );

  // Correctness first, in this process: nothing is timed unless every contender agrees.
  const contenders = await createContenders();
  const { failures } = await checkContenders(contenders, PAYLOADS);
  await closeContenders(contenders);
  if (failures.length > 0) {
    console.error('correctness check FAILED, not timing anything:');
    for (const f of failures) console.error(`  ${f}`);
    process.exit(1);
  }
  console.log(`correctness: ${contenders.length} contenders round-trip ${PAYLOADS.length} payloads\n`);

  // One suite after the other, never concurrently: they would compete for cores.
  const results = [];
  for (const suite of SUITES) {
    try {
      results.push(await runChild(suite));
    } catch (err) {
      console.error(`suite ${suite.payload} ${suite.op} FAILED:`);
      for (const f of err.failures ?? [err.stack]) console.error(`  ${f}`);
      process.exit(1);
    }
  }

  const tables = collect(contenders, results);
  console.log('');
  for (const t of tables) console.log(payloadTable(t) + '\n');
  console.log(`× = contender ops/sec / ${BASELINE} ops/sec (higher is faster); ±rme = benchmark.js's relative margin of error (95%)`);
  for (const c of contenders.filter((x) => x.note)) console.log(`* ${c.name}: ${c.note}, so not an equal contender`);

  const comparison = compare(tables);
  if (comparison.error) console.log(`\nagreement with our harness NOT CHECKED: ${comparison.error} (run \`npm run bench:codec\` first)`);
  else printComparison(comparison);

  const sink = results.reduce((n, r) => n + r.sink, 0);
  const totalS = (performance.now() - started) / 1000;
  if (QUICK) {
    console.log('\nquick run: benchmarks far too short for the figures or the comparison to mean anything; --assert ignored');
    console.log(`(quick run: results not written)  total ${totalS.toFixed(1)} s  (sink ${sink})`);
    return 0;
  }
  writeReport({ date, command, ours, contenders, results, tables, comparison, totalS });
  console.log(`\nresults: ${relative(process.cwd(), RESULTS_FILE)}  total ${totalS.toFixed(1)} s  (sink ${sink})`);
  if (ASSERT && comparison.disagreements > 0) {
    console.error(`--assert: ${comparison.disagreements} ratio(s) disagree with our harness`);
    return 1;
  }
  return 0;
}

function writeReport({ date, command, ours, contenders, results, tables, comparison, totalS }) {
  const report = {
    schema: 1,
    date,
    command,
    node: process.version,
    v8: process.versions.v8,
    cpu: CPU,
    cores: CORES,
    platform: `${os.platform()}/${os.arch()}`,
    benchmarkjsPlatform: results[0].platform,
    defaultBackend: ours.backend,
    mode: 'full',
    tool: `benchmark.js ${results[0].benchmarkjs}`,
    config: { ...CONFIG, processes: 'one per payload × op suite', suites: SUITES },
    durationSeconds: Math.round(totalS),
    versions: versions(),
    unit: 'ops/sec',
    baseline: BASELINE,
    stats:
      "hz = 1 / mean seconds per op over benchmark.js's samples; rme = its relative margin of error (%, 95%); " +
      'samples = runs sampled; position = order within the suite; ratioVsClientSessions = hz / hz of client-sessions',
    payloads: PAYLOADS.map(({ name, label, bytes }) => ({ name, label, bytes })),
    contenders: contenders.map((c) => ({ name: c.name, ...(c.note ? { note: c.note } : {}), async: Boolean(c.async) })),
    results: tables,
    agreement: comparison,
  };
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, JSON.stringify(report, null, 2) + '\n');
}

const childArg = process.argv.indexOf('--child');
if (childArg >= 0) {
  childMain(JSON.parse(process.argv[childArg + 1])).then(
    () => process.disconnect(),
    async (err) => {
      process.exitCode = 1;
      await send({ type: 'failed', failures: [`suite process crashed: ${err.stack ?? err}`] });
      process.disconnect();
    },
  );
} else {
  process.exitCode = await main();
}
