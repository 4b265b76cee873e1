/**
 * Scenario files: versioned YAML with named scenarios, each a list of levers applied in order.
 *
 *   version: 1
 *   scenarios:
 *     - name: cache
 *       levers:
 *         - prefixCache: { ttl: 5m, scope: customer }
 *           where: { feature: support-chat }
 *     - name: cache+batch
 *       inherits: cache
 *       levers:
 *         - batch: { share: 1 }
 *           where: { feature: nightly-report }
 *
 * A lever item holds exactly one lever key (its parameters), plus optional `where` (scope),
 * `name` and `before`. A scenario that `inherits` another starts from the parent's levers; a child
 * lever whose name (default: its kind) equals a parent lever's name replaces it in place, others
 * are appended, or inserted before the lever named by `before` (e.g. volume before the caches).
 * Every error names `file:line: path: message`; unknown keys are rejected.
 */
import { readTextFile } from '../core/read-text.js';
import { UserError } from '../core/issues.js';
import { arr, int, obj, opt, req, str, validate, type Field, type Rule, type ValidationError } from '../core/validate.js';
import { describeErrors, parseYaml, type LoadedYaml, describeSyntaxErrors } from '../core/yaml.js';
import { LEVERS } from './levers/index.js';
import { LEVER_KINDS, type LeverKind, type LeverSpec, type Where } from './types.js';

export interface Scenario {
  name: string;
  description?: string;
  inherits?: string;
  levers: LeverSpec[];
  /** `file:line` of the scenario. */
  at: string;
}

const strOrList: Rule = { kind: 'any' };

const whereRule = obj({
  feature: opt(strOrList),
  model: opt(strOrList),
  provider: opt(strOrList),
  customer: opt(strOrList),
  tag: opt({ kind: 'record', of: str() }),
  minInputTokens: opt(int()),
  maxInputTokens: opt(int()),
});

function leverRule(item: Record<string, unknown>): Rule {
  const kinds = Object.keys(item).filter((k) => (LEVER_KINDS as readonly string[]).includes(k));
  const fields: Record<string, Field> = { where: opt(whereRule), name: opt(str()), before: opt(str()) };
  if (kinds.length === 0) for (const k of LEVER_KINDS) fields[k] = opt({ kind: 'any' });
  for (const k of kinds) fields[k] = req(obj(LEVERS[k as LeverKind].fields));
  return obj(fields);
}

const scenarioRule = obj({
  name: req(str()),
  description: opt(str()),
  inherits: opt(str()),
  levers: opt(arr({ kind: 'oneOf', describe: 'a lever, e.g. `- batch: { share: 1 }`', pick: leverRule })),
});

export const scenarioFileRule = obj({ version: req(int(1, 1)), scenarios: req(arr(scenarioRule, 1)) });

/** Extra checks the structural validator cannot express. */
function semanticErrors(doc: { scenarios: Array<Record<string, unknown>> }): ValidationError[] {
  const errors: ValidationError[] = [];
  doc.scenarios.forEach((s, i) => {
    const levers = (s.levers as Array<Record<string, unknown>> | undefined) ?? [];
    levers.forEach((l, j) => {
      const kinds = Object.keys(l).filter((k) => (LEVER_KINDS as readonly string[]).includes(k));
      const path = ['scenarios', i, 'levers', j];
      if (kinds.length === 0) errors.push({ path, message: `no lever; expected one of ${LEVER_KINDS.join(', ')}` });
      if (kinds.length > 1)
        errors.push({
          path: [...path, kinds[1]],
          message: `one lever per item (found ${kinds.join(' and ')}); start a new "- ${kinds[1]}:" item`,
        });
      const where = l.where as Record<string, unknown> | undefined;
      for (const k of ['feature', 'model', 'provider', 'customer']) {
        const v = where?.[k];
        if (v !== undefined && typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string')))
          errors.push({ path: [...path, 'where', k], message: 'expected a string or a list of strings' });
      }
      if (kinds.length === 1) {
        const check = LEVERS[kinds[0] as LeverKind].check;
        for (const e of check?.(l[kinds[0]] as Record<string, unknown>) ?? [])
          errors.push({ path: [...path, kinds[0], ...e.path], message: e.message });
      }
    });
  });
  return errors;
}

const asList = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? (v as string[]) : [v as string]);

function toWhere(raw: Record<string, unknown> | undefined): Where | undefined {
  if (!raw) return undefined;
  return {
    feature: asList(raw.feature),
    model: asList(raw.model),
    provider: asList(raw.provider),
    customer: asList(raw.customer),
    tag: raw.tag as Record<string, string> | undefined,
    minInputTokens: raw.minInputTokens as number | undefined,
    maxInputTokens: raw.maxInputTokens as number | undefined,
  };
}

