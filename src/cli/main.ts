/** The commander program: global options, commands, and the mapping of failures to exit codes. */
import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../core/issues.js';
import { checkCreatable, describeWriteError, writePlan } from '../core/atomic-write.js';
import { inert } from '../core/untrusted.js';
import { CommandContext, DEFAULT_WIDTH, outputWidth, type GlobalOptions, type Io } from './context.js';
import { packageVersion } from './version.js';
import { wrapText } from '../report/table.js';
import { FORMAT_NAMES } from '../report/formats/index.js';
import { fitHelp, helpLayout } from './help.js';

/** For bin/tokenomics.js: the temporary files and directories of a run, removed when it is interrupted. */
export { removeTemporaries } from '../core/temporaries.js';

export const EXIT_OK = 0;
/** A budget or gate failed (`check`). */
export const EXIT_GATE_FAILED = 1;
export const EXIT_ERROR = 2;

export type CommandFn = (ctx: CommandContext, cmd: Command) => Promise<number> | number;
export type Runner = (fn: CommandFn) => (...args: unknown[]) => Promise<void>;
type Register = (program: Command, run: Runner) => void;

/**
 * Commands in the order a newcomer meets them (logs first, then prices and tokens, prompts,
 * what-ifs). Each module is imported only when its name is on the command line (or for help and
 * unknown commands): a report does not load the simulator, the prompt tools or the tokenizer.
 */
const COMMANDS: Array<[string, () => Promise<Register>]> = [
  ['report', async () => (await import('./commands/report.js')).registerReport],
  ['prices', async () => (await import('./commands/prices.js')).registerPrices],
  ['tokens', async () => (await import('./commands/tokens.js')).registerTokens],
  ['estimate', async () => (await import('./commands/estimate.js')).registerEstimate],
  ['check', async () => (await import('./commands/check.js')).registerCheck],
  ['simulate', async () => (await import('./commands/simulate.js')).registerSimulate],
  ['whatif', async () => (await import('./commands/whatif.js')).registerWhatif],
  ['sql', async () => (await import('./commands/sql.js')).registerSql],
  ['export', async () => (await import('./commands/export.js')).registerExport],
  ['render', async () => (await import('./commands/render.js')).registerRender],
];

/** The command modules `argv` may run: every word that names a command (an option value could too), else all. */
export async function commandsFor(argv: string[]): Promise<Register[]> {
  const words = new Set(argv.slice(2));
  const named = COMMANDS.filter(([name]) => words.has(name));
  return Promise.all((named.length > 0 ? named : COMMANDS).map(([, load]) => load()));
}

function defaultIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A commander error message as it is shown: one line, and its "(Did you mean ...?)" on the next; each inert. */
function commanderLines(s: string): string {
  const body = s.replace(/\n$/, '');
  const at = body.lastIndexOf('\n(Did you mean');
  return (at < 0 ? [body] : [body.slice(0, at), body.slice(at + 1)]).map((l) => inert(l, 0)).join('\n');
}

