/**
 * A small structural validator for YAML/JSON configuration: rejects unknown keys, checks types
 * and ranges, and reports every problem with a key path (`models[3].cacheReadPerMTok`).
 * Line numbers are attached by the caller from the YAML document (see core/yaml.ts).
 */
import { parseIsoStrict } from './iso.js';

export type PathPart = string | number;

export interface ValidationError {
  path: PathPart[];
  message: string;
}

export type Rule =
  | { kind: 'number'; min?: number; max?: number; integer?: boolean }
  | { kind: 'string'; pattern?: RegExp; patternHint?: string; enum?: readonly string[] }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'array'; of: Rule; minItems?: number }
  | { kind: 'record'; of: Rule }
  | { kind: 'object'; fields: Record<string, Field>; allowExtra?: boolean }
  | { kind: 'oneOf'; pick: (value: Record<string, unknown>) => Rule; describe: string }
  | { kind: 'any' };

export interface Field {
  rule: Rule;
  required?: boolean;
}

export const num = (min = 0, max?: number): Rule => ({ kind: 'number', min, max });
export const int = (min = 0, max?: number): Rule => ({ kind: 'number', min, max, integer: true });
export const str = (): Rule => ({ kind: 'string' });
export const oneOfStr = (values: readonly string[]): Rule => ({ kind: 'string', enum: values });
export const req = (rule: Rule): Field => ({ rule, required: true });
export const opt = (rule: Rule): Field => ({ rule });
export const obj = (fields: Record<string, Field>): Rule => ({ kind: 'object', fields });
export const arr = (of: Rule, minItems = 0): Rule => ({ kind: 'array', of, minItems });

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A base-10 number as a person writes it on a command line: digits, an optional fraction and exponent. */
const DECIMAL_RE = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * The number a command-line value states, or NaN when it is not a plain decimal: `Number()` alone
 * reads `0x09` as 9, `0b11` as 3, `0o7` as 7, and blank or `Infinity` text too. Every numeric option
 * goes through this one parser.
 */
export function decimalNumber(text: string): number {
  const t = text.trim();
  return DECIMAL_RE.test(t) ? Number(t) : Number.NaN;
}

export function formatPath(path: PathPart[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validate(value: unknown, rule: Rule, path: PathPart[] = [], errors: ValidationError[] = []): ValidationError[] {
  const fail = (message: string) => errors.push({ path, message });
  switch (rule.kind) {
    case 'any':
      break;
    case 'number': {
      const what = rule.integer ? 'integer' : 'number';
      const a = rule.integer ? 'an' : 'a';
      // a bound other than 0 is stated: "expected a integer (got 0)" read as if 0 were no integer
      const bound =
        rule.min === 0 ? `a non-negative ${what}` : rule.min !== undefined ? `${a} ${what} of at least ${rule.min}` : `${a} ${what}`;
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`expected ${bound} (got ${typeName(value)})`);
      else if (rule.integer && !Number.isInteger(value)) fail(`expected an integer (got ${value})`);
      else if (rule.min !== undefined && value < rule.min) fail(`expected ${bound} (got ${value})`);
      else if (rule.max !== undefined && value > rule.max) fail(`expected at most ${rule.max} (got ${value})`);
      break;
    }
    case 'string':
      if (typeof value !== 'string') fail(`expected a string (got ${typeName(value)})`);
      else if (rule.enum && !rule.enum.includes(value)) fail(`expected one of ${rule.enum.join(', ')} (got "${value}")`);
      else if (rule.pattern && !rule.pattern.test(value)) fail(`expected ${rule.patternHint ?? rule.pattern} (got "${value}")`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expected true or false (got ${typeName(value)})`);
      break;
    case 'date':
      if (value instanceof Date) break;
      if (typeof value !== 'string' || !DATE_RE.test(value) || Number.isNaN(parseIsoStrict(value + 'T00:00:00Z')))
        fail(`expected a date YYYY-MM-DD (got ${typeName(value)})`);
      break;
    case 'array':
      if (!Array.isArray(value)) fail(`expected a list (got ${typeName(value)})`);
      else {
        if (rule.minItems && value.length < rule.minItems) fail(`expected at least ${rule.minItems} item(s)`);
        value.forEach((item, i) => validate(item, rule.of, [...path, i], errors));
      }
      break;
    case 'record':
      if (!isPlainObject(value)) fail(`expected a mapping (got ${typeName(value)})`);
      else for (const [k, v] of Object.entries(value)) validate(v, rule.of, [...path, k], errors);
      break;
    case 'object':
      validateObject(value, rule, path, errors);
      break;
    case 'oneOf':
      if (!isPlainObject(value)) fail(`expected ${rule.describe} (got ${typeName(value)})`);
      else validate(value, rule.pick(value), path, errors);
      break;
  }
  return errors;
}

function validateObject(value: unknown, rule: Extract<Rule, { kind: 'object' }>, path: PathPart[], errors: ValidationError[]): void {
  if (!isPlainObject(value)) {
    errors.push({ path, message: `expected a mapping (got ${typeName(value)})` });
    return;
  }
  for (const [key, field] of Object.entries(rule.fields)) {
    const v = value[key];
    if (v === undefined || v === null) {
      if (field.required) errors.push({ path: [...path, key], message: 'is required' });
      // an empty value (`key:` in YAML, `--set key=null`) means "not given": drop it, so code after
      // validation meets undefined (and its default), never a null it does not expect
      else if (v === null) delete value[key];
      continue;
    }
    validate(v, field.rule, [...path, key], errors);
  }
  if (rule.allowExtra) return;
  const known = Object.keys(rule.fields);
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(rule.fields, key)) {
      const close = closest(key, known);
      errors.push({ path: [...path, key], message: `unknown key${close ? ` (did you mean "${close}"?)` : ''}` });
    }
  }
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

export function closest(word: string, candidates: readonly string[], maxDistance = 3): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lw = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lw, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(maxDistance, Math.floor(word.length / 3)) ? best : undefined;
}
