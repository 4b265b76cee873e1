import { describe, expect, it } from 'vitest';
import { checkPrompt, checkTotal, type Measured } from '../../src/gate/rules.js';
import { stricterBudgets } from '../../src/gate/run.js';

/** USD to femto-dollars. */
const usd = (n: number) => BigInt(Math.round(n * 1e6)) * 1_000_000_000n;

function measured(over: Partial<Measured> = {}): Measured {
  // $0.004 per call x 100,000 calls = $400/month; baseline $0.003 per call = $300/month
  return {
    id: 'bot',
    file: 'bot.yaml',
    model: 'gpt-4o-mini',
    resolvedModel: 'gpt-4o-mini',
    inputTokens: 3000,
    costPerCall: usd(0.004),
    callsPerMonth: 100_000,
    monthly: usd(400),
    before: { costPerCall: usd(0.003), monthly: usd(300), inputTokens: 2000 },
    ...over,
  };
}

describe('budget rules: each fails over its limit and passes at it', () => {
  it('maxCostPerCall: impact = excess per call x calls', () => {
    expect(checkPrompt(measured(), { maxCostPerCall: 0.004 })).toEqual([]);
    const [v] = checkPrompt(measured(), { maxCostPerCall: 0.0035 });
    expect(v).toMatchObject({ prompt: 'bot', rule: 'maxCostPerCall', impactMonthly: usd(50) });
    expect(v.message).toBe(
      'bot: maxCostPerCall exceeded: $0.004/call (limit $0.0035/call); $0.003 -> $0.004 per call (+$0.001) at 100,000 calls/month; impact +$50.00/month',
    );
    // counts from a model without a public tokenizer: the message (an annotation in CI) says they are estimates
    expect(checkPrompt(measured({ estimatedTokens: true }), { maxCostPerCall: 0.0035 })[0].message).toBe(
      'bot: maxCostPerCall exceeded: $0.004/call (limit $0.0035/call); $0.003 -> $0.004 per call (+$0.001) at 100,000 calls/month (token counts estimated); impact +$50.00/month',
    );
  });

  it('maxMonthlyUsd: impact = monthly - limit', () => {
    expect(checkPrompt(measured(), { maxMonthlyUsd: 400 })).toEqual([]);
    expect(checkPrompt(measured(), { maxMonthlyUsd: 350 })[0]).toMatchObject({
      rule: 'maxMonthlyUsd',
      impactMonthly: usd(50),
      actual: '$400.00/month',
    });
  });

  it('maxIncreasePct: per call vs the baseline (+33.3% here)', () => {
    expect(checkPrompt(measured(), { maxIncreasePct: 33.34 })).toEqual([]);
    expect(checkPrompt(measured(), { maxIncreasePct: 33.33 })[0]).toMatchObject({
      rule: 'maxIncreasePct',
      actual: '+33.3% per call',
      impactMonthly: usd(100),
    });
    expect(checkPrompt(measured({ before: undefined }), { maxIncreasePct: 0 })).toEqual([]);
    expect(checkPrompt(measured({ before: null }), { maxIncreasePct: 0 })).toEqual([]);
  });

  it('maxIncreasePct: a rise from $0 per call (a self-hosted or free model before) is over any limit; $0 to $0 is not', () => {
    const free = { costPerCall: 0n, monthly: 0n, inputTokens: 3000 };
    // $0 -> $0.004 per call: no percentage exists, the increase is unbounded; impact $400 - $0 = $400/month
    const [v] = checkPrompt(measured({ before: free }), { maxIncreasePct: 1000 });
    expect(v).toMatchObject({
      rule: 'maxIncreasePct',
      limit: '+1000%',
      actual: 'from $0.00 per call (no percentage of $0)',
      impactMonthly: usd(400),
    });
    expect(checkPrompt(measured({ before: free, costPerCall: 0n, monthly: 0n }), { maxIncreasePct: 0 })).toEqual([]);
  });

  it('maxIncreaseUsd: increase per month at current traffic', () => {
    expect(checkPrompt(measured(), { maxIncreaseUsd: 100 })).toEqual([]);
    expect(checkPrompt(measured(), { maxIncreaseUsd: 99.99 })[0]).toMatchObject({
      rule: 'maxIncreaseUsd',
      actual: '+$100.00/month',
      limit: '+$99.99/month',
    });
  });

  it('maxTokens: input tokens per call', () => {
    expect(checkPrompt(measured(), { maxTokens: 3000 })).toEqual([]);
    expect(checkPrompt(measured(), { maxTokens: 2999 })[0]).toMatchObject({ rule: 'maxTokens', impactMonthly: usd(100) });
  });

  it('allowedModels: by resolved catalog id', () => {
    expect(checkPrompt(measured(), { allowedModels: ['gpt-4o-mini'] }, new Set(['gpt-4o-mini']))).toEqual([]);
    expect(checkPrompt(measured({ before: null }), { allowedModels: ['gpt-4o'] }, new Set(['gpt-4o']))[0]).toMatchObject({
      rule: 'allowedModels',
      actual: 'gpt-4o-mini',
      impactMonthly: usd(400),
    });
  });

  it('maxMonthlyUsd total: all prompts together', () => {
    const all = [measured(), measured({ id: 'b', monthly: usd(250) })];
    expect(checkTotal(all, { maxTotalMonthlyUsd: 650 })).toEqual([]);
    expect(checkTotal(all, { maxTotalMonthlyUsd: 600 })[0]).toMatchObject({
      prompt: 'total',
      rule: 'maxTotalMonthlyUsd',
      impactMonthly: usd(50),
    });
  });
});

