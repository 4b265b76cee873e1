import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

describe('tokenomics prices', () => {
  it('prints entries with sources as JSON', async () => {
    const r = await runCli(['prices', 'gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.models.map((m: { id: string }) => m.id)).toEqual(['gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash']);
    for (const m of doc.models) {
      expect(m.source.length).toBeGreaterThan(5);
      expect(m.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // list prices (USD/MTok; each entry's source in the catalog): gpt-4o-mini 0.15/0.075/0.60; Sonnet 4.5 3/0.30/3.75/6/15
    expect(doc.models[0].prices).toMatchObject({ inputPerMTok: 0.15, cacheReadPerMTok: 0.075, outputPerMTok: 0.6 });
    expect(doc.models[1].prices).toMatchObject({
      inputPerMTok: 3,
      cacheReadPerMTok: 0.3,
      cacheWrite5mPerMTok: 3.75,
      cacheWrite1hPerMTok: 6,
      outputPerMTok: 15,
    });
  });

  it('exits 2 with the closest ids on an unknown model', async () => {
    const r = await runCli(['prices', 'gpt-4o-minii']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown model "gpt-4o-minii"/);
    expect(r.stderr).toMatch(/hint: closest known ids: .*gpt-4o-mini/);
  });

  it('an unknown id with a newline and an escape is shown inert, on one line (a CI log cannot be forged)', async () => {
    const r = await runCli(['prices', 'gpt\nfake: ok\u001b[31m']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown model "gpt\\nfake: ok\\x1b[31m"');
    expect(r.stderr).not.toMatch(/\nfake: ok/);
    expect(r.stderr).not.toContain('\u001b');
  });

  it('--provider with model ids, and --check with ids, --at or --provider, are usage errors (exit 2), not ignored', async () => {
    // before, `prices gpt-4o --provider anthropic` printed gpt-4o (an openai model) with exit 0, and
    // `prices --check FILE gpt-4o` printed only the check: the option or the ids were dropped without a word
    const provider = await runCli(['prices', 'gpt-4o', '--provider', 'anthropic']);
    expect(provider.code).toBe(2);
    expect(provider.stdout).toBe('');
    expect(provider.stderr).toContain("tokenomics: error: --provider lists one provider's models: it does not apply to model ids (gpt-4o)");
    expect(provider.stderr).toContain('hint: drop --provider to show those ids, or drop the ids to list every anthropic model');
    const file = 'fixtures/prices/acme-contract.yaml';
    for (const [extra, what] of [
      [['gpt-4o'], 'model ids'],
      [['--at', '2025-06-01'], '--at'],
      [['--provider', 'openai'], '--provider'],
    ] as const) {
      const r = await runCli(['prices', '--check', file, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`tokenomics: error: --check validates a price file: it takes no ${what}`);
      expect(r.stderr).toContain('hint: run tokenomics prices --check FILE alone');
    }
    // each alone still works
    expect((await runCli(['prices', '--check', file])).code).toBe(0);
    expect((await runCli(['prices', '--provider', 'anthropic', '--format', 'json'])).code).toBe(0);
  });

  it('a LiteLLM entry with a price that is not one is named, by --check and by a run that loads the file (once)', async () => {
    // before: `prices --check` said "1 LiteLLM entries not mappable (no per-token text prices)", the wrong reason,
    // and a run said nothing (only -v): gpt-bad was then an unknown model with no word of why
    const dir = mkdtempSync(join(tmpdir(), 'tk-litellm-bad-'));
    const file = join(dir, 'map.json');
    writeFileSync(
      file,
      JSON.stringify({
        'gpt-bad': { input_cost_per_token: 1e-6, output_cost_per_token: -2e-6, litellm_provider: 'openai', mode: 'chat' },
        'gpt-good': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, litellm_provider: 'openai', mode: 'chat' },
        'dall-e-x': { input_cost_per_image: 0.04, litellm_provider: 'openai', mode: 'image_generation' },
      }),
    );
    const c = await runCli(['prices', '--check', file, '--wide']);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(
      `${file}: ok, 1 entry; 1 LiteLLM entry not mappable (no per-token text prices); 1 skipped: a price that is not one (see the warning)\n`,
    );
    expect(c.stderr).toContain('warning: 1 LiteLLM price entry in ');
    expect(c.stderr).toContain('"gpt-bad": output_cost_per_token is -0.000002: not a price (negative or not a number)');
    // --reprice FILE loads the --prices files again: the entry is still said once
    const r = await runCli(['report', 'fixtures/report/mixed.jsonl', '--prices', file, '--reprice', file]);
    expect(r.code).toBe(0);
    expect(r.stderr.split('"gpt-bad"').length - 1).toBe(1);
  });

  it('prices --check of a missing file or a directory hints at the path it was given, not at --prices', async () => {
    // before: "hint: check the path given to --prices" for a path given to --check
    const dir = mkdtempSync(join(tmpdir(), 'tk-check-dir-'));
    for (const path of [dir, join(dir, 'nope.yaml')]) {
      const r = await runCli(['prices', '--check', path]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/\nhint: check the path .*prices --check FILE/);
    }
  });

  it('the --check verdict fits the width (COLUMNS=40), and stays one line with --wide', async () => {
    // 'fixtures/prices/acme-contract.yaml: ok, 1 entry' is 35 + 12 = 47 columns: it ran past 40 before
    const r = await runCli(['prices', '--check', 'fixtures/prices/acme-contract.yaml'], { env: { COLUMNS: '40' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('fixtures/prices/acme-contract.yaml: ok,\n  1 entry\n');
    const wide = await runCli(['prices', '--check', 'fixtures/prices/acme-contract.yaml', '--wide'], { env: { COLUMNS: '40' } });
    expect(wide.stdout).toBe('fixtures/prices/acme-contract.yaml: ok, 1 entry\n');
  });

  it('shows the price in force at --at', async () => {
    // o3 was cut from $10/$40 to $2/$8 on 2025-06-10 (docs/pricing.md, Effective dates)
    const before = JSON.parse((await runCli(['prices', 'o3', '--at', '2025-06-01', '--format', 'json'])).stdout);
    const after = JSON.parse((await runCli(['prices', 'o3', '--at', '2025-06-10', '--format', 'json'])).stdout);
    expect(before.models[0].prices).toMatchObject({ inputPerMTok: 10, outputPerMTok: 40 });
    expect(after.models[0].prices).toMatchObject({ inputPerMTok: 2, outputPerMTok: 8 });
  });

  it('--at takes a time with its zone: the price of that minute on a day the price changes', async () => {
    // deepseek-chat went from $0.27 to $0.56 input at 2025-09-05T16:00Z (catalog: from 2025-09-05T16:00Z).
    // Before: "--at expects a date YYYY-MM-DD", exit 2: a date alone is its 00:00 UTC, the old price all day.
    const at = async (t: string) => JSON.parse((await runCli(['prices', 'deepseek-chat', '--at', t, '--format', 'json'])).stdout);
    expect((await at('2025-09-05T15:59:59Z')).models[0].prices.inputPerMTok).toBe(0.27);
    expect((await at('2025-09-05T16:00:00Z')).models[0].prices.inputPerMTok).toBe(0.56);
    // 17:30 at +01:00 is 16:30 UTC: the new price; 09:00 at -06:00 is 15:00 UTC: the old one
    expect((await at('2025-09-05T17:30+01:00')).models[0].prices.inputPerMTok).toBe(0.56);
    expect((await at('2025-09-05T09:00-06:00')).models[0].prices.inputPerMTok).toBe(0.27);
    expect((await at('2025-09-05')).models[0].prices.inputPerMTok).toBe(0.27);
  });

  it('a model with no price on --at: prices null in JSON, and its details row shows no service tiers or charges then', async () => {
    // deepseek-v4-pro's first price starts 2026-04-26 (not since launch): on 2026-01-01 it has none
    const j = JSON.parse((await runCli(['prices', 'deepseek-v4-pro', '--at', '2026-01-01', '--format', 'json'])).stdout);
    expect(j.models[0].prices).toBeNull();
    expect(j.models[0].noPriceReason).toBe('no known price before 2026-04-26');
    const details = j.report.sections.find((s: { id: string }) => s.id === 'details');
    // the view derives the row from the document, which has no period in force: "-" (it showed the
    // first period's "batch -, flex -, priority -" before, a period not in force on that date)
    expect(details.rows[0]).toMatchObject({ period: 'no known price before 2026-04-26', service: '-', charges: '-' });
    const priced = JSON.parse((await runCli(['prices', 'deepseek-v4-pro', '--at', '2026-05-01', '--format', 'json'])).stdout);
    expect(priced.report.sections[1].rows[0].service).toBe('batch -, flex -, priority -');
  });

  it('validates a user price file with --check, with file:line errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-prices-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'provider: acme\nsource: contract 2026\ncheckedAt: 2026-11-01\nmodels:\n  - id: acme-finetune-v2\n    prices:\n      - inputPerMTok: 1\n        outputPerMTok: 4\n',
    );
    const ok = await runCli(['prices', '--check', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok, 1 entry/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'provider: acme\nsource: x\ncheckedAt: 2026-11-01\nmodels:\n  - id: m\n    prices:\n      - inputPerMTok: 1\n        outputPerMTok: 4\n        cacheReadPerMTok: -1\n        cachedPerMTok: 2\n',
    );
    const r = await runCli(['prices', '--check', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yaml:9: models[0].prices[0].cacheReadPerMTok: expected a non-negative number (got -1)');
    expect(r.stderr).toContain('bad.yaml:10: models[0].prices[0].cachedPerMTok: unknown key');
  });

  it('a YAML syntax error in a price file names file:line:col (--check, and --prices on report)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-prices-'));
    const p1 = join(dir, 'p1.yaml');
    // outputPerMTok is indented one column less than inputPerMTok (line 6)
    writeFileSync(p1, 'provider: acme\nmodels:\n  - id: x\n    prices:\n      - inputPerMTok: 0.2\n       outputPerMTok: 0.8\n');
    const log = join(dir, 'L.jsonl');
    writeFileSync(log, '{"model":"gpt-4o","usage":{"prompt_tokens":1,"completion_tokens":1}}\n');
    for (const args of [
      ['prices', '--check', p1],
      ['report', log, '--prices', p1, '--no-config'],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: ${p1}:6:1: Sequence item without - indicator`);
      expect(r.stderr).toContain('hint: fix the YAML syntax');
    }
  });

  it('the same model id twice in one price file is exit 2 naming both lines (it was ok, the later entry silently won)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-prices-'));
    const dup = join(dir, 'dup.yaml');
    // m1 on line 5, M1 (the same id once lower-cased) on line 9
    writeFileSync(
      dup,
      'provider: acme\nsource: t\ncheckedAt: 2026-11-01\nmodels:\n  - id: m1\n    prices:\n      - inputPerMTok: 1\n        outputPerMTok: 2\n  - id: M1\n    prices:\n      - inputPerMTok: 3\n        outputPerMTok: 4\n',
    );
    const r = await runCli(['prices', '--check', dup]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dup}:9: models[1].id: duplicate model id "M1": models[0] at ${dup}:5 has it too`);
    // the same in tokenomics.yaml's prices: section, placed in that file
    const cfg = join(dir, 'tokenomics.yaml');
    writeFileSync(cfg, `prices:\n${readFileSync(dup, 'utf8').replace(/^/gm, '  ')}`);
    const c = await runCli(['prices', 'm1'], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(
      /tokenomics\.yaml:10: prices\.models\[1\]\.id: duplicate model id "M1": models\[0\] at \S*tokenomics\.yaml:6 has it too/,
    );
    // a LiteLLM price map names one model under provider prefixes (gpt-4o, azure/gpt-4o): still loads, as before
    const lite = join(dir, 'lite.json');
    const row = { input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001, litellm_provider: 'openai' };
    writeFileSync(lite, JSON.stringify({ 'gpt-4o': row, 'azure/gpt-4o': { ...row, litellm_provider: 'azure' } }));
    expect((await runCli(['prices', '--check', lite])).code).toBe(0);
  });

  it('adds user prices with --prices and prices an unknown id through them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-prices-'));
    const f = join(dir, 'mine.yaml');
    writeFileSync(
      f,
      'provider: acme\nsource: contract\ncheckedAt: 2026-11-01\nmodels:\n  - id: acme-finetune-v2\n    prices:\n      - inputPerMTok: 1\n        outputPerMTok: 4\n',
    );
    const r = await runCli(['prices', 'acme-finetune-v2', '--prices', f, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).models[0]).toMatchObject({
      id: 'acme-finetune-v2',
      origin: f,
      prices: { inputPerMTok: 1, outputPerMTok: 4 },
    });
  });

  it("shows an explicit cache's storage price beside the cache rules (docs/pricing.md: a catalog fact, not a request cost)", async () => {
    // gemini-2.5-pro: explicit-cache storage $4.50 per million tokens per hour (google.yaml cache.storagePerMTokHour)
    const j = JSON.parse((await runCli(['prices', 'gemini-2.5-pro', 'gpt-4o-mini', '--format', 'json'])).stdout);
    const details = j.report.sections.find((s: { id: string }) => s.id === 'details');
    expect(details.rows[0].cache).toBe('both, min 2048 tokens, TTL 1h, storage $4.5/MTok per hour');
    // a cache without storage (OpenAI's implicit cache) says none
    expect(details.rows[1].cache).not.toContain('storage');
  });

  it('says when a Bedrock geo profile carries the regional uplift', async () => {
    const r = await runCli(['prices', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', '--wide']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(regional x1.1)');
    expect(r.stdout).toMatch(/geo \(cross-region\) Bedrock profile: every price above is multiplied by 1\.1/);
    const global = await runCli(['prices', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0']);
    expect(global.stdout).not.toContain('regional x');
  });

  it('maps commander usage errors to exit 2', async () => {
    const r = await runCli(['prices', '--format', 'yaml']);
    expect(r.code).toBe(2);
    const r2 = await runCli(['no-such-command']);
    expect(r2.code).toBe(2);
    const help = await runCli(['prices', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
  });
});

describe('tokenomics without a command', () => {
  it('prints the help on stderr and exits 2 (a usage error)', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: tokenomics');
    // the help as --help prints it: before, the exit codes and examples after the commands were left out
    expect(r.stderr).toContain('Exit codes: 0 ok; 1 a budget or gate failed;');
    expect(r.stderr).toContain('  $ tokenomics report fixtures/demo --by feature\n');
    expect(r.stderr).toBe((await runCli(['--help'])).stdout);
    expect(r.stdout).toBe('');
  });
});
