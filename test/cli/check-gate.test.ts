/**
 * `check --base-ref` attacked the way a pull request can slip a cost rise past it, in real temporary
 * git repositories: a spec's id edited together with its model, a symlinked prompt repointed.
 */
import { symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edit, git, repo } from './check-repo.js';
import { runCli } from './harness.js';

describe('check --base-ref does not let a cost rise through as a new prompt', () => {
  it('a spec whose id: is edited in place is the same prompt: a model switch beside it still fails maxIncreasePct', async () => {
    const dir = await repo();
    // the base gates on maxIncreasePct alone (maxIncreaseUsd would count a new prompt's whole cost)
    edit(dir, 'tokenomics.yaml', 'budgets: {maxIncreasePct: 10, maxIncreaseUsd: 5}', 'budgets: {maxIncreasePct: 10}');
    git(dir, 'commit', '-q', '-am', 'percent only');
    edit(dir, 'prompts/bot.yaml', 'id: bot', 'id: boots-bot');
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    const r = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    // before the fix: "boots-bot" was a new prompt (maxIncreasePct has no "before" for it) and "bot" removed: exit 0
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['boots-bot', 'fail'],
      ['classify', 'unchanged'],
    ]);
    const p = doc.prompts[0];
    expect(p.changes).toEqual(['renamed from bot (prompts/bot.yaml)', 'model claude-sonnet-4-5 → claude-opus-4-1']);
    // the same tokens (same text, same tokenizer), no caching (< 1,024 tokens): sonnet $3/$15 per MTok,
    // opus-4-1 $15/$75 per MTok, so (15·in + 75·out) / (3·in + 15·out) = 5: +400.0% per call
    expect(p.violations.map((v: { rule: string; actual: string }) => [v.rule, v.actual])).toContainEqual([
      'maxIncreasePct',
      '+400.0% per call',
    ]);
  });
});
