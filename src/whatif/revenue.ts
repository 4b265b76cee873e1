/**
 * The revenue file: what each customer pays, to set against what each customer costs in the logs.
 * CSV (a header row, one customer per row) or YAML (plans, then customers). Per customer:
 *
 *   plan           plan name (YAML: a key of `plans`, whose prices apply unless the customer overrides them)
 *   seats          seats on the contract
 *   perSeatUsd     list price per seat per month
 *   contractUsd    a fixed monthly contract price (instead of seats x perSeatUsd)
 *   perRequestUsd  usage price per request (on top of the contract, or alone)
 *   discountPct    discount off the customer's total, percent (0..100)
 *
 * Amounts are monthly and exact (decimals as written). Every problem is reported as file:line with
 * the field, and the run stops (exit 2): a margin built on a misread contract is worse than none.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { UserError } from '../core/issues.js';
import { parseYaml, describeSyntaxErrors } from '../core/yaml.js';
import { readBoundedText } from './load.js';
import { RESERVED_KEYS } from './setpath.js';
import { MAX_COUNT, MAX_USD } from './schema.js';
import { add, div, mul, q, qInt, Q0, Q1, sub, type Q } from '../pricing/money.js';

export interface Contract {
  customer: string;
  plan: string;
  seats?: number;
  perSeatUsd?: number;
  contractUsd?: number;
  perRequestUsd?: number;
  discountPct: number;
  /** file:line where the customer is stated. */
  at: string;
}

export interface RevenueFile {
  file: string;
  contracts: Map<string, Contract>;
}

const FIELDS = ['customer', 'plan', 'seats', 'perSeatUsd', 'contractUsd', 'perRequestUsd', 'discountPct'] as const;
const NUMERIC = new Set(['seats', 'perSeatUsd', 'contractUsd', 'perRequestUsd', 'discountPct']);
const MAX: Record<string, number> = {
  seats: MAX_COUNT,
  perSeatUsd: MAX_USD,
  contractUsd: MAX_USD * 1000,
  perRequestUsd: MAX_USD,
  discountPct: 100,
};
const HINT = 'see README "Margin per customer" for the revenue file format';

/** Monthly revenue of a contract for a month with `requests` requests, as an exact USD fraction. */
export function revenueUsd(c: Contract, requests: Q): Q {
  const terms = termsOf(c);
  const total = terms.perRequest === undefined ? terms.fixed : add(terms.fixed, mul(terms.perRequest, requests));
  return mul(total, terms.kept);
}

/** A contract's exact terms: the fixed monthly price, the price per request, the share kept after the discount. */
interface Terms {
  fixed: Q;
  perRequest?: Q;
  kept: Q;
}

/** Each contract's terms, made once (a margin asks for a customer's revenue at each volume). */
const termsByContract = new WeakMap<Contract, Terms>();
function termsOf(c: Contract): Terms {
  let terms = termsByContract.get(c);
  if (terms === undefined) {
    let fixed = Q0;
    if (c.contractUsd !== undefined) fixed = q(c.contractUsd);
    else if (c.seats !== undefined && c.perSeatUsd !== undefined) fixed = mul(q(c.seats), q(c.perSeatUsd));
    terms = {
      fixed,
      perRequest: c.perRequestUsd === undefined ? undefined : q(c.perRequestUsd),
      kept: sub(Q1, div(q(c.discountPct), qInt(100))),
    };
    termsByContract.set(c, terms);
  }
  return terms;
}

/**
 * One CSV line split into fields: csv-parse (RFC 4180 quoting within the line) where the line holds a
 * quote, undefined when it is not valid CSV. A line without a quote is split at its commas (what
 * csv-parse returns for it: every consumer trims the cells), without building a parser per line (at
 * 100k customers that took most of the run).
 */
function splitCsvLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',').map((cell) => cell.trim());
  try {
    const rows = parseCsv(line, { trim: true, relax_column_count: true }) as string[][];
    return rows[0] ?? [''];
  } catch {
    return undefined; // an unbalanced quote or text after a closing quote
  }
}

function numberField(raw: unknown, field: string, where: string, errors: string[]): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < 0) errors.push(`${where}: ${field}: expected a non-negative decimal number (got ${JSON.stringify(raw)})`);
  else if (n > MAX[field]) errors.push(`${where}: ${field}: expected at most ${MAX[field]} (got ${raw})`);
  else return n;
  return undefined;
}

function checkContract(c: Contract, errors: string[]): void {
  const hasSeats = c.seats !== undefined || c.perSeatUsd !== undefined;
  if (c.contractUsd !== undefined && hasSeats) errors.push(`${c.at}: ${c.customer}: give contractUsd or seats x perSeatUsd, not both`);
  else if (hasSeats && (c.seats === undefined || c.perSeatUsd === undefined))
    errors.push(`${c.at}: ${c.customer}: ${c.seats === undefined ? 'seats' : 'perSeatUsd'} is missing (seat pricing needs both)`);
  else if (!hasSeats && c.contractUsd === undefined && c.perRequestUsd === undefined)
    errors.push(`${c.at}: ${c.customer}: no price: give seats and perSeatUsd, contractUsd, or perRequestUsd (0 for a free account)`);
}

function customerName(raw: unknown, where: string, errors: string[]): string | undefined {
  const name = typeof raw === 'number' ? String(raw) : raw;
  if (typeof name !== 'string' || name.trim() === '') errors.push(`${where}: customer: expected a customer id`);
  else if (RESERVED_KEYS.has(name)) errors.push(`${where}: customer: "${name}" is not allowed as an id`);
  else return name.trim();
  return undefined;
}

