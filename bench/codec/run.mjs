// Codec micro-benchmark: our native and js backends against client-sessions@0.8.0, a direct
// node:crypto implementation of the same format, and the other cookie-session libraries
// (@fastify/secure-session, cookie-session, iron-session), on three payload sizes; our format 2
// (XChaCha20-Poly1305) beside format 1, with the cookie lengths of both.
//
//   node bench/codec/run.mjs                 full run: 5 processes, ~2 minutes,
//                                            writes bench/results/codec.json
//   node bench/codec/run.mjs --quick         CI smoke run: 1 process, a few seconds,
//                                            writes nothing
//   node bench/codec/run.mjs --processes=3   full run with another number of processes
//
// Each contender is timed on the whole operation a user pays for: "encode" is session object
// -> cookie value, "decode" is cookie value -> session object, JSON.stringify / JSON.parse
// included (see contenders.mjs). Nothing is timed unless every contender first round-trips
// every payload and the contenders sharing client-sessions' format read each other's cookies.
//
// Timing runs in fresh child processes (worker.mjs), one after the other, so that one
// process's JIT and GC luck does not decide the result. Inside a process, contenders run
// interleaved, in rotating order, in batches of equal duration, so that machine noise (other
// processes, CPU frequency changes) is spread over all of them instead of landing on
// whichever happened to run at a bad moment. The report gives, per contender, payload and op,
// the median ns/op over all batches of all processes, and the p25–p75 spread.

import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import os from 'node:os';
import { PAYLOADS } from './payloads.mjs';
import { checkContenders, closeContenders, cookieBytes, createContenders, versions } from './contenders.mjs';

const require = createRequire(import.meta.url);

const QUICK = process.argv.includes('--quick');
const processesArg = process.argv.find((a) => a.startsWith('--processes='));
const CONFIG = QUICK
  ? { processes: 1, warmup: { minIterations: 300, minMs: 10, maxMs: 100 }, rounds: 3, batchMs: 1 }
  : { processes: 5, warmup: { minIterations: 5000, minMs: 150, maxMs: 800 }, rounds: 25, batchMs: 8 };
if (processesArg) CONFIG.processes = Math.max(1, parseInt(processesArg.split('=')[1], 10) || 1);

const BASELINE = 'client-sessions';
const CPU = os.cpus()[0]?.model?.trim() ?? 'unknown';
const CORES = os.cpus().length;
const RESULTS_FILE = fileURLToPath(new URL('../results/codec.json', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const OPS = ['encode', 'decode'];

// --- statistics -------------------------------------------------------------------------------

/** Median and spread of a list of batch timings (nearest-rank percentiles). */
function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
  return { median: at(0.5), p25: at(0.25), p75: at(0.75), min: sorted[0], max: sorted.at(-1), batches: sorted.length };
}

const round1 = (n) => Math.round(n * 10) / 10;
const roundStats = (s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Array.isArray(v) ? v.map(round1) : round1(v)]));

// --- processes --------------------------------------------------------------------------------

