/**
 * `tokenomics sql`: one self-contained SQL script that computes the report inside a warehouse.
 * It holds, in order: the session settings the dialect needs, the price rows (`price_map`: one
 * row per model route and price segment, as the engine builds them; `card_prices`: the integer
 * rates, nano-USD per million tokens = femto-USD per token, of every rate card those rows can
 * select, and its per-call charge prices in femto-USD per unit, 0 where the card has none), the normalization view from the user's columns onto the usage table, the `priced`
 * table (each row's price key), and the report queries. Money stays exact: every cost is an
 * integer count of femto-dollars computed in 128-bit / 38-digit integers (BigQuery BIGNUMERIC);
 * `cost_usd` beside it is for reading only.
 */
import { parseDimensions, type Dimension } from '../../aggregate/dims.js';
import { UserError } from '../../core/issues.js';
import type { Catalog } from '../../pricing/catalog.js';
import { Pricer } from '../../pricing/cost.js';
import { COUNTED_CHARGES, type ChargeKey } from '../../usage/dimensions.js';
import type { CellValue } from '../../usage/table.js';
import type { WarehouseDialect } from '../dialect.js';
import { MAX_BANDS, PRICE_MAP_COLUMNS, priceMapRows, type RouteKey } from '../price-map.js';
import { CARD_PRICE_COLUMNS, needsProjects, pricedTableSql, rowCostSql, unpricedModelsSql, zoneOf } from '../report-queries.js';
import { accountingSql, parseMapping, usageViewSelect } from './mapping.js';

export interface ScriptOptions {
  dialect: WarehouseDialect;
  table: string;
  map?: string;
  by?: string;
  /** Route keys to price: `MODEL` or `MODEL@PROVIDER` (none: every catalog id and alias). */
  models?: string[];
  catalog: Catalog;
  nowMs: number;
  /** The command line, for the script's header. */
  command: string;
}

/** Route keys: the given ones, else every catalog id and alias, with no provider and with the entry's. */
export function routeKeys(catalog: Catalog, models: string[] | undefined): RouteKey[] {
  if (models?.length) {
    return models.map((m) => {
      const at = m.lastIndexOf('@');
      return at > 0 ? { model: m.slice(0, at), provider: m.slice(at + 1), regional: null } : { model: m, provider: null, regional: null };
    });
  }
  return catalog.entries.flatMap((e) =>
    [e.id, ...e.aliases].flatMap((model) => [
      { model, provider: null, regional: null },
      { model, provider: e.provider, regional: null },
    ]),
  );
}

/** Every rate card the mapping rows can select: (e, k) and its integer rates. */
export function cardPriceRows(pricer: Pricer, mapRows: CellValue[][]): CellValue[][] {
  const col = (name: string) => PRICE_MAP_COLUMNS.findIndex((c) => c.name === name);
  const [iE, iP, iR, iB, iPeak] = ['entry_index', 'period_index', 'regional_rule', 'band_count', 'peak'].map(col);
  const seen = new Set<string>();
  const out: CellValue[][] = [];
  for (const row of mapRows) {
    const e = Number(row[iE]);
    const bands = Math.min(Number(row[iB]), MAX_BANDS);
    for (let band = 0; band <= bands; band++)
      for (let service = 0; service < 4; service++)
        for (const fast of [0, 1])
          for (const peak of row[iPeak] ? [0, 2] : [0]) {
            const k = (((Number(row[iP]) * 16 + band) * 4 + service) * 16 + Number(row[iR])) * 4 + fast + peak;
            const ref = `${e}/${k}`;
            if (seen.has(ref)) continue;
            seen.add(ref);
            const card = pricer.cardByRef(ref);
            if (!card) continue;
            const p = card.prices;
            // charges: femto-USD per unit, 0 where the card has none (as the engine's card_prices)
            const charge = (key: ChargeKey) => Number(card.charges?.perUnit.get(key) ?? 0n);
            out.push([
              e,
              k,
              ...[p.input, p.cacheRead, p.cacheWrite5m, p.cacheWrite1h, p.output].map(Number),
              ...COUNTED_CHARGES.map((d) => charge(d.key)),
              charge('request'),
            ]);
          }
  }
  return out;
}

const TOKEN_COLS = ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens'];
const CHARGE_COLS = COUNTED_CHARGES.map((c) => c.column);

