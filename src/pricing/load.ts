/**
 * Loading the catalog: the bundled YAML files, then user price files (`--prices FILE`, YAML in
 * the catalog schema or LiteLLM's JSON price map) and the `prices:` section of tokenomics.yaml.
 * Every source goes through the same validator; any error stops the run (exit 2) with
 * `file:line: path: message` lines.
 */
import { readdirSync, statSync } from 'node:fs';
import { readTextFile } from '../core/read-text.js';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/issues.js';
import { validate, type ValidationError } from '../core/validate.js';
import { describeErrors, parseYaml, type LoadedYaml, describeSyntaxErrors } from '../core/yaml.js';
import { Catalog, withDiscount, normalizeModelId } from './catalog.js';
import { compileFile, ownDiscount } from './compile.js';
import type { ModelEntry } from './model.js';
import { importLiteLlm, isLiteLlmPriceMap } from './litellm.js';
import { catalogFileRule, withFileDefaults } from './schema.js';
import { CACHE_FILE, readCatalogCache, type CatalogSource } from './catalog-cache.js';
import type { CatalogFileYaml } from './types.js';
import { jsonErrorMessage, jsonErrorWhere } from '../core/json-error.js';

export const BUNDLED_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'pricing', 'catalog');

export interface LoadReport {
  /** Per source: how many entries it added. */
  sources: { label: string; entries: number; skipped?: number }[];
  /** LiteLLM entries that could not be mapped (counted, not fatal), with the file they are in. */
  litellmSkipped: { key: string; reason: string; badPrice?: true; file?: string }[];
}

/**
 * The LiteLLM entries skipped because a price field holds no price (negative, not a number), said as
 * one warning: such a model is unpriced (or priced by another source), and before, only -v said why.
 * Entries without per-token text prices (images, audio, rerank) are expected in LiteLLM's map and not named.
 */
export function litellmBadPriceWarning(skipped: LoadReport['litellmSkipped'], shown = 3): string | undefined {
  const bad = skipped.filter((s) => s.badPrice);
  if (bad.length === 0) return undefined;
  const files = [...new Set(bad.map((s) => s.file).filter((f) => f !== undefined))];
  const list = bad
    .slice(0, shown)
    .map((s) => `"${s.key}": ${s.reason}`)
    .join('; ');
  return `${bad.length} LiteLLM price entr${bad.length === 1 ? 'y' : 'ies'}${files.length ? ` in ${files.join(', ')}` : ''} skipped, their models unpriced unless another price file prices them: ${list}${bad.length > shown ? `; and ${bad.length - shown} more` : ''}`;
}

export interface CatalogSources {
  priceFiles?: string[];
  /** `prices:` section of tokenomics.yaml: one catalog document or a list; with its file for messages. */
  configPrices?: { file: string; value: unknown; loaded?: LoadedYaml; basePath: (string | number)[] };
  modelAliases?: Record<string, string>;
  /** Where `modelAliases` was read (tokenomics.yaml), for `file:line` in its errors. */
  modelAliasesAt?: { file: string; loaded?: LoadedYaml };
  bundledDir?: string;
}