/** Forks one worker and resolves with its result message (rejects with its failures). */
function runWorker(index) {
  return new Promise((resolve, reject) => {
    const workerConfig = { warmup: CONFIG.warmup, rounds: CONFIG.rounds, batchMs: CONFIG.batchMs };
    const child = fork(WORKER, [JSON.stringify(workerConfig)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let message = null;
    child.on('message', (m) => {
      message = m;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (message?.type === 'result' && code === 0) return resolve(message);
      const failures = message?.failures ?? [`process ${index + 1} exited with ${signal ?? `code ${code}`} and no result`];
      reject(Object.assign(new Error('worker failed'), { failures }));
    });
  });
}

// --- report -----------------------------------------------------------------------------------

const fmt = (ns) => Math.round(ns).toLocaleString('en-US');
const cell = (s) => `${fmt(s.median)} (${fmt(s.p25)}–${fmt(s.p75)})`;
const times = (r) => (r === null ? '—' : `${r.toFixed(2)}×`);

function renderTable(payload, rows) {
  const header = ['contender', 'encode ns/op (p25–p75)', 'decode ns/op (p25–p75)', 'encode ×', 'decode ×', 'cookie B'];
  const lines = [
    header,
    ...rows.map((r) => [
      r.note ? `${r.contender} *` : r.contender,
      cell(r.encode),
      cell(r.decode),
      times(r.ratioVsClientSessions.encode),
      times(r.ratioVsClientSessions.decode),
      String(r.cookieBytes),
    ]),
  ];
  const widths = header.map((_, col) => Math.max(...lines.map((l) => l[col].length)));
  const render = (l) => l.map((c, col) => (col === 0 ? c.padEnd(widths[col]) : c.padStart(widths[col]))).join('  ');
  const out = [`${payload.name}: ${payload.label}, ${payload.bytes} bytes of JSON`, render(lines[0]), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const l of lines.slice(1)) out.push(render(l));
  return out.join('\n');
}

// --- main -------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const date = new Date().toISOString();
  const command = ['node', relative(process.cwd(), process.argv[1]), ...process.argv.slice(2)].join(' ');
  const ours = require('../../dist/index.js');

  console.log(`command: ${command}`);
  console.log(`date: ${date}`);
  console.log(`node ${process.version}, ${CPU} (${CORES} cores), ${os.platform()}/${os.arch()}, default backend: ${ours.backend}`);
  console.log(`payloads: ${PAYLOADS.map((p) => `${p.name} ${p.bytes} B`).join(', ')} (JSON, UTF-8)`);
  console.log(
    `${CONFIG.processes} process${CONFIG.processes === 1 ? '' : 'es'} × ${CONFIG.rounds} rounds, batches of ~${CONFIG.batchMs} ms, ` +
      `after a warm-up of ≥ ${CONFIG.warmup.minIterations} iterations and ≥ ${CONFIG.warmup.minMs} ms (≤ ${CONFIG.warmup.maxMs} ms) per contender, payload and op`,
  );

  // Correctness first, in this process: nothing is timed unless every contender agrees.
  const contenders = await createContenders({ formatTwo: true });
  const { failures, cookies } = await checkContenders(contenders, PAYLOADS);
  await closeContenders(contenders);
  if (failures.length > 0) {
    console.error('correctness check FAILED, not timing anything:');
    for (const f of failures) console.error(`  ${f}`);
    process.exit(1);
  }
  const shared = contenders.filter((c) => c.format === 'client-sessions').map((c) => c.name);
  console.log(
    `correctness: ${contenders.length} contenders round-trip ${PAYLOADS.length} payloads; ` +
      `${shared.join(', ')} read each other's cookies (${shared.length}×${shared.length})`,
  );

  // Timing, one process after the other (never concurrently: they would compete for cores).
  const results = [];
  for (let i = 0; i < CONFIG.processes; i++) {
    const t0 = performance.now();
    try {
      results.push(await runWorker(i));
    } catch (err) {
      console.error(`measuring process ${i + 1} FAILED:`);
      for (const f of err.failures ?? [err.stack]) console.error(`  ${f}`);
      process.exit(1);
    }
    const r = results.at(-1);
    console.log(
      `  process ${i + 1}/${CONFIG.processes}: ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        `(warm-up ${(r.warmupMs / 1000).toFixed(1)} s, measuring ${(r.measureMs / 1000).toFixed(1)} s)`,
    );
  }

  // Aggregate: all batches of all processes per (payload, contender, op).
  const key = (payload, contender, op) => `${payload}\0${contender}\0${op}`;
  const samples = new Map();
  const processMedians = new Map();
  const batchSizes = new Map();
  for (const r of results) {
    for (const c of r.cells) {
      const k = key(c.payload, c.contender, c.op);
      if (!samples.has(k)) {
        samples.set(k, []);
        processMedians.set(k, []);
        batchSizes.set(k, []);
      }
      samples.get(k).push(...c.samples);
      processMedians.get(k).push(summarize(c.samples).median);
      batchSizes.get(k).push(c.batch);
    }
  }
  const stats = (payload, contender, op) => {
    const k = key(payload, contender, op);
    return roundStats({ ...summarize(samples.get(k)), processMedians: processMedians.get(k), batchSizes: batchSizes.get(k) });
  };

  const tables = PAYLOADS.map((payload, p) => {
    const base = Object.fromEntries(OPS.map((op) => [op, stats(payload.name, BASELINE, op)]));
    const rows = contenders.map((c) => {
      const row = {
        contender: c.name,
        ...(c.note ? { note: c.note } : {}),
        cookieBytes: cookieBytes(cookies.get(c.name)[p]),
        encode: stats(payload.name, c.name, 'encode'),
        decode: stats(payload.name, c.name, 'decode'),
      };
      row.ratioVsClientSessions = Object.fromEntries(
        OPS.map((op) => [op, base[op] ? Math.round((base[op].median / row[op].median) * 1000) / 1000 : null]),
      );
      return row;
    });
    return { payload, rows };
  });

  console.log('');
  for (const t of tables) console.log(renderTable(t.payload, t.rows) + '\n');
  console.log(`× = ${BASELINE} median ns / contender median ns (higher is faster); medians and p25–p75 over all batches of all processes`);
  const notes = contenders.filter((c) => c.note);
  for (const c of notes) console.log(`* ${c.name}: ${c.note}, so not an equal contender`);
  console.log(`cookie B = bytes of the cookie value(s) for that payload (cookie-session: value + .sig cookie)`);

  const sink = results.reduce((n, r) => n + r.sink, 0);
  const totalS = (performance.now() - started) / 1000;
  if (QUICK) {
    console.log('quick run: warm-ups too short for the JIT to settle (client-sessions especially), so the ratios are not meaningful');
    console.log(`\n(quick run: results not written)  total ${totalS.toFixed(1)} s  (sink ${sink})`);
    return;
  }
  const report = {
    schema: 1,
    date,
    command,
    node: process.version,
    v8: process.versions.v8,
    cpu: CPU,
    cores: CORES,
    platform: `${os.platform()}/${os.arch()}`,
    defaultBackend: ours.backend,
    mode: 'full',
    config: CONFIG,
    durationSeconds: Math.round(totalS),
    versions: versions(),
    unit: 'ns/op',
    baseline: BASELINE,
    stats: 'median, p25, p75 (nearest rank), min, max over all batches of all processes; processMedians: one per process',
    payloads: PAYLOADS.map(({ name, label, bytes }) => ({ name, label, bytes })),
    contenders: contenders.map((c) => ({
      name: c.name,
      ...(c.note ? { note: c.note } : {}),
      async: Boolean(c.async),
      clientSessionsFormat: c.format === 'client-sessions',
    })),
    results: tables.map((t) => ({ payload: t.payload.name, bytes: t.payload.bytes, rows: t.rows })),
  };
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nresults: ${relative(process.cwd(), RESULTS_FILE)}  total ${totalS.toFixed(1)} s  (sink ${sink})`);
}

await main();
