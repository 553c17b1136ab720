import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: the pages in the machine's Chromium (Playwright), against the whole local system.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
