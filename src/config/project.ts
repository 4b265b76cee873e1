/**
 * The project config file `tokenomics.yaml`, looked up from the current directory upward
 * (or given with --config). Each section is validated by the module that owns it; this file
 * checks the top level and keeps the parsed document with line numbers for messages.
 */
import { existsSync } from 'node:fs';
import { readTextFile } from '../core/read-text.js';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/issues.js';
import { validate, type Rule } from '../core/validate.js';
import { describeErrors, parseYaml, type LoadedYaml, describeSyntaxErrors } from '../core/yaml.js';

const CONFIG_NAMES = ['tokenomics.yaml', 'tokenomics.yml'];

export interface ProjectConfig {
  file: string;
  /** Given with --config (else found by the upward search, which the run announces). */
  explicit?: boolean;
  dir: string;
  loaded: LoadedYaml;
  doc: Record<string, unknown>;
}

const topLevel: Rule = {
  kind: 'object',
  fields: {
    prices: { rule: { kind: 'any' } },
    modelAliases: { rule: { kind: 'record', of: { kind: 'string' } } },
    columns: { rule: { kind: 'record', of: { kind: 'string' } } },
    attribution: { rule: { kind: 'record', of: { kind: 'string' } } },
    check: { rule: { kind: 'any' } },
  },
};

/**
 * The nearest config from `startDir` upward, stopping at the repository root (a directory holding
 * `.git`, a directory or a worktree's file): a tokenomics.yaml above the repository belongs to
 * someone else and is never applied silently.
 */
function findConfig(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `found`: the file was found by the upward search (not given with --config), which the hint says. */
export function loadConfig(file: string, found = false): ProjectConfig {
  const hint = found
    ? `found by the search for tokenomics.yaml from the current directory upward: fix or rename it, or pass --config FILE`
    : 'check the --config path';
  const text = readTextFile(file, { what: 'config', hint }).text;
  const parsed = parseYaml(text);
  if ('errors' in parsed) throw new UserError(describeSyntaxErrors(file, parsed.errors), 'fix the YAML syntax');
  const doc = parsed.value ?? {};
  const errors = validate(doc, topLevel);
  if (errors.length > 0) {
    throw new UserError(
      ['invalid config:', ...describeErrors(file, parsed, errors)],
      'known sections: prices, modelAliases, columns, attribution, check',
    );
  }
  return { file, dir: dirname(file), loaded: parsed, doc: doc as Record<string, unknown> };
}

/** Locate and load the config: an explicit path, else the nearest tokenomics.yaml upward, else none. */
export function resolveConfig(explicit: string | undefined, cwd: string): ProjectConfig | undefined {
  if (explicit) return { ...loadConfig(resolve(cwd, explicit)), explicit: true };
  const found = findConfig(cwd);
  return found ? loadConfig(found, true) : undefined;
}

/** A config's text read from elsewhere (a git revision, for `check --base-ref`), checked like a file on disk. */
export function parseConfigText(text: string, file: string, dir: string): ProjectConfig {
  const parsed = parseYaml(text.replace(/^\uFEFF/, ''));
  if ('errors' in parsed) throw new UserError(describeSyntaxErrors(file, parsed.errors), 'fix the YAML syntax');
  const doc = parsed.value ?? {};
  const errors = validate(doc, topLevel);
  if (errors.length > 0)
    throw new UserError(
      ['invalid config:', ...describeErrors(file, parsed, errors)],
      'known sections: prices, modelAliases, columns, attribution, check',
    );
  return { file, dir, loaded: parsed, doc: doc as Record<string, unknown> };
}
