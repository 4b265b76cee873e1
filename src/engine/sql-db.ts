/**
 * What the report queries need from a database: run a statement, read rows, create a small table
 * from JS rows. The embedded DuckDB (duckdb.ts) and the warehouse connections (warehouse/*.ts)
 * all provide it, so `reportFromTable` runs the very same queries on each.
 */
import type { CellValue, SqlType } from '../usage/table.js';
import type { RouteKey, RowKinds, TimeSpan } from './price-map.js';

export type Row = Record<string, unknown>;

export interface SqlDb {
  run(sql: string): Promise<void>;
  /** Rows as plain objects; integers may arrive as bigint, number or decimal string (exact). */
  query(sql: string): Promise<Row[]>;
  loadTable(name: string, columns: Array<{ name: string; type: SqlType }>, rows: CellValue[][]): Promise<void>;
  /**
   * Whether queries issued at once run at once (DuckDB: each on a connection of its own); else they
   * may run one after another, as a single connection does.
   */
  readonly concurrent?: boolean;
  /** At least as many as the usage rows, where the database knows it without a query (DuckDB: the rows read, every line of a view's file). */
  readonly rowsAtMost?: number;
  /** The distinct route keys of the usage table (ROUTE_KEYS_SQL), where the database knows a cheaper way to them. */
  routeKeys?(): Promise<RouteKey[]>;
  /** The first and last time of the usage rows, where the database knows them cheaply (undefined: not known). */
  timeSpan?(): Promise<TimeSpan | undefined>;
  /** What the usage rows hold (price-map.ts RowKinds), where the database knows it cheaply. */
  rowKinds?(): Promise<RowKinds | undefined>;
}
