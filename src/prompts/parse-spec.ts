/**
 * The YAML prompt spec: named parts of one request plus what tokenomics needs to price it.
 *
 *   id: support-bot                 # joins the prompt to logs (tags.prompt) and baselines
 *   model: claude-sonnet-4-5        # or models: [a, b]
 *   system: "..."                   # or a mapping of named sections: {role: "...", outputFormat: "..."}
 *   tools: [...]                    # tool definitions, counted as their JSON
 *   examples: [{user: "...", assistant: "..."}]
 *   template: "... {{context}} ... {{question}}"
 *   variables: {context: "...", question: "..."}
 *   expectedOutputTokens: 350       # or {p50: 300, p90: 900} or {mean: 400}
 *   traffic: {callsPerDay: 20000}   # or {callsPerMonth: 600000}
 */
import { UserError } from '../core/issues.js';
import { arr, int, num, obj, opt, str, validate, type PathPart, type Rule, type ValidationError } from '../core/validate.js';
import { describeErrors, parseYaml, type LoadedYaml, describeSyntaxErrors } from '../core/yaml.js';
import { isLoadBearingName } from './load-bearing.js';
import { variablesIn } from './template.js';
import { DAYS_PER_MONTH, type OutputTokens, type Prompt, type PromptPart, type Traffic } from './types.js';

const specRule: Rule = {
  kind: 'object',
  fields: {
    id: opt(str()),
    description: opt(str()),
    model: opt(str()),
    models: opt(arr(str(), 1)),
    system: opt({ kind: 'any' }),
    tools: opt(arr({ kind: 'any' })),
    examples: opt(arr(obj({ user: { rule: str(), required: true }, assistant: { rule: str(), required: true } }))),
    template: opt(str()),
    variables: opt({ kind: 'record', of: str() }),
    expectedOutputTokens: opt({ kind: 'any' }),
    traffic: opt({ kind: 'any' }),
  },
};

const distRule: Rule = {
  kind: 'oneOf',
  describe: 'a number of tokens, {p50, p90} or {mean}',
  pick: (v) =>
    'mean' in v
      ? obj({ mean: { rule: int(), required: true }, p90: opt(int()) })
      : obj({ p50: { rule: int(), required: true }, p90: opt(int()) }),
};

const trafficRule: Rule = {
  kind: 'oneOf',
  describe: '{callsPerDay: N} or {callsPerMonth: N}',
  pick: (v) =>
    'callsPerMonth' in v ? obj({ callsPerMonth: { rule: num(), required: true } }) : obj({ callsPerDay: { rule: num(), required: true } }),
};

/** Validate `expectedOutputTokens` (a number or a distribution) at `path`; shared with the check config. */
export function validateOutputTokens(value: unknown, path: PathPart[], errors: ValidationError[]): void {
  if (typeof value === 'number') validate(value, int(), path, errors);
  else validate(value, distRule, path, errors);
}

export function validateTraffic(value: unknown, path: PathPart[], errors: ValidationError[]): void {
  validate(value, trafficRule, path, errors);
}

export function outputTokensOf(value: unknown): OutputTokens | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return { value };
  const v = value as { p50?: number; p90?: number; mean?: number };
  if (v.mean !== undefined) return { mean: v.mean, ...(v.p90 !== undefined ? { p90: v.p90 } : {}) };
  return { p50: v.p50 as number, ...(v.p90 !== undefined ? { p90: v.p90 } : {}) };
}

export function trafficOf(value: unknown): Traffic | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as { callsPerDay?: number; callsPerMonth?: number };
  if (v.callsPerMonth !== undefined) return { callsPerMonth: v.callsPerMonth, basis: `callsPerMonth: ${v.callsPerMonth}` };
  return { callsPerMonth: (v.callsPerDay as number) * DAYS_PER_MONTH, basis: `callsPerDay: ${v.callsPerDay}` };
}

function validateSystem(value: unknown, errors: ValidationError[]): void {
  if (value === undefined || value === null || typeof value === 'string') return;
  validate(value, { kind: 'record', of: str() }, ['system'], errors);
}

