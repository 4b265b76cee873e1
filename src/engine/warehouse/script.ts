/**
 * `tokenomics sql`: one self-contained SQL script that computes the report inside a warehouse.
 * It holds, in order: the session settings the dialect needs, the price rows (`price_map`: one
 * row per model route and price segment, as the engine builds them; `card_prices`: the integer
 * rates, nano-USD per million tokens = femto-USD per token, of every rate card those rows can
 * select, and its per-call charge prices in femto-USD per unit, 0 where the card has none), the normalization view from the user's columns onto the usage table, the `priced`
 * table (each row's price key), and the report queries. Money stays exact: every cost is an
 * integer count of femto-dollars computed in 128-bit / 38-digit integers (BigQuery NUMERIC: 29 integer digits);
 * `cost_usd` beside it is for reading only.
 */
import { parseDimensions, type Dimension } from '../../aggregate/dims.js';
import { UserError } from '../../core/issues.js';
import { inert, isInert } from '../../core/untrusted.js';
import type { Catalog } from '../../pricing/catalog.js';
import { Pricer, type RateCard } from '../../pricing/cost.js';
import { COUNTED_CHARGES } from '../../usage/dimensions.js';
import type { CellValue } from '../../usage/table.js';
import type { WarehouseDialect } from '../dialect.js';
import { MAX_BANDS, PRICE_MAP_COLUMNS, priceMapRows, priceMapShape, ROUTE_KEYS_SQL, type RouteKey } from '../price-map.js';
import {
  CARD_PRICE_COLUMNS,
  cardPriceRow,
  AGG_UNPRICED_MODELS_SQL,
  aggTableSql,
  cardSumsSql,
  distributionSql,
  needsProjects,
  pricedTableSql,
  rowCostSql,
  TURN_CAP,
  TURN_SUMS_LATER_SQL,
  turnSumsTableSql,
  unreadWritesSql,
  zoneOf,
} from '../report-queries.js';
import { accountingSql, parseMapping, usageViewSelect } from './mapping.js';
import { parseModelArg, routeKeys } from './routes.js';

export interface ScriptOptions {
  dialect: WarehouseDialect;
  table: string;
  map?: string;
  by?: string;
  /** Route keys to price: `MODEL` or `MODEL@PROVIDER` (with `routes`; none: every catalog id and alias on its providers). */
  models?: string[];
  /** Route keys to price, e.g. from `--models-file` (routes.ts). */
  routes?: RouteKey[];
  catalog: Catalog;
  nowMs: number;
  /** The command line, for the script's header. */
  command: string;
}

/** Every rate card the mapping rows can select (each (e, k) once). */
export function selectableCards(pricer: Pricer, mapRows: CellValue[][]): RateCard[] {
  const col = (name: string) => PRICE_MAP_COLUMNS.findIndex((c) => c.name === name);
  const [iE, iP, iR, iB, iPeak] = ['entry_index', 'period_index', 'regional_rule', 'band_count', 'peak'].map(col);
  const seen = new Set<string>();
  const out: RateCard[] = [];
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
            if (card) out.push(card);
          }
  }
  return out;
}

const TOKEN_COLS = ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens'];
const CHARGE_COLS = COUNTED_CHARGES.map((c) => c.column);
const PRICE_COLS = ['p_input', 'p_cache_read', 'p_cache_write_5m', 'p_cache_write_1h', 'p_output'];

/**
 * The long-context tier of each tiered card the price rows can select: its model, threshold and
 * the card's prices without the tier (`p_*`, as card_prices), to measure the cliff premium.
 */
const cardColumns = (names: string[]) => CARD_PRICE_COLUMNS.filter((c) => names.includes(c.name));
export const CARD_TIER_COLUMNS = [
  ...cardColumns(['e', 'k']),
  { name: 'model', type: 'VARCHAR' as const },
  { name: 'threshold', type: 'BIGINT' as const },
  { name: 'inclusive', type: 'BOOLEAN' as const },
  ...cardColumns(PRICE_COLS),
];

