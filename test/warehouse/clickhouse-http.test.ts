/**
 * `report clickhouse://…` end to end: no ClickHouse server can run here, so a small HTTP shim
 * answers ClickHouse's HTTP interface (ping, statements in the POST body, FORMAT JSONEachRow,
 * errors as status 500 with the engine's text) by executing each statement with chDB, the real
 * ClickHouse engine embedded. The CLI talks to it through @clickhouse/client as it would to a
 * server. Credentials are not checked by the shim; the test checks they are never shown.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJson } from '../../src/report/format.js';
import { runCli } from '../cli/harness.js';
import { engineReport } from '../engine/engine-env.js';
import { service } from '../services.js';
import { clickhouse, fixtureRows, loadUsageTable, openChdb } from './engines.js';
import { usageDocument } from '../../src/report/data.js';

const chdbPath = service('TOKENOMICS_TEST_CHDB');
const SECRET = 'ch-secret-pw-1234';

describe.skipIf(!chdbPath)('report clickhouse:// (HTTP interface served by chDB)', () => {
  let server: Server;
  let chdb: Awaited<ReturnType<typeof openChdb>>;
  let base = '';
  beforeAll(async () => {
    chdb = await openChdb(chdbPath!);
    await loadUsageTable(chdb, clickhouse, 'demo_usage', await fixtureRows(['fixtures/demo']));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.url?.startsWith('/ping')) return res.end('Ok.\n');
        const url = new URL(req.url ?? '/', 'http://x');
        const sql = (url.searchParams.get('query') ?? '') + body;
        const m = /\s+FORMAT\s+(\w+)\s*$/i.exec(sql);
        try {
          // one chDB session for the test: the session_id's temporary tables live in it
          const out = m ? chdb.exec.rows(sql.slice(0, m.index)) : chdb.exec.command(sql).then(() => '');
          out.then(
            (r) => {
              res.setHeader('Content-Type', 'text/plain');
              res.end(Array.isArray(r) ? r.map((row) => `${JSON.stringify(row)}\n`).join('') : '');
            },
            (err: Error) => {
              res.statusCode = 500;
              res.end(err.message.replace(/^Query failed: /, ''));
            },
          );
        } catch (err) {
          res.statusCode = 500;
          res.end((err as Error).message);
        }
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `clickhouse://default:${SECRET}@127.0.0.1:${(server.address() as AddressInfo).port}/default`;
  }, 120_000);
  afterAll(async () => {
    server?.close();
    await chdb?.close();
  });

  it('gives the JSON of the file path (inputs aside)', async () => {
    const r = await runCli(['report', `${base}?table=demo_usage`, '--format', 'json', '--by', 'day,model', '-v']);
    expect(r.code, r.stderr).toBe(0);
    const actual = JSON.parse(r.stdout);
    const expected = JSON.parse(toJson(usageDocument((await engineReport({ inputs: ['fixtures/demo'], by: 'day,model' })).data)));
    // --format json adds the report model under `report` (for `tokenomics render`); the engine's JSON is the command's part only
    expect(actual.report.title).toBe('tokenomics report');
    delete actual.report;
    for (const j of [actual, expected]) {
      delete j.inputs;
      delete j.issues;
    }
    expect(toJson(actual)).toBe(toJson(expected));
    expect(r.stderr).toContain('connecting to clickhouse://default:***@127.0.0.1');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  }, 120_000);

  it('a missing table: exit 2 with the engine message and a hint, no password', async () => {
    const r = await runCli(['report', `${base}?table=nope`, '-v']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/engine: Unknown table expression identifier 'nope'/);
    expect(r.stderr).toMatch(/hint: check the table and column names/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  }, 60_000);

  it('no server: exit 2 with a hint, no password', async () => {
    const r = await runCli(['report', `clickhouse://default:${SECRET}@127.0.0.1:1/default?table=x`, '-v']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hint: check the host, port and credentials/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  }, 60_000);
});
