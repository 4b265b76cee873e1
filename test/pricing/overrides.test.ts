/**
 * User price files and tokenomics.yaml over the bundled catalog: which negotiated discount wins, model
 * ids that are names of Object.prototype, and aliases (price-file `aliases` and `modelAliases`). Expected
 * prices by hand from `tokenomics prices gpt-4o-mini` (bundled: input $0.15, output $0.60 per MTok).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { componentsOf, Pricer, totalOf } from '../../src/pricing/cost.js';
import { loadCatalog } from '../../src/pricing/load.js';
import { femtoToUsdString } from '../../src/pricing/money.js';
import { runCli } from '../cli/harness.js';
import { usage } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-overrides-'));
let n = 0;
function file(text: string): string {
  const f = join(dir, `p${n++}.yaml`);
  writeFileSync(f, text);
  return f;
}

/** USD of 1M input + 1M output tokens of `model` with these price files. */
function costOf(model: string, ...priceFiles: string[]): string {
  const { catalog } = loadCatalog({ priceFiles });
  const r = usage(model, { inputTokens: 1_000_000, outputTokens: 1_000_000 });
  const card = new Pricer(catalog, { atMs: Date.parse('2026-11-01T00:00:00Z') }).cardFor(r);
  if (!card) return 'unpriced';
  return femtoToUsdString(totalOf(componentsOf(r, card.prices)));
}

describe('negotiated discounts: the later file wins, a model discount wins over a provider one', () => {
  const provider20 = file('provider: openai\ndiscount: 0.2\n');
  const provider50 = file('provider: openai\ndiscount: 0.5\n');
  const model50 = file('provider: openai\nmodelDiscounts:\n  gpt-4o-mini: 0.5\n');
  const model0 = file('provider: openai\nmodelDiscounts:\n  gpt-4o-mini: 0\n');

  it('a later provider discount replaces an earlier one (the first one was kept)', () => {
    // list $0.15 + $0.60 = $0.75; 50% off: $0.375; 20% off: $0.60
    expect(costOf('gpt-4o-mini')).toBe('0.75');
    expect(costOf('gpt-4o-mini', provider20, provider50)).toBe('0.375');
    expect(costOf('gpt-4o-mini', provider50, provider20)).toBe('0.6');
  });

  it('a model discount wins over a provider discount in either order; discount 0 cancels', () => {
    expect(costOf('gpt-4o-mini', provider20, model50)).toBe('0.375');
    expect(costOf('gpt-4o-mini', model50, provider20)).toBe('0.375');
    expect(costOf('gpt-4o-mini', provider20, model0)).toBe('0.75');
  });

  it("a file's provider discount does not override a later file's own entry discount", () => {
    const own = file(
      'provider: openai\nsource: s\ncheckedAt: 2026-11-01\ndiscount: 0.1\nmodels:\n  - id: gpt-4o-mini\n    prices:\n      - { inputPerMTok: 1, outputPerMTok: 3 }\n',
    );
    // own prices $1 + $3 = $4, its own file's 10% off: $3.60 (the earlier 20% is older, same kind)
    expect(costOf('gpt-4o-mini', provider20, own)).toBe('3.6');
    // the later 50% provider discount is newer: $2
    expect(costOf('gpt-4o-mini', own, provider50)).toBe('2');
  });
});

describe('model ids that are Object.prototype names', () => {
  it('a model named constructor or toString next to modelDiscounts is priced, not an internal error', () => {
    const f = file(
      'provider: acme\nsource: s\ncheckedAt: 2026-11-01\nmodelDiscounts:\n  other: 0.5\n  TOSTRING: 0.25\nmodels:\n' +
        '  - id: constructor\n    prices:\n      - { inputPerMTok: 1, outputPerMTok: 1 }\n' +
        '  - id: toString\n    prices:\n      - { inputPerMTok: 1, outputPerMTok: 1 }\n',
    );
    // $1 + $1 = $2, no discount for constructor; toString 25% off (keys match as ids do, case aside): $1.50
    expect(costOf('constructor', f)).toBe('2');
    expect(costOf('toString', f)).toBe('1.5');
  });
});

