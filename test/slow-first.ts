/**
 * Test order: the files known to take longest start first, so that on a fresh checkout (no vitest
 * cache of durations) the two workers do not end with one long file running alone. The rest keep
 * vitest's own order (past durations when cached, else larger files first).
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Slowest first (whole-file durations measured on this 2-core machine: 20 s to 3 min each). */
const SLOW_FIRST = [
  'test/gate/install.test.ts',
  'test/engine/parity.test.ts',
  'test/warehouse/parity.test.ts',
  'test/report/render-every-command.test.ts',
  'test/browser/html-report.test.ts',
  'test/warehouse/sql-script.test.ts',
  'test/bench/bench-smoke.test.ts',
  'test/cli/simulate.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = SLOW_FIRST.indexOf(relative(f.project.config.root, f.moduleId));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}
