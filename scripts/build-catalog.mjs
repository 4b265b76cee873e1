// Build step: parse the bundled catalog YAML once into dist/pricing/catalog-cache.json, keyed by a
// hash of the sources (see src/pricing/catalog-cache.ts). Run by `npm run build` after tsc.
import { writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { catalogHash, CACHE_FILE } from '../dist/pricing/catalog-cache.js';
import { BUILD_CACHE_PATH, loadBundledEntries, readBundledSources } from '../dist/pricing/load.js';
import { catalogFileRule } from '../dist/pricing/schema.js';

const sources = readBundledSources();
const cache = { hash: catalogHash(sources, catalogFileRule), docs: sources.map((s) => ({ name: s.name, doc: parse(s.text) })) };
loadBundledEntries(undefined, '/nonexistent'); // check from YAML first: a broken catalog fails the build (and the cache is never checked again)
writeFileSync(BUILD_CACHE_PATH, JSON.stringify(cache));
console.log(`${CACHE_FILE}: ${sources.length} catalog files cached`);
