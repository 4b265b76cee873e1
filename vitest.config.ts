import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30000,
    pool: 'forks',
    // real engines (PostgreSQL, chDB) for the warehouse tests: scripts/test-services.sh
    globalSetup: ['test/services.setup.ts'],
  },
});
