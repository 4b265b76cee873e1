import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogHash, readCatalogCache } from '../../src/pricing/catalog-cache.js';
import { loadBundledEntries, readBundledSources } from '../../src/pricing/load.js';
import { catalogFileRule } from '../../src/pricing/schema.js';

const doc = (price: number) => ({
  provider: 'acme',
  source: 's',
  checkedAt: '2026-01-01',
  models: [{ id: 'm1', prices: [{ inputPerMTok: price, outputPerMTok: 2 }] }],
});

describe('build-time catalog cache', () => {
  it('is used only when it matches the YAML sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-cache-'));
    writeFileSync(
      join(dir, 'acme.yaml'),
      'provider: acme\nsource: s\ncheckedAt: 2026-01-01\nmodels:\n  - id: m1\n    prices:\n      - inputPerMTok: 1\n        outputPerMTok: 2\n',
    );
    const sources = readBundledSources(dir);
    const cachePath = join(dir, 'cache.json');
    // a cache whose hash matches is read (it says 7 here, to prove the YAML was not re-parsed)
    writeFileSync(cachePath, JSON.stringify({ hash: catalogHash(sources, catalogFileRule), docs: [{ name: 'acme.yaml', doc: doc(7) }] }));
    expect(readCatalogCache(cachePath, sources, catalogFileRule)).toHaveLength(1);
    expect(Number(loadBundledEntries(dir, cachePath)[0].periods[0].standard.input)).toBe(7e9);
    // after an edit the hash differs: the stale cache is ignored and the YAML wins
    writeFileSync(
      join(dir, 'acme.yaml'),
      'provider: acme\nsource: s\ncheckedAt: 2026-01-01\nmodels:\n  - id: m1\n    prices:\n      - inputPerMTok: 3\n        outputPerMTok: 2\n',
    );
    expect(readCatalogCache(cachePath, readBundledSources(dir), catalogFileRule)).toBeUndefined();
  });

  it('is checked by the rules it was written with: other rules make it stale', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-cache-'));
    writeFileSync(join(dir, 'acme.yaml'), 'provider: acme\nsource: s\ncheckedAt: 2026-01-01\nmodels: []\n');
    const sources = readBundledSources(dir);
    const cachePath = join(dir, 'cache.json');
    writeFileSync(
      cachePath,
      JSON.stringify({ hash: catalogHash(sources, { kind: 'older rules' }), docs: [{ name: 'acme.yaml', doc: doc(7) }] }),
    );
    expect(readCatalogCache(cachePath, sources, catalogFileRule)).toBeUndefined();
    expect(readCatalogCache(cachePath, sources, { kind: 'older rules' })).toHaveLength(1);
  });

  it('places errors at YAML lines when a cache written under other rules is ignored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-cache-'));
    writeFileSync(
      join(dir, 'acme.yaml'),
      'provider: acme\nsource: s\ncheckedAt: 2026-01-01\nmodels:\n  - id: m1\n    prices:\n      - inputPerMTok: -1\n        outputPerMTok: 2\n',
    );
    const sources = readBundledSources(dir);
    const cachePath = join(dir, 'cache.json');
    // the build never writes a cache for an invalid catalog; one written under other rules is stale, and the YAML is checked
    writeFileSync(
      cachePath,
      JSON.stringify({ hash: catalogHash(sources, { kind: 'older rules' }), docs: [{ name: 'acme.yaml', doc: doc(-1) }] }),
    );
    expect(() => loadBundledEntries(dir, cachePath)).toThrow(
      /catalog\/acme\.yaml:7: models\[0\]\.prices\[0\]\.inputPerMTok: expected a non-negative number/,
    );
  });
});
