/**
 * `tokens`' typed data (its --format json document, amounts as Femto) and its view: the per-file
 * table and its totals row are derived from the data alone.
 */
import type { Femto } from '../pricing/money.js';
import { col, type Cell, type Report } from './model.js';

export interface TokensFileData {
  file: string;
  characters: number;
  tokens: number;
  /** The tokens at the model's input / output price; null without a model (or a price). */
  costAsInputUsd: Femto | null;
  costAsOutputUsd: Femto | null;
}

export interface TokensData {
  schemaVersion: number;
  model: string | null;
  encoding: string;
  estimated: boolean;
  factor: number;
  files: TokensFileData[];
  totalTokens: number;
}

/** What the summary says beside the data: how the count was made and the prices used (none without a model). */
export interface TokensContext {
  basis: string;
  prices?: { line: string; source: string };
  /** Prices other than the listed input and output ones a file's cost used (a long-context band, a discount). */
  priceNotes?: string[];
}

const sum = (xs: Array<Femto | null>): Femto | null => (xs.some((x) => x === null) ? null : xs.reduce<Femto>((n, x) => n + (x ?? 0n), 0n));

export function tokensReport(data: TokensData, ctx: TokensContext): Report {
  const priced = ctx.prices !== undefined;
  const rows: Record<string, Cell>[] = data.files.map((f) => ({
    file: f.file,
    chars: f.characters,
    tokens: f.tokens,
    ...(priced ? { asInput: f.costAsInputUsd, asOutput: f.costAsOutputUsd } : {}),
  }));
  const footer: Record<string, Cell> = {
    file: 'Total',
    chars: data.files.reduce((n, f) => n + f.characters, 0),
    tokens: data.totalTokens,
    ...(priced ? { asInput: sum(data.files.map((f) => f.costAsInputUsd)), asOutput: sum(data.files.map((f) => f.costAsOutputUsd)) } : {}),
  };
  return {
    title: `Tokens${data.model !== null ? ` for ${data.model}` : ''}`,
    summary: [['Count', ctx.basis], ...(ctx.prices ? ([['Prices', ctx.prices.line]] as Array<[string, string]>) : [])],
    sections: [
      {
        id: 'tokens',
        title: 'Per file',
        columns: [
          col('file', 'File'),
          col('chars', 'Characters', 'int', { priority: 3 }),
          // the count is what the command is for: never dropped to fit (Characters goes first)
          col('tokens', data.estimated ? 'Tokens (est.)' : 'Tokens', 'int', { priority: 1 }),
          ...(priced ? [col('asInput', 'Cost as input', 'usd'), col('asOutput', 'Cost as output', 'usd')] : []),
        ],
        rows,
        footer: rows.length > 1 ? footer : undefined,
      },
    ],
    notes: [...(ctx.priceNotes ?? []), ...(ctx.prices ? [`Price source: ${ctx.prices.source}`] : [])],
    data: { command: 'tokens', document: data },
    primarySection: 'tokens',
  };
}
