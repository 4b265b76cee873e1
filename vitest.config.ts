import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/slow-first.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30000,
    pool: 'forks',
    // the longest files first (test/slow-first.ts)
    sequence: { sequencer: SlowFirstSequencer },
    // real engines (PostgreSQL, chDB) for the warehouse tests: scripts/test-services.sh
    globalSetup: ['test/services.setup.ts'],
  },
});
