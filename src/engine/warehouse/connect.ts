/**
 * Connections to the databases a report can run in: PostgreSQL (`pg`, one session so temporary
 * tables live as long as the report) and ClickHouse over its HTTP interface (`@clickhouse/client`,
 * one session id for the same reason). Only query results cross the wire.
 *
 * Credentials come from the URL or the usual environment variables (PGUSER, PGPASSWORD, ...;
 * CLICKHOUSE_USER, CLICKHOUSE_PASSWORD) and never appear in output, errors or --verbose: the URL is
 * shown redacted (`redactedUrl`) and every engine message has the password and user info removed.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../../core/issues.js';
import type { CellValue, SqlType } from '../../usage/table.js';
import { clickhouse, postgres, type WarehouseDialect } from '../dialect.js';
import { EngineError } from '../errors.js';
import type { Row, SqlDb } from '../sql-db.js';

export interface WarehouseTarget {
  dialect: WarehouseDialect;
  /** The URL without password (what messages may show). */
  shown: string;
  table: string;
  /** `map=` of the URL (a ready-made mapping or column pairs). */
  map?: string;
}

export interface WarehouseDb extends SqlDb {
  close(): Promise<void>;
}

const SCHEMES: Record<string, WarehouseDialect> = {
  'postgres:': postgres,
  'postgresql:': postgres,
  'clickhouse:': clickhouse,
  'clickhouses:': clickhouse,
};

/** Whether an input names a database rather than a file. */
export const isWarehouseUrl = (input: string): boolean => /^(postgres|postgresql|clickhouses?):\/\//i.test(input);

/** The URL with the password (and any secret query parameter) removed. */
export function redactedUrl(url: URL): string {
  const u = new URL(url.href);
  if (u.password) u.password = '***';
  for (const k of [...u.searchParams.keys()]) if (/pass|secret|token|key/i.test(k)) u.searchParams.set(k, '***');
  return u.href;
}

export function parseTarget(input: string): { target: WarehouseTarget; url: URL } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UserError('the database URL cannot be parsed', 'e.g. postgres://user@host:5432/db?table=LiteLLM_SpendLogs');
  }
  const dialect = SCHEMES[url.protocol.toLowerCase()];
  if (!dialect) throw new UserError(`unsupported database URL scheme "${url.protocol}"`, 'use postgres://… or clickhouse://…');
  const table = url.searchParams.get('table');
  if (!table)
    throw new UserError(`${redactedUrl(url)}: no table given`, 'add ?table=NAME to the URL, e.g. ?table=LiteLLM_SpendLogs&map=litellm');
  return { target: { dialect, shown: redactedUrl(url), table, map: url.searchParams.get('map') ?? undefined }, url };
}

/** An engine message with the URL's secrets taken out. */
function scrub(message: string, secrets: string[]): string {
  let out = message;
  for (const s of secrets) if (s.length >= 1) out = out.split(s).join('***');
  return out;
}

function engineError(err: unknown, secrets: string[], hint: string): EngineError {
  const e = err as Error & { code?: string };
  const msg = scrub(e?.message || (e?.code ?? String(err)), secrets);
  return new EngineError(msg, hint);
}

const CONNECT_HINT = 'check the host, port and credentials (URL or PGHOST/PGUSER/PGPASSWORD, CLICKHOUSE_USER/CLICKHOUSE_PASSWORD)';
export const QUERY_HINT = 'check the table and column names (?table=…, ?map=… or --map: see README.md#report-from-a-database)';

/** Runs statements in order through `run` (the small tables: create, then insert). */
async function loadVia(db: SqlDb, d: WarehouseDialect, name: string, columns: Array<{ name: string; type: SqlType }>, rows: CellValue[][]) {
  for (const stmt of d.tableFromRows(name, columns, rows)) await db.run(stmt);
}

