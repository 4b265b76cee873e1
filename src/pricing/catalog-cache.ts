/**
 * A build-time cache of the bundled catalog: the YAML documents parsed once into JSON
 * (`dist/pricing/catalog-cache.json`, written by `npm run build`), keyed by a hash of the YAML
 * sources. At run time the YAML texts are hashed (about a millisecond) and the cache is used only
 * when the hash matches, so an edited catalog is never shadowed by a stale cache. Parsing YAML
 * costs ~400 ms per start; the cached JSON parses in ~1 ms. The key also covers the rules the build checked
 * the documents against, and a matching cache is not checked again (the semantic checks of compiling still run).
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

/**
 * The cache key: the YAML sources and the rules they were checked against (the build checks the
 * documents before it writes the cache, so a matching cache is not checked again at run time).
 */
export function catalogHash(sources: CatalogSource[], rules: unknown): string {
  const h = createHash('sha256');
  for (const s of sources) h.update(s.name).update('\0').update(s.text).update('\0');
  h.update(JSON.stringify(rules));
  return h.digest('hex');
}

/** The cached documents when the cache exists and matches the sources; undefined otherwise. */
export function readCatalogCache(cachePath: string, sources: CatalogSource[], rules: unknown): CatalogCache['docs'] | undefined {
  let cache: CatalogCache;
  try {
    cache = JSON.parse(readFileSync(cachePath, 'utf8')) as CatalogCache;
  } catch {
    return undefined;
  }
  if (cache.hash !== catalogHash(sources, rules) || cache.docs.length !== sources.length) return undefined;
  return cache.docs;
}
