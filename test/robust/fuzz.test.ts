/**
 * Issue 13 "done when": a fuzz test over every input kind — logs of each format, the YAML inputs
 * (config, scenario, what-if, prices), baselines and `--set` paths — with a fixed seed, so a failure
 * reproduces. Each case mutates a fixture (byte flips, cuts, duplicated and swapped lines, hostile
 * values: 1e300, negatives, fractions, deep nesting, long strings, NUL, invalid UTF-8, prototype keys)
 * and runs the CLI in process. Asserted for every run: no stack trace, exit code in {0, 1, 2}, the
 * accounting identity (counted + skipped + rejected = read) on every report, and RSS under a bound.
 * The case count is fixed; a time guard per input kind stops early on a slow machine (about 19 s in all).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { FIXTURES, aliasBomb, expectNoStackTrace, prng, tempDir } from './helpers.js';

const SEED = 0x13c0ffee;
/** Per input kind, so that a slow kind cannot starve the others: about 19 s in all. */
const BUDGET_MS = { logs: 8_000, yaml: 5_000, baselines: 3_000, set: 3_000 };
const RSS_BOUND = 1536 * 1024 * 1024;

const LOGS = [
  'logs/anthropic/messages.jsonl',
  'logs/anthropic/usage-report.json',
  'logs/bedrock/invocations.jsonl',
  'logs/claude-code/session.jsonl',
  'logs/codex/rollout-2025-10-01T09-00-00-0199a1b2-0000-7000-8000-00000000000a.jsonl',
  'logs/gemini/responses.jsonl',
  'logs/generic/requests.csv',
  'logs/generic/requests.jsonl',
  'logs/langfuse/observations.json',
  'logs/litellm/spend_logs.csv',
  'logs/litellm/spend_logs_stored.jsonl',
  'logs/openai/chat-and-responses.jsonl',
  'logs/openai/batch-output.jsonl',
  'logs/openai/usage-completions.json',
  'logs/otel/traces.json',
  'logs/otel/traces.jsonl',
];

const HOSTILE = [
  '1e300',
  '-1',
  '0.5',
  '1.7976931348623157e308',
  'null',
  '"x"',
  '[]',
  '{}',
  '"__proto__"',
  '"constructor"',
  '['.repeat(3000) + ']'.repeat(3000),
  `"${'A'.repeat(100_000)}"`,
  '"\\u001b[2J"',
  'true',
  '"2025-02-30T00:00:00Z"',
];

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

