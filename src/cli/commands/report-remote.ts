/**
 * `report postgres://…?table=…` and `report clickhouse://…?table=…`: the report computed inside
 * the database (engine/warehouse), rendered with the same sections as a report on files. Called
 * by report.ts when its input is a database URL; the URL is shown only redacted.
 */
import { localDateTime, type Dimension } from '../../aggregate/dims.js';
import { UserError } from '../../core/issues.js';
import { connect, parseTarget } from '../../engine/warehouse/connect.js';
import { reportFromWarehouse } from '../../engine/warehouse/remote-report.js';
import { planReport, type ReportTask } from '../report-task.js';
import { withCharts } from '../../report/charts.js';
import { formatInt } from '../../report/cells.js';
import type { Report, Section } from '../../report/model.js';
import {
  cachingSection,
  cliffsSection,
  componentsSection,
  inputNotes,
  repriceSection,
  spendSection,
  turnsSection,
  totalCostLine,
  unitSection,
} from '../../report/usage-sections.js';
import type { CommandContext } from '../context.js';

export interface RemoteReportArgs {
  inputs: string[];
  task: ReportTask;
  dims: Dimension[];
  top?: number;
  map?: string;
  section?: string;
}

export async function reportRemote(ctx: CommandContext, a: RemoteReportArgs): Promise<number> {
  if (a.inputs.length !== 1)
    throw new UserError('a database URL is the only input of a report', 'run one report per database table (files: a separate report)');
  const { target, url } = parseTarget(a.inputs[0]);
  // --since after --until and bad dates are refused here, as for files
  const { sinceMs, untilMs, reprice } = planReport(ctx, a.task);
  const { catalog } = ctx.loadCatalog();
  ctx.debug(`connecting to ${target.shown}`);
  const db = await connect(url, target, ctx.io.env);
  const sourceName = `${target.dialect.name} table ${target.table}`;
  const filters = [
    a.task.since !== undefined ? `--since ${a.task.since}` : '',
    a.task.until !== undefined ? `--until ${a.task.until}` : '',
  ].filter(Boolean);
  let result: Awaited<ReturnType<typeof reportFromWarehouse>>;
  try {
    result = await reportFromWarehouse(
      db,
      target.dialect,
      { table: target.table, map: a.map ?? target.map, name: sourceName },
      { dims: a.dims, sinceMs, untilMs, filters },
      { catalog, nowMs: ctx.io.now(), reprice, strict: ctx.strict },
      (line) => ctx.debug(line),
    );
  } finally {
    await db.close();
  }
  const { view, warnings, json, ingest } = result;
  const sections: Section[] = [spendSection(view, a.dims, a.top), componentsSection(view), unitSection(view)];
  for (const s of [
    turnsSection(view),
    cachingSection(view),
    cliffsSection(view),
    reprice ? repriceSection(view, a.dims, reprice.label) : undefined,
  ])
    if (s) sections.push(s);
  const zone = a.task.tz ?? 'UTC';
  const out: Report = {
    title: 'tokenomics report',
    summary: [
      ['Source', `${sourceName} (${ingest.files[0].format.replace(/^\w+ table /, '')})`],
      [
        'Period',
        view.period ? `${localDateTime(view.period.fromMs, zone)} to ${localDateTime(view.period.toMs, zone)} ${zone}` : 'no timestamps',
      ],
      ['Requests', formatInt(view.total.sums.requests)],
      ['Total cost', totalCostLine(view, 'no billable rows in the table')],
    ],
    sections,
    notes: inputNotes(ingest, ingest.issues),
    warnings: warnings.map((w) => w.message),
    json,
    primarySection: 'groups',
  };
  await ctx.emit(withCharts('report', out), a.section, { moreHint: '--top N or --all shows more' });
  return 0;
}
