/**
 * A build-time cache of the bundled catalog: the YAML documents parsed once into JSON
 * (`dist/pricing/catalog-cache.json`, written by `npm run build`), keyed by a hash of the YAML
 * sources. At run time the YAML texts are hashed (about a millisecond) and the cache is used only
 * when the hash matches, so an edited catalog is never shadowed by a stale cache. Parsing YAML
 * costs ~400 ms per start; the cached JSON parses in ~1 ms. Validation still runs on every load.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface CatalogSource {
  name: string;
  text: string;
}

export interface CatalogCache {
  hash: string;
  docs: Array<{ name: string; doc: unknown }>;
}

export const CACHE_FILE = 'catalog-cache.json';

export function catalogHash(sources: CatalogSource[]): string {
  const h = createHash('sha256');
  for (const s of sources) h.update(s.name).update('\0').update(s.text).update('\0');
  return h.digest('hex');
}

/** The cached documents when the cache exists and matches the sources; undefined otherwise. */
export function readCatalogCache(cachePath: string, sources: CatalogSource[]): CatalogCache['docs'] | undefined {
  let cache: CatalogCache;
  try {
    cache = JSON.parse(readFileSync(cachePath, 'utf8')) as CatalogCache;
  } catch {
    return undefined;
  }
  if (cache.hash !== catalogHash(sources) || cache.docs.length !== sources.length) return undefined;
  return cache.docs;
}