describe('stricterBudgets: a change is judged by the stricter of the base revision budgets and its own', () => {
  // names resolve to themselves, an alias to its model; an unknown name to nothing
  const ids = new Map([
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['gpt-4o', 'gpt-4o'],
    ['mini', 'gpt-4o-mini'],
  ]);
  const idOf = (m: string) => ids.get(m);

  it('takes the lower limit, a limit only the base sets, and says which the change loosened', () => {
    const s = stricterBudgets(
      { maxIncreasePct: 50, maxCostPerCall: 0.01, maxTokens: 9000 },
      { maxIncreasePct: 10, maxCostPerCall: 0.02, maxIncreaseUsd: 5, maxTokens: 9000 },
      idOf,
    );
    expect(s.budgets).toEqual({ maxIncreasePct: 10, maxCostPerCall: 0.01, maxIncreaseUsd: 5, maxTokens: 9000 });
    expect(s.loosened.map((l) => l.text)).toEqual(['maxIncreasePct 10 → 50', 'maxIncreaseUsd 5 → none']);
  });

  it('allows only models both lists allow (by resolved id); a list only the base has applies', () => {
    const added = stricterBudgets({ allowedModels: ['mini', 'gpt-4o'] }, { allowedModels: ['gpt-4o-mini', 'unknown-x'] }, idOf);
    expect(added.budgets.allowedModels).toEqual(['mini']);
    expect(added.loosened.map((l) => l.text)).toEqual(['allowedModels [gpt-4o-mini, unknown-x] → [mini, gpt-4o]']);
    const dropped = stricterBudgets({}, { allowedModels: ['gpt-4o-mini'] }, idOf);
    expect(dropped.budgets.allowedModels).toEqual(['gpt-4o-mini']);
    expect(dropped.loosened.map((l) => l.text)).toEqual(['allowedModels [gpt-4o-mini] → any model']);
    // the same list, or a narrower one: nothing loosened, the working tree's applies
    const same = stricterBudgets({ allowedModels: ['mini'] }, { allowedModels: ['gpt-4o-mini', 'gpt-4o'] }, idOf);
    expect(same).toEqual({ budgets: { allowedModels: ['mini'] }, loosened: [] });
    // no model in both: none is allowed, and the limit says so
    const none = stricterBudgets({ allowedModels: ['gpt-4o'] }, { allowedModels: ['gpt-4o-mini'] }, idOf);
    expect(none.budgets.allowedModels).toEqual([]);
    const v = checkPrompt(measured({ model: 'gpt-4o', resolvedModel: 'gpt-4o' }), none.budgets, new Set());
    expect(v.map((x) => [x.rule, x.limit])).toEqual([['allowedModels', 'none']]);
  });
});
