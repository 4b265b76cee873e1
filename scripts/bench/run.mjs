/**
 * Child-process measurement: wall time (hrtime around the spawn) and peak RSS of the child, via GNU
 * `/usr/bin/time -f %M` when it works, else a preloaded hook that writes process.resourceUsage().maxRSS
 * at exit. Children's stdout goes to /dev/null unless captured (JSON result lines).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOOK = fileURLToPath(new URL('./child/rss-hook.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tokenomics-bench-'));
let seq = 0;

/**
 * Children run in their own process group (detached), so a timeout kills node itself and not only
 * the /usr/bin/time wrapper around it; the groups still alive are killed if the bench is interrupted.
 */
const live = new Set();
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of live) killGroup(c);
    cleanup();
    process.exit(130);
  });
}

export const GNU_TIME = (() => {
  try {
    const r = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' });
    return r.status === 0 && /^\d+\s*$/m.test(r.stderr) ? '/usr/bin/time' : undefined;
  } catch {
    return undefined;
  }
})();

export function rssMethod() {
  return GNU_TIME ? 'GNU time %M (child peak RSS)' : 'process.resourceUsage().maxRSS at child exit';
}

export function cleanup() {
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Run `node ...args` once. Options: capture (parse the last stdout line as JSON), timeoutMs, cwd, env (added to the environment).
 * Returns { ms, rssKB, code, json, stderr, timedOut }.
 */
export function runNode(args, opts = {}) {
  const rssFile = join(tmp, `rss-${++seq}`);
  let cmd = process.execPath;
  let argv = args;
  const env = { ...process.env, NO_COLOR: '1', ...opts.env };
  if (GNU_TIME) {
    cmd = GNU_TIME;
    argv = ['-f', '%M', '-o', rssFile, process.execPath, ...args];
  } else {
    argv = ['--import', HOOK, ...args];
    env.BENCH_RSS_FILE = rssFile;
  }
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd: opts.cwd, env, detached: true, stdio: ['ignore', opts.capture ? 'pipe' : 'ignore', 'pipe'] });
    live.add(child);
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      if (err.length < 20000) err += d;
    });
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup(child);
        }, opts.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      live.delete(child);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (timer) clearTimeout(timer);
      let rssKB;
      try {
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        rssKB = Number(lines[lines.length - 1].trim()) || undefined;
      } catch {
        rssKB = undefined;
      }
      let json;
      if (opts.capture && code === 0) {
        try {
          json = JSON.parse(out);
        } catch {
          try {
            json = JSON.parse(out.trim().split('\n').pop());
          } catch {
            json = undefined;
          }
        }
      }
      resolve({ ms, rssKB, code, json, stderr: err, timedOut });
    });
  });
}

/** Run `reps` times; returns the run with the median time (ms median, rss max over the runs). */
/**
 * Baseline and target alternately (b, t, b, t, ...), so that load drifting on a shared machine
 * weighs on both alike; returns the median run of each, as medianRun does.
 */
export async function interleavedRuns(baseArgs, oursArgs, reps, opts = {}) {
  const base = [];
  const ours = [];
  for (let i = 0; i < reps; i++) {
    const b = await runNode(baseArgs, opts);
    base.push(b);
    if (b.code !== 0) break;
    const o = await runNode(oursArgs, opts);
    ours.push(o);
    if (o.code !== 0) break;
  }
  return { base: median(base, opts), ours: median(ours, opts) };
}

function median(runs, opts) {
  const ok = runs.filter((r) => r.code === 0);
  if (runs.length === 0) return { code: 1, stderr: 'not run' };
  if (ok.length < runs.length) return { ...runs[runs.length - 1], runs: runs.length };
  const key = opts.capture && opts.timeOf ? opts.timeOf : (r) => r.ms;
  const sorted = ok.slice().sort((a, b) => key(a) - key(b));
  const mid = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...mid, rssKB: Math.max(...ok.map((r) => r.rssKB ?? 0)) || undefined, runs: runs.length, all: ok.map(key) };
}

export async function medianRun(args, reps, opts = {}) {
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const r = await runNode(args, opts);
    runs.push(r);
    if (r.code !== 0) break;
  }
  const ok = runs.filter((r) => r.code === 0);
  if (ok.length < runs.length) return { ...runs[runs.length - 1], runs: runs.length };
  const key = opts.capture && opts.timeOf ? opts.timeOf : (r) => r.ms;
  const sorted = ok.slice().sort((a, b) => key(a) - key(b));
  const mid = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...mid, rssKB: Math.max(...ok.map((r) => r.rssKB ?? 0)) || undefined, runs: runs.length, all: ok.map(key) };
}
