// Key rotation across a fleet (README "Key rotation"): two server processes in adjacent steps of
// the rollout, [old] → [old, new] → [new, old] → [new], with a visitor's requests alternating
// between them. No step may lose the session; putting the new key first too early does, which
// shows the test can tell.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

import { BACKEND } from './helpers/backend';

const SERVER = join(__dirname, 'fixtures', 'fleet-server.cjs');
const OLD = ['2026-06', 'the old fleet secret, long enough to be real'] as const;
const NEW = ['2026-12', 'the new fleet secret, long enough to be real'] as const;
type Key = typeof OLD | typeof NEW;

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill();
});

/** Starts one instance with these keys; resolves to its URL once it listens. */
async function instance(keys: readonly Key[], format: 1 | 2): Promise<string> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, SECRETS: JSON.stringify(keys), FORMAT: String(format) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(child);
  const [line] = await new Promise<string[]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (l) => resolve([l]));
  });
  return `http://127.0.0.1:${line}/`;
}

/** Twelve visits alternating between the two instances; the visit counts each one saw. */
async function alternate(a: string, b: string, format: 1 | 2): Promise<number[]> {
  let cookie = '';
  const seen: number[] = [];
  for (let i = 0; i < 12; i++) {
    const res = await fetch(i % 2 === 0 ? a : b, { headers: cookie ? { cookie } : {} });
    const set = res.headers.getSetCookie()[0];
    if (set !== undefined) cookie = set.split(';', 1)[0]!;
    // The instances write the format asked for: four dots in format 1, none in format 2.
    expect(cookie.split('.').length).toBe(format === 1 ? 5 : 1);
    seen.push(((await res.json()) as { visits: number }).visits);
  }
  return seen;
}

const EVERY_VISIT = Array.from({ length: 12 }, (_, i) => i + 1);

for (const format of [1, 2] as const) {
  describe(`rotation across a fleet, format ${format} (${BACKEND})`, () => {
    const steps: [string, readonly Key[], readonly Key[]][] = [
      ['[old] beside [old, new]', [OLD], [OLD, NEW]],
      ['[old, new] beside [new, old]', [OLD, NEW], [NEW, OLD]],
      ['[new, old] beside [new]', [NEW, OLD], [NEW]],
    ];
    for (const [name, before, after] of steps) {
      it(`${name}: no visit is lost`, async () => {
        const [a, b] = await Promise.all([instance(before, format), instance(after, format)]);
        expect(await alternate(a, b, format)).toEqual(EVERY_VISIT);
      });
    }

    it('skipping step 1 ([old] beside [new, old]) loses the session on the old instance', async () => {
      const [a, b] = await Promise.all([instance([OLD], format), instance([NEW, OLD], format)]);
      const seen = await alternate(a, b, format);
      expect(seen).not.toEqual(EVERY_VISIT);
      // The first visit on the updated instance re-issues with the new key, which the other cannot read.
      expect(seen.slice(0, 3)).toEqual([1, 2, 1]);
    });
  });
}
