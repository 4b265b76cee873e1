/** `tokenomics sql`: the report as one SQL script to run inside a warehouse (engine/warehouse/script.ts). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readTextFile } from '../../core/read-text.js';
import { UserError } from '../../core/issues.js';
import { DIALECTS } from '../../engine/dialect.js';
import { PRESETS } from '../../engine/warehouse/mapping.js';
import { parseModelArg, parseRoutesCsv } from '../../engine/warehouse/routes.js';
import { inert } from '../../core/untrusted.js';
import { buildScript } from '../../engine/warehouse/script.js';
import type { Runner } from '../main.js';

interface SqlOptions {
  dialect: string;
  table: string;
  map?: string;
  by?: string;
  model?: string[];
  modelsFile?: string;
}

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

export function registerSql(program: Command, run: Runner): void {
  program
    .command('sql')
    .description(
      'print one SQL script that computes the cost report inside your warehouse (prices, model mapping, normalization view, report queries)',
    )
    .requiredOption('--dialect <name>', `SQL dialect: ${[...DIALECTS.keys()].join(', ')}`)
    .requiredOption('--table <name>', 'the table holding your request logs (NAME or SCHEMA.NAME)')
    .option(
      '--map <spec>',
      `how your columns map onto the usage table: a ready-made mapping (${[...PRESETS.keys()].join(', ')}), usage_column=your_column pairs, bare usage column names (read by that name), or a mapping and pairs; unmapped columns are 0 or NULL (default: the table has every usage column)`,
    )
    .option('--by <dims>', 'group by (as report --by; not project or --tz)', 'model')
    .option(
      '--model <ids>',
      'price rows for these model ids as logged (MODEL or MODEL@PROVIDER, comma-separated, repeatable; default: every catalog id and alias on the providers it is priced through)',
      collect,
    )
    .option(
      '--models-file <csv>',
      "price rows for the route keys in this CSV (header model,provider,regional): the result of the script's last query, SELECT DISTINCT model, provider, regional, saved as CSV; prices Bedrock, Vertex and regional ids as the file report does",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ tokenomics sql --dialect postgres --table LiteLLM_SpendLogs --map litellm \\
      > litellm-report.sql
  $ tokenomics sql --dialect clickhouse --table observations --map langfuse \\
      --by day,model
  $ tokenomics sql --dialect bigquery --table logs.requests \\
      --map model=llm,input_tokens=tok_in,output_tokens=tok_out
  # a table with some usage columns (the others: 0 or NULL)
  $ tokenomics sql --dialect duckdb --table usage \\
      --map model,input_tokens,output_tokens,time_ms
  # price only the ids a table logs: a first run's "routes" result as CSV
  $ printf 'model,provider,regional\\ngpt-4o-mini,openai,false\\n' > routes.csv
  $ tokenomics sql --dialect postgres --table LiteLLM_SpendLogs --map litellm \\
      --models-file routes.csv

Tested levels: duckdb, postgres and clickhouse scripts run against the real
engines in tokenomics' tests; bigquery, snowflake and spark scripts are
golden-tested and parsed, not run (see README.md#sql).`,
    )
    .action(
      run((ctx, cmd) => {
        const opts = cmd.opts<SqlOptions>();
        const dialect = DIALECTS.get(opts.dialect.toLowerCase());
        if (!dialect) throw new UserError(`unsupported dialect "${opts.dialect}"`, `choose one of: ${[...DIALECTS.keys()].join(', ')}`);
        const { catalog } = ctx.loadCatalog();
        // an id the catalog cannot price gets no price row: a typo would leave every request of it unpriced without a word
        for (const arg of opts.model ?? []) {
          const { model } = parseModelArg(arg);
          if (catalog.resolve(model)) continue;
          const close = catalog.suggest(model);
          throw new UserError(
            `--model ${inert(arg)}: unknown model "${inert(model)}": not in the pricing catalog, so the script would have no price row for it`,
            close.length ? `closest known ids: ${close.join(', ')}` : 'add it with --prices FILE or a prices: section in tokenomics.yaml',
          );
        }
        const script = buildScript({
          dialect,
          table: opts.table,
          map: opts.map,
          by: opts.by,
          models: opts.model,
          routes: opts.modelsFile
            ? parseRoutesCsv(
                readTextFile(resolve(ctx.io.cwd, opts.modelsFile), {
                  what: 'models file',
                  name: opts.modelsFile,
                  hint: 'a CSV file with a header model,provider,regional',
                }).text,
                opts.modelsFile,
              )
            : undefined,
          catalog,
          nowMs: ctx.io.now(),
          command: [
            'tokenomics sql',
            '--dialect',
            dialect.name,
            '--table',
            opts.table,
            ...(opts.map ? ['--map', opts.map] : []),
            ...(opts.by && opts.by !== 'model' ? ['--by', opts.by] : []),
            ...(opts.model?.length ? ['--model', opts.model.join(',')] : []),
            ...(opts.modelsFile ? ['--models-file', opts.modelsFile] : []),
          ].join(' '),
        });
        ctx.write(script);
        return 0;
      }),
    );
}
