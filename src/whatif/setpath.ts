/**
 * `--set path=value`: change one assumption of a what-if document before it is validated.
 * The path is a dot path into the YAML document (features.screening.outputTokens); the value is
 * parsed as a YAML scalar or flow mapping, so `400` is a number and `{p50: 300, p90: 900}` a
 * distribution. Unknown paths are refused with the valid keys at the deepest known level.
 */
import { parse as parseYamlValue } from 'yaml';
import { UserError } from '../core/issues.js';
import { closest, type Rule } from '../core/validate.js';
import { DIST_KEYS } from './dist.js';
import { whatifRule } from './schema.js';

/** Keys that reach JavaScript's object machinery instead of data: refused in paths, never followed. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface SetOverride {
  /** As given on the command line. */
  raw: string;
  path: string[];
  value: unknown;
}

export function parseSet(raw: string): SetOverride {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new UserError(`--set expects path=value (got "${raw}")`, 'e.g. --set features.screening.outputTokens=400');
  const pathText = raw.slice(0, eq).trim();
  const path = pathText.split('.');
  if (path.some((p) => p === ''))
    throw new UserError(`--set: bad path "${pathText}"`, 'use a dot path such as features.screening.outputTokens');
  const reserved = path.find((p) => RESERVED_KEYS.has(p));
  if (reserved !== undefined)
    throw new UserError(
      `--set: "${reserved}" is not allowed in a path (got "${pathText}")`,
      'name a key of the what-if file, e.g. features.screening.outputTokens; rename a feature called that in the file',
    );
  let value: unknown;
  try {
    value = parseYamlValue(raw.slice(eq + 1));
  } catch (err) {
    throw new UserError(`--set ${pathText}: cannot parse value "${raw.slice(eq + 1)}": ${(err as Error).message.split('\n')[0]}`);
  }
  return { raw, path, value };
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownKey(key: string, at: string[], valid: string[], what = 'key'): UserError {
  const near = closest(key, valid);
  const where = at.length ? at.join('.') : '(top level)';
  return new UserError(
    `--set: unknown ${what} "${key}" at ${where}`,
    `${near ? `did you mean ${[...at, near].join('.')}? ` : ''}valid ${what === 'feature' ? 'features' : 'keys'} at ${where}: ${valid.join(', ')}`,
  );
}

/** The rule for a key under an object/record rule, or a UserError describing valid keys. */
function childRule(rule: Rule, node: Record<string, unknown>, key: string, at: string[]): Rule {
  if (rule.kind === 'object') {
    const field = Object.hasOwn(rule.fields, key) ? rule.fields[key] : undefined;
    if (!field) throw unknownKey(key, at, Object.keys(rule.fields));
    return field.rule;
  }
  if (rule.kind === 'record') {
    if (!Object.hasOwn(node, key)) throw unknownKey(key, at, Object.keys(node), 'feature');
    return rule.of;
  }
  // a quantity (number or distribution): only a distribution's own keys
  const valid = Object.values(DIST_KEYS).flat();
  if (rule.kind === 'any' && isMap(node) && valid.includes(key)) {
    const form = Object.values(DIST_KEYS).find((ks) => ks.every((k) => k in node));
    if (form?.includes(key)) return { kind: 'number', min: 0 };
    throw unknownKey(key, at, form ? [...form] : valid);
  }
  throw new UserError(
    `--set: ${at.join('.')} has no key "${key}"`,
    `set the whole value instead, e.g. --set ${at.join('.')}=400 or --set '${at.join('.')}={p50: 300, p90: 900}'`,
  );
}

/** Apply overrides to a parsed document (mutates and returns it). */
export function applySets(doc: unknown, sets: SetOverride[]): unknown {
  if (!isMap(doc)) return doc;
  for (const s of sets) {
    let node: Record<string, unknown> = doc;
    let rule: Rule = whatifRule;
    for (let i = 0; i < s.path.length; i++) {
      const key = s.path[i];
      const at = s.path.slice(0, i);
      const last = i === s.path.length - 1;
      rule = childRule(rule, node, key, at);
      if (last) {
        node[key] = s.value;
        break;
      }
      let next = node[key];
      if (next === undefined || next === null) {
        if (rule.kind !== 'object')
          throw new UserError(
            `--set: ${[...at, key].join('.')} is not set in the file`,
            `set the whole value: --set ${[...at, key].join('.')}=VALUE`,
          );
        next = node[key] = {};
      }
      if (!isMap(next)) {
        const p = [...at, key].join('.');
        throw new UserError(
          `--set: ${p} is ${JSON.stringify(next)}, not a mapping`,
          rule.kind === 'any'
            ? `set the whole value instead, e.g. --set '${p}={p50: 300, p90: 900}'`
            : `set the whole value instead: --set ${p}=VALUE`,
        );
      }
      node = next;
    }
  }
  return doc;
}
