/** `tokenomics tokens`: count tokens in files or stdin, and what they cost as input and output. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/issues.js';
import { TEXT_INPUT_MAX_BYTES, readTextFile, readTextStream, stdinNote } from '../../core/read-text.js';
import { priceToUsdPerMTok } from '../../pricing/money.js';
import { Estimator } from '../../prompts/estimate.js';
import { pricedPeriodAt } from '../../pricing/catalog.js';
import { countTokens, countTokensParallel, type EncodingName } from '../../tokenize/index.js';
import { tokensReport, type TokensData } from '../../report/tokens-data.js';
import type { CommandContext } from '../context.js';
import type { Runner } from '../main.js';
import { SCHEMA_VERSION } from '../version.js';
import { inert } from '../../core/untrusted.js';
import type { ModelEntry } from '../../pricing/model.js';
import { requireModels } from './estimate.js';
import { expandGlob, isGlob } from '../../prompts/glob.js';

const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base'];
const PARALLEL_MIN_BYTES = 4_000_000;

interface TokensOptions {
  model?: string;
  encoding?: string;
}

export function registerTokens(program: Command, run: Runner): void {
  program
    .command('tokens')
    .description('count tokens in files (or stdin) and show what they cost as input and as output')
    .argument('[files...]', 'files to count; - or nothing reads stdin')
    .option('-m, --model <id>', 'price the tokens for this model and use its tokenizer')
    .option('-e, --encoding <name>', `count with this encoding (${ENCODINGS.join(', ')})`)
    .addHelpText(
      'after',
      `
Examples:
  $ tokenomics tokens README.md --model gpt-4o
  $ tokenomics tokens fixtures/prompts/*.md --model claude-sonnet-4-5
      # an estimate: Claude's tokenizer is not public
  $ echo "hello world" | tokenomics tokens --encoding cl100k_base`,
    )
    .action(run((ctx, cmd) => tokens(ctx, cmd.args, cmd.opts<TokensOptions>())));
}

// input text is bounded (TEXT_INPUT_MAX_BYTES), binary refused, invalid UTF-8 warned about with its offset
const TEXT_READ = {
  what: 'input',
  maxBytes: TEXT_INPUT_MAX_BYTES,
  invalidUtf8: 'warn',
  hint: 'pass files (a shell glob such as prompts/*.md works)',
} as const;

async function readStdin(ctx: CommandContext): Promise<string> {
  const read = await readTextStream(ctx.io.stdin, '-', TEXT_READ);
  read.warnings.forEach((w) => ctx.warn(w));
  if (read.text === '') {
    // as report says it: an upstream command in the pipe may have failed (0 tokens, $0, is no answer)
    const note = `-: ${stdinNote(ctx.io.stdin) ?? 'standard input is empty: nothing to read'}`;
    const hint = 'did the command before | fail? --strict makes an empty standard input an error';
    if (ctx.strict) throw new UserError(note, hint);
    ctx.warn(`${note}\nhint: ${hint}`);
  }
  return read.text;
}

/**
 * A glob pattern the shell did not expand (`tokens 'prompts/*.md'`, quoted) as the files it matches (prompts/glob.ts),
 * relative to the working directory; any other argument as given (an existing file named like a pattern included).
 */
function expandGlobs(names: string[], cwd: string): string[] {
  return names.flatMap((f) => (f === '-' || !isGlob(f) || existsSync(resolve(cwd, f)) ? [f] : expandGlob(f, cwd)));
}

function readText(ctx: CommandContext, path: string, name: string): string {
  const read = readTextFile(path, { ...TEXT_READ, name });
  read.warnings.forEach((w) => ctx.warn(w));
  return read.text;
}

/** Characters as Unicode code points: a JavaScript string's length counts an emoji or any character past U+FFFF twice. */
function codePoints(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}

/**
 * Why a count is an estimate, truthfully: the model has no public tokenizer (its catalog encoding
 * times its factor), or --encoding counted with another encoding than the model's own (`tokens
 * --model gpt-4 --encoding o200k_base` said gpt-4 had no public tokenizer; it has cl100k_base), and
 * then the model's factor is not applied, which the line says.
 */
function estimateBasis(encoding: EncodingName, factor: number, entry: ModelEntry | undefined, forced: string | undefined): string {
  const id = entry?.id ?? 'model';
  const tk = entry?.tokenizer;
  const head = `estimate: ${encoding}${factor !== 1 ? ` x ${factor}` : ''}`;
  const ownFactor = tk?.factor ?? 1;
  if (forced === undefined || !tk || (!tk.exact && forced === tk.encoding && ownFactor === 1))
    return `${head} (${id} has no public tokenizer)`;
  if (tk.exact) return `${head} (--encoding; ${id} counts with ${tk.encoding})`;
  if (forced === tk.encoding) return `${head} (--encoding; ${id} has no public tokenizer; its x ${ownFactor} not applied)`;
  return `${head} (--encoding; ${id} has no public tokenizer, estimated as ${tk.encoding}${ownFactor !== 1 ? ` x ${ownFactor}` : ''} without --encoding)`;
}

