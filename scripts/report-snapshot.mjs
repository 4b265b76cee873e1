#!/usr/bin/env node
/**
 * Report outputs on every log fixture and on the demo, one file per case, so that two builds can be
 * compared byte for byte (the move of `report` onto the SQL engine: run it on the old build into one
 * folder, on the new build into another, then `--compare`). Not a test: it runs whole processes.
 *   node scripts/report-snapshot.mjs --bin /tmp/old/bin/tokenomics.js --out /tmp/snap-old
 *   node scripts/report-snapshot.mjs --bin bin/tokenomics.js --out /tmp/snap-new
 *   node scripts/report-snapshot.mjs --compare /tmp/snap-old /tmp/snap-new [--quantiles]
 * `--golden FILE --dist DIR` records the JSON cases in-process through DIR/cli/main.js with the
 * test clock (2026-11-23): a SHA-256 of each report with its quantiles blanked, and the quantiles,
 * which test/engine/parity.test.ts checks the current code against (test/engine/report-golden.json
 * was recorded from the TypeScript aggregation before `report` moved onto the engine).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

const GENERIC_MAP = {
  'requests.csv': 'timestamp=ts,model=llm_model,prompt=tokens_in,cacheRead=cached,output=tokens_out,feature=team,outcome=outcome',
  'requests.jsonl':
    'timestamp=at,model=llm.model,provider=llm.vendor,prompt=usage.prompt,cacheRead=usage.cached,output=usage.completion,reasoning=usage.thinking,customer=customer,conversation=conv,turn=turn,promptText=text',
};

/** Each case: the arguments after `report`. */
function cases() {
  const out = [];
  for (const f of files('fixtures/logs').filter((f) => !f.endsWith('.md'))) {
    const base = f.split('/').pop();
    out.push(f.includes('/generic/') && GENERIC_MAP[base] ? [f, '--map', GENERIC_MAP[base], '--by', 'feature,model'] : [f]);
  }
  const demo = [
    [],
    ['--by', 'feature,model'],
    ['--by', 'customer'],
    ['--by', 'user,outcome'],
    ['--by', 'conversation'],
    ['--by', 'day,provider,tier'],
    ['--by', 'week'],
    ['--by', 'month,source'],
    ['--by', 'day,week', '--tz', 'America/Los_Angeles'],
    ['--by', 'month,model', '--tz', 'Asia/Kathmandu'],
    ['--by', 'session'],
    ['--by', 'prompt,tag:feature'],
    ['--since', '2026-10-10', '--until', '2026-10-20T12:00:00Z', '--by', 'feature'],
    ['--reprice', 'current', '--by', 'feature'],
    ['--reprice', '2025-01-01'],
    ['--by', 'customer', '--top', '3'],
  ];
  for (const d of demo) out.push(['fixtures/demo', ...d]);
  out.push(['fixtures/logs', '--by', 'provider,tier']);
  out.push(['fixtures/logs', '--by', 'project,model']);
  out.push(['fixtures/logs/anthropic', 'fixtures/logs/openai', '--by', 'tag:context_window,tag:project_id']);
  out.push(['fixtures/logs/anthropic', 'fixtures/logs/claude-code', 'fixtures/logs/bedrock', '--by', 'model,conversation']);
  return out;
}

const FORMATS = ['json'];
/** The demo in every output format too (README's main command). */
const DEMO_FORMATS = [['table'], ['markdown'], ['csv'], ['csv', '--section', 'turns']];

