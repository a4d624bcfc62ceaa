import { defineConfig } from 'vitest/config';

// Tests sit beside their code (src/, dev/) and cross-process scenarios live in test/e2e/.
// Conformance tests drive the real kubectl, so they get a generous per-test timeout; nothing sleeps.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'dev/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
