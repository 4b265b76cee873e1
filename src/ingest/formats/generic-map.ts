/** Column mappings for the generic format: the canonical fields, `--map` parsing and validation. */
import { UserError } from '../../core/issues.js';
import type { ColumnMapping } from '../types.js';
import { COUNTED_CHARGES } from '../../usage/dimensions.js';

export const CANONICAL_FIELDS = [
  'model',
  'provider',
  'timestamp',
  'id',
  'input',
  'prompt',
  'cacheRead',
  'cacheWrite',
  'cacheWrite5m',
  'cacheWrite1h',
  'output',
  'reasoning',
  'requests',
  'serviceTier',
  'conversation',
  'turn',
  'user',
  'customer',
  'feature',
  'outcome',
  'promptText',
  'completionText',
  // per-call / per-unit charges, by their key in usage/dimensions.ts
  ...COUNTED_CHARGES.map((d) => d.key),
] as const;

const KNOWN = new Set<string>(CANONICAL_FIELDS);
const MAP_HINT = 'write --map as field=column pairs separated by commas, e.g. --map model=llm_model,input=tokens_in,output=tokens_out';

/** Parse `model=llm_model,input=tokens_in,tag.team=team_name` into a validated mapping. */
export function parseColumnMap(spec: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  const pairs = spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (pairs.length === 0) throw new UserError('--map is empty', MAP_HINT);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq === -1) throw new UserError(`--map entry "${pair}" has no "="`, MAP_HINT);
    const field = pair.slice(0, eq).trim();
    const column = pair.slice(eq + 1).trim();
    if (column === '') throw new UserError(`--map entry "${pair}" names no column`, MAP_HINT);
    // the field's name first: "__proto__", "constructor" are unknown fields, never found "in" the mapping's prototype
    validateField(field);
    if (Object.hasOwn(mapping, field)) throw new UserError(`--map maps "${field}" twice`, MAP_HINT);
    mapping[field] = column;
  }
  validateColumnMapping(mapping);
  return mapping;
}

/** A mapping field: a canonical field or tag.NAME; throws UserError naming it otherwise. */
function validateField(field: string): void {
  if (KNOWN.has(field)) return;
  if (/^tag\.[A-Za-z0-9_.:-]+$/.test(field)) return;
  throw new UserError(`unknown mapping field "${field}"`, `fields: ${CANONICAL_FIELDS.join(', ')}, or tag.NAME for a free-form tag`);
}

/** Check a mapping (from --map or tokenomics.yaml `columns:`); throws UserError naming the problem. */
export function validateColumnMapping(mapping: ColumnMapping): void {
  for (const field of Object.keys(mapping)) validateField(field);
  if (!mapping.model) throw new UserError('the column mapping has no "model" column', 'add model=COLUMN to --map');
  if (mapping.input && mapping.prompt) {
    throw new UserError(
      'map either "input" (uncached input) or "prompt" (total incl. cache), not both',
      'input = uncached tokens only; prompt = inclusive total from which cacheRead/cacheWrite are subtracted',
    );
  }
  if (mapping.cacheWrite && mapping.cacheWrite5m) {
    throw new UserError(
      'map either "cacheWrite" (total) or "cacheWrite5m", not both',
      'cacheWrite is the total; with cacheWrite1h the 5m share is cacheWrite - cacheWrite1h',
    );
  }
  const hasCounts = ['input', 'prompt', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite5m', 'cacheWrite1h'].some((f) => mapping[f]);
  if (!hasCounts && !mapping.promptText) {
    throw new UserError(
      'the column mapping has no token counts and no promptText',
      'map input= (or prompt=) and output=, or promptText= to estimate counts',
    );
  }
}
