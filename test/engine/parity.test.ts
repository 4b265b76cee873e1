/**
 * `report --format json` on the SQL engine against what the TypeScript aggregation printed before
 * `report` moved onto the engine, on every log fixture and the demo with the options that change
 * aggregation. report-golden.json was recorded from that build (scripts/report-snapshot.mjs --golden,
 * same clock as here): per case the exit code, a SHA-256 of the report with its quantile fields
 * blanked, and the quantiles. Documented differences, in the cost-per-request distribution only:
 * - p50, p90, p99: the old path printed a log-bucket sketch's midpoint (buckets 1% wide), the
 *   engine prints the exact nearest-rank value; they must agree within 1%.
 * - max: the old path printed a per-record float cost, the engine the exact amount; they may
 *   differ in the 6th significant digit (0.00164063 vs 0.00164062 for an exact $0.001640625).
 * Everything else (the mean included, which both take from the exact total) is identical, except
 * one documented change: JSON with --top lists the top N groups and `groupsLeftOut` (the rest,
 * summed exactly) instead of every group, so cases with --top are checked in bounded.test.ts.
 * And one documented relabelling: `--by project` names a Codex CLI session's project by the working
 * directory its session_meta logs ("/home/dev/app"), not its folder ("codex"); fixtures/logs --by
 * project,model was re-recorded for it (the only other change: unpriced groups, all-null quantiles,
 * sorted by their new keys). And one documented reordering: the warning on rejected records lists
 * reasons with equal counts by name (it listed them in the order the reader met them, which the SQL
 * readers do not share with the TypeScript ones; test/report/reasons.test.ts): the 14 cases with
 * such ties were re-recorded, every other byte of their reports unchanged (scripts/report-snapshot.mjs
 * on both builds: the 15 outputs of 80 that differ differ only in that order). And one documented
 * change of keys: a group of records without a value is keyed `null` (was the string "(none)", which a
 * value so spelled shared; test/report/group-labels.test.ts): null is written back as "(none)" here.
 * And one documented change of order: a conversation's turns and a cache scope's timeline follow the
 * records' times, not the order they were read in (test/report/time-order.test.ts): the 5 cases whose
 * `contextWindowTax` or `caching.writesNeverRead` changed were re-recorded, every other key of their
 * reports unchanged (the Claude Code session's turn 1 was its last request, a 1-token record the
 * reader emits before the deduplicated messages; in fixtures/logs a usage bucket's write counted as
 * read by a bucket 2 days older, read after it).
 * And one documented change of counts: a request repeated in another input file is counted once (test/engine/
 * cross-file-dupes.test.ts); fixtures/logs holds two OTel exports twice (otel/dialects.json and .jsonl,
 * traces.json and .jsonl: the same spans), whose 14 + 7 = 21 copies are now skipped as duplicate (259
 * requests, $1.21040608, became 238, $1.12500822; only the otel groups changed): fixtures/logs --by
 * provider,tier and --by project,model were re-recorded, their quantiles the exact ones.
 * The text of each price's `source` is blanked before hashing: it is the catalog's citation, not the
 * aggregation, and it changed when the catalog came to cite its pages directly. Every case was checked
 * first: the present code with the catalog's earlier citations gave the recorded hashes, and with either
 * catalog the blanked reports are identical; the hashes were then re-recorded with the sources blanked.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { cliArgs, engineReport, NOW } from './engine-env.js';
import { usageDocument } from '../../src/report/data.js';

interface Golden {
  code: number;
  sha256?: string;
  quantiles?: Array<Array<number | null>>;
}
const GOLDEN = JSON.parse(readFileSync(new URL('./report-golden.json', import.meta.url), 'utf8')) as Record<string, Golden>;

/** Relative difference allowed, in the order p50, p90, p99, max. */
const TOLERANCE = [0.01, 0.01, 0.01, 1e-5];
const KEYS = ['p50', 'p90', 'p99', 'max'] as const;
type Dist = Partial<Record<string, number | null>>;

/** The quantiles of a report JSON ([p50, p90, p99, max] per group, then overall), blanked in place. */
function takeQuantiles(json: {
  groups?: Array<{ costPerRequestDistributionUsd: Dist }>;
  unitEconomics?: { costPerRequestDistributionUsd: Dist };
}): Array<Array<number | null>> {
  const dists = [
    ...(json.groups ?? []).map((g) => g.costPerRequestDistributionUsd),
    ...(json.unitEconomics ? [json.unitEconomics.costPerRequestDistributionUsd] : []),
  ];
  return dists.map((d) =>
    KEYS.map((k) => {
      const v = d[k] ?? null;
      d[k] = null;
      return v;
    }),
  );
}

