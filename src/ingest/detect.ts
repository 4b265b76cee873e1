/**
 * Format detection: every adapter scores the first few values of a file (or a CSV header); the highest
 * mean score wins, ties go to the adapter listed first in the registry. `--input-format` forces an adapter,
 * and a column mapping (`--map`) without `--input-format` forces the generic adapter.
 */
import { UserError } from '../core/issues.js';
import { GENERIC_NAME } from './formats/generic.js';
import { getCsvAdapters, getJsonAdapters, listFormats } from './registry.js';
import type { CsvAdapter, IngestOptions, JsonAdapter } from './types.js';

/** Number of leading values a JSON/JSONL file contributes to detection. */
export const DETECT_VALUES = 8;

export interface ForcedFormat {
  name: string;
  json?: JsonAdapter;
  csv?: CsvAdapter;
}

/** The adapter pair forced by options, or undefined to detect. Throws UserError on an unknown name. */
export function forcedFormat(options: IngestOptions): ForcedFormat | undefined {
  const name = options.inputFormat ?? (options.columns ? GENERIC_NAME : undefined);
  if (name === undefined) return undefined;
  const json = getJsonAdapters().find((a) => a.name === name);
  const csv = getCsvAdapters().find((a) => a.name === name);
  if (!json && !csv) {
    const valid = listFormats()
      .map((f) => f.name)
      .join(', ');
    throw new UserError(`unknown input format: ${name}`, `valid formats: ${valid}`);
  }
  return { name, json, csv };
}

function safeScore(score: () => number): number {
  try {
    const s = score();
    return Number.isFinite(s) && s > 0 ? s : 0;
  } catch {
    return 0;
  }
}

/** The most any adapter's `detect` answers for a value (JsonAdapter.detect): a higher answer counts as this. */
export const DETECT_CEILING = 100;

/** The highest score an adapter can give: its `maxScore` when it says, else DETECT_CEILING. */
const scoreBound = (adapter: JsonAdapter): number => Math.min(DETECT_CEILING, adapter.maxScore ?? DETECT_CEILING);

/**
 * The adapter's mean score over `values`, each clamped to scoreBound. With `toBeat`, it stops as soon
 * as the values left could not lift the mean above `toBeat` even at the bound (an adapter that
 * answers 0 for a transcript's first line is not asked about the other seven), answering the mean so
 * far, which is below `toBeat` as the full mean would be: who wins does not change.
 */
function meanScore(adapter: JsonAdapter, values: readonly unknown[], toBeat = Number.NEGATIVE_INFINITY): number {
  const n = values.length;
  if (n === 0) return 0;
  const max = scoreBound(adapter);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    total += Math.min(
      max,
      safeScore(() => adapter.detect(v)),
    );
    if ((total + (n - 1 - i) * max) / n < toBeat) return total / n;
  }
  return total / n;
}

/**
 * The first item with the highest score (strictly above 0). An item is not scored once the leader
 * has at least its `maxScore` (the most it can score): it could not take the lead. `score` is told the
 * score to beat (the leader's, 0 before there is one) and may stop early below it.
 */
function best<T>(
  items: readonly T[],
  score: (item: T, toBeat: number) => number,
  maxScore: (item: T) => number = () => Number.POSITIVE_INFINITY,
): T | undefined {
  let winner: T | undefined;
  let top = 0;
  for (const item of items) {
    if (winner !== undefined && maxScore(item) <= top) continue;
    const s = score(item, top);
    if (s > top) {
      top = s;
      winner = item;
    }
  }
  return winner;
}

/** The best mean detection score any adapter gives these values (0: none recognises them). */
export function bestJsonScore(values: readonly unknown[], adapters: readonly JsonAdapter[] = getJsonAdapters()): number {
  const sample = values.slice(0, DETECT_VALUES);
  return Math.max(0, ...adapters.map((a) => meanScore(a, sample)));
}

/** Pick the JSON adapter for a file from its first values. */
export function detectJson(values: readonly unknown[], adapters: readonly JsonAdapter[] = getJsonAdapters()): JsonAdapter | undefined {
  const sample = values.slice(0, DETECT_VALUES);
  return best(adapters, (a, toBeat) => meanScore(a, sample, toBeat), scoreBound);
}

/** Values of a whole-file document as `adapter` sees them: its unwrap, else array elements, else the doc itself. */
export function documentValues(adapter: JsonAdapter, doc: unknown): unknown[] {
  let unwrapped: unknown[] | undefined;
  try {
    unwrapped = adapter.unwrap?.(doc);
  } catch {
    unwrapped = undefined;
  }
  if (unwrapped) return unwrapped;
  return Array.isArray(doc) ? doc : [doc];
}

/** Pick the adapter for a whole-file document: the document itself or its unwrapped values are scored. */
export function detectDocument(doc: unknown, adapters: readonly JsonAdapter[] = getJsonAdapters()): JsonAdapter | undefined {
  return best(adapters, (a) => {
    const whole = Array.isArray(doc) ? 0 : safeScore(() => a.detect(doc));
    const sample = documentValues(a, doc).slice(0, DETECT_VALUES);
    return Math.max(whole, meanScore(a, sample));
  });
}

/** Pick the CSV adapter for a header row. */
export function detectCsv(columns: readonly string[], adapters: readonly CsvAdapter[] = getCsvAdapters()): CsvAdapter | undefined {
  return best(adapters, (a) => safeScore(() => a.detectHeader(columns)));
}

export const UNRECOGNISED_HINT =
  'force a format with --input-format NAME, or map columns with --input-format generic --map model=COL,input=COL,output=COL';