function snapshot(bin, outDir) {
  mkdirSync(outDir, { recursive: true });
  const env = { ...process.env, COLUMNS: '80', NO_COLOR: '1' };
  const runs = [
    ...cases().flatMap((c) => FORMATS.map((f) => [...c, '--format', f])),
    ...DEMO_FORMATS.map((f) => ['fixtures/demo', '--by', 'feature', '--format', ...f]),
  ];
  runs.forEach((run, i) => {
    let stdout = '';
    let code = 0;
    let stderr = '';
    try {
      stdout = execFileSync('node', [bin, 'report', ...run], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      code = err.status;
      stdout = err.stdout ?? '';
      stderr = err.stderr ?? '';
    }
    const name = `${String(i).padStart(3, '0')}.txt`;
    writeFileSync(join(outDir, name), `$ report ${run.join(' ')}\nexit ${code}\n${stderr}---\n${stdout}`);
  });
  console.log(`${runs.length} outputs in ${outDir}`);
}

/** Relative difference allowed per quantile field when `--quantiles` is given (see below). */
const TOLERANCE = { p50: 0.01, p90: 0.01, p99: 0.01, max: 1e-5 };

/**
 * The old `report` printed cost-per-request quantiles from a log-bucket sketch (1% wide) and a float
 * max; the engine prints exact nearest-rank values. With `--quantiles`, JSON outputs are compared
 * with those fields blanked (the rest byte for byte) and each quantile within its tolerance.
 */
function blankQuantiles(json, out) {
  const dists = [...(json.groups ?? []).map((g) => g.costPerRequestDistributionUsd), json.unitEconomics?.costPerRequestDistributionUsd];
  for (const d of dists.filter(Boolean))
    for (const k of Object.keys(TOLERANCE)) {
      out.push([k, d[k]]);
      d[k] = null;
    }
}

function sameButQuantiles(x, y) {
  const [hx, bx] = x.split('\n---\n');
  const [hy, by] = y.split('\n---\n');
  if (hx !== hy || !hx.includes('--format json') || !bx.trim()) return false;
  const jx = JSON.parse(bx);
  const jy = JSON.parse(by);
  const qx = [];
  const qy = [];
  blankQuantiles(jx, qx);
  blankQuantiles(jy, qy);
  if (JSON.stringify(jx) !== JSON.stringify(jy) || qx.length !== qy.length) return false;
  return qx.every(
    ([k, v], i) => (v === null) === (qy[i][1] === null) && (v === null || Math.abs(v - qy[i][1]) <= Math.abs(qy[i][1]) * TOLERANCE[k]),
  );
}

function compare(a, b, quantiles) {
  let same = 0;
  let nearly = 0;
  const differ = [];
  for (const f of readdirSync(a).sort()) {
    const x = readFileSync(join(a, f), 'utf8');
    let y = '';
    try {
      y = readFileSync(join(b, f), 'utf8');
    } catch {}
    if (x === y) same++;
    else if (quantiles && sameButQuantiles(x, y)) nearly++;
    else differ.push(`${f}: ${x.split('\n')[0]}`);
  }
  console.log(
    `${same} identical${quantiles ? `, ${nearly} identical but for quantiles within tolerance` : ''}, ${differ.length} different`,
  );
  for (const d of differ) console.log(`  ${d}`);
  return differ.length === 0 ? 0 : 1;
}

/** The JSON cases in-process with a fixed clock: digest of each report without quantiles, and its quantiles. */
async function golden(dist, outFile) {
  const { main } = await import(pathToFileURL(join(dist, 'cli/main.js')).href);
  const out = {};
  for (const c of cases()) {
    let stdout = '';
    const code = await main(['node', 'tokenomics', 'report', ...c, '--format', 'json'], {
      stdout: { write: (s) => (stdout += s), isTTY: false },
      stderr: { write: () => true, isTTY: false },
      stdin: Readable.from(['']),
      env: { NO_COLOR: '1', TZ: 'UTC' },
      cwd: process.cwd(),
      now: () => Date.parse('2026-11-23T00:00:00Z'),
    });
    out[c.join(' ')] = { code, ...(code === 0 ? digest(JSON.parse(stdout)) : {}) };
  }
  const lines = Object.entries(out).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  writeFileSync(outFile, `{\n${lines.join(',\n')}\n}\n`);
  console.log(`${Object.keys(out).length} cases in ${outFile}`);
}

/** Quantiles as [p50, p90, p99, max] per distribution (groups in order, then the overall one). */
function digest(json) {
  const q = [];
  blankQuantiles(json, q);
  const quantiles = [];
  for (let i = 0; i < q.length; i += 4) quantiles.push(q.slice(i, i + 4).map(([, v]) => v));
  return { sha256: createHash('sha256').update(JSON.stringify(json)).digest('hex'), quantiles };
}

if (args[0] === '--golden') await golden(flag('--dist', 'dist'), args[1]);
else if (args[0] === '--compare') process.exit(compare(args[1], args[2], args.includes('--quantiles')));
else snapshot(flag('--bin', 'bin/tokenomics.js'), flag('--out', 'report-snapshot'));