describe('modelAliases in tokenomics.yaml', () => {
  const log = () => {
    const f = join(dir, `log${n++}.csv`);
    // 1M input + 1M output each: gpt-4o $2.50 + $10 = $12.50; gpt-4o-mini $0.15 + $0.60 = $0.75
    writeFileSync(
      f,
      'timestamp,model,input_tokens,output_tokens\n2026-10-01T00:00:00Z,acme-ft,1000000,1000000\n2026-10-01T00:00:00Z,gpt-4o-mini,1000000,1000000\n',
    );
    return f;
  };
  const report = async (aliases: string) => {
    const r = await runCli(['report', log(), '--config', file(`modelAliases:\n${aliases}`), '--format', 'json']);
    return { ...r, json: r.code === 0 ? JSON.parse(r.stdout) : undefined };
  };

  it('follows a chain of any length to its end (a chain of five was cut after three: unpriced)', async () => {
    const r = await report('  acme-ft: b1\n  b1: b2\n  b2: b3\n  b3: b4\n  b4: gpt-4o\n');
    expect(r.code).toBe(0);
    // acme-ft as gpt-4o $12.50 + gpt-4o-mini $0.75 = $13.25, nothing unpriced, every alias used
    expect(r.json.totals.costUsd).toBe(13.25);
    expect(r.json.totals.unpricedModels).toEqual({});
    expect(r.stderr).not.toMatch(/matched no model/);
  });

  it('a cycle is an error at file:line (acme-ft was priced as gpt-4o-mini and gpt-4o-mini left unpriced)', async () => {
    const r = await report('  acme-ft: gpt-4o-mini\n  gpt-4o-mini: acme-ft\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.yaml:2: modelAliases\.acme-ft: the aliases form a cycle: "acme-ft" -> "gpt-4o-mini" -> "acme-ft"/);
  });

  it('an alias onto an unknown id is an error with the closest ids (it was a silently unpriced model)', async () => {
    const r = await report('  acme-ft: gpt4o\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.yaml:2: modelAliases\.acme-ft: "gpt4o" is not in the pricing catalog/);
    expect(r.stderr).toMatch(/hint: closest known ids: gpt-4o/);
  });

  it('one id twice in other case with two targets is an error; an id mapped onto itself changes nothing', async () => {
    const clash = await report('  acme-ft: gpt-4o\n  ACME-FT: gpt-4o-mini\n');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/\.yaml:3: modelAliases\.ACME-FT: "acme-ft" and "ACME-FT" are the same id/);
    const self = await report('  acme-ft: gpt-4o\n  gpt-4o-mini: GPT-4o-mini\n');
    expect(self.json.totals.costUsd).toBe(13.25);
  });
});

describe('ids and aliases of price-file entries', () => {
  const entry = (id: string, price: number, aliases = '') =>
    `  - id: ${id}\n${aliases ? `    aliases: [${aliases}]\n` : ''}    prices:\n      - { inputPerMTok: ${price}, outputPerMTok: ${price} }\n`;
  const doc = (...entries: string[]) => `provider: openai\nsource: s\ncheckedAt: 2026-11-01\nmodels:\n${entries.join('')}`;

  it("an entry for one snapshot takes that id alone, not the whole model (gpt-4o was priced at the snapshot's $1)", () => {
    const f = file(doc(entry('gpt-4o-2024-08-06', 1)));
    // the snapshot: $1 + $1 = $2; gpt-4o and its other snapshot and dated ids stay at $2.50 + $10 = $12.50
    expect(costOf('gpt-4o-2024-08-06', f)).toBe('2');
    expect(costOf('gpt-4o', f)).toBe('12.5');
    expect(costOf('gpt-4o-2024-11-20', f)).toBe('12.5');
    expect(costOf('gpt-4o-2099-01-01', f)).toBe('12.5');
  });

  it('so does a LiteLLM map key for a snapshot (the later of its keys for one id is kept)', () => {
    const f = join(dir, `ll${n++}.json`);
    const row = (usdPerToken: number) => ({
      litellm_provider: 'openai',
      input_cost_per_token: usdPerToken,
      output_cost_per_token: usdPerToken,
    });
    writeFileSync(f, JSON.stringify({ 'gpt-4o-2024-08-06': row(1e-6), 'openai/gpt-4o-2024-08-06': row(2e-6) }));
    // the snapshot at the later key's $2 + $2 = $4; gpt-4o at the bundled $12.50 (was $4)
    expect(costOf('gpt-4o-2024-08-06', f)).toBe('4');
    expect(costOf('gpt-4o', f)).toBe('12.5');
  });

  it("an alias that names a bundled model's id is an error at file:line (it took gpt-4o alone)", () => {
    const f = file(doc(entry('acme-1', 1, 'gpt-4o')));
    expect(() => loadCatalog({ priceFiles: [f] })).toThrow(
      /p\d+\.yaml:6: models\[0\]\.aliases\[0\]: "gpt-4o" is the id of model "gpt-4o" from the bundled catalog/,
    );
  });

  it("within one file an alias that is another entry's id or alias is an error (one of them was silently dropped)", () => {
    const f = file(doc(entry('acme-1', 1), entry('acme-2', 7, 'acme-1, shared'), entry('acme-3', 9, 'shared')));
    let message = '';
    try {
      loadCatalog({ priceFiles: [f] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/:9: models\[1\]\.aliases\[0\]: "acme-1" is already a key of model "acme-1" in this file/);
    expect(message).toMatch(/:13: models\[2\]\.aliases\[0\]: "shared" is already a key of model "acme-2" in this file/);
  });

  it('an override by id takes the bundled aliases and snapshots with it, restated or not', () => {
    const f = file(doc(entry('gpt-4o', 1, 'gpt-4o-2024-11-20')));
    expect(costOf('gpt-4o-2024-08-06', f)).toBe('2');
    expect(costOf('gpt-4o-2024-11-20', f)).toBe('2');
  });
});