/** Validate + compile one catalog document. Throws nothing: returns errors as lines. */
export function compileDocument(
  doc: unknown,
  label: string,
  loaded: LoadedYaml | undefined,
  basePath: (string | number)[] = [],
  /** The document passed these rules already (the build's cache of the bundled catalog): not checked again. */
  checked = false,
  /** One entry per model id (false for a LiteLLM import, whose provider-prefixed keys share ids: the later one is kept). */
  uniqueIds = true,
): { entries: ModelEntry[]; errors: string[] } {
  const withDefaults = withFileDefaults(doc);
  const errors: ValidationError[] = checked ? [] : validate(withDefaults, catalogFileRule);
  if (errors.length > 0)
    return {
      entries: [],
      errors: describeErrors(
        label,
        loaded,
        errors.map((e) => ({ ...e, path: [...basePath, ...e.path] })),
      ),
    };
  const semantic: ValidationError[] = [];
  const entries = compileFile(withDefaults as CatalogFileYaml, label, semantic);
  // one entry per model in a file: a second one silently replaced the first (files override files, not entries)
  const firstAt = new Map<string, number>();
  entries.forEach((e, i) => {
    if (!uniqueIds) return;
    const key = normalizeModelId(e.id).key;
    const j = firstAt.get(key);
    if (j === undefined) return void firstAt.set(key, i);
    const line = loaded?.lineOf([...basePath, 'models', j, 'id']);
    semantic.push({
      path: ['models', i, 'id'],
      message: `duplicate model id "${e.id}": models[${j}] at ${label}${line ? `:${line}` : ''} has it too; give each model one entry (a later price file overrides an earlier one)`,
    });
  });
  return {
    entries,
    errors: describeErrors(
      label,
      loaded,
      semantic.map((e) => ({ ...e, path: [...basePath, ...e.path] })),
    ),
  };
}

function readText(path: string): string {
  return readTextFile(path, {
    what: 'price file',
    hint: 'check the path (a price file is given with --prices, --reprice FILE or prices --check FILE)',
  }).text;
}

/** The bundled catalog alone (cached per directory). */
const bundledCache = new Map<string, ModelEntry[]>();
/**
 * Where `npm run build` writes the parsed catalog: dist/pricing/, named from the parent folder so
 * that the bundled CLI (dist/bundle/) finds the same file.
 */
export const BUILD_CACHE_PATH = fileURLToPath(new URL(`../pricing/${CACHE_FILE}`, import.meta.url));

export function readBundledSources(dir = BUNDLED_DIR): CatalogSource[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, text: readText(join(dir, name)) }));
}

export function loadBundledEntries(dir = BUNDLED_DIR, cachePath = BUILD_CACHE_PATH): ModelEntry[] {
  const cached = bundledCache.get(dir);
  if (cached) return cached;
  const sources = readBundledSources(dir);
  const docs = readCatalogCache(cachePath, sources, catalogFileRule);
  const entries: ModelEntry[] = [];
  const errors: string[] = [];
  sources.forEach((src, i) => {
    const label = `catalog/${src.name}`;
    let doc = docs?.[i].doc;
    let parsed: LoadedYaml | undefined;
    if (doc === undefined) {
      const p = parseYaml(src.text);
      if ('errors' in p) {
        errors.push(...describeSyntaxErrors(label, p.errors));
        return;
      }
      parsed = p;
      doc = p.value;
    }
    // a cached document was checked by the build that wrote the cache (same sources, same rules: both
    // are in its key), so only the semantic checks of compiling run again (~15 ms less per start)
    let r = compileDocument(doc, label, parsed, [], parsed === undefined);
    // line numbers come from the YAML: re-parse only when there is an error to place
    if (r.errors.length > 0 && !parsed) {
      const p = parseYaml(src.text);
      if (!('errors' in p)) r = compileDocument(p.value, label, p);
    }
    errors.push(...r.errors);
    entries.push(...r.entries);
  });
  if (errors.length > 0)
    throw new UserError(['the bundled pricing catalog is invalid:', ...errors], 'this is a bug in tokenomics; please report it');
  bundledCache.set(dir, entries);
  return entries;
}