/** One mutation of `text`, chosen by `rnd`. */
function mutate(text: Buffer, rnd: Rnd): Buffer {
  const s = text.toString('utf8');
  const lines = s.split('\n');
  switch (Math.floor(rnd() * 10)) {
    case 9: // an alias bomb (YAML) or a nested array (JSON) appended
      return Buffer.concat([
        text,
        Buffer.from(s.startsWith('{') || s.startsWith('[') ? `\n${'['.repeat(5000)}${']'.repeat(5000)}\n` : `\n${aliasBomb()}`),
      ]);
    case 0: {
      // flip bytes
      const b = Buffer.from(text);
      for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      return b;
    }
    case 1: // cut anywhere
      return text.subarray(0, Math.floor(rnd() * text.length));
    case 2: {
      // duplicate a line many times
      const i = Math.floor(rnd() * lines.length);
      lines.splice(i, 0, ...Array(1 + Math.floor(rnd() * 50)).fill(lines[i]));
      return Buffer.from(lines.join('\n'));
    }
    case 3: {
      // swap two lines
      const i = Math.floor(rnd() * lines.length);
      const j = Math.floor(rnd() * lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return Buffer.from(lines.join('\n'));
    }
    case 4: // a number replaced by a hostile value
      return Buffer.from(s.replace(/\b\d+(\.\d+)?\b/g, (m) => (rnd() < 0.15 ? pick(rnd, HOSTILE) : m)));
    case 5: // a string value replaced by a hostile value
      return Buffer.from(s.replace(/"[^"\n]{1,40}"/g, (m) => (rnd() < 0.1 ? pick(rnd, HOSTILE) : m)));
    case 6: // NUL or invalid UTF-8 in the middle
      return Buffer.concat([
        text.subarray(0, text.length >> 1),
        Buffer.from(rnd() < 0.5 ? [0] : [0xc3, 0x28, 0xff]),
        text.subarray(text.length >> 1),
      ]);
    case 7: // a line that is an array of lines
      return Buffer.from(
        `[${lines
          .filter((l) => l.trim().startsWith('{'))
          .slice(0, 3)
          .join(',')}]\n` + s,
      );
    default: // CSV: drop a delimiter; YAML: drop indentation
      return Buffer.from(s.replace(/,|\n {2}/, ''));
  }
}

interface Inputs {
  read: number;
  counted: number;
  skipped: Record<string, number>;
  rejected: Record<string, number>;
}
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

function check(r: { code: number; stdout: string; stderr: string }, what: string): void {
  expectNoStackTrace(r.stderr);
  expect([0, 1, 2], `${what}: exit ${r.code}\n${r.stderr.slice(0, 500)}`).toContain(r.code);
  expect(process.memoryUsage().rss, `${what}: RSS`).toBeLessThan(RSS_BOUND);
}

describe(`fuzz (seed ${SEED.toString(16)})`, () => {
  const budget = (ms: number) => {
    const started = Date.now();
    return () => Date.now() - started < ms;
  };
  const rnd = prng(SEED);
  const dir = tempDir('tk-fuzz-');

  it('logs of every format', async () => {
    const inTime = budget(BUDGET_MS.logs);
    let runs = 0;
    // round robin, so that the time guard never leaves a format out
    for (let m = 0; m < 3; m++) {
      for (const [k, rel] of LOGS.entries()) {
        if (m > 0 && !inTime()) break; // the first round always runs in full
        const original = readFileSync(join(FIXTURES, rel));
        const f = join(dir, `log${k}-${m}${rel.slice(rel.lastIndexOf('.'))}`);
        writeFileSync(f, mutate(original, rnd));
        const r = await runCli(['report', f, '--format', 'json', '--strict'].filter((a) => a !== '--strict' || rnd() < 0.2));
        check(r, `${rel} mutation ${m}`);
        if (r.code === 0) {
          const i: Inputs = JSON.parse(r.stdout).inputs;
          expect(i.counted + sum(i.skipped) + sum(i.rejected), `${rel} mutation ${m}: identity`).toBe(i.read);
        }
        runs++;
      }
    }
    expect(runs).toBeGreaterThanOrEqual(LOGS.length);
  });

  it('YAML inputs: config, prices, scenario, what-if', async () => {
    const inTime = budget(BUDGET_MS.yaml);
    const kinds: Array<[string, (f: string) => string[]]> = [
      [
        'scenarios/demo.yaml',
        (f) => ['simulate', join(FIXTURES, 'logs', 'generic', 'requests.jsonl'), '--scenario', f, '--format', 'json'],
      ],
      ['whatif/tiny.yaml', (f) => ['whatif', f, '--prices', join(FIXTURES, 'whatif', 'test-prices.yaml'), '--format', 'json']],
      ['whatif/test-prices.yaml', (f) => ['whatif', join(FIXTURES, 'whatif', 'tiny.yaml'), '--prices', f]],
      ['check/tokenomics.yaml', (f) => ['report', join(FIXTURES, 'logs', 'generic', 'requests.jsonl'), '--config', f]],
    ];
    for (const [rel, args] of kinds) {
      const original = readFileSync(join(FIXTURES, rel));
      for (let m = 0; m < 4 && inTime(); m++) {
        const f = join(dir, `y-${rel.replace(/\W/g, '_')}-${m}.yaml`);
        writeFileSync(f, mutate(original, rnd));
        check(await runCli(args(f)), `${rel} mutation ${m}`);
      }
    }
  });

  it('baselines', async () => {
    const inTime = budget(BUDGET_MS.baselines);
    const proj = join(dir, 'check');
    cpSync(join(FIXTURES, 'check'), proj, { recursive: true });
    const original = readFileSync(join(FIXTURES, 'check', 'baseline.json'));
    for (let m = 0; m < 6 && inTime(); m++) {
      writeFileSync(join(proj, 'baseline.json'), mutate(original, rnd));
      check(await runCli(['check', '--format', 'json'], { cwd: proj }), `baseline mutation ${m}`);
    }
  });

  it('--set paths and values', async () => {
    const inTime = budget(BUDGET_MS.set);
    const paths = [
      'features.chat.outputTokens',
      'features.chat.requestsPerMonth',
      'product.pricePoint.seats',
      'features.__proto__.x',
      'features.constructor',
      'features.chat.model',
      'pricesAt',
      'features',
      'a..b',
      'features.chat.inputTokens.p50',
    ];
    const values = [
      '400',
      '1e300',
      '-5',
      '0.5',
      '{p50: 300, p90: 900}',
      '*a',
      '&a [*a, *a]',
      '[[[[[[]]]]]]',
      'null',
      '"x"',
      '2026-02-30',
      '',
    ];
    for (let m = 0; m < 10 && inTime(); m++) {
      const set = `${pick(rnd, paths)}=${pick(rnd, values)}`;
      const r = await runCli([
        'whatif',
        join(FIXTURES, 'whatif', 'tiny.yaml'),
        '--prices',
        join(FIXTURES, 'whatif', 'test-prices.yaml'),
        '--set',
        set,
      ]);
      check(r, `--set ${set}`);
      expect(({} as Record<string, unknown>).x, 'prototype untouched').toBeUndefined();
    }
  });
});