export function parseRevenueCsv(text: string, file: string): RevenueFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const errors: string[] = [];
  const headerAt = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  if (headerAt < 0) throw new UserError(`${file}: empty revenue file`, HINT);
  const header = splitCsvLine(lines[headerAt])?.map((h) => h.trim()) ?? [];
  const unknown = header.filter((h) => !(FIELDS as readonly string[]).includes(h));
  if (unknown.length)
    errors.push(
      `${file}:${headerAt + 1}: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (columns: ${FIELDS.join(', ')})`,
    );
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) errors.push(`${file}:${headerAt + 1}: column "${dup}" appears twice`);
  if (!header.includes('customer')) errors.push(`${file}:${headerAt + 1}: a customer column is required`);
  if (errors.length) throw new UserError(['invalid revenue file:', ...errors], HINT);
  const contracts = new Map<string, Contract>();
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) continue;
    const at = `${file}:${i + 1}`;
    const cells = splitCsvLine(line);
    if (!cells) {
      errors.push(`${at}: unbalanced quote (a field must not span lines)`);
      continue;
    }
    if (cells.length !== header.length) {
      errors.push(`${at}: ${cells.length} fields, the header has ${header.length}`);
      continue;
    }
    const row = new Map(header.map((h, k) => [h, cells[k]]));
    addContract(contracts, row, at, errors);
  }
  if (errors.length) throw new UserError(['invalid revenue file:', ...errors], HINT);
  return { file, contracts };
}

function addContract(contracts: Map<string, Contract>, row: Map<string, unknown>, at: string, errors: string[]): void {
  const before = errors.length;
  const customer = customerName(row.get('customer'), at, errors);
  const num = (f: string) => (NUMERIC.has(f) ? numberField(row.get(f), f, at, errors) : undefined);
  const plan = row.get('plan');
  const c: Contract = {
    customer: customer ?? '',
    plan: typeof plan === 'string' && plan.trim() ? plan.trim() : '(no plan)',
    seats: num('seats'),
    perSeatUsd: num('perSeatUsd'),
    contractUsd: num('contractUsd'),
    perRequestUsd: num('perRequestUsd'),
    discountPct: num('discountPct') ?? 0,
    at,
  };
  if (errors.length > before || customer === undefined) return;
  const prev = contracts.get(customer);
  if (prev) {
    errors.push(`${at}: customer "${customer}" is already stated at ${prev.at}`);
    return;
  }
  checkContract(c, errors);
  contracts.set(customer, c);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseRevenueYaml(text: string, file: string): RevenueFile {
  const parsed = parseYaml(text);
  if ('errors' in parsed) throw new UserError(describeSyntaxErrors(file, parsed.errors), 'fix the YAML syntax');
  const doc = parsed.value;
  const line = (path: string[]) => `${file}:${parsed.lineOf(path) ?? 1}`;
  const errors: string[] = [];
  if (!isMap(doc)) throw new UserError(`${file}: expected a mapping with plans and customers`, HINT);
  for (const k of Object.keys(doc))
    if (!['version', 'plans', 'customers'].includes(k)) errors.push(`${line([k])}: ${k}: unknown key (keys: version, plans, customers)`);
  const plans = new Map<string, Record<string, unknown>>();
  if (doc.plans !== undefined) {
    if (!isMap(doc.plans)) errors.push(`${line(['plans'])}: plans: expected a mapping of plan name to prices`);
    else
      for (const [name, p] of Object.entries(doc.plans)) {
        if (!isMap(p) || RESERVED_KEYS.has(name)) {
          errors.push(`${line(['plans', name])}: plans.${name}: expected a mapping of prices`);
          continue;
        }
        for (const k of Object.keys(p))
          if (!['perSeatUsd', 'contractUsd', 'perRequestUsd', 'discountPct'].includes(k))
            errors.push(`${line(['plans', name, k])}: plans.${name}.${k}: unknown key`);
        plans.set(name, p);
      }
  }
  const contracts = new Map<string, Contract>();
  if (!isMap(doc.customers)) errors.push(`${line(['customers'])}: customers: expected a mapping of customer id to contract`);
  else
    for (const [name, c] of Object.entries(doc.customers)) {
      const at = line(['customers', name]);
      if (!isMap(c)) {
        errors.push(`${at}: customers.${name}: expected a mapping`);
        continue;
      }
      for (const k of Object.keys(c))
        if (!(FIELDS as readonly string[]).includes(k) || k === 'customer')
          errors.push(`${line(['customers', name, k])}: customers.${name}.${k}: unknown key`);
      const plan = typeof c.plan === 'string' ? c.plan : undefined;
      if (plan !== undefined && !plans.has(plan))
        errors.push(
          `${line(['customers', name, 'plan'])}: customers.${name}.plan: unknown plan "${plan}"${plans.size ? ` (plans: ${[...plans.keys()].join(', ')})` : ''}`,
        );
      // the customer's own prices win: a contract price and seats x a seat price are alternatives, so
      // stating one drops the plan's other (a custom contract on a seat plan is not "both")
      const inherited = Object.entries(plan ? (plans.get(plan) ?? {}) : {}).filter(
        ([k]) => !(k === 'perSeatUsd' && c.contractUsd !== undefined) && !(k === 'contractUsd' && c.perSeatUsd !== undefined),
      );
      const merged = new Map<string, unknown>([...inherited, ...Object.entries(c), ['customer', name]]);
      addContract(contracts, merged, at, errors);
    }
  if (errors.length) throw new UserError(['invalid revenue file:', ...errors], HINT);
  return { file, contracts };
}

export function readRevenueFile(file: string): RevenueFile {
  const text = readBoundedText(file, 'give the path of a revenue CSV or YAML file');
  return /\.ya?ml$/i.test(file) ? parseRevenueYaml(text, file) : parseRevenueCsv(text, file);
}
