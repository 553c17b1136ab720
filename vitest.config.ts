import { defineConfig } from 'vitest/config';

// `npm test` runs three suites: pure domain/unit tests, integration tests against the real local
// parts (DynamoDB Local behind the local API server), and infrastructure assertions on the CDK app.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      { test: { name: 'workflow', include: ['test/workflow/**/*.test.ts'], testTimeout: 90_000, hookTimeout: 180_000 } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 } },
    ],
  },
});
