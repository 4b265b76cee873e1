/**
 * Baselines: a JSON report saved earlier by `check --format json` (or `--update-baseline`), or
 * the prompt files as they were at a git revision (`git show REF:./path`, so nothing needs to
 * be committed besides the prompts themselves).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { describeWriteError, writeFileAtomic } from '../core/atomic-write.js';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError } from '../core/issues.js';
import { decimalToScaled, type Femto } from '../pricing/money.js';

/**
 * What a prompt cost at the baseline: per call, at the baseline's model, prices, hit rate and
 * output length, and the token counts that `check` reprices at the current ones.
 */
export interface Snapshot {
  model: string;
  inputTokens: number;
  cacheableTokens: number;
  /** Tokens before the first `{{variable}}` (baselines written before this field: absent). */
  staticPrefixTokens?: number;
  costPerCall: Femto;
}

export function usdToFemto(usd: number): Femto {
  return decimalToScaled(usd, 15);
}

function bad(file: string, what: string): UserError {
  return new UserError(`${file}: not a tokenomics check baseline: ${what}`, 'create one with `tokenomics check --update-baseline --baseline FILE` (or `check --format json > FILE`)');
}

/** Parse a saved check report into snapshots by prompt id. */
export function parseBaseline(text: string, file: string): Map<string, Snapshot> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw bad(file, `invalid JSON (${(err as Error).message})`);
  }
  const d = doc as { command?: unknown; prompts?: unknown };
  if (typeof doc !== 'object' || doc === null || d.command !== 'check' || !Array.isArray(d.prompts)) throw bad(file, 'expected {"command": "check", "prompts": [...]}');
  const out = new Map<string, Snapshot>();
  d.prompts.forEach((p: unknown, i: number) => {
    const q = p as { id?: unknown; model?: unknown; current?: { inputTokens?: unknown; cacheableTokens?: unknown; staticPrefixTokens?: unknown; costPerCallUsd?: unknown } };
    const c = q.current;
    if (typeof q.id !== 'string' || !c || typeof c.inputTokens !== 'number' || typeof c.costPerCallUsd !== 'number') throw bad(file, `prompts[${i}] needs id and current.{inputTokens, costPerCallUsd}`);
    out.set(q.id, {
      model: typeof q.model === 'string' ? q.model : '', inputTokens: c.inputTokens, cacheableTokens: typeof c.cacheableTokens === 'number' ? c.cacheableTokens : 0,
      ...(typeof c.staticPrefixTokens === 'number' ? { staticPrefixTokens: c.staticPrefixTokens } : {}), costPerCall: usdToFemto(c.costPerCallUsd),
    });
  });
  return out;
}

export function readBaselineFile(path: string, shown: string): Map<string, Snapshot> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read baseline ${shown}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'create it with `tokenomics check --update-baseline`');
  }
  return parseBaseline(text, shown);
}

export function writeBaselineFile(path: string, shown: string, json: string): void {
  try {
    writeFileAtomic(path, json);
  } catch (err) {
    throw new UserError(`cannot write baseline ${shown}: ${describeWriteError(err)}`, 'the previous baseline, if any, is unchanged');
  }
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Reads files at a git revision; a file missing there is a new prompt (undefined). Paths are
 * taken relative to the repository root, so prompt files outside the working directory
 * (`check ../prompts/x.yaml`, or a config in a subdirectory) are found too.
 */
export class GitRevision {
  private readonly root: string;

  constructor(readonly ref: string, readonly cwd: string) {
    try {
      git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
    } catch {
      throw new UserError(`--base-ref ${ref}: not a commit in the git repository at ${cwd}`, 'use a branch, tag or commit, e.g. --base-ref origin/main (in CI, fetch it first: git fetch origin main)');
    }
    this.root = realpathSync(git(['rev-parse', '--show-toplevel'], cwd).trim());
  }

  /** `path` relative to `cwd` (or absolute). */
  read(path: string): string | undefined {
    let abs: string;
    try {
      abs = realpathSync(resolve(this.cwd, path));
    } catch {
      abs = resolve(this.cwd, path);
    }
    const rel = relative(this.root, abs);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) throw new UserError(`--base-ref ${this.ref}: ${path} is outside the git repository at ${this.root}`, 'check prompt files that are tracked in the repository, or compare with --baseline FILE');
    const gitPath = rel.split(sep).join('/');
    if (!git(['ls-tree', '--name-only', this.ref, '--', gitPath], this.root).trim()) return undefined;
    try {
      return git(['show', `${this.ref}:${gitPath}`], this.root);
    } catch (err) {
      throw new UserError(`--base-ref ${this.ref}: cannot read ${gitPath}: ${String((err as { stderr?: unknown }).stderr ?? err).trim()}`);
    }
  }
}