export function cardTierRows(cards: RateCard[]): CellValue[][] {
  return cards.flatMap((card) => {
    if (!card.tier) return [];
    const [e, k] = card.ref.split('/').map(Number);
    const u = card.untiered;
    return [
      [
        e,
        k,
        card.entry.id,
        card.tier.threshold,
        card.tier.inclusive,
        ...[u.input, u.cacheRead, u.cacheWrite5m, u.cacheWrite1h, u.output].map(Number),
      ],
    ];
  });
}

/** Token cost (no charges) of sums `s` at the prices of `c` (card_prices or card_tiers), in wide integers. */
const tokenCostSql = (d: WarehouseDialect, s: string, c: string) =>
  TOKEN_COLS.map((t, i) => `${d.wide(`${s}.${t}`)} * ${c}.${PRICE_COLS[i]}`).join(' + ');

/**
 * Rows of `from` (a table, or a query in parentheses) with their exact cost at the card of their
 * price key (`e`, `k` columns), NULL when unpriced (report-queries.ts rowCostSql: tokens, counted
 * charges, per-request fees), and what caching saved on them: the cache tokens at the input price
 * less at their own (negative where write premiums outweigh reads).
 */
function costedSql(d: WarehouseDialect, from: string, e: string, k: string): string {
  const saved = ['cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens']
    .map((t, i) => `${d.wide(`p.${t}`)} * (c.p_input - c.${PRICE_COLS[i + 1]})`)
    .join(' + ');
  const src = /^\w+$/.test(from) ? from : `(\n${from}\n)`;
  return `SELECT p.*, CASE WHEN c.e IS NULL THEN NULL ELSE ${rowCostSql(d)} END AS cost_femto,
    CASE WHEN c.e IS NULL THEN NULL ELSE ${saved} END AS saved_femto
  FROM ${src} p LEFT JOIN card_prices c ON c.e = p.${e} AND c.k = p.${k}`;
}

/** A result set of the script: its name (the report section it gives), what it holds, the query. */
export interface ResultSet {
  name: string;
  title: string;
  sql: string;
}

/**
 * The report as result sets: totals (with caching as it happened), per group, unpriced models, the
 * context-window tax by turn, cache writes never read, the cost-per-request quantiles (overall and
 * per group) and the long-context cliffs. Each is a query builder of report-queries.ts (the same
 * SQL `report` runs) with its price keys joined to the cards' integer rates, so the money the
 * engine computes in TypeScript from the same sums is computed here in SQL, exactly.
 */
