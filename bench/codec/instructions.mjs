// The codec's calls, counted instead of timed: CPU instructions per call of decodeFromHeader,
// decode and encode on each backend, for the 375-byte session of bench:codec, under valgrind's
// callgrind. It settles changes to one call that the HTTP counts (bench/http/instructions.mjs,
// whose medians move by about 2% between runs) cannot resolve.
//
//   node bench/codec/instructions.mjs              every op on both backends, about 5 minutes
//   node bench/codec/instructions.mjs native decodeFromHeader    a subset: backends and ops
//   NAPI_RS_NATIVE_LIBRARY_PATH=other.node node bench/codec/instructions.mjs native
//                                                  another build of the binary, to compare
//
// Each figure is a difference: the same process runs WARMUP calls and then either none or CALLS
// more, and (instructions with CALLS − instructions without) ÷ CALLS is what one call costs once
// V8 has optimised it, without the process's start-up (node --single-threaded, see
// ../callgrind.mjs for why). The ops call createCodec's codec as an application would, so
// JavaScript's share (the arguments' checks, unpacking the native result) is counted with the
// native call.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { perCall, requireValgrind } from '../callgrind.mjs';
import { PAYLOADS } from './payloads.mjs';

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const WARMUP = 20_000;
const CALLS = 20_000;
const BACKENDS = ['native', 'js'];
const OPS = ['decodeFromHeader', 'decode', 'encode'];
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const DAY = 86_400_000;

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4], Number(process.argv[5]));
} else {
  await main(process.argv.slice(2));
}

/** One process's calls: WARMUP, then `calls` more of `op` on `backend`. */
function child(backend, op, calls) {
  const { createCodec } = require('../../dist/index.js');
  const codec = createCodec({ cookieName: 'session', secret: SECRET, backend });
  const { json } = PAYLOADS.find((p) => p.name === 'typical');
  const now = Date.now();
  const value = codec.encode(json, now, DAY);
  // The cookie among two others, as a browser sends it.
  const header = `theme=dark; session=${value}; lang=en-GB`;
  let sink = 0;
  const ops = {
    decodeFromHeader: () => (sink += codec.decodeFromHeader(header, now).json.length),
    decode: () => (sink += codec.decode(value, now).json.length),
    encode: () => (sink += codec.encode(json, now, DAY).length),
  };
  const call = ops[op];
  if (codec.decodeFromHeader(header, now).json !== json) throw new Error(`${backend}: the cookie does not decode to its session`);
  for (let i = 0; i < WARMUP; i++) call();
  for (let i = 0; i < calls; i++) call();
  // Keeps the results alive, so no call can be optimised away.
  if (sink === 0.5) console.log(sink);
}

async function main(args) {
  const backends = args.filter((a) => BACKENDS.includes(a));
  const ops = args.filter((a) => OPS.includes(a));
  const unknown = args.filter((a) => !BACKENDS.includes(a) && !OPS.includes(a));
  if (unknown.length > 0) {
    console.error(`bench/codec/instructions.mjs: unknown ${unknown.join(', ')} (backends: ${BACKENDS.join(', ')}; ops: ${OPS.join(', ')})`);
    process.exit(2);
  }
  await requireValgrind('bench/codec/instructions.mjs');
  const jobs = [];
  for (const backend of backends.length > 0 ? backends : BACKENDS) {
    for (const op of ops.length > 0 ? ops : OPS) jobs.push({ backend, op });
  }
  console.log(`codec instructions per call (node ${process.version}, --single-threaded; ${WARMUP} calls of warm-up, then the difference between 0 and ${CALLS} more)`);
  console.log('| backend | op | instructions per call |');
  console.log('|---|---|---:|');
  for (const { backend, op } of jobs) {
    const count = await perCall((calls) => [SELF, '--child', backend, op, String(calls)], CALLS, `${backend} ${op}`);
    console.log(`| ${backend} | ${op} | ${count.toLocaleString('en-US')} |`);
  }
}