/** One user price file: LiteLLM JSON or a catalog YAML/JSON document. */
export function loadPriceFile(path: string, report: LoadReport): LoadedDoc {
  const text = readText(path);
  if (/\.json$/i.test(path) || text.trimStart().startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new UserError(
        `${path}${jsonErrorWhere(text)}: invalid JSON: ${jsonErrorMessage(err)}`,
        'a price file is catalog YAML or LiteLLM model_prices_and_context_window.json',
      );
    }
    if (isLiteLlmPriceMap(doc)) {
      const checkedAt = statSync(path).mtime.toISOString().slice(0, 10);
      const imported = importLiteLlm(doc as Record<string, unknown>, checkedAt, basename(path));
      const r = compileDocument({ provider: 'litellm', models: imported.models }, `litellm:${path}`, undefined, [], false, false);
      if (r.errors.length > 0) throw new UserError([`${path}: could not import LiteLLM prices:`, ...r.errors.slice(0, 20)]);
      report.litellmSkipped.push(...imported.skipped.map((s) => ({ ...s, file: path })));
      report.sources.push({ label: `litellm:${path}`, entries: r.entries.length, skipped: imported.skipped.length });
      return { entries: r.entries, discounts: [], at: { label: `litellm:${path}`, basePath: [], laterKept: true } };
    }
    return fromDocument(doc, path, undefined, report);
  }
  const parsed = parseYaml(text);
  if ('errors' in parsed) throw new UserError(describeSyntaxErrors(path, parsed.errors), 'fix the YAML syntax');
  return fromDocument(parsed.value, path, parsed, report);
}

function fromDocument(doc: unknown, label: string, loaded: LoadedYaml | undefined, report: LoadReport, basePath: (string | number)[] = []) {
  const r = compileDocument(doc, label, loaded, basePath);
  if (r.errors.length > 0)
    throw new UserError(
      ['invalid price file:', ...r.errors],
      'see README.md#price-files for the schema; `tokenomics prices --check FILE` validates a file',
    );
  report.sources.push({ label, entries: r.entries.length });
  return { entries: r.entries, discounts: [doc as CatalogFileYaml], at: { label, loaded, basePath } };
}

/** Where a user document was read, for `file:line` of its entries. */
interface DocLocation {
  label: string;
  /** A LiteLLM map: its provider-prefixed keys share ids and snapshot names, and the later one is kept. */
  laterKept?: boolean;
  loaded?: LoadedYaml;
  basePath: (string | number)[];
}
type LoadedDoc = { entries: ModelEntry[]; discounts: CatalogFileYaml[]; at: DocLocation };

/**
 * Negotiated discounts, resolved once for every entry over the user documents in load order (each a
 * `--prices` file or a document of `prices:` in tokenomics.yaml, config first): a statement about the
 * model (an entry's own `discount`, a `modelDiscounts` key naming it) wins over one about its whole
 * provider (a file's `discount`: every entry of that file, and the provider's entries elsewhere); among
 * statements of the same kind the later document wins, as a later file's prices do. `discount: 0` states
 * "no discount" and overrides an earlier one like any other value.
 */
function applyDiscounts(entries: ModelEntry[], docs: { doc: CatalogFileYaml; entries: ModelEntry[] }[]): ModelEntry[] {
  const stated = new Map<ModelEntry, { value: number; model: boolean; order: number }>();
  const offer = (e: ModelEntry, value: number, model: boolean, order: number) => {
    const cur = stated.get(e);
    if (!cur || (model && !cur.model) || (model === cur.model && order > cur.order)) stated.set(e, { value, model, order });
  };
  // a document's statements about its own entries first: at the same order they win over its modelDiscounts
  docs.forEach(({ doc, entries: own }, order) =>
    own.forEach((e, j) => {
      const m = doc.models?.[j];
      if (m?.discount !== undefined) offer(e, m.discount, true, order);
      else if (doc.discount !== undefined) offer(e, doc.discount, false, order);
    }),
  );
  docs.forEach(({ doc }, order) => {
    if (doc.discount === undefined && !doc.modelDiscounts) return;
    for (const e of entries) {
      const own = ownDiscount(doc.modelDiscounts, e.id);
      if (own !== undefined) offer(e, own, true, order);
      else if (doc.discount !== undefined && e.provider === doc.provider) offer(e, doc.discount, false, order);
    }
  });
  return entries.map((e) => {
    const s = stated.get(e);
    if (!s) return e;
    return s.value > 0 ? withDiscount(e, s.value) : { ...e, discount: undefined };
  });
}