/** The report as result sets: totals, per group, unpriced models. */
function reportQueries(d: WarehouseDialect, dims: Dimension[]): Array<[string, string]> {
  // tokens at their rates, counted charges and per-request fees at theirs (report-queries.ts)
  const cost = rowCostSql(d);
  const rows = `SELECT p.*, CASE WHEN c.e IS NULL THEN NULL ELSE ${cost} END AS cost_femto\n  FROM priced p LEFT JOIN card_prices c ON c.e = p.e0 AND c.k = p.k0`;
  const sums = `sum(requests) AS requests, ${[...TOKEN_COLS, 'reasoning_tokens', ...CHARGE_COLS].map((t) => `sum(${t}) AS ${t}`).join(', ')},
  sum(CASE WHEN cost_femto IS NULL THEN requests ELSE 0 END) AS unpriced_requests,
  sum(cost_femto) AS cost_femto, ${d.double('sum(cost_femto)')} / 1e15 AS cost_usd`;
  const g = dims.map((_, i) => `g${i}`);
  const names = dims.map((dim, i) => `g${i} AS ${d.ident(dim.kind === 'tag' ? `tag_${dim.name}` : dim.kind)}`);
  return [
    [
      'Total: requests, token sums, exact cost in femto-USD (10^-15 USD); unpriced requests are not $0, they are left out',
      `SELECT ${sums}\nFROM (\n  ${rows}\n) x`,
    ],
    [
      `Per ${dims.map((dim) => (dim.kind === 'tag' ? `tag:${dim.name}` : dim.kind)).join(', ')}, most expensive first`,
      `SELECT ${names.join(', ')}, ${sums}\nFROM (\n  ${rows}\n) x\nGROUP BY ${g.join(', ')}\nORDER BY sum(cost_femto) DESC`,
    ],
    ['Unpriced models (no price row for the model id as logged): add them with --model and run the script again', unpricedModelsSql()],
  ];
}

export function buildScript(o: ScriptOptions): string {
  const d = o.dialect;
  const dims = parseDimensions(o.by ?? 'model');
  if (needsProjects(dims) || zoneOf(dims))
    throw new UserError(
      `--by ${o.by}: project and time-zone groups are computed outside SQL`,
      'use model, provider, feature, customer, user, day, week, month, tag:NAME, …',
    );
  const mapping = parseMapping(o.map, d);
  const pricer = new Pricer(o.catalog, { defaultMs: o.nowMs });
  const mapRows = priceMapRows(0, pricer, routeKeys(o.catalog, o.models));
  const cards = cardPriceRows(pricer, mapRows);
  const source = `${d.name} table ${o.table}`;
  const parts: Array<[string, string[]]> = [
    ['Session settings the queries rely on', d.preamble],
    [
      `Price rows: ${mapRows.length} model routes x price segments (prices as of ${new Date(o.nowMs).toISOString().slice(0, 10)})`,
      d.tableFromRows('price_map', PRICE_MAP_COLUMNS, mapRows),
    ],
    [
      `Integer rates of ${cards.length} rate cards (nano-USD per million tokens = femto-USD per token)`,
      d.tableFromRows('card_prices', CARD_PRICE_COLUMNS, cards),
    ],
    [
      `The usage table: ${o.table} through the mapping "${mapping.name}"; rows with negative or fractional counts are left out (count them with the query at the end)`,
      [d.view('usage', usageViewSelect(mapping, o.table, source, d))],
    ],
    [
      'Each row with its group and price key (rows without a time are priced at the script date)',
      [pricedTableSql(d, { dims, billed: { defaultMs: o.nowMs } })],
    ],
    ...reportQueries(d, dims).map(([title, sql]): [string, string[]] => [title, [sql]]),
    ['Rows read and rows rejected for invalid counts', [accountingSql(mapping, o.table, source, d)]],
  ];
  const header = [
    `-- tokenomics: the cost report computed inside ${d.name}`,
    `-- generated by: ${o.command.replace(/\n/g, ' ')}`,
    `-- dialect level: ${d.tested === 'runs' ? 'run against the real engine in tokenomics tests' : 'golden-tested and parsed with an SQL parser, not run against the engine'}`,
    '-- run the whole script in one session (it creates temporary tables).',
  ];
  return `${header.join('\n')}\n\n${parts
    .filter(([, stmts]) => stmts.length)
    .map(([title, stmts]) => `-- ${title}\n${stmts.map((s) => `${s};`).join('\n')}`)
    .join('\n\n')}\n`;
}