export function buildProgram(io: Io, setExit: (code: number) => void, commands: Register[]): Command {
  // help wraps at the width tables fit (the terminal's, else COLUMNS, else 80), on whichever stream it goes to
  const output = {
    // help (and the version) on stdout, the help after a usage error on stderr: every line fitted
    writeOut: (s: string) => io.stdout.write(fitHelp(s, outputWidth({}, io) ?? DEFAULT_WIDTH)),
    writeErr: (s: string) => io.stderr.write(fitHelp(s, outputWidth({}, { ...io, stdout: io.stderr }) ?? DEFAULT_WIDTH)),
    // commander's own usage errors read like ours: "tokenomics: error: ...", and inert: they quote the
    // argument (a newline in it prints as `\n`); the one line break kept is before commander's suggestion
    outputError: (s: string, write: (s: string) => void) => write(`tokenomics: ${commanderLines(s).replace(/^error: /i, 'error: ')}\n`),
    getOutHelpWidth: () => outputWidth({}, io) ?? DEFAULT_WIDTH,
    getErrHelpWidth: () => outputWidth({}, { ...io, stdout: io.stderr }) ?? DEFAULT_WIDTH,
  };
  const program = new Command();
  program
    .name('tokenomics')
    .description('What do our tokens cost, why, and what if we changed X? Exact LLM cost analysis from logs and prompt files.')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMAT_NAMES]))
    .option('-o, --output <file>', 'write the output to a file instead of stdout')
    .addOption(
      new Option('--color <when>', 'colour: always, never or auto (auto: on a terminal; FORCE_COLOR and NO_COLOR are honoured)').choices([
        'always',
        'never',
        'auto',
      ]),
    )
    .option('--no-color', 'no colour (same as --color never)')
    .option('--wide', 'do not fit tables to the terminal width: show every column and full text')
    .option('--all', 'show every row of long tables (default: the first 20, and a line saying how many more)')
    .option('-q, --quiet', 'no progress, notices or warnings on stderr')
    .option('-v, --verbose', 'more detail on stderr')
    .option('--prices <file>', 'extra or overriding prices: catalog YAML or LiteLLM JSON (repeatable)', collect)
    .option('--config <file>', 'project config (default: the nearest tokenomics.yaml upward, up to the repository root)')
    .option('--no-config', 'ignore any tokenomics.yaml')
    .option('--strict', 'any rejected input record, or an input with no billable record, is an error (exit 2)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput(output)
    .exitOverride()
    .configureHelp({ showGlobalOptions: true, ...helpLayout })
    .addHelpText(
      'after',
      `
Exit codes: 0 ok; 1 a budget or gate failed;
2 usage, input, config or pricing error.

Examples:
  $ tokenomics report fixtures/demo --by feature
  $ tokenomics prices gpt-4o-mini claude-sonnet-4-5 --format json
  $ tokenomics tokens README.md --model gpt-4o
  $ tokenomics estimate fixtures/prompts/support-bot.yaml
  $ cd fixtures/check && tokenomics check
  $ tokenomics simulate fixtures/demo --scenario fixtures/scenarios/demo.yaml
  $ tokenomics whatif fixtures/whatif/acme-copilot.yaml

Run 'tokenomics <command> --help' for a command's options and examples.`,
    );

  const run: Runner =
    (fn) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const ctx = new CommandContext(io, cmd.optsWithGlobals<GlobalOptions>());
      refuseIgnoredOptions(cmd, ctx);
      checkOutputWritable(cmd, ctx);
      setExit(await fn(ctx, cmd));
    };
  for (const register of commands) register(program, run);
  for (const c of program.commands)
    c.exitOverride().configureOutput({ ...output, outputError: (s, write) => output.outputError(withValueSuggestion(s, c), write) });
  return program;
}

/**
 * commander suggests an option spelled alike; a value written as an option (`--json`, `--by-day`,
 * `--top-5`) is too far from any for that: suggest the option with the value (`--format json`, `--by day`).
 */
export function withValueSuggestion(s: string, cmd: Command): string {
  const m = /^error: unknown option '(--[^'\s=]+)'/i.exec(s);
  if (!m || s.includes('(Did you mean')) return s;
  const given = m[1];
  const options = [...cmd.options, ...(cmd.parent?.options ?? [])].filter((o) => o.long && (o.required || o.optional));
  let suggestion: string | undefined;
  if ((FORMAT_NAMES as readonly string[]).includes(given.slice(2).toLowerCase())) suggestion = `--format ${given.slice(2).toLowerCase()}`;
  else {
    // the longest option that the given word starts with, then a dash and a value
    const option = options
      .filter((o) => given.startsWith(`${o.long}-`) && given.length > (o.long?.length ?? 0) + 1)
      .sort((a, b) => (b.long?.length ?? 0) - (a.long?.length ?? 0))[0];
    if (option?.long) suggestion = `${option.long} ${given.slice(option.long.length + 1)}`;
  }
  return suggestion ? `${s.replace(/\n$/, '')}\n(Did you mean ${suggestion}?)\n` : s;
}

/** Commands that write no report, with what decides their output instead: --format would be ignored. */
const NO_REPORT: Readonly<Record<string, string>> = {
  sql: 'sql prints one SQL script (--dialect picks its SQL)',
  export: 'export writes rows to a file: its format comes from the name (.parquet, .csv, .jsonl) or --file-format',
};

/** An option the command would ignore is a usage error, before any work: --format where no report is written, --section without CSV. */
function refuseIgnoredOptions(cmd: Command, ctx: CommandContext): void {
  const opts = cmd.optsWithGlobals<GlobalOptions & { section?: string }>();
  const noReport = Object.hasOwn(NO_REPORT, cmd.name()) ? NO_REPORT[cmd.name()] : undefined;
  if (noReport && opts.format !== undefined) throw new UserError(`--format does not apply to ${cmd.name()}`, noReport);
  if (opts.section !== undefined && ctx.format !== 'csv')
    throw new UserError(`--section picks the table of CSV output`, `add --format csv (the ${ctx.format} output has every section)`);
}

/**
 * -o names a file the output can be written to, tried before any work (its temporary file created and
 * removed): a missing directory or one that takes no new file was said only after every log was read and
 * the report made. (export refuses -o itself.)
 */
function checkOutputWritable(cmd: Command, ctx: CommandContext): void {
  const output = ctx.opts.output;
  if (!output || cmd.name() === 'export') return;
  try {
    const plan = writePlan(output);
    if (!('direct' in plan)) checkCreatable(plan.tmp);
  } catch (err) {
    throw new UserError(`cannot write ${output}: ${describeWriteError(err)}`, 'check the path, or write elsewhere');
  }
}