export async function connectPostgres(url: URL, env: Record<string, string | undefined>): Promise<WarehouseDb> {
  const { default: pg } = await import('pg');
  const password = url.password ? decodeURIComponent(url.password) : env.PGPASSWORD;
  const secrets = [password, url.password].filter((s): s is string => !!s);
  const sslmode = url.searchParams.get('sslmode');
  const client = new pg.Client({
    host: url.hostname || env.PGHOST,
    port: url.port ? Number(url.port) : env.PGPORT ? Number(env.PGPORT) : undefined,
    user: url.username ? decodeURIComponent(url.username) : env.PGUSER,
    password,
    database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : env.PGDATABASE,
    ssl: sslmode === 'require' || sslmode === 'verify-full' ? { rejectUnauthorized: sslmode === 'verify-full' } : undefined,
    connectionTimeoutMillis: 10_000,
  });
  // a dropped connection later is an error event: keep it from crashing the process (the query rejects)
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw engineError(err, secrets, CONNECT_HINT);
  }
  return overExec(
    {
      command: async (sql) => {
        await client.query(sql);
      },
      rows: async (sql) => (await client.query(sql)).rows as Row[],
      close: () => client.end().catch(() => undefined),
    },
    postgres,
    secrets,
  );
}

/** What a connection needs from a client: run a statement, read rows, close (pg, the ClickHouse HTTP client, or chDB in tests). */
export interface ClickHouseExec {
  command(sql: string): Promise<void>;
  rows(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

/** A connection over statement and query functions: engine failures become exit-2 errors with secrets removed. */
function overExec(exec: ClickHouseExec, d: WarehouseDialect, secrets: string[]): WarehouseDb {
  const db: WarehouseDb = {
    async run(sql) {
      try {
        await exec.command(sql);
      } catch (err) {
        throw engineError(err, secrets, QUERY_HINT);
      }
    },
    async query(sql) {
      try {
        return await exec.rows(sql);
      } catch (err) {
        throw engineError(err, secrets, QUERY_HINT);
      }
    },
    loadTable: (name, columns, rows) => loadVia(db, d, name, columns, rows),
    close: () => exec.close(),
  };
  return db;
}

export const clickhouseDb = (exec: ClickHouseExec, secrets: string[] = []): WarehouseDb => overExec(exec, clickhouse, secrets);

export async function connectClickHouse(url: URL, env: Record<string, string | undefined>): Promise<WarehouseDb> {
  const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
  const password = url.password ? decodeURIComponent(url.password) : (env.CLICKHOUSE_PASSWORD ?? '');
  const secrets = [password, url.password].filter((s): s is string => !!s);
  const secure = url.protocol.toLowerCase() === 'clickhouses:';
  const http = new URL(`${secure ? 'https' : 'http'}://${url.hostname}:${url.port || (secure ? '8443' : '8123')}`);
  const client = createClient({
    url: http,
    username: url.username ? decodeURIComponent(url.username) : (env.CLICKHOUSE_USER ?? 'default'),
    password,
    database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : (env.CLICKHOUSE_DATABASE ?? 'default'),
    // temporary tables live in the session
    session_id: `tokenomics-${randomUUID()}`,
    request_timeout: 300_000,
    // failures reach the user once, as an engine error with a hint: not also through the client's own log
    log: { level: ClickHouseLogLevel.OFF },
  });
  const exec: ClickHouseExec = {
    command: async (sql) => {
      await client.command({ query: sql });
    },
    rows: async (sql) => (await client.query({ query: sql, format: 'JSONEachRow' })).json<Row>(),
    close: () => client.close(),
  };
  try {
    const ping = await client.ping();
    if (!ping.success) throw ping.error;
  } catch (err) {
    await client.close().catch(() => undefined);
    throw engineError(err, secrets, CONNECT_HINT);
  }
  return clickhouseDb(exec, secrets);
}

export function connect(url: URL, target: WarehouseTarget, env: Record<string, string | undefined>): Promise<WarehouseDb> {
  return target.dialect === postgres ? connectPostgres(url, env) : connectClickHouse(url, env);
}
