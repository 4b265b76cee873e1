/**
 * `check --base-ref`: "before" is priced with the base revision's own `prices:` and `modelAliases` from its
 * tokenomics.yaml, "after" with the working tree's. A pull request that only raises a negotiated price in
 * the config moves the cost (it passed as "unchanged" when both sides used the working tree's prices).
 */
import { describe, expect, it } from 'vitest';
import { chatTok } from '../prompts/helpers.js';
import { edit, git, repo, SYSTEM } from './check-repo.js';
import { runCli } from './harness.js';

const PRICES = (input: number, output: number) => `prices:
  provider: openai
  source: "our agreement"
  checkedAt: 2026-11-01
  models:
    - id: gpt-4o-mini
      prices:
        - inputPerMTok: ${input}
          outputPerMTok: ${output}
`;

async function baseWith(prices: string): Promise<string> {
  const dir = await repo();
  edit(dir, 'tokenomics.yaml', /^check:/, `${prices}check:`);
  git(dir, 'commit', '-q', '-am', 'negotiated prices');
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: a row of parsed JSON, read field by field
const classify = (stdout: string) => (JSON.parse(stdout).prompts as any[]).find((p) => p.id === 'classify');

describe('check --base-ref prices each side with its own prices:', () => {
  const t = chatTok([{ role: 'system', content: SYSTEM }]);

  it('a price raised in tokenomics.yaml fails', async () => {
    const dir = await baseWith(PRICES(0.15, 0.6));
    edit(dir, 'tokenomics.yaml', 'inputPerMTok: 0.15', 'inputPerMTok: 0.3');
    edit(dir, 'tokenomics.yaml', 'outputPerMTok: 0.6', 'outputPerMTok: 1.2');
    const r = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const p = classify(r.stdout);
    // before t x $0.15 + 20 x $0.60 per MTok, after t x $0.30 + 20 x $1.20: exactly double, +100%
    expect(p.baseline.costPerCallUsd).toBeCloseTo((t * 0.15 + 20 * 0.6) / 1e6, 12);
    expect(p.current.costPerCallUsd).toBeCloseTo((t * 0.3 + 20 * 1.2) / 1e6, 12);
    expect(p.delta.pct).toBe(100);
    expect(JSON.parse(r.stdout).warnings.join('\n')).toContain('"before" is priced with the base revision\'s');
  });

  it('a price override removed in the pull request: "before" keeps the base revision\'s price', async () => {
    const dir = await baseWith(PRICES(0.3, 1.2));
    edit(dir, 'tokenomics.yaml', /^prices:[\s\S]*?(?=^check:)/m, '');
    const r = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const p = classify(r.stdout);
    // before at the base's $0.30/$1.20, after at the bundled $0.15/$0.60: half, -50%
    expect(p.baseline.costPerCallUsd).toBeCloseTo((t * 0.3 + 20 * 1.2) / 1e6, 12);
    expect(p.delta.pct).toBe(-50);
  });

  it('the same prices on both sides: unchanged, no warning', async () => {
    const dir = await baseWith(PRICES(0.3, 1.2));
    const r = await runCli(['check', '--base-ref', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(classify(r.stdout).status).toBe('unchanged');
    expect(JSON.stringify(JSON.parse(r.stdout).warnings)).not.toContain('priced with the base revision');
  });

  it('invalid prices at the base revision: exit 2 naming the revision and line', async () => {
    const dir = await baseWith(PRICES(0.3, 1.2).replace('inputPerMTok: 0.3', 'inputPerMTok: -1'));
    edit(dir, 'tokenomics.yaml', 'inputPerMTok: -1', 'inputPerMTok: 0.3');
    const r = await runCli(['check', '--base-ref', 'HEAD'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/HEAD:tokenomics\.yaml:\d+/);
  });
});