/**
 * Keys of a user entry that another entry had. Within one document any such key is an error (the
 * model would have two prices); across documents an alias naming an earlier model's id is one (it
 * took that id alone, leaving the model's snapshots and other aliases at the old price): an override
 * gives the id as its own `id`, and its aliases and snapshots follow. An entry's id or alias that was
 * an earlier document's alias takes that one key (a price for one snapshot).
 */
function checkKeyClashes(catalog: Catalog, from: ({ doc: number; at: DocLocation; j: number } | undefined)[]): void {
  const lines: string[] = [];
  const where = (i: number, tail: (string | number)[]) => {
    const f = from[i];
    if (!f) return `the bundled catalog (${catalog.entries[i].origin})`;
    const path = [...f.at.basePath, 'models', f.j, ...tail];
    const line = f.at.loaded?.lineOf(path);
    return `${f.at.label}${line ? `:${line}` : ''}: ${path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
      .join('')
      .replace(/^\./, '')}`;
  };
  for (const c of catalog.keyClashes) {
    const mine = from[c.entry];
    if (!mine) continue;
    const same = from[c.owner]?.doc === mine.doc;
    if (same ? mine.at.laterKept : !(c.kind === 'alias' && c.ownerKind === 'id')) continue;
    const here = where(c.entry, c.kind === 'id' ? ['id'] : ['aliases', c.alias ?? 0]);
    const owner = catalog.entries[c.owner];
    lines.push(
      same
        ? `${here}: "${c.key}" is already a key of model "${owner.id}" in this file (${where(c.owner, [])}); give each id to one entry`
        : `${here}: "${c.key}" is the id of model "${owner.id}" from ${where(c.owner, [])}: as an alias it would take that id alone; to replace the model give "${c.key}" as the entry's id (its aliases and snapshots follow)`,
    );
  }
  if (lines.length > 0)
    throw new UserError(
      ['invalid price file:', ...lines],
      'an id or alias names one model; a later price file overrides an earlier model by its id',
    );
}

export function loadCatalog(sources: CatalogSources = {}): { catalog: Catalog; report: LoadReport } {
  const report: LoadReport = { sources: [], litellmSkipped: [] };
  const bundled = loadBundledEntries(sources.bundledDir);
  report.sources.push({ label: 'bundled catalog', entries: bundled.length });
  let entries = [...bundled];
  const userDocs: { doc: CatalogFileYaml; entries: ModelEntry[] }[] = [];
  // per entry (by index): the user document it came from, and where (bundled entries: none)
  const from: ({ doc: number; at: DocLocation; j: number } | undefined)[] = bundled.map(() => undefined);
  let docCount = 0;
  const add = (r: LoadedDoc) => {
    const doc = docCount++;
    r.entries.forEach((_, j) => from.push({ doc, at: r.at, j }));
    entries.push(...r.entries);
    for (const d of r.discounts) userDocs.push({ doc: d, entries: r.entries });
  };
  if (sources.configPrices) {
    const { file, value, loaded, basePath } = sources.configPrices;
    const docs = Array.isArray(value) ? value : [value];
    docs.forEach((doc, i) => add(fromDocument(doc, file, loaded, report, Array.isArray(value) ? [...basePath, i] : basePath)));
  }
  for (const f of sources.priceFiles ?? []) add(loadPriceFile(f, report));
  entries = applyDiscounts(entries, userDocs);
  const catalog = new Catalog(entries, sources.modelAliases);
  checkKeyClashes(catalog, from);
  // an alias that prices nothing (a cycle, an unknown target) is a config error, not a silently unpriced model
  const problems = catalog.aliasProblems();
  if (problems.length > 0) {
    const at = sources.modelAliasesAt;
    throw new UserError(
      [
        'invalid modelAliases:',
        ...problems.map((p) => {
          const line = at?.loaded?.lineOf(['modelAliases', p.key]);
          return `${at ? `${at.file}${line ? `:${line}` : ''}: ` : ''}modelAliases.${p.key}: ${p.message}`;
        }),
      ],
      problems[0].hint,
    );
  }
  return { catalog, report };
}
