import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests run the built binary (dist/); `npm ci` builds it through `prepare`.
    testTimeout: 20_000,
  },
});
