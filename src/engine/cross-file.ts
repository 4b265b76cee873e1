/**
 * A request repeated in another input file of the run, where an SQL reader read one of the files
 * (the TypeScript readers check their own records as they count them: ingest/session.ts,
 * `repeatsEarlierFile`). The same rule: among the records of the files that take part (CROSS_FILE_FORMATS;
 * generic files when the mapping names the id: takesPartInCrossFile) with a logged
 * id, a record whose id, model and time a record of an earlier file (in read order) has is skipped
 * as `duplicate`; the first file's copies stay, copies within one file are left to the file's own
 * dedupe. An in-place row is marked `duplicate` in its staged table (its view reads only records), an
 * appended row is deleted. Runs once every file is read, only when an SQL reader of such a format
 * read a file of a run of more than one file: a single file, however large, never pays for it.
 */
import type { IngestResult } from '../ingest/index.js';
import { crossFileIssue, takesPartInCrossFile } from '../ingest/session.js';
import type { IngestOptions } from '../ingest/types.js';
import { duckdb } from './dialect.js';
import type { UsageDb } from './duckdb.js';
import type { InPlaceCopies } from './sql-readers/load.js';

const lit = duckdb.literal;

/** A file's format as the ingest result names it ('openai', or 'openai+anthropic' for a mixed file): each part takes part. */
const takesPart = (format: string, options: IngestOptions) => format.split('+').every((f) => takesPartInCrossFile(f, options));

/**
 * Drops the records that repeat an earlier file's (see above) from the sealed usage table, and
 * moves them from counted to skipped `duplicate` in `result`, with one warning per pair of files.
 * `inPlace`: the in-place rows of each file an SQL reader read, by path; `options`: the run's (its column mapping).
 */
export async function dropCrossFileCopies(
  db: UsageDb,
  result: IngestResult,
  inPlace: ReadonlyMap<string, InPlaceCopies>,
  options: IngestOptions,
): Promise<void> {
  if (result.files.length < 2) return;
  const files = result.files.filter((f) => takesPart(f.format, options));
  const views = files.flatMap((f) => {
    const copies = inPlace.get(f.path);
    return copies ? [{ ...copies, file: f.path }] : [];
  });
  if (views.length === 0 || files.length < 2) return;
  const rank = new Map(files.map((f, i) => [f.path, i]));
  // src 0: the appended rows (the TypeScript readers' and an SQL reader's rows it handed to them), ranked by
  // their file; i + 1: views[i], whose rows are all of one file
  const cols = 'seq, source_file, source_line, id, model, time_ms';
  const rows = [`SELECT 0 AS src, f.rank, ${cols} FROM usage_appended u JOIN f ON f.file = u.source_file`]
    .concat(views.map((v, i) => `SELECT ${i + 1}, ${rank.get(v.file)}, ${cols} FROM ${v.view}`))
    .join('\nUNION ALL\n');
  const ranks = files.map((f, i) => `(${i}, ${lit(f.path)})`).join(', ');
  // keys grouped by their 64-bit hash first: a hash table of numbers, not of every id's text (the
  // OpenAI reader's dedupe does the same); only keys whose hash two files share are compared as text
  await db.run(`CREATE OR REPLACE TEMP TABLE xf_copies AS
WITH f(rank, file) AS (VALUES ${ranks}),
k AS NOT MATERIALIZED (
  SELECT *, hash(id, model, time_ms) AS h FROM (${rows}) r
  -- a logged id (a record without one is named file:line)
  WHERE r.id IS DISTINCT FROM r.source_file || ':' || r.source_line
),
shared AS (SELECT h FROM k GROUP BY h HAVING min(rank) < max(rank)),
cand AS MATERIALIZED (SELECT * FROM k WHERE h IN (SELECT h FROM shared)),
firsts AS (SELECT id, model, time_ms, min(rank) AS first_rank FROM cand GROUP BY id, model, time_ms HAVING max(rank) > min(rank))
SELECT c.src, c.seq, c.source_file, c.source_line, f.file AS first_file
FROM cand c JOIN firsts ON c.id = firsts.id AND c.model = firsts.model AND c.time_ms IS NOT DISTINCT FROM firsts.time_ms
JOIN f ON f.rank = firsts.first_rank
WHERE c.rank > firsts.first_rank`);
  const pairs = await db.query(
    `SELECT source_file, first_file, min(seq) AS first_seq, count(*) AS n FROM xf_copies GROUP BY ALL ORDER BY first_seq`,
  );
  if (pairs.length > 0) {
    await db.run(`DELETE FROM usage_appended WHERE seq IN (SELECT seq FROM xf_copies WHERE src = 0)`);
    for (const [i, v] of views.entries())
      await db.run(
        `UPDATE ${v.table} SET kind = 'duplicate' WHERE rowid IN (SELECT source_line - ${v.firstLine} FROM xf_copies WHERE src = ${i + 1})`,
      );
    let n = 0;
    for (const p of pairs) {
      n += Number(p.n);
      result.issues.push(crossFileIssue(String(p.source_file), String(p.first_file), Number(p.n)));
    }
    result.counts.counted -= n;
    result.counts.skipped.duplicate = (result.counts.skipped.duplicate ?? 0) + n;
  }
  await db.run('DROP TABLE xf_copies');
}
