#!/usr/bin/env node
// The WASI flavour of the Rust codec (wasm32-wasip1-threads through @napi-rs/wasm-runtime, what
// StackBlitz-style in-browser Node loads) against the js backend (node:crypto), side by side in
// one process. `auto` keeps the Rust codec only where it is the faster one, so this is the
// measurement behind src/backend/wasi-preference.ts.
//
//   npm run build:ts && npm run build:native -- --target wasm32-wasip1-threads
//   node scripts/bench-wasi.mjs [package dir]      (default: this checkout; ~15 s)
//
// The loader is forced to the WASI flavour (NAPI_RS_FORCE_WASI=error: the generated binding.js
// honours 'true' and 'error', not '1'), so the package dir needs the WASI build's files next to
// binding.js. The session is the benchmarks' typical login (~380 bytes of JSON); encode is JSON
// text -> cookie value, decode is cookie value -> JSON text. Rounds interleave the contenders in
// rotating order; each figure is the median ns/op over the rounds.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PAYLOADS } from '../bench/codec/payloads.mjs';

process.env.NAPI_RS_FORCE_WASI = 'error';
delete process.env.CLIENT_SESSIONS_NATIVE_BACKEND;

const packageDir = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(resolve(packageDir, 'package.json'));
const binding = require('./binding.js');
if (binding.__napiBindingTarget === 'native' || binding.__napiBindingTarget === undefined) {
  console.error(`bench-wasi: ${packageDir}/binding.js loaded ${binding.__napiBindingTarget}, not a WASI flavour`);
  process.exit(1);
}
const sessions = require('./dist/index.js');

const ROUNDS = 15;
const BATCH_MS = 40;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const CREATED_AT = Date.now();
const DURATION = 24 * 60 * 60 * 1000;
const payload = PAYLOADS.find((p) => p.name === 'typical');

const contenders = [
  { name: `wasi (${binding.__napiBindingTarget})`, codec: sessions.createCodec({ cookieName: 'session', secret: SECRET, backend: 'native' }) },
  { name: 'js (node:crypto)', codec: sessions.createCodec({ cookieName: 'session', secret: SECRET, backend: 'js' }) },
];

// Check before timing: each decodes the other's cookie to the same JSON.
for (const a of contenders) {
  for (const b of contenders) {
    const decoded = b.codec.decode(a.codec.encode(payload.json, CREATED_AT, DURATION));
    if (decoded.status !== 'valid' || decoded.json !== payload.json) {
      throw new Error(`bench-wasi: ${b.name} did not decode ${a.name}'s cookie (${decoded.status})`);
    }
  }
}

const ops = {
  encode: (codec) => () => codec.encode(payload.json, CREATED_AT, DURATION),
  decode: (codec) => {
    const cookie = codec.encode(payload.json, CREATED_AT, DURATION);
    return () => {
      if (codec.decode(cookie).status !== 'valid') throw new Error('decode failed');
    };
  },
};

/** ns/op of `fn` over one batch of about BATCH_MS. */
function batch(fn) {
  let iterations = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(BATCH_MS * 1e6);
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) fn();
    iterations += 50;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / iterations;
}

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

console.log(`bench-wasi: node ${process.version} ${process.platform}-${process.arch}, ${payload.bytes}-byte session, ${ROUNDS} rounds of ${BATCH_MS} ms`);
const results = {};
for (const [op, make] of Object.entries(ops)) {
  const fns = contenders.map((c) => make(c.codec));
  fns.forEach((fn) => batch(fn)); // warm-up
  const samples = contenders.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      samples[i].push(batch(fns[i]));
    }
  }
  const [wasi, js] = samples.map(median);
  results[op] = { wasi, js, ratio: wasi / js };
  console.log(`${op.padEnd(6)}  ${contenders[0].name}: ${wasi.toFixed(0).padStart(7)} ns/op   ${contenders[1].name}: ${js.toFixed(0).padStart(7)} ns/op   wasi/js = ${(wasi / js).toFixed(2)}x`);
}
console.log(`bench-wasi: ${Object.values(results).every((r) => r.ratio > 1) ? 'js is faster on both' : 'wasi is faster on at least one'}`);
process.exit(0);
