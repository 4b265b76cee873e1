import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/slow-first.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30000,
    pool: 'forks',
    // vitest's default (one worker less than the cores) is one worker on a 2-core machine, and much
    // of the suite waits (Chromium, PostgreSQL, npm, child processes): two workers took the suite
    // from 10.9 to 6.7 minutes there, idle
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // the longest files first (test/slow-first.ts)
    sequence: { sequencer: SlowFirstSequencer },
    // real engines (PostgreSQL, chDB) for the warehouse tests: scripts/test-services.sh
    globalSetup: ['test/services.setup.ts'],
  },
});
