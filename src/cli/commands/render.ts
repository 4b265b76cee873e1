/**
 * `tokenomics render FILE --format FMT`: a report saved with --format json, rendered again in any
 * format (html for people, markdown for a pull request, csv for a spreadsheet) without re-reading
 * the logs. The saved file's `report` key holds the report model; its other keys are written back
 * unchanged by --format json.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { readTextFile, readTextStream, TEXT_INPUT_MAX_BYTES } from '../../core/read-text.js';
import { documentToReport } from '../../report/document.js';
import type { CommandContext } from '../context.js';
import type { Runner } from '../main.js';
import { jsonErrorMessage, jsonErrorWhere } from '../../core/json-error.js';

interface RenderOptions {
  section?: string;
}

export function registerRender(program: Command, run: Runner): void {
  program
    .command('render')
    .description('render a report saved with --format json again, in any format (html, markdown, csv, table, json)')
    .argument('<file>', 'a JSON report written by tokenomics (- for stdin)')
    .option('--section <id>', "with --format csv: which table (default: the report's main one)")
    .addHelpText(
      'after',
      `
Examples:
  $ tokenomics report fixtures/demo --by day,model --format json -o october.json
  $ tokenomics render october.json --format html -o october.html
  $ tokenomics render october.json --format csv --section caching`,
    )
    .action(run((ctx, cmd) => render(ctx, cmd.args[0] as string, cmd.opts<RenderOptions>())));
}

async function render(ctx: CommandContext, file: string, opts: RenderOptions): Promise<number> {
  const what = {
    what: 'JSON report',
    maxBytes: TEXT_INPUT_MAX_BYTES,
    hint: 'save one with --format json -o FILE',
    // (report writes every group into its JSON: 200,000 features are ~340 MB)
    tooLargeHint: 'a report of that many groups is rendered from the logs (report --format FORMAT), or saved smaller with --top N',
  };
  const { text } =
    file === '-' ? await readTextStream(ctx.io.stdin, '-', what) : readTextFile(resolve(ctx.io.cwd, file), { ...what, name: file });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `${file}${jsonErrorWhere(text)}: not valid JSON (${jsonErrorMessage(err)})`,
      'render reads a report saved with --format json',
    );
  }
  const report = documentToReport(doc, file);
  // as when the report was made: warnings on stderr in every format (markdown and html keep them too)
  await ctx.emit(report, opts.section);
  return 0;
}
