import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

/**
 * A JSON file with a syntax error is named with the line and column of the fault, as a YAML one is
 * (`file:4:1: ...`). Before, the message carried Node's character offset at best ("at position 83")
 * and often nothing ("Unexpected token '}', ..."), which leads nowhere in a large price map or report.
 */
describe('JSON syntax errors name file:line:column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-json-errors-'));
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  // line 4 is `    "output_cost_per_token": 2e-6,,`: 4 spaces, the 23-character key (columns 5-27), `:` 28,
  // space 29, `2e-6` 30-33, `,` 34; the second comma is column 35
  const litellm = '{\n  "gpt-x": {\n    "input_cost_per_token": 1e-6,\n    "output_cost_per_token": 2e-6,,\n  }\n}\n';

  it('a price file (--prices and prices --check)', async () => {
    const f = write('prices.json', litellm);
    const r = await runCli(['prices', '--check', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:4:35: invalid JSON: Expected double-quoted property name\n`);
    expect(r.stderr).not.toContain('position');
  });

  it('a report for render', async () => {
    // line 3 `"prompts": [}`: `"prompts"` columns 1-9, `:` 10, space 11, `[` 12, `}` 13
    const f = write('report.json', '{"schemaVersion": 1,\n"command": "report",\n"prompts": [}\n');
    const r = await runCli(['render', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:3:13: not valid JSON`);
  });

  it('a check baseline', async () => {
    const f = write('baseline.json', '{"schemaVersion": 1,\n"command": "check",\n"prompts": [}\n');
    const r = await runCli(['check', 'fixtures/prompts/support-bot.yaml', '--no-config', '--baseline', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid JSON at line 3, column 13');
  });

  it('a JSON chat prompt', async () => {
    // line 2 `  {"role": "user", "content": "hi"}`: `{` column 3 ... the closing `}` column 36; line 3 `  {` starts
    // a second element without a comma between: column 3
    const f = write('chat.json', '[\n  {"role": "user", "content": "hi"}\n  {"role": "user", "content": "again"}\n]\n');
    const r = await runCli(['estimate', f, '--model', 'gpt-4o-mini']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:3:3: invalid JSON`);
  });

  it('a JSON log document: the line and column, and a hint that fits a fault in the middle (not a cut file)', async () => {
    // line 3 `  {"model": "gpt-4o", "usage": {"prompt_tokens": 5,}}`: the `}` after the comma is column 52
    // (2 spaces; `{"model": "gpt-4o", ` 20 characters to column 22; `"usage": ` to 31; `{` 32;
    // `"prompt_tokens"` 33-47; `:` 48; space 49; `5` 50; `,` 51; `}` 52)
    const f = write('doc.json', '{\n "data": [\n  {"model": "gpt-4o", "usage": {"prompt_tokens": 5,}}\n ]\n}\n');
    const r = await runCli(['report', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid JSON document at line 3, column 52: Expected double-quoted property name');
    expect(r.stderr).toContain('hint: fix the JSON there');
    // a cut document keeps the hint about a truncated copy
    const cut = write('cut.json', '[\n  {"model": "gpt-4o", "usage": {"prompt_tokens": 5}}');
    const c = await runCli(['report', cut]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('hint: check the file is complete');
  });
});