function specParts(doc: Record<string, unknown>): PromptPart[] {
  const parts: PromptPart[] = [];
  if (Array.isArray(doc.tools) && doc.tools.length)
    parts.push({ name: 'tools', kind: 'tools', messages: [], toolsJson: JSON.stringify(doc.tools), loadBearing: false });
  if (typeof doc.system === 'string')
    parts.push({ name: 'system', kind: 'system', messages: [{ role: 'system', content: doc.system }], loadBearing: false });
  else if (doc.system && typeof doc.system === 'object') {
    for (const [key, text] of Object.entries(doc.system as Record<string, string>)) {
      const name = `system.${key}`;
      parts.push({ name, kind: 'system', messages: [{ role: 'system', content: text }], loadBearing: isLoadBearingName(key) });
    }
  }
  const examples = (doc.examples as { user: string; assistant: string }[] | undefined) ?? [];
  if (examples.length) {
    const messages = examples.flatMap((e) => [
      { role: 'user', content: e.user },
      { role: 'assistant', content: e.assistant },
    ]);
    parts.push({ name: 'examples', kind: 'examples', messages, loadBearing: true });
  }
  if (typeof doc.template === 'string')
    parts.push({ name: 'template', kind: 'template', messages: [{ role: 'user', content: doc.template }], loadBearing: false });
  return parts;
}

/** Parse and validate a spec; errors are `file:line: path: message` lines (exit 2). */
export function parseSpecYaml(text: string, file: string, defaultId: string): Prompt {
  const parsed = parseYaml(text);
  if ('errors' in parsed) throw new UserError(describeSyntaxErrors(file, parsed.errors), 'fix the YAML syntax');
  const doc = parsed.value;
  const errors = validate(doc, specRule);
  if (errors.length === 0) {
    const d = doc as Record<string, unknown>;
    validateSystem(d.system, errors);
    if (d.expectedOutputTokens !== undefined) validateOutputTokens(d.expectedOutputTokens, ['expectedOutputTokens'], errors);
    if (d.traffic !== undefined) validateTraffic(d.traffic, ['traffic'], errors);
    if (d.model !== undefined && d.models !== undefined) errors.push({ path: ['models'], message: 'give model or models, not both' });
    if (d.system === undefined && d.template === undefined && d.examples === undefined)
      errors.push({ path: [], message: 'a prompt spec needs at least one of system, examples, template' });
  }
  if (errors.length === 0) missingValues(doc as Record<string, unknown>, errors);
  if (errors.length) throw specError(file, parsed, errors);
  const prompt = specToPrompt(doc as Record<string, unknown>, file, defaultId);
  const lineOf = (key: string) => ((doc as Record<string, unknown>)[key] !== undefined ? parsed.lineOf([key]) : undefined);
  const lines = {
    model: lineOf('model') ?? lineOf('models'),
    expectedOutputTokens: lineOf('expectedOutputTokens'),
    traffic: lineOf('traffic'),
  };
  prompt.lines = Object.fromEntries(Object.entries(lines).filter(([, v]) => v !== undefined));
  return prompt;
}

/**
 * A spec has a `variables:` section, so a `{{name}}` without a sample value there is an error
 * (the prompt would be priced with that text missing), reported at the key that uses it.
 */
function missingValues(d: Record<string, unknown>, errors: ValidationError[]): void {
  const values = (d.variables as Record<string, string> | undefined) ?? {};
  const texts: [PathPart[], string][] = [];
  if (typeof d.template === 'string') texts.push([['template'], d.template]);
  if (typeof d.system === 'string') texts.push([['system'], d.system]);
  else if (d.system && typeof d.system === 'object')
    for (const [k, v] of Object.entries(d.system as Record<string, string>)) texts.push([['system', k], v]);
  ((d.examples as { user: string; assistant: string }[] | undefined) ?? []).forEach((e, i) =>
    texts.push([['examples', i, 'user'], e.user], [['examples', i, 'assistant'], e.assistant]),
  );
  for (const [path, text] of texts) {
    const missing = variablesIn(text).filter((v) => !Object.hasOwn(values, v));
    if (missing.length)
      errors.push({
        path,
        message: `no value for ${missing.map((v) => `{{${v}}}`).join(', ')} (add ${missing.map((v) => `${v}: "..."`).join(', ')} under variables:)`,
      });
  }
}

function specError(file: string, loaded: LoadedYaml, errors: ValidationError[]): UserError {
  return new UserError(
    ['invalid prompt spec:', ...describeErrors(file, loaded, errors)],
    'keys: id, description, model, models, system, tools, examples, template, variables, expectedOutputTokens, traffic',
  );
}

function specToPrompt(d: Record<string, unknown>, file: string, defaultId: string): Prompt {
  const models = typeof d.model === 'string' ? [d.model] : ((d.models as string[] | undefined) ?? []);
  const out: Prompt = {
    id: typeof d.id === 'string' ? d.id : defaultId,
    file,
    format: 'spec',
    parts: specParts(d),
    variables: (d.variables as Record<string, string> | undefined) ?? {},
    models,
    warnings: [],
  };
  const o = outputTokensOf(d.expectedOutputTokens);
  if (o) out.expectedOutputTokens = o;
  const t = trafficOf(d.traffic);
  if (t) out.traffic = t;
  return out;
}