/** Runs the CLI; `exitsAfter`: the process ends when this returns (see Io.exitsAfter). */
export async function main(argv: string[], io: Io = defaultIo(), options: { exitsAfter?: boolean } = {}): Promise<number> {
  if (options.exitsAfter) io = { ...io, exitsAfter: true };
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c), await commandsFor(argv));
  if (argv.length <= 2) {
    // no command: a usage error (exit 2), with the help on stderr
    // the whole help, exit codes and examples included (helpInformation() leaves out the text added after it)
    program.outputHelp({ error: true });
    return EXIT_ERROR;
  }
  // `help NAME` of no command: commander prints the general help and exits 0; it is a usage error like `NAME` alone
  const helpOf = argv[2] === 'help' ? argv[3] : undefined;
  if (helpOf !== undefined && !helpOf.startsWith('-') && !program.commands.some((c) => c.name() === helpOf || c.aliases().includes(helpOf)))
    argv = [argv[0], argv[1], helpOf];
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    return handleError(err, io, !!io.env.TOKENOMICS_DEBUG || argv.includes('-v') || argv.includes('--verbose'), argv.includes('--wide'));
  }
}

/** Failures the user can act on, from errors that are not ours: output that cannot be written, input nested beyond the stack. */
function environmentError(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException;
  if (e?.syscall === 'write' && e.code)
    return `cannot write the output: ${e.code === 'ENOSPC' ? 'no space left on device (ENOSPC)' : e.code}`;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'the input is nested too deeply to process (stack exhausted)';
  // a file-system call that no reader caught (a symlink loop or unreadable entry in a prompt directory)
  if (typeof e?.code === 'string' && e.syscall && e.path)
    return `cannot ${e.syscall} ${e.path}: ${e.code}${e.code === 'ELOOP' ? ' (a symbolic link loop)' : ''}`;
  return undefined;
}

/** Colour on stderr for errors: FORCE_COLOR, then NO_COLOR, then whether stderr is a terminal (--color is not parsed yet when an error may occur). */
function stderrColor(io: Io): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return !!io.stderr.isTTY;
}

/**
 * Width error and hint lines wrap at, as warnings do (CommandContext.stderrWidth): stderr's columns on a
 * terminal, else COLUMNS when set; else none, so a CI log or `2> file` keeps each line whole for grep.
 */
function errorWidth(io: Io, wide: boolean): number | undefined {
  const columns = io.stderr.isTTY ? io.stderr.columns : undefined;
  if (wide || (columns === undefined && io.env.COLUMNS === undefined)) return undefined;
  return outputWidth({}, { ...io, stdout: io.stderr });
}

/**
 * `first` and the lines of a message after it, each word-wrapped to `width` with continuation lines
 * indented by two. Messages quote names from the inputs: each line is made inert as a whole (a newline
 * in a file name prints as `\n`, so no name starts a line of its own).
 */
function wrappedLines(first: string, lines: readonly string[], width: number | undefined): string {
  return lines.flatMap((l, i) => wrapText(`${i === 0 ? first : '  '}${inert(l, 0)}`, width, '  ')).join('\n');
}

/** What an error that is not ours says: its message, inert, and with -v its stack frames. */
export function errorDetail(err: unknown, debug: boolean): string {
  const e = err as Error | undefined;
  const message = inert(e?.message ?? String(err), 0);
  const frames = debug && typeof e?.stack === 'string' ? e.stack.slice(e.stack.search(/\n\s+at /) + 1 || e.stack.length) : '';
  return frames ? `${message}\n${frames}` : message;
}

export function handleError(err: unknown, io: Io, debug = false, wide = false): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
    return EXIT_ERROR; // commander already printed the message
  }
  if (err instanceof UserError) {
    const red = (s: string) => (stderrColor(io) ? `\x1b[31m${s}\x1b[39m` : s);
    const width = errorWidth(io, wide);
    io.stderr.write(
      `${red(wrappedLines('tokenomics: error: ', err.lines, width))}\n${err.hint ? `${wrappedLines('hint: ', [err.hint], width)}\n` : ''}`,
    );
    return err.exitCode;
  }
  const known = environmentError(err);
  if (known) {
    const e = err as Error;
    const detail = debug && e?.stack ? `\n${errorDetail(err, true)}` : '';
    io.stderr.write(`${wrappedLines('tokenomics: error: ', [known], errorWidth(io, wide))}${detail}\n`);
  } else
    io.stderr.write(
      `tokenomics: internal error: ${errorDetail(err, debug)}\nhint: this is a bug; please report it with the command you ran (-v or TOKENOMICS_DEBUG=1 shows where it failed)\n`,
    );
  return EXIT_ERROR;
}
