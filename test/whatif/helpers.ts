import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../../src/pricing/load.js';
import { Pricer } from '../../src/pricing/cost.js';
import { dateToMs } from '../../src/pricing/compile.js';
import { loadWhatifText } from '../../src/whatif/load.js';
import { computeWhatif, DEFAULT_OPTIONS, type WhatifOptions } from '../../src/whatif/result.js';
import { parseSet } from '../../src/whatif/setpath.js';

export const TEST_PRICES = fileURLToPath(new URL('../../fixtures/whatif/test-prices.yaml', import.meta.url));
export const TINY = fileURLToPath(new URL('../../fixtures/whatif/tiny.yaml', import.meta.url));
export const ACME = fileURLToPath(new URL('../../fixtures/whatif/acme-copilot.yaml', import.meta.url));

const { catalog } = loadCatalog({ priceFiles: [TEST_PRICES] });

/** A what-if document with one feature on the round-priced test model; `feature` lines are indented 4. */
export function doc(feature: string, pricePoint = 'perSeatUsd: 10\n    seats: 100'): string {
  return `version: 1\nproduct:\n  name: T\n  pricePoint:\n    ${pricePoint}\nfeatures:\n  chat:\n    model: tk-test\n    requestsPerMonth: 10000\n${feature}`;
}

export function run(text: string, sets: string[] = [], options: Partial<WhatifOptions> = {}) {
  const loaded = loadWhatifText(text, 'test.yaml', sets.map(parseSet), catalog);
  const pricer = new Pricer(catalog, { atMs: dateToMs('2026-11-01') });
  const resolve = (m: string) => loaded.resolutions.get(m)!;
  return computeWhatif(loaded.doc, loaded.spec, pricer, resolve, { ...DEFAULT_OPTIONS, ...options });
}

/** USD as an exact femto bigint, for comparisons: usd('0.004') === 4_000_000_000_000n. */
export function usd(text: string): bigint {
  const [i, f = ''] = text.split('.');
  return BigInt(i + (f + '0'.repeat(15)).slice(0, 15));
}
