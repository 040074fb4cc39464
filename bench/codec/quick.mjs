// Codec micro-benchmark: our native and js backends against client-sessions@0.8.0.
//
//   node bench/codec/quick.mjs           full run (writes bench/results/codec-quick.json)
//   node bench/codec/quick.mjs --quick   CI smoke run, a few seconds at most, writes nothing
//
// Each contender is timed on the whole operation a user pays for: "encode" is
// JSON.stringify + encode, "decode" is decode + JSON.parse (client-sessions' util.decode
// already parses). Contenders run interleaved, in rotating order, so that machine noise
// (other processes, CPU frequency changes) is spread over all of them instead of landing on
// whichever happened to run at a bad moment.

import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const require = createRequire(import.meta.url);
const ours = require('../../dist/index.js');
const clientSessions = require('client-sessions');

const QUICK = process.argv.includes('--quick');
const CONFIG = QUICK
  ? { warmup: 3000, rounds: 5, iterations: 500 }
  : { warmup: 3000, rounds: 15, iterations: 2000 };

const CPU = os.cpus()[0]?.model ?? 'unknown';
const RESULTS_FILE = fileURLToPath(new URL('../results/codec-quick.json', import.meta.url));
const COOKIE_NAME = 'session';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const DURATION = 24 * 60 * 60 * 1000;
// One timestamp for every cookie, so expiry never differs between contenders (a day is far
// longer than any run).
const CREATED_AT = Date.now();

// A typical logged-in session, about 300 bytes of JSON.
const SESSION = {
  user: { id: 48213, email: 'ada.lovelace@example.com', roles: ['customer', 'beta-tester'] },
  csrfToken: 'q8Jr2vXkM1bT7wYh0sLdZc4NfPaE9uGi',
  loggedInAt: 1717430400000,
  cart: [
    { sku: 'BK-1042', qty: 1, priceCents: 2499 },
    { sku: 'MUG-007', qty: 2, priceCents: 1299 },
  ],
  prefs: { theme: 'dark', lang: 'en-GB', currency: 'GBP' },
};
const SESSION_JSON = JSON.stringify(SESSION);
const PAYLOAD_BYTES = Buffer.byteLength(SESSION_JSON, 'utf8');

// Anything the timed code returns is folded in here and printed at the end, so the JIT
// cannot prove the work unused and drop it.
let sink = 0;

// --- contenders -------------------------------------------------------------------------

/** One of our codecs, as a contender; null (with a message) when the backend is missing. */
function ourContender(name, backend) {
  let codec;
  try {
    codec = ours.createCodec({ cookieName: COOKIE_NAME, secret: SECRET, backend });
  } catch (err) {
    console.log(`skipping ${name}: createCodec({ backend: '${backend}' }) threw: ${err.message}`);
    return null;
  }
  return {
    name,
    encode: (session) => codec.encode(JSON.stringify(session), CREATED_AT, DURATION),
    decode(cookie) {
      const result = codec.decode(cookie);
      // Only `valid` carries JSON; anything else is a failure, not a fast path.
      if (result.status !== 'valid') throw new Error(`${name}: decode status ${result.status}`);
      return JSON.parse(result.json);
    },
  };
}

function clientSessionsContender() {
  // util.encode/decode cache the derived keys on this object, so it is made once and
  // reused, as client-sessions' middleware does, and as our codecs do.
  const opts = { cookieName: COOKIE_NAME, secret: SECRET };
  return {
    name: 'client-sessions',
    // util.encode stringifies the content itself.
    encode: (session) => clientSessions.util.encode(opts, session, DURATION, CREATED_AT),
    decode(cookie) {
      const result = clientSessions.util.decode(opts, cookie);
      if (result === undefined) throw new Error('client-sessions: decode failed');
      return result.content;
    },
  };
}

// --- correctness ------------------------------------------------------------------------

/**
 * Every contender's cookie must decode, with every contender, back to the session: they
 * share a wire format, and a benchmark of codecs that disagree would be meaningless.
 * Returns the list of failures (empty when all agree).
 */
function crossCheck(contenders) {
  const failures = [];
  for (const writer of contenders) {
    const cookie = writer.encode(SESSION);
    for (const reader of contenders) {
      let got;
      try {
        got = JSON.stringify(reader.decode(cookie));
      } catch (err) {
        failures.push(`${reader.name} could not decode ${writer.name}'s cookie: ${err.message}`);
        continue;
      }
      if (got !== SESSION_JSON) {
        failures.push(`${reader.name} decoded ${writer.name}'s cookie to ${got}`);
      }
    }
  }
  return failures;
}

// --- timing -----------------------------------------------------------------------------

