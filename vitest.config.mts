import { defineConfig } from 'vitest/config';

// Every spec file runs twice, once per backend: the `native` project fails outright if the
// Rust binary does not load (CLIENT_SESSIONS_NATIVE_BACKEND=native makes loading mandatory).
const backends = ['native', 'js'] as const;

export default defineConfig({
  test: {
    reporters: ['default', './__test__/helpers/summary-reporter.mts'],
    projects: backends.map((backend) => ({
      extends: true,
      test: {
        name: backend,
        include: ['__test__/**/*.test.ts'],
        env: { CLIENT_SESSIONS_NATIVE_BACKEND: backend },
      },
    })),
  },
});
