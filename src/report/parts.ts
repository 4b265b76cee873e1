/**
 * The typed parts of a report below its tables, as lines every formatter shows the same way:
 * what was read (records read = counted + skipped + rejected), the first problems with file:line
 * (all of them in JSON), and what the numbers assume.
 */
import { formatIssue, type Issue } from '../core/issues.js';
import { reasonsByCount } from '../ingest/types.js';
import { formatInt } from './cells.js';
import type { Report, ReportInputs } from './model.js';

/** Issues shown in text formats: the first few of each kind (JSON lists them all). */
const INFO_SHOWN = 3;
const PROBLEMS_SHOWN = 5;

const sumOf = (m: Record<string, number>) => Object.values(m).reduce((n, v) => n + v, 0);

export function inputLines(inputs: ReportInputs): string[] {
  const lines = [
    `Records: ${formatInt(inputs.read)} read, ${formatInt(inputs.counted)} counted, ${formatInt(sumOf(inputs.skipped))} skipped, ${formatInt(sumOf(inputs.rejected))} rejected.`,
  ];
  const skipped = reasonsByCount(inputs.skipped);
  if (skipped.length) lines.push(`Skipped (not billable): ${skipped.map(([k, v]) => `${k} ${formatInt(v)}`).join(', ')}.`);
  return lines;
}

/** One line per issue shown (a hint on its own indented line), then how many more there are. */
export function issueLines(issues: Issue[]): string[] {
  const line = (i: Issue) => formatIssue(i).replace(/\n/g, '\n  ');
  const problems = issues.filter((i) => i.severity !== 'info');
  const lines = [...issues.filter((i) => i.severity === 'info').slice(0, INFO_SHOWN), ...problems.slice(0, PROBLEMS_SHOWN)].map(line);
  const more = problems.length - PROBLEMS_SHOWN;
  if (more > 0) lines.push(`(${formatInt(more)} more issues; --format json lists them all)`);
  return lines;
}

/** The lines under the tables in table, markdown and html: inputs, issues, assumptions, then the other notes. */
export function closingLines(report: Report): { inputs: string[]; issues: string[]; assumptions: string[]; notes: string[] } {
  return {
    inputs: report.inputs ? inputLines(report.inputs) : [],
    issues: issueLines(report.issues ?? []),
    assumptions: report.assumptions ?? [],
    notes: report.notes,
  };
}
