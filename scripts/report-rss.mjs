#!/usr/bin/env node
/**
 * Peak RSS of `report` where the data has many entities (issue 13, memory bounded by what is shown):
 *  - 2M requests from 2M distinct users, `--by user` (table output: the top 20 and the rest summed);
 *  - one conversation of 2M turns (the turn table: turns past 1000 summed into one row).
 * Generates the logs (generic JSONL read with --map) into bench-data/ (git-ignored) once, runs the
 * built CLI under /usr/bin/time and prints the peak resident set and wall time. Not a test.
 *   npm run build && node scripts/report-rss.mjs [--rows 2000000] [--memory-limit 512MB]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const rows = Number(flag('--rows', '2000000'));
const memoryLimit = flag('--memory-limit', undefined);
const dir = 'bench-data';
mkdirSync(dir, { recursive: true });
const MAP = 'timestamp=at,model=model,prompt=in,output=out,user=user,conversation=conv';

/** `rows` lines; `line(i)` gives line i's attribution. Written in 1 MB blocks. */
function generate(file, line) {
  if (existsSync(file)) return;
  const fd = openSync(file, 'w');
  const t0 = Date.parse('2026-10-01T00:00:00Z');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    buf += `{"at":${t0 + i * 1000},"model":"gpt-4o-mini","in":${100 + (i % 50)},"out":${10 + (i % 7)}${line(i)}}\n`;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
}

/** Runs the built CLI under /usr/bin/time: peak RSS (MB), wall seconds, output lines. */
function measure(file, extra) {
  const cli = ['bin/tokenomics.js', 'report', file, '--map', MAP, '-q', ...extra, ...(memoryLimit ? ['--memory-limit', memoryLimit] : [])];
  const start = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb %M', 'node', ...cli], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = (Date.now() - start) / 1000;
  const kb = Number(/peak-rss-kb (\d+)/.exec(r.stderr)?.[1]);
  const errors = r.stderr.replace(/peak-rss-kb \d+\n?/, '').trim();
  return { code: r.status, rssMb: Math.round(kb / 1024), wall, lines: r.stdout.split('\n').length - 1, errors };
}

const users = join(dir, `users-${rows}.jsonl`);
const turns = join(dir, `turns-${rows}.jsonl`);
generate(users, (i) => `,"user":"u${i}"`);
generate(turns, () => ',"conv":"c1"');

for (const [label, file, extra] of [
  [`${rows} distinct users, --by user`, users, ['--by', 'user']],
  [`${rows} distinct users, --by user --format json --top 20`, users, ['--by', 'user', '--format', 'json', '--top', '20']],
  [`one conversation of ${rows} turns`, turns, []],
  [`one conversation of ${rows} turns, --format json`, turns, ['--format', 'json']],
]) {
  const m = measure(file, extra);
  console.log(
    `${label}: exit ${m.code}, peak RSS ${m.rssMb} MB, ${m.wall.toFixed(1)} s, ${m.lines} output lines${m.errors ? `; stderr: ${m.errors.slice(0, 300)}` : ''}`,
  );
}
