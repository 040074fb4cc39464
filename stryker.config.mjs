// StrykerJS for src/ (run by scripts/mutation.sh, `npm run test:mutation`; not part of `npm test`).
//
// Two runs, chosen by MUTATION_BACKEND:
// - js (default): every file of src/ but the native wrapper, against the vitest `js` project
//   only. Each spec runs once instead of twice, and the js backend is the one whose TypeScript
//   does the cookie work; everything above the codec (options, session, middleware, tracking) is
//   the same code on either backend.
// - native: src/backend/native.ts and unpack.ts, the TypeScript around the Rust binary. The js
//   project only reaches them through the few specs that compare against the other backend, so
//   they are mutated against the `native` project, where every spec goes through them.
// The Rust core itself is cargo-mutants' (see .cargo/mutants.toml).
//
// Survivors judged equivalent are listed, with why, in scripts/mutation-equivalent.md (they
// cannot be marked in src/ with `// Stryker disable` comments); mutation.sh subtracts them.
const backend = process.env.MUTATION_BACKEND === 'native' ? 'native' : 'js';
// A split run (scripts/mutation.sh js FILES...) names its part, so its report sits beside the
// whole run's instead of replacing it; the summary takes each file's newest result.
const part = /^[a-z0-9-]+$/.test(process.env.MUTATION_PART ?? '') ? `-${process.env.MUTATION_PART}` : '';
const NATIVE_WRAPPER = ['src/backend/native.ts', 'src/backend/unpack.ts'];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'scripts/vitest.mutation.config.mts' },
  // Every file of src/ has run-time code (there are no type-only files); esm.mts only
  // re-exports index.ts, so it is left out.
  mutate: backend === 'native' ? NATIVE_WRAPPER : ['src/**/*.ts', '!src/**/*.d.ts', ...NATIVE_WRAPPER.map((file) => `!${file}`)],
  coverageAnalysis: 'perTest',
  // A static mutant is one in code that runs when a module loads or a spec's beforeAll builds
  // its app, outside any test, so Stryker cannot tell which tests reach it and reruns the whole
  // suite for it (about 35 s). With 650 of them (a fifth of src/'s mutants, nearly all in
  // options.ts, settings.ts, cookie.ts, select.ts and the option-names table) that alone was
  // estimated at three hours of a four-hour run on two cores. With ignoreStatic, a mutant that
  // tests also reach runs against those tests (which can only make it survive more often, never
  // less), and one that only module loading reaches is reported as Ignored and left out of the
  // score; the summary prints how many.
  ignoreStatic: true,
  // Stryker puts `// @ts-nocheck` at the top of the files this matches (by default every script
  // in the sandbox, examples/ included, which made the spec that compares the README's examples
  // with their files fail in the sandbox). Only the mutated sources and the specs need it.
  disableTypeChecks: '{src,__test__}/**/*.{js,ts,mjs,mts,cjs,cts}',
  // Two cores, shared: two test runners at once.
  concurrency: 2,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // What the sandbox copy leaves out: build output of Rust and the fuzz targets (gigabytes),
  // and the generated platform packages. dist/ stays: package.test.ts loads it.
  ignorePatterns: ['target', 'fuzz', 'npm', 'bench/results', '*.tgz'],
  tempDirName: 'target/stryker-tmp',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `target/mutation/stryker-${backend}${part}.json` },
  htmlReporter: { fileName: `target/mutation/stryker-${backend}${part}.html` },
  // Reruns only test what changed since the last run (git-ignored under target/).
  incremental: true,
  incrementalFile: `target/mutation/stryker-${backend}-incremental.json`,
  thresholds: { high: 95, low: 90, break: null },
};
