// One measuring process of the codec benchmark, forked by run.mjs (not meant to be run by
// hand). Builds every contender, checks them again (cheap, and it gives the cookies to
// decode), warms every (contender, payload, op) up, then runs interleaved rounds and sends the
// ns/op of every batch back to the parent over IPC.
//
// argv[2]: JSON { warmup: { minIterations, minMs, maxMs }, rounds, batchMs }

import { PAYLOADS } from './payloads.mjs';
import { checkContenders, closeContenders, createContenders } from './contenders.mjs';

const config = JSON.parse(process.argv[2]);
const OPS = ['encode', 'decode'];

// Anything the timed code returns is folded in here and sent back, so the JIT cannot prove
// the work unused and drop it.
let sink = 0;

/** A cheap number from an op's result: a cookie's length, or 1 for a session object. */
function consume(result) {
  return typeof result === 'string' ? result.length : result === null ? 0 : 1;
}

/** Runs a synchronous `op` n times and returns the mean ns/op of the batch. */
function timeBatch(op, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += consume(op());
  return Number(process.hrtime.bigint() - start) / n;
}

/**
 * The same for an asynchronous `op`: each call is awaited before the next starts, so the
 * ns/op includes the promise and event-loop round trips a request handler pays too.
 */
async function timeBatchAsync(op, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += consume(await op());
  return Number(process.hrtime.bigint() - start) / n;
}

/** Sends a message to run.mjs, resolving once it is written. */
const send = (message) => new Promise((resolve) => process.send(message, resolve));

const run = (cell, n) => (cell.async ? timeBatchAsync(cell.op, n) : timeBatch(cell.op, n));

/**
 * Warms a cell up in chunks until it has run at least `minIterations` times for at least
 * `minMs` (or for `maxMs`, for slow async contenders), then sizes its batches from the last
 * chunk so that every batch of every contender lasts about `batchMs`: equal exposure to the
 * machine's noise, whatever the op costs.
 */
async function warmUp(cell) {
  const { minIterations, minMs, maxMs } = config.warmup;
  const start = performance.now();
  let iterations = 0;
  let chunk = 16;
  const recent = []; // ns/op of the last few chunks
  for (;;) {
    const nsPerOp = await run(cell, chunk);
    iterations += chunk;
    recent.push(nsPerOp);
    if (recent.length > 5) recent.shift();
    const elapsed = performance.now() - start;
    if ((iterations >= minIterations && elapsed >= minMs) || elapsed >= maxMs) break;
    // Chunks of about 2 ms once the op's cost is known.
    chunk = Math.max(16, Math.min(100_000, Math.round(2e6 / nsPerOp)));
  }
  // The median of the last chunks, so one GC pause does not shrink every batch.
  const nsPerOp = [...recent].sort((a, b) => a - b)[recent.length >> 1];
  cell.warmupIterations = iterations;
  cell.batch = Math.max(4, Math.round((config.batchMs * 1e6) / nsPerOp));
}

async function main() {
  const contenders = await createContenders({ formatTwo: true });
  const { failures, cookies } = await checkContenders(contenders, PAYLOADS);
  if (failures.length > 0) {
    await send({ type: 'failed', failures });
    return 1;
  }

  // Contenders sharing client-sessions' format all decode client-sessions' own cookie (as a
  // migrating app would have), so their decode timings differ only by the code that runs;
  // the others decode their own.
  const csCookies = cookies.get('client-sessions');
  const groups = [];
  for (const [p, payload] of PAYLOADS.entries()) {
    for (const opName of OPS) {
      const cells = contenders.map((c) => {
        // Each contender encodes its own copy (@fastify/secure-session stamps `__ts` on it).
        const session = structuredClone(payload.value);
        const cookie = c.format === 'client-sessions' && csCookies ? csCookies[p] : cookies.get(c.name)[p];
        return {
          contender: c.name,
          payload: payload.name,
          opName,
          async: Boolean(c.async),
          op: opName === 'encode' ? () => c.encode(session) : () => c.decode(cookie),
          samples: [],
        };
      });
      groups.push(cells);
    }
  }

  // Every path compiled before any clock starts: all cells warmed up first.
  const warmStart = performance.now();
  for (const cells of groups) for (const cell of cells) await warmUp(cell);
  const warmupMs = performance.now() - warmStart;

  // Rounds: every cell runs one batch per round; within a (payload, op) group the contenders
  // start from a different one each round, so none is always first or last.
  const measureStart = performance.now();
  for (let round = 0; round < config.rounds; round++) {
    for (const [g, cells] of groups.entries()) {
      for (let k = 0; k < cells.length; k++) {
        const cell = cells[(round + g + k) % cells.length];
        cell.samples.push(await run(cell, cell.batch));
      }
    }
  }
  const measureMs = performance.now() - measureStart;

  await closeContenders(contenders);
  await send({
    type: 'result',
    warmupMs,
    measureMs,
    sink,
    cells: groups.flat().map(({ contender, payload, opName, batch, warmupIterations, samples }) => ({
      contender,
      payload,
      op: opName,
      batch,
      warmupIterations,
      samples,
    })),
  });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    process.disconnect();
  },
  async (err) => {
    process.exitCode = 1;
    await send({ type: 'failed', failures: [`worker crashed: ${err.stack ?? err}`] });
    process.disconnect();
  },
);
