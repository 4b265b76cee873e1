/**
 * Loading a what-if file: read, parse YAML (with lines), apply --set overrides, validate, and
 * resolve every model against the catalog. Any problem stops the run (exit 2) with
 * `file:line: path: message` lines; values changed by --set are located at the flag instead.
 */
import { readTextFile } from '../core/read-text.js';
import { UserError } from '../core/issues.js';
import { formatPath, type ValidationError } from '../core/validate.js';
import { parseYaml, type LoadedYaml, describeSyntaxErrors } from '../core/yaml.js';
import type { Catalog, Resolution } from '../pricing/catalog.js';
import { toSpec, validateWhatif, type WhatifSpec } from './schema.js';
import { applySets, type SetOverride } from './setpath.js';

export interface LoadedWhatif {
  file: string;
  /** The document after --set (the assumptions as evaluated). */
  doc: Record<string, unknown>;
  spec: WhatifSpec;
  resolutions: Map<string, Resolution>;
  /** Line of a key path in the file as written. */
  lineOf(path: string[]): number | undefined;
}

const SCHEMA_HINT = 'see README.md#whatif for the format';

function locate(file: string, loaded: LoadedYaml, sets: SetOverride[], e: ValidationError): string {
  const path = e.path.map(String);
  // an error at or under a --set path, or on the mapping it changed (e.g. a distribution), is the flag's
  const related = (s: SetOverride) =>
    s.path.every((p, i) => i >= path.length || p === path[i]) && (path.length >= s.path.length || path.length >= 2);
  const set = [...sets].reverse().find(related);
  if (set) return `--set ${set.raw}: ${formatPath(e.path)}: ${e.message}`;
  const line = loaded.lineOf(e.path);
  return `${file}${line ? `:${line}` : ''}: ${formatPath(e.path)}: ${e.message}`;
}

/** Read a small text input file (what-if, revenue), bounded in size like every other input (core/read-text). */
export function readBoundedText(file: string, hint: string): string {
  return readTextFile(file, { what: 'input file', hint }).text;
}

export function readWhatifText(file: string): string {
  return readTextFile(file, { what: 'what-if file', hint: 'give the path of a what-if YAML file' }).text;
}

/** Parse, override, validate and resolve a what-if document (pure apart from the catalog). */
export function loadWhatifText(text: string, file: string, sets: SetOverride[], catalog: Catalog): LoadedWhatif {
  const parsed = parseYaml(text);
  if ('errors' in parsed) throw new UserError(describeSyntaxErrors(file, parsed.errors), 'fix the YAML syntax');
  const doc = applySets(parsed.value, sets);
  const errors = validateWhatif(doc);
  if (errors.length > 0) throw new UserError(['invalid what-if file:', ...errors.map((e) => locate(file, parsed, sets, e))], SCHEMA_HINT);
  const spec = toSpec(doc);
  const resolutions = new Map<string, Resolution>();
  const unknown: Array<{ model: string; where: string }> = [];
  const check = (model: string, path: string[]) => {
    if (resolutions.has(model)) return;
    const res = catalog.resolve(model);
    if (res) resolutions.set(model, res);
    else if (!unknown.some((u) => u.model === model))
      unknown.push({ model, where: locate(file, parsed, sets, { path, message: `unknown model "${model}": not in the pricing catalog` }) });
  };
  for (const f of spec.features) {
    check(f.model, ['features', f.name, 'model']);
    if (f.route) check(f.route.model, ['features', f.name, 'route', 'model']);
    if (f.floorModel) check(f.floorModel, ['features', f.name, 'floorModel']);
  }
  if (unknown.length > 0) {
    const close = catalog.suggest(unknown[0].model);
    throw new UserError(
      unknown.map((u) => u.where),
      close.length ? `closest known ids: ${close.join(', ')}` : 'add it with --prices FILE or a prices: section in tokenomics.yaml',
    );
  }
  return { file, doc: doc as Record<string, unknown>, spec, resolutions, lineOf: (path) => parsed.lineOf(path) };
}
