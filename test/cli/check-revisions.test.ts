/**
 * `check` compares revisions whole, in real temporary git repositories made at test time: a
 * model switch in a spec or in tokenomics.yaml, an output-length change and a 50% longer prompt
 * each fail (exit 1) under --base-ref and under a saved baseline; a change that moves no tokens
 * passes; a missing ref, an unreadable prompt file and a corrupt baseline exit 2.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatTok } from '../prompts/helpers.js';
import { edit, git, repo, SYSTEM } from './check-repo.js';
import { runCli } from './harness.js';

async function both(dir: string) {
  const ref = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
  const saved = await runCli(['check', '--format', 'json'], { cwd: dir });
  return {
    ref,
    saved,
    refDoc: ref.stdout ? JSON.parse(ref.stdout) : undefined,
    savedDoc: saved.stdout ? JSON.parse(saved.stdout) : undefined,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: rows of parsed JSON, read field by field in assertions
const row = (doc: { prompts: { id: string }[] }, id: string) => doc.prompts.find((p) => p.id === id) as Record<string, any>;

describe('check compares revisions whole (--base-ref and a saved baseline)', () => {
  it('a model switch in tokenomics.yaml fails both ways, priced exactly on each model', async () => {
    const dir = await repo();
    edit(dir, 'tokenomics.yaml', 'model: gpt-4o-mini', 'model: gpt-4o');
    const r = await both(dir);
    const t = chatTok([{ role: 'system', content: SYSTEM }]);
    // before, gpt-4o-mini: t x $0.15/MTok + 20 x $0.60/MTok; after, gpt-4o: t x $2.50/MTok + 20 x $10/MTok (< 1,024 tokens: no caching)
    const before = (t * 0.15 + 20 * 0.6) / 1e6;
    const after = (t * 2.5 + 20 * 10) / 1e6;
    for (const [res, doc] of [
      [r.ref, r.refDoc],
      [r.saved, r.savedDoc],
    ] as const) {
      expect(res.code, res.stderr).toBe(1);
      const p = row(doc, 'classify');
      expect(p.changes).toEqual(['model gpt-4o-mini → gpt-4o']);
      expect(p.baseline.costPerCallUsd).toBeCloseTo(before, 12);
      expect(p.current.costPerCallUsd).toBeCloseTo(after, 12);
      expect(p.violations.map((v: { rule: string }) => v.rule)).toContain('maxIncreasePct');
      expect(row(doc, 'bot').status).toBe('unchanged');
    }
    const text = await runCli(['check', '--base-ref', 'HEAD'], { cwd: dir, env: { COLUMNS: '80' } });
    expect(text.stdout).toContain('model gpt-4o-mini → gpt-4o');
    // the Model column (with its "(est.)" mark) is dropped at 80 columns: the assumption lines say which counts are estimated
    const notes = text.stdout.replace(/\n +/g, ' ');
    expect(notes).toMatch(/Columns not shown to fit 80 characters: [^(]*\bModel\b/);
    expect(notes).toContain('bot: claude-sonnet-4-5 (token counts estimated); traffic');
    expect(notes).toContain('classify: gpt-4o; traffic');
  });

  it('a model switch in a spec fails both ways', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    const r = await both(dir);
    for (const [res, doc] of [
      [r.ref, r.refDoc],
      [r.saved, r.savedDoc],
    ] as const) {
      expect(res.code, res.stderr).toBe(1);
      const p = row(doc, 'bot');
      expect(p.changes[0]).toBe('model claude-sonnet-4-5 → claude-opus-4-1');
      // Opus 4.1 is 5x Sonnet 4.5 on every bucket ($15/$75 vs $3/$15 per MTok), same tokenizer: +400% per call
      expect(p.delta.pct).toBe(400);
    }
  });

  it('an output-length change fails both ways', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'expectedOutputTokens: 300', 'expectedOutputTokens: 800');
    const r = await both(dir);
    for (const [res, doc] of [
      [r.ref, r.refDoc],
      [r.saved, r.savedDoc],
    ] as const) {
      expect(res.code, res.stderr).toBe(1);
      const p = row(doc, 'bot');
      expect(p.changes).toEqual(['output 300 → 800']);
      // 500 more output tokens x $15/MTok = $0.0075 more per call; x 30,000 calls = $225/month
      expect(p.delta.costPerCallUsd).toBeCloseTo(0.0075, 12);
      expect(p.delta.monthlyUsd).toBeCloseTo(225, 9);
    }
  });

  it('a 50% longer prompt fails both ways', async () => {
    const dir = await repo();
    const longer = `${SYSTEM} ${SYSTEM.slice(0, Math.ceil(SYSTEM.length / 2))}`;
    edit(dir, 'prompts/classify.yaml', SYSTEM, longer);
    const r = await both(dir);
    const t0 = chatTok([{ role: 'system', content: SYSTEM }]);
    const t1 = chatTok([{ role: 'system', content: longer }]);
    for (const [res, doc] of [
      [r.ref, r.refDoc],
      [r.saved, r.savedDoc],
    ] as const) {
      expect(res.code, res.stderr).toBe(1);
      const p = row(doc, 'classify');
      expect(p.changes).toEqual([`input ${t0} → ${t1} tokens`]);
      expect(p.violations.map((v: { rule: string }) => v.rule)).toEqual(['maxIncreasePct']);
    }
  });

  it('a change that moves no tokens passes both ways (a comment, a description)', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'id: bot\n', '# reviewed by the support team\nid: bot\ndescription: hiking boots FAQ\n');
    edit(dir, 'tokenomics.yaml', 'check:\n', '# cost gate\ncheck:\n');
    const r = await both(dir);
    expect(r.ref.code, r.ref.stdout).toBe(0);
    expect(r.saved.code, r.saved.stdout).toBe(0);
    expect(r.refDoc.prompts.map((p: { status: string }) => p.status)).toEqual(['unchanged', 'unchanged']);
    expect(r.savedDoc.prompts.map((p: { status: string }) => p.status)).toEqual(['unchanged', 'unchanged']);
  });

  it('traffic in tokenomics.yaml counts; a prompt added or removed counts', async () => {
    const dir = await repo();
    edit(
      dir,
      'tokenomics.yaml',
      /traffic: \{callsPerDay: 1000\}\n {4}- file: prompts\/classify/,
      'traffic: {callsPerDay: 5000}\n    - file: prompts/classify',
    );
    const r = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const bot = row(JSON.parse(r.stdout), 'bot');
    expect(bot.changes).toEqual(['traffic 30,000 → 150,000 calls/month']);
    expect(JSON.parse(r.stdout).warnings).toEqual([]);
    expect(bot.violations.map((v: { rule: string }) => v.rule)).toEqual(['maxIncreaseUsd']);
    git(dir, 'checkout', '-q', '--', 'tokenomics.yaml');
    // remove classify from the config: a saving, shown as a removed row
    edit(dir, 'tokenomics.yaml', / {4}- file: prompts\/classify\.yaml[\s\S]*$/, '');
    const gone = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(gone.code, gone.stderr).toBe(0);
    const doc = JSON.parse(gone.stdout);
    expect(row(doc, 'classify')).toMatchObject({ status: 'removed', changes: ['prompt removed'] });
    expect(doc.total.deltaMonthlyUsd).toBeLessThan(0);
  });

  it('--model applies to both sides: a saved baseline is repriced on it when its tokens carry over', async () => {
    const dir = await repo();
    const r = await runCli(['check', '--model', 'gpt-4o', '--format', 'json'], { cwd: dir });
    const doc = JSON.parse(r.stdout);
    // classify was saved on gpt-4o-mini and bot on Claude Sonnet 4.5, both counted as o200k_base (factor 1), like
    // gpt-4o: repriced on gpt-4o, nothing changed
    expect(doc.prompts.map((p: { status: string }) => p.status)).toEqual(['unchanged', 'unchanged']);
    // gpt-3.5-turbo counts with cl100k_base: the saved counts do not carry over, "before" stays, and the run says so
    const other = JSON.parse((await runCli(['check', '--model', 'gpt-3.5-turbo', '--format', 'json'], { cwd: dir })).stdout);
    expect(row(other, 'bot').changes[0]).toBe('model claude-sonnet-4-5 → gpt-3.5-turbo');
    expect(other.warnings.join('\n')).toMatch(
      /bot: the baseline baseline\.json was counted on claude-sonnet-4-5, whose tokens do not carry over to --model gpt-3\.5-turbo/,
    );
  });

  it('checking one file by path against a saved baseline does not call the others removed', async () => {
    const dir = await repo();
    // (by path, the spec alone states the prompt: traffic comes from the flag)
    const r = await runCli(['check', 'prompts/bot.yaml', '--calls-per-day', '1000', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([['bot', 'unchanged']]);
  });

  it('a base revision that cannot be priced is exit 2 naming the revision', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-nonexistent-9');
    git(dir, 'commit', '-q', '-am', 'broken model');
    edit(dir, 'prompts/bot.yaml', 'model: claude-nonexistent-9', 'model: claude-sonnet-4-5');
    const r = await runCli(['check', '--base-ref', 'HEAD'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at git HEAD: prompts\/bot\.yaml:2: unknown model "claude-nonexistent-9"/);
  });

  it('a prompt file that is binary at the base revision is exit 2 naming REF:path', async () => {
    const dir = await repo();
    writeFileSync(join(dir, 'prompts', 'classify.yaml'), Buffer.from([0x00, 0x01, 0x02]));
    git(dir, 'commit', '-q', '-am', 'binary');
    git(dir, 'checkout', '-q', 'HEAD~1', '--', 'prompts/classify.yaml');
    const r = await runCli(['check', '--base-ref', 'HEAD'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/prompt file HEAD:prompts\/classify\.yaml is binary/);
  });

  it('a directory given by path is listed at the base revision too: a deleted file is a removed prompt', async () => {
    const dir = await repo();
    rmSync(join(dir, 'prompts', 'classify.yaml'));
    const r = await runCli(
      ['check', 'prompts', '--model', 'gpt-4o-mini', '--calls-per-day', '100', '--base-ref', 'HEAD', '--format', 'json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['bot', 'unchanged'],
      ['classify', 'removed'],
    ]);
  });

  it('a directory is listed alike at the base revision and in the working tree: hidden paths and node_modules are skipped on both sides', async () => {
    const dir = await repo();
    // committed beside the prompts: a hidden drafts folder holding a prompt of the same id, a package, a hidden CI file
    mkdirSync(join(dir, 'prompts', '.drafts'));
    writeFileSync(join(dir, 'prompts', '.drafts', 'bot.yaml'), 'id: bot\nsystem: an old draft\n');
    mkdirSync(join(dir, 'prompts', 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'prompts', 'node_modules', 'pkg', 'README.md'), 'a package readme\n');
    writeFileSync(join(dir, 'prompts', '.ci.yaml'), 'on: push\njobs: {}\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'hidden files');
    // nothing changed: both sides hold bot and classify only (the base side listed the hidden files, so the
    // drafts' "bot" was a duplicate id and .ci.yaml an invalid spec: exit 2 on an unchanged tree)
    const r = await runCli(
      ['check', 'prompts', '--model', 'gpt-4o-mini', '--calls-per-day', '100', '--base-ref', 'HEAD', '--format', 'json'],
      {
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['bot', 'unchanged'],
      ['classify', 'unchanged'],
    ]);
  });

  it('a prompt file renamed with no content change is one prompt, unchanged (git mv, or the same text under a new id)', async () => {
    const dir = await repo();
    // a markdown prompt's id is its file name: summarize.md is "summarize", digest.md "digest"
    writeFileSync(join(dir, 'prompts', 'summarize.md'), `# System\n\n${SYSTEM}\n\n# User\n\nSummarize the ticket.\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'summarize');
    git(dir, 'mv', 'prompts/summarize.md', 'prompts/digest.md');
    const args = ['check', 'prompts', '--model', 'gpt-4o-mini', '--calls-per-day', '1000', '--base-ref', 'HEAD', '--max-increase-usd', '1'];
    const r = await runCli([...args, '--format', 'json'], { cwd: dir });
    // before the fix: "new prompt" +$x and "prompt removed" -$x, and maxIncreaseUsd failed on the new one (exit 1)
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.prompts.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      ['bot', 'unchanged'],
      ['classify', 'unchanged'],
      ['digest', 'unchanged'],
    ]);
    expect(row(doc, 'digest').changes).toEqual(['renamed from summarize (prompts/summarize.md)']);
    // the same text under a new name without git mv (untracked): matched by content
    git(dir, 'mv', 'prompts/digest.md', 'prompts/summarize.md');
    writeFileSync(join(dir, 'prompts', 'brief.md'), readFileSync(join(dir, 'prompts', 'summarize.md')));
    rmSync(join(dir, 'prompts', 'summarize.md'));
    const untracked = await runCli([...args, '--format', 'json'], { cwd: dir });
    expect(untracked.code, untracked.stderr).toBe(0);
    expect(row(JSON.parse(untracked.stdout), 'brief')).toMatchObject({
      status: 'unchanged',
      changes: ['renamed from summarize (prompts/summarize.md)'],
    });
    rmSync(join(dir, 'prompts', 'brief.md'));
    git(dir, 'checkout', '-q', '--', 'prompts/summarize.md');
    // renamed and edited (git still reports R): compared as one prompt, the edit is the change
    git(dir, 'mv', 'prompts/summarize.md', 'prompts/digest.md');
    edit(dir, 'prompts/digest.md', 'Summarize the ticket.', 'Summarize the ticket in one line.');
    const edited = await runCli([...args, '--format', 'json'], { cwd: dir });
    expect(edited.code, edited.stderr).toBe(0);
    const d = row(JSON.parse(edited.stdout), 'digest');
    expect(d.status).toBe('changed');
    expect(d.changes[0]).toBe('renamed from summarize (prompts/summarize.md)');
    expect(d.changes[1]).toMatch(/^input \d+ → \d+ tokens$/);
  });

  it('a pull request that loosens the budgets is told so', async () => {
    const dir = await repo();
    edit(dir, 'tokenomics.yaml', 'maxIncreasePct: 10', 'maxIncreasePct: 1000');
    const r = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    // no cost moved: nothing to fail, but the loosening is said
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).warnings[0]).toBe(
      'this change loosens a budget: maxIncreasePct 10 → 1000 (bot, classify): judged by the stricter, at git HEAD; once merged it applies (--head-budgets applies it now)',
    );
  });

  it('a change cannot loosen the budgets that judge it: the stricter of the base and the working tree applies', async () => {
    // a 50% longer classify prompt fails maxIncreasePct 10 (test above); the same change raises the limit to 1000
    const longer = `${SYSTEM} ${SYSTEM.slice(0, Math.ceil(SYSTEM.length / 2))}`;
    const t0 = chatTok([{ role: 'system', content: SYSTEM }]);
    const t1 = chatTok([{ role: 'system', content: longer }]);
    // gpt-4o-mini, 20 output tokens: (t x 0.15 + 20 x 0.60) per MTok per call, so the rise is (t1 - t0) x 0.15 / (t0 x 0.15 + 12)
    const pct = ((t1 - t0) * 0.15) / (t0 * 0.15 + 12);
    expect(pct).toBeGreaterThan(0.1);
    expect(pct).toBeLessThan(10);
    const cases: [string, (dir: string) => void][] = [
      ['check.budgets', (dir) => edit(dir, 'tokenomics.yaml', 'maxIncreasePct: 10', 'maxIncreasePct: 1000')],
      [
        "the prompt's own budgets",
        (dir) =>
          edit(dir, 'tokenomics.yaml', 'expectedOutputTokens: 20\n', 'expectedOutputTokens: 20\n      budgets: {maxIncreasePct: 1000}\n'),
      ],
      ['check.budgets removed', (dir) => edit(dir, 'tokenomics.yaml', 'maxIncreasePct: 10, ', '')],
    ];
    for (const [what, loosen] of cases) {
      const dir = await repo();
      edit(dir, 'prompts/classify.yaml', SYSTEM, longer);
      loosen(dir);
      const r = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
      // before the fix: exit 0, the head's own limit (1000%, or none) judged the head
      expect(r.code, `${what}: ${r.stdout}`).toBe(1);
      // the report's budgets are those applied: the base's maxIncreasePct 10 beside maxIncreaseUsd 5 (both sides)
      expect(JSON.parse(r.stdout).budgets, what).toEqual({ maxIncreasePct: 10, maxIncreaseUsd: 5 });
      const v = row(JSON.parse(r.stdout), 'classify').violations;
      expect(
        v.map((x: { rule: string; limit: string }) => [x.rule, x.limit]),
        what,
      ).toEqual([['maxIncreasePct', '+10%']]);
      expect(v[0].message, what).toMatch(
        /\(the limit at git HEAD: this change loosens maxIncreasePct 10 → (1000|none); --head-budgets applies it\)$/,
      );
      // --head-budgets: the change's own budgets judge it, and the warning says so
      const head = await runCli(['check', '--base-ref', 'HEAD', '--head-budgets', '--format', 'json'], { cwd: dir });
      expect(head.code, `${what}: ${head.stdout}`).toBe(0);
      expect(JSON.parse(head.stdout).warnings[0], what).toMatch(
        /^this change loosens a budget: maxIncreasePct 10 → (1000|none) \((bot, )?classify\): judged by the working tree's \(--head-budgets\), not by git HEAD's$/,
      );
    }
    // a budget the change tightens applies at once (the stricter is the working tree's)
    const dir = await repo();
    edit(dir, 'prompts/classify.yaml', SYSTEM, longer);
    edit(dir, 'tokenomics.yaml', 'maxIncreasePct: 10', 'maxIncreasePct: 5');
    const tight = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(tight.code).toBe(1);
    expect(row(JSON.parse(tight.stdout), 'classify').violations[0].limit).toBe('+5%');
    // --head-budgets without --base-ref is a usage error
    expect((await runCli(['check', '--head-budgets'], { cwd: dir })).code).toBe(2);
  });

  it('exit 2, naming the ref or file: a missing ref, an unreadable prompt file, a corrupt baseline', async () => {
    const dir = await repo();
    const ref = await runCli(['check', '--base-ref', 'origin/nope'], { cwd: dir });
    expect(ref.code).toBe(2);
    expect(ref.stderr).toMatch(/--base-ref origin\/nope: not a commit/);
    expect(ref.stderr).not.toMatch(/\n\s+at /);

    writeFileSync(join(dir, 'prompts', 'classify.yaml'), Buffer.from([0x69, 0x64, 0x3a, 0x00, 0xff, 0x00]));
    const binary = await runCli(['check', '--base-ref', 'HEAD'], { cwd: dir });
    expect(binary.code).toBe(2);
    expect(binary.stderr).toMatch(/prompts\/classify\.yaml is binary/);
    rmSync(join(dir, 'prompts', 'classify.yaml'));
    mkdirSync(join(dir, 'prompts', 'classify.yaml'));
    const unreadable = await runCli(['check'], { cwd: dir });
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/prompt file prompts\/classify\.yaml is a directory/);
    rmSync(join(dir, 'prompts', 'classify.yaml'), { recursive: true });
    git(dir, 'checkout', '-q', '--', 'prompts/classify.yaml');

    // a prompt file the base revision's config names but that revision lacks
    git(dir, 'rm', '-q', '--cached', 'prompts/bot.yaml');
    git(dir, 'commit', '-q', '-m', 'drop bot from the index');
    const missingAtRef = await runCli(['check', '--base-ref', 'HEAD'], { cwd: dir });
    expect(missingAtRef.code).toBe(2);
    expect(missingAtRef.stderr).toMatch(/HEAD:tokenomics\.yaml names prompts\/bot\.yaml, which does not exist at HEAD/);

    for (const [text, re] of [
      ['{"schemaVersion": 1, "command": "check", "prompts": [', /baseline\.json: not a usable tokenomics check baseline: invalid JSON/],
      [readFileSync(join(dir, 'baseline.json'), 'utf8').replace('"schemaVersion": 1', '"schemaVersion": 7'), /schemaVersion 7/],
      [
        readFileSync(join(dir, 'baseline.json'), 'utf8').replace(/"inputTokens": \d+/, '"inputTokens": 1e308'),
        /inputTokens is out of range/,
      ],
      [readFileSync(join(dir, 'baseline.json'), 'utf8').replace(/"inputTokens": \d+/, '"inputTokens": -3'), /inputTokens is negative/],
      [
        // written from another config: other ids, other texts, other files (a text's hash matches a renamed prompt,
        // a prompt's file one whose id was edited in it)
        readFileSync(join(dir, 'baseline.json'), 'utf8')
          .replace(/"file": "prompts\//g, '"file": "other/')
          .replace(/"id": "bot"/, '"id": "bot-renamed"')
          .replace(/"id": "classify"/, '"id": "classify-renamed"')
          .replace(/"textSha256": "[0-9a-f]{64}"/g, `"textSha256": "${'0'.repeat(64)}"`),
        /no entry for any prompt checked/,
      ],
      ['{"schemaVersion": 1, "command": "check", "prompts": []}', /the baseline lists no prompts/],
    ] as const) {
      writeFileSync(join(dir, 'baseline.json'), text);
      const r = await runCli(['check'], { cwd: dir });
      expect(r.code, text.slice(0, 80)).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe('');
    }
  });

  it('--update-baseline with --base-ref is exit 2: it compared with nothing and passed a regression against the ref', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-opus-4-1');
    expect((await runCli(['check', '--base-ref', 'HEAD'], { cwd: dir })).code).toBe(1);
    const both = await runCli(['check', '--base-ref', 'HEAD', '--update-baseline'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --update-baseline or --base-ref, not both');
    // the saved baseline is not rewritten
    expect(readFileSync(join(dir, 'baseline.json'), 'utf8')).not.toContain('claude-opus-4-1');
  });

  it('a prompt missing from the saved baseline is reported; --strict and requireBaseline make it exit 2', async () => {
    const dir = await repo();
    const doc = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'));
    doc.prompts = doc.prompts.filter((p: { id: string }) => p.id !== 'classify');
    writeFileSync(join(dir, 'baseline.json'), JSON.stringify(doc));
    const r = await runCli(['check', '--format', 'json'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(row(out, 'classify').status).toBe('new');
    expect(out.warnings.join('\n')).toMatch(/classify: not in the baseline baseline\.json/);
    expect(r.code).toBe(0);
    const strict = await runCli(['check', '--strict'], { cwd: dir });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/baseline\.json: no baseline entry for "classify" \(--strict\)/);
    edit(dir, 'tokenomics.yaml', '  baseline: baseline.json\n', '  baseline: baseline.json\n  requireBaseline: true\n');
    const req = await runCli(['check'], { cwd: dir });
    expect(req.code).toBe(2);
    expect(req.stderr).toMatch(/check\.requireBaseline/);
  });

  it('bad input exits 2 with file:line and a hint: unknown model, variable without a value, unknown config key', async () => {
    const dir = await repo();
    edit(dir, 'prompts/bot.yaml', 'model: claude-sonnet-4-5', 'model: claude-sonet-4-5');
    const model = await runCli(['check'], { cwd: dir });
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/prompts\/bot\.yaml:2: unknown model "claude-sonet-4-5"/);
    expect(model.stderr).toMatch(/hint: /);
    git(dir, 'checkout', '-q', '--', 'prompts/bot.yaml');
    edit(dir, 'tokenomics.yaml', 'model: gpt-4o-mini', 'model: gpt-4o-minii');
    const cfgModel = await runCli(['check'], { cwd: dir });
    expect(cfgModel.code).toBe(2);
    expect(cfgModel.stderr).toMatch(/tokenomics\.yaml:8: unknown model "gpt-4o-minii"/);
    git(dir, 'checkout', '-q', '--', 'tokenomics.yaml');
    edit(dir, 'prompts/bot.yaml', 'Question: {{q}}', 'Question: {{q}} {{product}}');
    const v = await runCli(['check'], { cwd: dir });
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/prompts\/bot\.yaml:7: template: no value for \{\{product\}\}/);
    git(dir, 'checkout', '-q', '--', 'prompts/bot.yaml');
    edit(dir, 'tokenomics.yaml', '  baseline: baseline.json\n', '  baseline: baseline.json\n  requireBaseLine: true\n');
    const key = await runCli(['check'], { cwd: dir });
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/tokenomics\.yaml:3: check\.requireBaseLine: unknown key/);
    for (const r of [model, v, key]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