export function reportQueries(d: WarehouseDialect, dims: Dimension[]): ResultSet[] {
  // totals and groups from `agg` (sums per group and price key): a row's cost is linear in its
  // counts, so the cost of the sums is the sum of the rows' costs, exactly
  const rows = costedSql(d, 'agg', 'e0', 'k0');
  const sums = `sum(requests) AS requests, ${[...TOKEN_COLS, 'reasoning_tokens', ...CHARGE_COLS].map((t) => `sum(${t}) AS ${t}`).join(', ')},
  sum(CASE WHEN cost_femto IS NULL THEN requests ELSE 0 END) AS unpriced_requests,
  sum(cost_femto) AS cost_femto, ${d.double('sum(cost_femto)')} / 1e15 AS cost_usd`;
  const g = dims.map((_, i) => `g${i}`);
  const names = dims.map((dim, i) => `g${i} AS ${d.ident(dim.kind === 'tag' ? `tag_${dim.name}` : dim.kind)}`);
  const byLabel = dims.map((dim) => (dim.kind === 'tag' ? `tag:${dim.name}` : dim.kind)).join(', ');
  // the groups as the report orders them: by cost, unpriced (NULL) last, then by requests. NULLs last
  // spelled out (a CASE, which every SQL parser reads, rather than NULLS LAST): PostgreSQL and Snowflake
  // put NULLs first in a descending order by default
  // (https://www.postgresql.org/docs/current/queries-order.html,
  // https://docs.snowflake.com/en/sql-reference/constructs/order-by), DuckDB, ClickHouse, BigQuery, Spark last
  const wSums = (w: string) => `sum(${w}.writes) AS writes, sum(${w}.w5 + ${w}.w1) AS tokens`;
  return [
    {
      name: 'total',
      title:
        'Total: requests, token sums, exact cost in femto-USD (10^-15 USD); unpriced requests are not $0, they are left out. Caching as it happened: cost_without_caching_femto prices the cache tokens at the input price',
      sql: `SELECT ${sums},
  sum(cost_femto) + sum(saved_femto) AS cost_without_caching_femto
FROM (
  ${rows}
) x`,
    },
    {
      name: 'groups',
      title: `Per ${byLabel}, most expensive first`,
      sql: `SELECT ${names.join(', ')}, ${sums}
FROM (
  ${rows}
) x
GROUP BY ${g.join(', ')}
ORDER BY CASE WHEN sum(cost_femto) IS NULL THEN 1 ELSE 0 END, sum(cost_femto) DESC, sum(requests) DESC`,
    },
    {
      name: 'unpriced',
      title: 'Unpriced models (no price row for the model id as logged): add them with --model and run the script again',
      sql: AGG_UNPRICED_MODELS_SQL,
    },
    {
      name: 'turns',
      title: `The context-window tax: requests, prompt tokens and exact cost per turn of a conversation (turn ${TURN_CAP + 1} sums the later turns)`,
      sql: `SELECT turn_no, sum(requests) AS requests, sum(prompt_tokens) AS prompt_tokens, sum(cost_femto) AS cost_femto
FROM (
  ${costedSql(d, 'turn_sums', 'e0', 'k0')}
) x
GROUP BY turn_no
ORDER BY turn_no`,
    },
    { name: 'later_turns', title: `How many turn numbers the turn ${TURN_CAP + 1} row sums`, sql: TURN_SUMS_LATER_SQL },
    {
      name: 'unread_writes',
      title: 'Cache writes never read: writes, tokens, what they cost and their premium over the input price (femto-USD)',
      sql: `SELECT ${wSums('w')},
  sum(${d.wide('w.w5')} * c.p_cache_write_5m + ${d.wide('w.w1')} * c.p_cache_write_1h) AS cost_femto,
  sum(${d.wide('w.w5')} * (c.p_cache_write_5m - c.p_input) + ${d.wide('w.w1')} * (c.p_cache_write_1h - c.p_input)) AS premium_femto
FROM (
${unreadWritesSql(d)}
) w JOIN card_prices c ON c.e = w.e AND c.k = w.k`,
    },
    {
      name: 'distribution',
      title: `Cost per request by nearest rank: pNN_cost is the exact cost (femto-USD) of the row at the quantile, pNN_w its requests; per request = pNN_cost / pNN_w`,
      sql: distributionSql(d, []),
    },
    { name: 'group_distribution', title: `Cost per request per ${byLabel} (columns as above)`, sql: distributionSql(d, g) },
    {
      name: 'cliffs',
      title: 'Long-context cliffs: requests over a tier threshold, their token cost and the premium over the untiered prices (femto-USD)',
      sql: `SELECT t.model AS model, t.threshold AS threshold, CASE WHEN t.inclusive THEN '>=' ELSE '>' END AS operator, sum(s.requests) AS requests,
  sum(${tokenCostSql(d, 's', 'c')}) AS cost_femto,
  sum(${tokenCostSql(d, 's', 'c')} - (${tokenCostSql(d, 's', 't')})) AS premium_femto
FROM (
${cardSumsSql('total', '', [])}
) s JOIN card_prices c ON c.e = s.e AND c.k = s.k JOIN card_tiers t ON t.e = s.e AND t.k = s.k
GROUP BY t.model, t.threshold, t.inclusive
ORDER BY premium_femto DESC, t.model, t.threshold`,
    },
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
  // a tag name becomes a column name and part of the comment over a result set: a newline in it would end
  // the comment and make the rest a statement (as --table and --map, a name with a control character is refused)
  for (const dim of dims)
    if (dim.kind === 'tag' && !isInert(dim.name))
      throw new UserError(
        `--by tag:${inert(dim.name, 0)}: a tag name with a control or invisible character cannot be a column of the script`,
        'give the tag name as the logs spell it, in printable characters',
      );
  const mapping = parseMapping(o.map, d);
  const pricer = new Pricer(o.catalog, { defaultMs: o.nowMs });
  const mapRows = priceMapRows(0, pricer, routeKeys(o.catalog, [...(o.models ?? []).map(parseModelArg), ...(o.routes ?? [])]));
  const cards = selectableCards(pricer, mapRows);
  const tiers = cardTierRows(cards);
  const source = `${d.name} table ${o.table}`;
  const parts: Array<[string, string[]]> = [
    ['Session settings the queries rely on', d.preamble],
    [
      `Price rows: ${mapRows.length} model routes x price segments (prices as of ${new Date(o.nowMs).toISOString().slice(0, 10)})`,
      d.tableFromRows('price_map', PRICE_MAP_COLUMNS, mapRows),
    ],
    [
      `Integer rates of ${cards.length} rate cards (nano-USD per million tokens = femto-USD per token)`,
      d.tableFromRows('card_prices', CARD_PRICE_COLUMNS, cards.map(cardPriceRow)),
    ],
    [
      `Long-context tiers of ${tiers.length} of those cards, with their prices without the tier`,
      d.tableFromRows('card_tiers', CARD_TIER_COLUMNS, tiers),
    ],
    [
      `The usage table: ${o.table} through the mapping "${mapping.name}"; rows with negative or fractional counts are left out (count them with the query at the end)`,
      [d.view('usage', usageViewSelect(mapping, o.table, source, d))],
    ],
    [
      'Each row with its group and price key (rows without a time are priced at the script date)',
      [pricedTableSql(d, { dims, billed: { defaultMs: o.nowMs }, shape: priceMapShape(mapRows) })],
    ],
    [
      'Integer sums per group and price key (totals, groups, unpriced models and the long-context cliffs read them)',
      [
        aggTableSql(
          d,
          dims.map((_, i) => `g${i}`),
          false,
        ),
      ],
    ],
    ['Sums per turn of a conversation and price key (one pass of the turn numbering)', [turnSumsTableSql(d)]],
    ...reportQueries(d, dims).map((r): [string, string[]] => [`result "${r.name}": ${r.title}`, [r.sql]]),
    ['result "accounting": Rows read and rows rejected for invalid counts', [accountingSql(mapping, o.table, source, d)]],
    [
      'result "routes": The route keys of the table (model, provider, regional): save them as CSV and give the file to --models-file to price every one, Bedrock and regional ids included',
      [ROUTE_KEYS_SQL],
    ],
  ];
  const header = [
    `-- tokenomics: the cost report computed inside ${d.name}`,
    `-- generated by: ${inert(o.command, 0)}`,
    `-- dialect level: ${d.tested === 'runs' ? 'run against the real engine in tokenomics tests' : 'golden-tested and parsed with an SQL parser, not run against the engine'}`,
    '-- run the whole script in one session (it creates temporary tables).',
  ];
  return `${header.join('\n')}\n\n${parts
    .filter(([, stmts]) => stmts.length)
    // comment lines inert: no newline (nor CR, which ends a comment too) in a name they quote ends them
    .map(([title, stmts]) => `-- ${inert(title, 0)}\n${stmts.map((s) => `${s};`).join('\n')}`)
    .join('\n\n')}\n`;
}

/**
 * The statements of a script in order, as a user runs them one by one: each with the name of the
 * result set it gives (`-- result "turns": ...`), none for the statements that build tables.
 */
export function scriptStatements(script: string): Array<{ result?: string; sql: string }> {
  return script
    .split(/\n\n(?=-- )/)
    .slice(1)
    .flatMap((section) => {
      const result = /^-- result "(\w+)"/.exec(section)?.[1];
      return section
        .split(/;\n/)
        .map((stmt) => stmt.replace(/^(--.*\n)+/gm, '').trim())
        .filter(Boolean)
        .map((sql) => ({ result, sql }));
    });
}