async function tokens(ctx: CommandContext, files: string[], opts: TokensOptions): Promise<number> {
  requireModels(opts.model, 'counted with o200k_base, not priced');
  // an empty --encoding ('') is named, not read as absent (it reached the encoder as an internal error)
  if (opts.encoding !== undefined && !(ENCODINGS as string[]).includes(opts.encoding))
    throw new UserError(`unknown encoding "${opts.encoding}"`, `use one of: ${ENCODINGS.join(', ')}`);
  const { catalog } = ctx.loadCatalog();
  const res = opts.model ? catalog.resolve(opts.model) : undefined;
  if (opts.model && !res) {
    const close = catalog.suggest(opts.model);
    throw new UserError(
      `unknown model "${inert(opts.model)}": not in the pricing catalog`,
      // (prices, estimate and sql hint the same way; with no near id the hint said nothing)
      close.length
        ? `closest known ids: ${close.join(', ')}`
        : 'add it with --prices FILE or a prices: section in tokenomics.yaml, or count without a price: --encoding o200k_base',
    );
  }
  const tk = res?.entry.tokenizer;
  const encoding = (opts.encoding as EncodingName | undefined) ?? tk?.encoding ?? 'o200k_base';
  const exact = opts.encoding ? !res || (tk?.encoding === opts.encoding && tk.exact) : (tk?.exact ?? !res);
  const factor = !opts.encoding && tk && !tk.exact ? (tk.factor ?? 1) : 1;
  // '-' reads standard input, alone or among files (`tokens a.md -` read a file named "-": ENOENT)
  const names = files.length === 0 ? ['-'] : files;
  if (names.filter((f) => f === '-').length > 1)
    throw new UserError('- is given more than once: standard input can be read only once', 'give - once');
  if (names.includes('-') && (ctx.io.stdin as { isTTY?: boolean }).isTTY)
    ctx.info('reading text from standard input (end with Ctrl-D; or pass files)');
  const sources: { name: string; text: string }[] = [];
  for (const f of expandGlobs(names, ctx.io.cwd))
    sources.push({ name: f, text: f === '-' ? await readStdin(ctx) : readText(ctx, resolve(ctx.io.cwd, f), f) });
  const bytes = sources.reduce((n, s) => n + s.text.length, 0);
  const counts =
    bytes >= PARALLEL_MIN_BYTES
      ? await countTokensParallel(
          sources.map((s) => s.text),
          encoding,
        )
      : sources.map((s) => countTokens(s.text, encoding));
  const period = res ? pricedPeriodAt(res.entry, ctx.io.now())?.period : undefined;
  // a file as the whole input of one call, or as its whole output, priced as estimate prices a call: the
  // long-context band its size reaches, a price file's discount, time-of-day prices over the week
  const est = res && period ? new Estimator(catalog, { cacheHitRate: 0, atMs: ctx.io.now() }) : undefined;
  const priceNotes: string[] = [];
  const callCost = (file: string, as: 'input' | 'output', n: number) => {
    if (!est || !res) return null;
    const priced = as === 'input' ? est.priceTokens(res, n, 0, 0, undefined) : est.priceTokens(res, 0, 0, n, undefined);
    if (priced.adjustments.length) priceNotes.push(`${file} as ${as}: ${priced.adjustments.join(', ')}`);
    return priced.perCall.noCache;
  };
  const data: TokensData = {
    schemaVersion: SCHEMA_VERSION,
    model: res?.entry.id ?? null,
    encoding,
    estimated: !exact,
    factor,
    files: sources.map((s, i) => {
      const n = Math.round(counts[i] * factor);
      return {
        file: s.name,
        characters: codePoints(s.text),
        tokens: n,
        costAsInputUsd: callCost(s.name, 'input', n),
        costAsOutputUsd: callCost(s.name, 'output', n),
      };
    }),
    totalTokens: 0,
  };
  data.totalTokens = data.files.reduce((n, f) => n + f.tokens, 0);
  const basis = exact
    ? `${encoding} (exact for ${res ? res.entry.id : 'OpenAI models using it'})`
    : estimateBasis(encoding, factor, res?.entry, opts.encoding);
  const prices =
    period && res
      ? {
          line: `$${priceToUsdPerMTok(period.standard.input)} input / $${priceToUsdPerMTok(period.standard.output)} output per MTok (checked ${res.entry.checkedAt})`,
          source: res.entry.source,
        }
      : undefined;
  const report = tokensReport(data, { basis, prices, priceNotes });
  await ctx.emit(report);
  return 0;
}
