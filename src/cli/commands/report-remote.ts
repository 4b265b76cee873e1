/**
 * `report postgres://…?table=…` and `report clickhouse://…?table=…`: the report computed inside
 * the database (engine/warehouse), rendered with the same sections as a report on files. Called
 * by report.ts when its input is a database URL; the URL is shown only redacted.
 */
import type { Dimension } from '../../aggregate/dims.js';
import { UserError } from '../../core/issues.js';
import { connect, parseTarget } from '../../engine/warehouse/connect.js';
import { reportFromWarehouse } from '../../engine/warehouse/remote-report.js';
import { planReport, type ReportTask } from '../report-task.js';
import { withCharts } from '../../report/charts.js';
import { usageReport } from '../../report/usage-sections.js';
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
      // only the top N groups leave the database (tables and markdown, --top), the rest summed exactly in
      // one row; without a top N every group comes back, with no bound (it is the database's memory that
      // holds the groups, this process holds what it shows)
      { dims: a.dims, sinceMs, untilMs, filters, top: a.top, maxGroups: Number.POSITIVE_INFINITY },
      { catalog, nowMs: ctx.io.now(), reprice, strict: ctx.strict },
      (line) => ctx.debug(line),
    );
  } finally {
    await db.close();
  }
  const { data } = result;
  // inputs and issues in the report's typed parts, as for a report on files
  const out = usageReport(data, {
    top: a.top,
    tz: a.task.tz,
    source: ['Source', `${sourceName} (${data.inputs.files[0].format.replace(/^\w+ table /, '')})`],
    nothingBillable: 'no billable rows in the table',
  });
  await ctx.emit(withCharts('report', out), a.section, { moreHint: '--top N or --all shows more' });
  return 0;
}
