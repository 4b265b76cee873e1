import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram, commandsFor } from '../../src/cli/main.js';
import { runCli } from './harness.js';

/**
 * Every `tokenomics ...` command line the documentation shows (README.md and the fixtures' READMEs,
 * in their shell code blocks, and each command's --help examples) parses: its command exists, each
 * option it uses is one that command (or the program) takes, with its value, and its required
 * arguments are there. Only the parser runs (each command's action is replaced), so this is quick
 * and needs no inputs; the examples that run on the fixtures are run by the tests of each command.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const COMMANDS = ['report', 'prices', 'tokens', 'estimate', 'check', 'simulate', 'whatif', 'sql', 'export', 'render'];

/** The words of each command of a shell line (split at |, ;, &&), quotes removed, redirections and comments dropped. */
function shellCommands(line: string): string[][] {
  const out: string[][] = [[]];
  let word = '';
  let inWord = false;
  let dropNext = false;
  const end = () => {
    if (inWord) {
      if (dropNext) dropNext = false;
      else out[out.length - 1].push(word);
    }
    word = '';
    inWord = false;
  };
  for (let i = 0; i < line.length; ) {
    const c = line[i];
    if (c === "'" || c === '"') {
      // (an unclosed quote, as in prose, runs to the end of the line)
      const j = line.indexOf(c, i + 1) < 0 ? line.length : line.indexOf(c, i + 1);
      word += line.slice(i + 1, j);
      inWord = true;
      i = j + 1;
    } else if (c === ' ' || c === '\t') {
      end();
      i++;
    } else if (c === '#' && !inWord) break;
    else if (c === '|' || c === ';' || (c === '&' && line[i + 1] === '&')) {
      end();
      out.push([]);
      i += c === '&' ? 2 : 1;
    } else if (c === '>' || c === '<') {
      // `> file`, `2> file`, `>> file`: the target is no argument
      if (word === '2') {
        word = '';
        inWord = false;
      }
      end();
      dropNext = true;
      i += line[i + 1] === '>' ? 2 : 1;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  end();
  return out.filter((w) => w.length > 0);
}

/** The tokenomics invocations (arguments after `tokenomics`) of some shell lines, `\` continuations joined. */
function invocations(lines: string[]): string[][] {
  const joined: string[] = [];
  for (const l of lines) {
    const prev = joined.at(-1);
    if (prev?.endsWith('\\')) joined[joined.length - 1] = `${prev.slice(0, -1)} ${l.trim()}`;
    else joined.push(l);
  }
  const found: string[][] = [];
  for (const l of joined)
    for (const words of shellCommands(l.replace(/^\s*\$\s+/, ''))) {
      const at = words[0] === 'npx' ? 1 : 0;
      if (words[at] === 'tokenomics') found.push(words.slice(at + 1));
    }
  return found;
}

/** The lines of the shell code blocks of a markdown file. */
function shellBlockLines(file: string): string[] {
  const lines: string[] = [];
  let inShell: boolean | undefined;
  for (const l of readFileSync(resolve(root, file), 'utf8').split('\n')) {
    const fence = /^```(\w*)/.exec(l);
    if (fence) {
      inShell = inShell === undefined ? ['sh', 'bash', 'console', 'shell', ''].includes(fence[1]) : undefined;
      continue;
    }
    if (inShell) lines.push(l);
  }
  return lines;
}

/** Parse argv as the CLI would, running no command: the usage error commander would print, else undefined. */
async function parseOnly(args: string[]): Promise<string | undefined> {
  const argv = ['node', 'tokenomics', ...args];
  let stderr = '';
  const io = {
    stdout: { write: () => true, isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    stdin: Readable.from(['']),
    env: { NO_COLOR: '1' },
    cwd: root,
    now: () => Date.parse('2026-11-23T00:00:00Z'),
  };
  const program = buildProgram(io as never, () => {}, await commandsFor(argv));
  for (const c of program.commands) c.action(() => {});
  try {
    await program.parseAsync(argv);
    return undefined;
  } catch (err) {
    return stderr || String(err);
  }
}

describe('the documented command lines parse', () => {
  const docs = ['README.md', 'fixtures/demo/README.md', 'fixtures/check/README.md'];
  const fromDocs = docs.flatMap((f) => invocations(shellBlockLines(f)).map((args) => ({ where: f, args })));

  it('finds the README examples (the extraction itself works)', () => {
    // README has its examples under report, prices, tokens, estimate, check, simulate, whatif, sql, export, render
    const named = new Set(fromDocs.map((c) => c.args[0]));
    for (const c of COMMANDS) expect(named, c).toContain(c);
    expect(fromDocs.length).toBeGreaterThan(40);
    expect(shellCommands(`cat a.csv | npx tokenomics report - --map a=b > out.csv  # note`)).toEqual([
      ['cat', 'a.csv'],
      ['npx', 'tokenomics', 'report', '-', '--map', 'a=b'],
    ]);
    expect(shellCommands(`cd x && tokenomics report 'a b/*.jsonl' --since "2026-10-15"`)).toEqual([
      ['cd', 'x'],
      ['tokenomics', 'report', 'a b/*.jsonl', '--since', '2026-10-15'],
    ]);
  });

  it('every tokenomics line in a README shell block parses', async () => {
    const failures: string[] = [];
    for (const { where, args } of fromDocs) {
      const error = await parseOnly(args);
      if (error) failures.push(`${where}: tokenomics ${args.join(' ')}\n  ${error.trim()}`);
    }
    expect(failures).toEqual([]);
  });

  it('--help says what --strict does as the README does: an input with no billable record is an error too', async () => {
    // before, the help said only "treat any rejected input record as an error", and an empty export under
    // --strict (exit 2) surprised whoever read it
    const help = await runCli(['report', '--help'], { env: { COLUMNS: '200' } });
    expect(help.stdout).toMatch(/--strict\s+any rejected input record, or an input with no billable record, is an error \(exit 2\)/);
    expect(readFileSync(resolve(root, 'README.md'), 'utf8')).toContain(
      '| `--strict` | any rejected input record, or an input with no billable record, is an error (exit 2) |',
    );
  });

  it("every example in each command's --help parses", async () => {
    const failures: string[] = [];
    let count = 0;
    for (const command of ['', ...COMMANDS]) {
      const help = await runCli(command ? [command, '--help'] : ['--help'], { env: { COLUMNS: '200' } });
      const examples = help.stdout.slice(help.stdout.indexOf('\nExamples:\n'));
      const lines = examples.split('\n').filter((l) => /^\s+(\$|\S)/.test(l) && !/^\s+#/.test(l));
      for (const args of invocations(lines)) {
        count++;
        const error = await parseOnly(args);
        if (error) failures.push(`${command || 'tokenomics'} --help: tokenomics ${args.join(' ')}\n  ${error.trim()}`);
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(40);
  });
});
