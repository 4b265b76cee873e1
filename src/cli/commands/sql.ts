/** `tokenomics sql`: the report as one SQL script to run inside a warehouse (engine/warehouse/script.ts). */
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { DIALECTS } from '../../engine/dialect.js';
import { PRESETS } from '../../engine/warehouse/mapping.js';
import { buildScript } from '../../engine/warehouse/script.js';
import type { Runner } from '../main.js';

interface SqlOptions {
  dialect: string;
  table: string;
  map?: string;
  by?: string;
  model?: string[];
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
      `how your columns map onto the usage table: a ready-made mapping (${[...PRESETS.keys()].join(', ')}), usage_column=your_column pairs, or both (default: the table has the usage table's columns)`,
    )
    .option('--by <dims>', 'group by (as report --by; not project or --tz)', 'model')
    .option(
      '--model <ids>',
      'price rows for these model ids as logged (MODEL or MODEL@PROVIDER, comma-separated, repeatable; default: every catalog id and alias). List yours with: SELECT DISTINCT model, provider FROM usage',
      collect,
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
  $ tokenomics sql --dialect duckdb --table usage \\
      --model gpt-4o-2024-08-06@openai,claude-sonnet-4-5-20250929

Tested levels: duckdb, postgres and clickhouse run against the real engines in
tokenomics' tests; bigquery, snowflake and spark scripts are golden-tested and
parsed, not run (see README.md#sql).`,
    )
    .action(
      run((ctx, cmd) => {
        const opts = cmd.opts<SqlOptions>();
        const dialect = DIALECTS.get(opts.dialect.toLowerCase());
        if (!dialect) throw new UserError(`unsupported dialect "${opts.dialect}"`, `choose one of: ${[...DIALECTS.keys()].join(', ')}`);
        const script = buildScript({
          dialect,
          table: opts.table,
          map: opts.map,
          by: opts.by,
          models: opts.model,
          catalog: ctx.loadCatalog().catalog,
          nowMs: ctx.io.now(),
          command: [
            'tokenomics sql',
            '--dialect',
            dialect.name,
            '--table',
            opts.table,
            ...(opts.map ? ['--map', opts.map] : []),
            ...(opts.by && opts.by !== 'model' ? ['--by', opts.by] : []),
          ].join(' '),
        });
        ctx.write(script);
        return 0;
      }),
    );
}
