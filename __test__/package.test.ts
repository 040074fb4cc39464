// The built package as users load it: CommonJS require and ESM import of dist/, sharing one
// instance, with bundled types. (`npm test` builds dist/ before vitest runs.)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { BACKEND } from './helpers/backend';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function run(args: string[]): string {
  return execFileSync(process.execPath, args, {
    cwd: root,
    env: { ...process.env, CLIENT_SESSIONS_NATIVE_BACKEND: BACKEND },
    encoding: 'utf8',
  }).trim();
}

describe(`the built package (${BACKEND})`, () => {
  it('has been built (run `npm run build:ts` first)', () => {
    for (const target of [pkg.exports['.'].require.default, pkg.exports['.'].import.default]) {
      expect(existsSync(join(root, target)), target).toBe(true);
    }
  });

  it('works through require()', () => {
    const out = run([
      '-e',
      `const m = require('client-sessions-native');
       const c = m.createCodec({ secret: 'a long enough secret for this test' });
       const v = c.encode('{"a":1}', Date.now(), 60000);
       console.log(JSON.stringify([m.backend, c.decode(v).json, typeof m.util.encode]));`,
    ]);
    expect(JSON.parse(out)).toEqual([BACKEND, '{"a":1}', 'function']);
  });

  it('works through import, with named and default exports sharing one instance', () => {
    const out = run([
      '--input-type=module',
      '-e',
      `import def, { createCodec, util, backend } from 'client-sessions-native';
       import { createRequire } from 'node:module';
       const cjs = createRequire(import.meta.url)('client-sessions-native');
       const opts = { cookieName: 's', secret: 'x' };
       const v = util.encode(opts, { b: 2 });
       console.log(JSON.stringify([backend, def === cjs, createCodec === cjs.createCodec, cjs.util.decode(opts, v).content]));`,
    ]);
    expect(JSON.parse(out)).toEqual([BACKEND, true, true, { b: 2 }]);
  });

  it('ships type declarations for both entry points', () => {
    const types = [pkg.exports['.'].require.types, pkg.exports['.'].import.types];
    for (const file of types) expect(existsSync(join(root, file)), file).toBe(true);
    const esm = readFileSync(join(root, pkg.exports['.'].import.types), 'utf8');
    expect(esm).toMatch(/export default/);
    expect(readFileSync(join(root, pkg.exports['.'].require.types), 'utf8')).toMatch(/createCodec/);
  });
});
