// The vitest configuration StrykerJS runs (stryker.config.mjs): the same specs as
// vitest.config.mts, but one backend project only, chosen by MUTATION_BACKEND (default js), so
// each mutant costs one run of each covering test instead of two.
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

const backend = process.env.MUTATION_BACKEND === 'native' ? 'native' : 'js';

export default defineConfig({
  // This file sits in scripts/; the specs and src/ are one level up (in Stryker's sandbox too).
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    name: backend,
    include: ['__test__/**/*.test.ts'],
    env: { CLIENT_SESSIONS_NATIVE_BACKEND: backend },
  },
});
