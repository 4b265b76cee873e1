/**
 * No text from the inputs starts a line of its own: a newline in a file name, a prompt id, a tag
 * name or an argument prints as `\n` on stdout and stderr (a CI log reads `::error::` at the start
 * of a line, after any indentation), in the issues footer, errors, warnings, check's lines and
 * section titles. Inputs are written to a temporary directory at test time.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, UserError } from '../../src/core/issues.js';
import { runCli } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tokenomics-nl-'));

/** The lines a CI log would read as a workflow command (GitHub trims leading whitespace). */
const commands = (out: string): string[] => out.split('\n').filter((l) => l.trimStart().startsWith('::'));

const rejectedLine = `${JSON.stringify({ object: 'chat.completion', model: 'gpt-4o-mini', usage: { prompt_tokens: -1, completion_tokens: 5, total_tokens: 4 } })}\n`;

describe('a newline from the inputs prints as \\n', () => {
  it('formatIssue: file, path, message and hint inert; the line break before the hint is the only one', () => {
    const text = formatIssue({ severity: 'error', code: 'x', file: 'a\n::f', line: 1, path: 'p\nq', message: 'm\n::m', hint: 'h\n::h' });
    expect(text).toBe('error: a\\n::f:1: p\\nq: m\\n::m\nhint: h\\n::h');
  });

  it('report: the issues footer and the --strict error name a rejected file with a newline inert', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a\n::error title=x::forged.jsonl'), rejectedLine);
    const r = await runCli(['report', dir, '--wide']);
    expect(r.code).toBe(0);
    expect(commands(r.stdout + r.stderr)).toEqual([]);
    expect(r.stdout).toContain('a\\n::error title=x::forged.jsonl:1: usage.prompt_tokens must be');
    expect(r.stdout).toContain('\n  hint: token counts are whole numbers');
    const strict = await runCli(['report', dir, '--strict']);
    expect(strict.code).toBe(2);
    expect(commands(strict.stderr)).toEqual([]);
    expect(strict.stderr).toContain('a\\n::error title=x::forged.jsonl:1: usage.prompt_tokens must be');
  });

  it('fatal errors: input not found, a price file, a JSON report, an unknown option', async () => {
    const dir = tmp();
    const cases = [
      ['report', join(dir, 'x\n::error::nf')],
      ['report', join(root, 'fixtures/demo'), '--prices', join(dir, 'p\n::error::pf')],
      ['render', join(dir, 'r\n::error::rf')],
      ['report', '--x\n::error::opt'],
    ];
    for (const args of cases) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(commands(r.stderr)).toEqual([]);
      expect(r.stderr).toMatch(/\\n::error::(nf|pf|rf|opt)/);
    }
  });

  it('a message of several lines (one per YAML error) keeps its lines', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'p.yaml'), 'models:\n  x: 1\n');
    const r = await runCli(['report', join(root, 'fixtures/demo'), '--prices', join(dir, 'p.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      'tokenomics: error: invalid price file:',
      `  ${join(dir, 'p.yaml')}:1: provider: is required`,
      // (the line of the key `models:` itself)
      `  ${join(dir, 'p.yaml')}:1: models: expected a list (got a mapping)`,
    ]);
    expect(new UserError(['one:', 'two']).message).toBe('one:\ntwo');
  });

  it('--by tag:NAME: the section title, column and warning, in table, markdown and a rendered JSON report', async () => {
    const demo = join(root, 'fixtures/demo');
    const by = 'tag:a\n::error::zz';
    for (const format of ['table', 'markdown']) {
      const r = await runCli(['report', demo, '--by', by, '--format', format]);
      expect(r.code).toBe(0);
      expect(commands(r.stdout + r.stderr)).toEqual([]);
      expect(r.stdout).toContain(format === 'table' ? 'Spend by tag:a\\n::error::zz' : 'Spend by tag:a\\\\n::error::zz');
    }
    const file = join(tmp(), 'r.json');
    expect((await runCli(['report', demo, '--by', by, '--format', 'json', '-o', file])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('tag:a\\n::error::zz');
    const r = await runCli(['render', file]);
    expect(r.code).toBe(0);
    expect(commands(r.stdout + r.stderr)).toEqual([]);
    expect(r.stderr).toContain('warning: --by tag:a\\n::error::zz: no record carries the tag');
  });

  it('check: a prompt id and a prompt file name with a newline, in its lines on stdout and its warnings', async () => {
    const dir = tmp();
    cpSync(join(root, 'fixtures/check'), dir, { recursive: true });
    const config = join(dir, 'tokenomics.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('id: classify-intent', 'id: "inj\\n::error file=x::INJECTED"'));
    const r = await runCli(['check'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(commands(r.stdout + r.stderr)).toEqual([]);
    // (the edited id is matched to its baseline entry by its file: a rename, not a prompt missing from the baseline)
    expect(r.stdout).toContain('inj\\n::error file=x::INJECTED: gpt-4o-mini; traffic');
    expect(r.stdout).toContain('renamed from classify-intent');

    const prompts = join(tmp(), 'prompts');
    cpSync(join(root, 'fixtures/check/prompts/support-bot.yaml'), join(prompts, 'sb\n::error::FILE.yaml'));
    const f = await runCli([
      'check',
      prompts,
      '--no-config',
      '--model',
      'gpt-4o-mini',
      '--calls-per-day',
      '10',
      '--max-cost-per-call',
      '0.0000001',
      '--wide',
    ]);
    expect(f.code).toBe(1);
    expect(commands(f.stdout + f.stderr)).toEqual([]);
    expect(f.stdout).toContain('error: ');
    expect(f.stdout).toContain('sb\\n::error::FILE.yaml: support-bot: maxCostPerCall exceeded');
  });
});