/** Removes the `charges: {}` a report without charges carries (totals, groups, unpriced); other charges stay and fail the hash. */
function dropEmptyCharges(json: { totals?: Record<string, unknown>; groups?: Array<Record<string, unknown>> }): void {
  const holders = [json.totals, json.totals?.unpriced, ...(json.groups ?? []), ...(json.groups ?? []).map((g) => g.unpriced)];
  for (const h of holders) {
    if (h === null || typeof h !== 'object') continue;
    const o = h as Record<string, unknown>;
    if (o.charges !== undefined && JSON.stringify(o.charges) === '{}') delete o.charges;
  }
}

describe('report JSON on the engine = the TypeScript aggregation before it (recorded)', () => {
  it.each(Object.keys(GOLDEN).filter((name) => !name.includes('--top')))(
    '%s',
    async (name) => {
      const expected = GOLDEN[name];
      const cli = await runCli(['report', ...name.split(' '), '--format', 'json'], { now: NOW });
      expect(cli.code, cli.stderr).toBe(expected.code);
      if (expected.code !== 0) return;
      const json = JSON.parse(cli.stdout);
      // the report model under `report` (tables and charts for `render`) is added by the formatter, after the aggregation
      delete json.report;
      // per-call charges (web searches, ...) came after the recording: a report without any adds `charges: {}`
      dropEmptyCharges(json);
      // the free allowances a price leaves out (totals.freeAllowances, only when there are some) came after the recording too
      delete json.totals?.freeAllowances;
      // and one documented addition: errors that stopped reading a file are warned beside rejected records
      // (before, rejections elsewhere hid them: fixtures/logs has two files no reader recognises), checked in
      // test/cli/record-commands-inputs.test.ts; the recording had neither warning beside the other
      if (Array.isArray(json.warnings) && json.warnings.some((w: { code?: string }) => w.code === 'rejected-records'))
        json.warnings = json.warnings.filter((w: { code?: string }) => w.code !== 'input-errors');
      for (const g of json.groups ?? []) for (const k of Object.keys(g.key)) if (g.key[k] === null) g.key[k] = '(none)';
      // and one documented change of values: the components of a total or group with nothing priced
      // are null, not 0 (test/report/unpriced-components.test.ts): written back as 0 here
      for (const h of [json.totals, ...(json.groups ?? [])])
        if (h?.costUsd === null) for (const k of Object.keys(h.components ?? {})) if (h.components[k] === null) h.components[k] = 0;
      // the catalog's citations are not aggregation (see the header)
      for (const g of json.groups ?? []) for (const p of g.pricing ?? []) if (typeof p.source === 'string') p.source = '';
      // and one documented change of precision: the distribution's mean is written to 1e-12, not six significant
      // digits (test/report/json-distribution.test.ts); it is the exact cost per request, written back as recorded
      const unit = json.unitEconomics;
      if (typeof unit?.costPerRequestDistributionUsd?.mean === 'number') {
        expect(unit.costPerRequestDistributionUsd.mean).toBe(unit.costPerRequestUsd);
        unit.costPerRequestDistributionUsd.mean = Number(unit.costPerRequestDistributionUsd.mean.toPrecision(6));
      }
      const exact = takeQuantiles(json);
      expect(exact.length).toBe(expected.quantiles!.length);
      exact.forEach((row, i) =>
        row.forEach((v, j) => {
          const old = expected.quantiles![i][j];
          expect(v === null, `${KEYS[j]} of distribution ${i}`).toBe(old === null);
          if (v !== null && old !== null)
            expect(Math.abs(v - old), `${KEYS[j]} of distribution ${i}: exact ${v} vs sketch ${old}`).toBeLessThanOrEqual(
              Math.abs(v) * TOLERANCE[j],
            );
        }),
      );
      expect(createHash('sha256').update(JSON.stringify(json)).digest('hex')).toBe(expected.sha256);
    },
    60_000,
  );
});

describe('the engine called directly = the command', () => {
  it('demo by feature, model', async () => {
    const flags = { inputs: ['fixtures/demo'], by: 'feature,model' };
    const cli = await runCli(cliArgs(flags), { now: NOW });
    const direct = await engineReport(flags);
    const { report: _model, ...command } = JSON.parse(cli.stdout);
    expect(JSON.stringify(usageDocument(direct.data))).toBe(JSON.stringify(command));
  }, 60_000);
});