/** Parse and validate one scenario file's text. Throws UserError with every problem. */
export function parseScenarioText(text: string, file: string): Scenario[] {
  const loaded = parseYaml(text);
  if ('errors' in loaded) throw new UserError(describeSyntaxErrors(file, loaded.errors), 'fix the YAML syntax');
  let errors = validate(loaded.value, scenarioFileRule);
  if (errors.length === 0) errors = semanticErrors(loaded.value as { scenarios: Array<Record<string, unknown>> });
  if (errors.length > 0) throw new UserError(describeErrors(file, loaded, errors), 'see the scenario file format in README.md#simulate');
  return toScenarios(loaded, file);
}

function toScenarios(loaded: LoadedYaml, file: string): Scenario[] {
  const doc = loaded.value as { scenarios: Array<Record<string, unknown>> };
  return doc.scenarios.map((s, i) => ({
    name: s.name as string,
    description: s.description as string | undefined,
    inherits: s.inherits as string | undefined,
    at: `${file}:${loaded.lineOf(['scenarios', i]) ?? 0}`,
    levers: ((s.levers as Array<Record<string, unknown>> | undefined) ?? []).map((l, j) => {
      const kind = Object.keys(l).find((k) => (LEVER_KINDS as readonly string[]).includes(k)) as LeverKind;
      return {
        kind,
        name: (l.name as string | undefined) ?? kind,
        params: l[kind] as Record<string, unknown>,
        where: toWhere(l.where as Record<string, unknown> | undefined),
        before: l.before as string | undefined,
        at: `${file}:${loaded.lineOf(['scenarios', i, 'levers', j]) ?? 0}`,
      };
    }),
  }));
}

export function loadScenarioFile(file: string): Scenario[] {
  const text = readTextFile(file, { what: 'scenario file', hint: 'check the path given to --scenario' }).text;
  return parseScenarioText(text, file);
}

/** Resolve `inherits` across all loaded scenarios; names must be unique; cycles are errors. */
export function resolveInheritance(all: Scenario[]): Scenario[] {
  const byName = new Map<string, Scenario>();
  for (const s of all) {
    const prev = byName.get(s.name);
    if (prev)
      throw new UserError(
        `${s.at}: scenario "${s.name}" is already defined at ${prev.at}`,
        'scenario names must be unique across all --scenario files',
      );
    byName.set(s.name, s);
  }
  const resolved = new Map<string, LeverSpec[]>();
  const levers = (s: Scenario, chain: string[]): LeverSpec[] => {
    const done = resolved.get(s.name);
    if (done) return done;
    if (chain.includes(s.name))
      throw new UserError(
        `${s.at}: scenario "${s.name}" inherits itself (${[...chain, s.name].join(' -> ')})`,
        'inherits: names a parent scenario; remove one inherits: from the cycle',
      );
    let list: LeverSpec[] = [];
    if (s.inherits !== undefined) {
      const parent = byName.get(s.inherits);
      if (!parent)
        throw new UserError(
          `${s.at}: scenario "${s.name}" inherits unknown scenario "${s.inherits}"`,
          `known: ${[...byName.keys()].join(', ')}`,
        );
      list = levers(parent, [...chain, s.name]).slice();
    }
    // only an inherited lever is replaced by name: two levers of one kind in the same scenario
    // (prefixCache, then prefixCache for drafts) both run, as prefixCache and prefixCache#2
    const inherited = new Set(list);
    const named = new Map<string, LeverSpec>();
    for (const l of s.levers) {
      // two levers given one name in a scenario: the waterfall showed two rows of that name, and
      // before: could not tell them apart
      const same = l.name !== l.kind ? named.get(l.name) : undefined;
      if (same)
        throw new UserError(
          `${l.at}: scenario "${s.name}" has two levers named "${l.name}" (the other at ${same.at})`,
          'give each lever of a scenario its own name: the waterfall and before: tell them apart by it',
        );
      if (l.name !== l.kind) named.set(l.name, l);
      const i = list.findIndex((p) => inherited.has(p) && p.name === l.name);
      const b = l.before === undefined ? -1 : list.findIndex((p) => p.name === l.before);
      if (l.before !== undefined && b < 0)
        throw new UserError(
          `${l.at}: before: no lever named "${l.before}" in scenario "${s.name}"`,
          `lever names: ${list.map((p) => p.name).join(', ') || '(none)'}`,
        );
      if (i >= 0) list.splice(i, 1);
      if (b >= 0)
        list.splice(
          list.findIndex((p) => p.name === l.before),
          0,
          l,
        );
      else if (i >= 0) list.splice(i, 0, l);
      else list.push(l);
    }
    resolved.set(s.name, list);
    return list;
  };
  return all.map((s) => ({ ...s, levers: levers(s, []) }));
}
