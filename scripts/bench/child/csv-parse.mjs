/** Baseline: csv-parse's own streaming parser (arrays mode) over the file; counts rows. */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const file = process.argv[2];
let rows = 0;
const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
  parse({ relax_column_count: true, bom: true, skip_empty_lines: true }),
);
for await (const row of parser) if (row.length > 0) rows++;
process.stdout.write(JSON.stringify({ rows }) + '\n');
