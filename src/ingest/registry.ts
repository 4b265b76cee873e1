/** All log formats: the provider JSON adapters first (they win detection ties), then gateway and generic formats. */
import { providerAdapters } from './adapters/index.js';
import { genericCsv, genericJson } from './formats/generic.js';
import { litellmCsv, litellmJson } from './formats/litellm.js';
import type { CsvAdapter, JsonAdapter } from './types.js';

export function getJsonAdapters(): readonly JsonAdapter[] {
  return [...providerAdapters, litellmJson, genericJson];
}

export function getCsvAdapters(): readonly CsvAdapter[] {
  return [litellmCsv, genericCsv];
}

export interface FormatInfo {
  name: string;
  description: string;
  /** Which file shapes the format reads. */
  shapes: ('json' | 'csv')[];
}

/** Formats for `--help` and `--input-format` validation, in registry order. */
export function listFormats(): FormatInfo[] {
  const out: FormatInfo[] = [];
  const byName = new Map<string, FormatInfo>();
  const add = (a: { name: string; description: string }, shape: 'json' | 'csv'): void => {
    const known = byName.get(a.name);
    if (known) {
      if (!known.shapes.includes(shape)) known.shapes.push(shape);
      return;
    }
    const info: FormatInfo = { name: a.name, description: a.description, shapes: [shape] };
    byName.set(a.name, info);
    out.push(info);
  };
  for (const a of getJsonAdapters()) add(a, 'json');
  for (const a of getCsvAdapters()) add(a, 'csv');
  return out;
}