/** Runs `op` n times and returns the mean ns/op of the batch. */
function timeBatch(op, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += consume(op());
  return Number(process.hrtime.bigint() - start) / n;
}

/** A cheap number from an op's result: a cookie's length, or a field of a session. */
function consume(result) {
  return typeof result === 'string' ? result.length : result.user.id & 1;
}

/**
 * Times one operation for all contenders: a warm-up each (so the JIT has compiled every
 * path before any clock starts), then `rounds` rounds in which each contender runs one
 * batch, starting from a different contender each round so none is always first or last.
 * Returns, per contender name, the ns/op of each batch.
 */
function measure(contenders, makeOp) {
  const ops = contenders.map(makeOp);
  for (const op of ops) timeBatch(op, CONFIG.warmup);

  const samples = contenders.map(() => []);
  for (let round = 0; round < CONFIG.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      samples[i].push(timeBatch(ops[i], CONFIG.iterations));
    }
  }
  return Object.fromEntries(contenders.map((c, i) => [c.name, summarize(samples[i])]));
}

/** Median and spread of a contender's batch timings (nearest-rank percentiles). */
function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
  return { median: at(0.5), p25: at(0.25), p75: at(0.75), min: sorted[0], max: sorted.at(-1) };
}

// --- report -----------------------------------------------------------------------------

const fmt = (ns) => Math.round(ns).toLocaleString('en-US');
const cell = (s) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
const ratio = (baseline, s) => baseline.median / s.median;

function printTable(rows) {
  const header = ['contender', 'encode ns/op (min–max)', 'decode ns/op (min–max)', 'encode ×', 'decode ×'];
  const lines = [header, ...rows.map((r) => [
    r.name, cell(r.encode), cell(r.decode), `${r.ratio.encode.toFixed(2)}×`, `${r.ratio.decode.toFixed(2)}×`,
  ])];
  const widths = header.map((_, col) => Math.max(...lines.map((l) => l[col].length)));
  const render = (l) => l.map((c, col) => (col === 0 ? c.padEnd(widths[col]) : c.padStart(widths[col]))).join('  ');
  console.log(render(lines[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines.slice(1)) console.log(render(l));
  console.log('× = client-sessions median ns / contender median ns (higher is faster)');
}

function writeResults(rows) {
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: CPU,
    mode: QUICK ? 'quick' : 'full',
    config: CONFIG,
    payloadBytes: PAYLOAD_BYTES,
    unit: 'ns/op',
    contenders: rows.map((r) => ({
      name: r.name,
      encode: r.encode,
      decode: r.decode,
      ratioVsClientSessions: r.ratio,
    })),
  };
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
}

// --- main -------------------------------------------------------------------------------

const command = ['node', relative(process.cwd(), process.argv[1]), ...process.argv.slice(2)].join(' ');

console.log(`command: ${command}`);
console.log(`node ${process.version}, ${CPU}, default backend: ${ours.backend}`);
console.log(`payload: ${PAYLOAD_BYTES} bytes of JSON`);
console.log(`${CONFIG.rounds} rounds × ${CONFIG.iterations} iterations per contender, after ${CONFIG.warmup} warm-up`);

const contenders = [
  ourContender('native', 'native'),
  ourContender('js', 'js'),
  clientSessionsContender(),
].filter(Boolean);

const failures = crossCheck(contenders);
if (failures.length > 0) {
  console.error('correctness check FAILED, not timing anything:');
  for (const f of failures) console.error(`  ${f}`);
  process.exit(1);
}
console.log(`correctness: ${contenders.length}×${contenders.length} cross-decodes agree\n`);

// Every contender decodes the same cookie (client-sessions' own, as a migrating app would
// have), so decode timings differ only by the code that runs.
const sharedCookie = contenders.at(-1).encode(SESSION);
const encode = measure(contenders, (c) => () => c.encode(SESSION));
const decode = measure(contenders, (c) => () => c.decode(sharedCookie));

const baseline = { encode: encode['client-sessions'], decode: decode['client-sessions'] };
const rows = contenders.map(({ name }) => ({
  name,
  encode: encode[name],
  decode: decode[name],
  ratio: { encode: ratio(baseline.encode, encode[name]), decode: ratio(baseline.decode, decode[name]) },
}));

printTable(rows);
// A smoke run's numbers are not worth keeping: only a full run replaces the results file.
if (QUICK) {
  console.log(`\n(quick run: results not written)  (sink ${sink})`);
} else {
  writeResults(rows);
  console.log(`\nresults: ${relative(process.cwd(), RESULTS_FILE)}  (sink ${sink})`);
}
