/**
 * Route keys for `tokenomics sql`: which (model, provider, regional) triples the script's price
 * rows cover. A warehouse table may log ids the catalog resolves only in TypeScript (Bedrock
 * profiles such as `us.anthropic.claude-...-v1:0`, Vertex `model@version`, regional routes), so
 * the script prices exactly the keys it is given: `--model` ids, or a CSV file of the table's own
 * keys (`--models-file`), as the script's last query (`SELECT DISTINCT model, provider, regional`)
 * lists them. With neither: every catalog id and alias, bare and on each provider the catalog
 * prices it through, any regional flag.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { UserError } from '../../core/issues.js';
import type { Catalog } from '../../pricing/catalog.js';
import type { ModelEntry } from '../../pricing/model.js';
import type { RouteKey } from '../price-map.js';

const HINT =
  'a CSV file with a header: model,provider,regional (provider and regional may be empty), e.g. the result of the script\'s "routes" query';

/** `MODEL` or `MODEL@PROVIDER` (the last `@`, so a Vertex `model@version` needs a provider after it). */
export function parseModelArg(m: string): RouteKey {
  const at = m.lastIndexOf('@');
  return at > 0 ? { model: m.slice(0, at), provider: m.slice(at + 1), regional: null } : { model: m, provider: null, regional: null };
}

function regionalOf(v: string | undefined, where: string): boolean | null {
  const t = (v ?? '').trim().toLowerCase();
  if (t === '' || t === 'null' || t === '\\n') return null;
  if (['true', 't', '1'].includes(t)) return true;
  if (['false', 'f', '0'].includes(t)) return false;
  throw new UserError(`${where}: regional "${v}" is not true, false or empty`, HINT);
}

/** The route keys of a CSV file (`SELECT DISTINCT model, provider, regional` saved as CSV). */
export function parseRoutesCsv(text: string, file: string): RouteKey[] {
  let rows: string[][];
  try {
    rows = parseCsv(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new UserError(`${file}: not CSV (${(e as Error).message})`, HINT);
  }
  const header = (rows.shift() ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('model') < 0) throw new UserError(`${file}:1: no "model" column in the header`, HINT);
  const empty = (v: string | undefined) => (v === undefined || v === '' || v === '\\N' ? null : v);
  return rows.map((r, i) => {
    const model = empty(r[col('model')]);
    if (model === null) throw new UserError(`${file}:${i + 2}: empty model`, HINT);
    return {
      model,
      provider: col('provider') < 0 ? null : empty(r[col('provider')]),
      regional: col('regional') < 0 ? null : regionalOf(r[col('regional')], `${file}:${i + 2}`),
    };
  });
}

/** Providers a catalog entry is priced through: its own, and the clouds its regional rules name. */
const ROUTE_PROVIDERS: Record<string, string[]> = {
  bedrock: ['bedrock'],
  vertex: ['vertex', 'vertex_ai'],
  'data-residency': ['azure'],
  'inference-geo': [],
};

/**
 * Route keys: the given ones, else every catalog id and alias, and every `modelAliases` key of
 * tokenomics.yaml (priced as `report` prices it), × the providers of its entry × regional (none, yes, no).
 */
export function routeKeys(catalog: Catalog, given: RouteKey[] | undefined): RouteKey[] {
  if (given?.length) return given;
  const routes = (e: ModelEntry, models: string[]) => {
    const providers = [null, e.provider, ...e.regional.flatMap((u) => u.via.flatMap((v) => ROUTE_PROVIDERS[v] ?? []))];
    const unique = [...new Set(providers)];
    return models.flatMap((model) => unique.flatMap((provider) => [null, true, false].map((regional) => ({ model, provider, regional }))));
  };
  return [
    ...catalog.entries.flatMap((e) => routes(e, [e.id, ...e.aliases])),
    ...catalog.userAliasKeys().flatMap((key) => {
      const e = catalog.resolve(key)?.entry;
      return e ? routes(e, [key]) : [];
    }),
  ];
}
