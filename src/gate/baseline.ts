/**
 * Baselines: a JSON report saved earlier by `check --format json` (or `--update-baseline`), or
 * the prompt files as they were at a git revision (`git show REF:./path`, so nothing needs to
 * be committed besides the prompts themselves).
 *
 * A saved baseline is input like any other: its schema version, every number (a token count is a
 * non-negative integer, an amount a finite non-negative number in a sane range) and its prompt ids
 * are checked, so a hand-edited `inputTokens: 1e308` cannot make every change look like a saving.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readTextFile } from '../core/read-text.js';
import { describeWriteError, writeFileAtomic } from '../core/atomic-write.js';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../core/issues.js';
import { jsonErrorMessage, jsonErrorPlace } from '../core/json-error.js';
import { isLfsPointer } from '../prompts/load.js';
import { decimalToScaled, type Femto } from '../pricing/money.js';

/**
 * What a prompt cost at the baseline, as saved: the model, token counts, output length, traffic
 * and hit rate it was measured at, and its cost per call and per month.
 */
export interface Snapshot {
  model: string;
  inputTokens: number;
  cacheableTokens: number;
  /** Tokens before the first `{{variable}}` (baselines written before this field: absent). */
  staticPrefixTokens?: number;
  /** Output tokens per call the baseline was priced at (absent in old baselines). */
  outputTokens?: number;
  callsPerMonth?: number;
  costPerCall: Femto;
  monthly?: Femto;
  /** SHA-256 of the prompt's text (hex; absent in baselines written before it): a renamed prompt is matched by it. */
  textSha256?: string;
  /** The prompt's file as the run that saved it showed it (`prompts[].file`): a prompt whose id was edited is matched by it. */
  file?: string;
}

export interface Baseline {
  snapshots: Map<string, Snapshot>;
  /** The hit rate the baseline was written at (`assumptions.cacheHitRate`). */
  cacheHitRate?: number;
  /** The config file it was written from, as recorded (relative to its directory), if any. */
  configFile?: string;
}

/** A prompt text's SHA-256, hex: what a saved baseline keeps to know the same text under another id. */
export function textSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function usdToFemto(usd: number): Femto {
  return decimalToScaled(usd, 15);
}

const HINT = 'recreate it with `tokenomics check --update-baseline --baseline FILE` (or `check --format json > FILE`)';

function bad(file: string, what: string): UserError {
  return new UserError(`${file}: not a usable tokenomics check baseline: ${what}`, HINT);
}

/** Token counts per call above this are not a prompt (the largest context windows are ~10M). */
const MAX_TOKENS_PER_CALL = 100_000_000;
const MAX_USD = 1e12;
const MAX_CALLS_PER_MONTH = 1e13;

type Check = { kind: 'tokens' } | { kind: 'usd' } | { kind: 'calls' } | { kind: 'rate' };

function checkNumber(v: unknown, c: Check, where: string, file: string, required: boolean): number | undefined {
  if (v === undefined || v === null) {
    if (required) throw bad(file, `${where} is missing`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw bad(file, `${where} must be a finite number (got ${JSON.stringify(v)?.slice(0, 40)})`);
  if (v < 0) throw bad(file, `${where} is negative (${v})`);
  const max = c.kind === 'tokens' ? MAX_TOKENS_PER_CALL : c.kind === 'usd' ? MAX_USD : c.kind === 'calls' ? MAX_CALLS_PER_MONTH : 1;
  if (v > max) throw bad(file, `${where} is out of range (${v}; at most ${max})`);
  if (c.kind === 'tokens' && !Number.isInteger(v)) throw bad(file, `${where} must be a whole number of tokens (got ${v})`);
  return v;
}

/** Parse and validate a saved check report. `schemaVersion` must be the one this build writes. */
export function parseBaseline(text: string, file: string, schemaVersion: number): Baseline {
  if (text.includes('\u0000')) throw bad(file, 'binary data (a NUL byte), not JSON');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const p = jsonErrorPlace(text);
    throw bad(file, `invalid JSON${p ? ` at line ${p.line}, column ${p.column}` : ''} (${jsonErrorMessage(err)})`);
  }
  const d = doc as { schemaVersion?: unknown; command?: unknown; prompts?: unknown; assumptions?: unknown; source?: unknown };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || d.command !== 'check' || !Array.isArray(d.prompts))
    throw bad(file, 'expected {"schemaVersion": N, "command": "check", "prompts": [...]}');
  if (d.schemaVersion !== schemaVersion)
    throw bad(file, `schemaVersion ${JSON.stringify(d.schemaVersion)}; this tokenomics reads schemaVersion ${schemaVersion}`);
  const a = (d.assumptions && typeof d.assumptions === 'object' ? d.assumptions : {}) as { cacheHitRate?: unknown };
  const cacheHitRate = checkNumber(a.cacheHitRate, { kind: 'rate' }, 'assumptions.cacheHitRate', file, false);
  const out = new Map<string, Snapshot>();
  d.prompts.forEach((p: unknown, i: number) => {
    const at = `prompts[${i}]`;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw bad(file, `${at} must be an object`);
    const q = p as { id?: unknown; file?: unknown; model?: unknown; outputTokens?: unknown; callsPerMonth?: unknown; current?: unknown };
    if (typeof q.id !== 'string' || q.id === '') throw bad(file, `${at}.id must be a non-empty string`);
    if (out.has(q.id)) throw bad(file, `${at}.id "${q.id}" appears twice`);
    if (typeof q.current !== 'object' || q.current === null) throw bad(file, `${at}.current is missing`);
    const c = q.current as Record<string, unknown>;
    const inputTokens = checkNumber(c.inputTokens, { kind: 'tokens' }, `${at}.current.inputTokens`, file, true)!;
    const cacheableTokens = checkNumber(c.cacheableTokens, { kind: 'tokens' }, `${at}.current.cacheableTokens`, file, false) ?? 0;
    const staticPrefixTokens = checkNumber(c.staticPrefixTokens, { kind: 'tokens' }, `${at}.current.staticPrefixTokens`, file, false);
    if (cacheableTokens > inputTokens)
      throw bad(file, `${at}.current.cacheableTokens (${cacheableTokens}) exceeds inputTokens (${inputTokens})`);
    if (staticPrefixTokens !== undefined && staticPrefixTokens > inputTokens)
      throw bad(file, `${at}.current.staticPrefixTokens (${staticPrefixTokens}) exceeds inputTokens (${inputTokens})`);
    const costPerCallUsd = checkNumber(c.costPerCallUsd, { kind: 'usd' }, `${at}.current.costPerCallUsd`, file, true)!;
    const monthlyUsd = checkNumber(c.monthlyUsd, { kind: 'usd' }, `${at}.current.monthlyUsd`, file, false);
    const outputTokens = checkNumber(q.outputTokens, { kind: 'tokens' }, `${at}.outputTokens`, file, false);
    const callsPerMonth = checkNumber(q.callsPerMonth, { kind: 'calls' }, `${at}.callsPerMonth`, file, false);
    if (q.model !== undefined && typeof q.model !== 'string') throw bad(file, `${at}.model must be a string`);
    const textSha256 = c.textSha256;
    if (textSha256 !== undefined && (typeof textSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(textSha256)))
      throw bad(file, `${at}.current.textSha256 must be 64 lowercase hex digits`);
    out.set(q.id, {
      model: typeof q.model === 'string' ? q.model : '',
      inputTokens,
      cacheableTokens,
      ...(staticPrefixTokens !== undefined ? { staticPrefixTokens } : {}),
      ...(outputTokens !== undefined ? { outputTokens } : {}),
      ...(callsPerMonth !== undefined ? { callsPerMonth } : {}),
      costPerCall: usdToFemto(costPerCallUsd),
      ...(monthlyUsd !== undefined ? { monthly: usdToFemto(monthlyUsd) } : {}),
      ...(textSha256 !== undefined ? { textSha256 } : {}),
      ...(typeof q.file === 'string' && q.file !== '' ? { file: q.file } : {}),
    });
  });
  const src = d.source as { config?: unknown } | undefined;
  return {
    snapshots: out,
    ...(cacheHitRate !== undefined ? { cacheHitRate } : {}),
    ...(src && typeof src.config === 'string' ? { configFile: src.config } : {}),
  };
}

/** Baselines are small reports: anything bigger than this is not one. */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

export function readBaselineFile(path: string, shown: string, schemaVersion: number): Baseline {
  // bounded read: a baseline on /dev/zero or a FIFO stops at the cap instead of growing memory
  const { text } = readTextFile(path, {
    what: 'baseline',
    name: shown,
    maxBytes: MAX_BASELINE_BYTES,
    hint: 'create it with `tokenomics check --update-baseline --baseline FILE`',
  });
  return parseBaseline(text, shown, schemaVersion);
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

const gitError = (err: unknown) =>
  String((err as { stderr?: unknown }).stderr ?? err)
    .trim()
    .split('\n')[0];

/**
 * Reads files at a git revision; a file missing there is undefined. Paths are taken relative to
 * the repository root, so prompt files outside the working directory (`check ../prompts/x.yaml`,
 * or a config in a subdirectory) are found too.
 */
export class GitRevision {
  readonly root: string;
  /**
   * The commit read (full hex id): by default the merge-base of `ref` and HEAD, the commit a pull
   * request's diff starts from (GitHub's "three-dot" comparison,
   * https://docs.github.com/en/pull-requests/collaborating-with-pull-requests/proposing-changes-to-your-work-with-pull-requests/about-comparing-branches-in-pull-requests);
   * with `mergeBase: false`, `ref`'s own commit.
   */
  readonly commit: string;
  /** The revision as messages name it: `ref`, or `abc1234 (the merge-base of REF and HEAD)` when that is another commit. */
  readonly at: string;
  /** The revision in `REV:path` labels: `ref`, or the merge-base's abbreviated id when that is another commit. */
  readonly name: string;
  private renameMap?: Map<string, string>;

  constructor(
    readonly ref: string,
    readonly cwd: string,
    opts: { mergeBase?: boolean; submodule?: { root: string; commit: string; at: string } } = {},
  ) {
    if (opts.submodule) {
      // a submodule's clone, read at the commit the superproject's revision records for it
      this.root = opts.submodule.root;
      this.commit = opts.submodule.commit;
      this.at = opts.submodule.at;
      this.name = opts.submodule.commit.slice(0, 12);
      return;
    }
    try {
      git(['rev-parse', '--show-toplevel'], cwd);
    } catch {
      throw new UserError(
        `--base-ref ${ref}: ${cwd} is not inside a git repository`,
        'run check from the repository (in CI: actions/checkout with fetch-depth: 0), or compare with --baseline FILE',
      );
    }
    const shallow = () => {
      try {
        return git(['rev-parse', '--is-shallow-repository'], cwd).trim() === 'true';
      } catch {
        return false;
      }
    };
    let tip: string;
    try {
      tip = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd).trim();
    } catch {
      throw new UserError(
        `--base-ref ${ref}: not a commit in the git repository at ${cwd}`,
        'use a branch, tag or commit, e.g. --base-ref origin/main (in CI, fetch it first: git fetch origin main, or actions/checkout with fetch-depth: 0)',
      );
    }
    this.root = realpathSync(git(['rev-parse', '--show-toplevel'], cwd).trim());
    this.commit = tip;
    this.at = ref;
    this.name = ref;
    if (opts.mergeBase === false) return;
    let head: string;
    try {
      head = git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], cwd).trim();
    } catch {
      throw new UserError(
        `--base-ref ${ref}: HEAD is not a commit (a branch with no commit yet): no merge-base with ${ref}`,
        `commit first, or compare with ${ref} itself: --base-ref ${ref} --no-merge-base`,
      );
    }
    let base = '';
    try {
      // exit 1 with no output: no common ancestor (unrelated histories, or history cut off by a shallow clone)
      base = git(['merge-base', tip, head], cwd).trim();
    } catch {
      // reported below
    }
    if (!/^[0-9a-f]{40,64}$/.test(base) && shallow()) {
      // a shallow clone of a pull request's merge commit (actions/checkout's default on pull_request) with the base's
      // tip fetched alone: the commit object still names its parents, and a parent is an ancestor, its own merge-base
      const parents =
        git(['cat-file', 'commit', head], cwd)
          .split('\n\n')[0]
          .match(/^parent [0-9a-f]+$/gm) ?? [];
      if (parents.some((l) => l.slice(7) === tip)) base = tip;
    }
    if (!/^[0-9a-f]{40,64}$/.test(base)) {
      if (shallow())
        throw new UserError(
          `--base-ref ${ref}: no merge-base of ${ref} and HEAD in this shallow clone: the commit a pull request's changes start from was not fetched`,
          'fetch the history: actions/checkout with fetch-depth: 0, or git fetch --unshallow origin (or compare with the tip itself: --no-merge-base)',
        );
      throw new UserError(
        `--base-ref ${ref}: ${ref} and HEAD have no common ancestor (unrelated histories): no merge-base to compare with`,
        `compare with ${ref} itself: --base-ref ${ref} --no-merge-base`,
      );
    }
    this.commit = base;
    if (base !== tip) {
      this.name = base.slice(0, 12);
      this.at = `${this.name} (the merge-base of ${ref} and HEAD)`;
    }
  }

  /**
   * `path` (relative to `cwd`, or absolute) as a path from the repository root. Symbolic links in the
   * path are kept, not resolved in the working tree: the revision's own links are followed when reading
   * there (`read`), so a link repointed since the base reads the base's target at the base.
   */
  gitPath(path: string): string {
    const inside = (abs: string) => {
      const rel = relative(this.root, abs);
      return rel.startsWith('..') || isAbsolute(rel) ? undefined : rel;
    };
    let cwd = this.cwd;
    try {
      cwd = realpathSync(this.cwd);
    } catch {
      // keep as given
    }
    let rel = inside(resolve(cwd, path));
    if (rel === undefined) {
      // an absolute path through a link to the repository (/tmp/x where the root is /private/tmp/x): resolve its directory
      try {
        rel = inside(resolve(realpathSync(dirname(resolve(this.cwd, path))), basename(path)));
      } catch {
        // not there
      }
    }
    if (rel === undefined)
      throw new UserError(
        `--base-ref ${this.ref}: ${path} is outside the git repository at ${this.root}`,
        'check prompt files that are tracked in the repository, or compare with --baseline FILE',
      );
    return rel.split(sep).join('/');
  }

  /** Whether `path` (as `gitPath` takes it) is inside the repository, so that the revision can have it. */
  inside(path: string): boolean {
    try {
      this.gitPath(path);
      return true;
    } catch (err) {
      if (err instanceof UserError) return false;
      throw err;
    }
  }

  /**
   * The object at `REV:gitPath`, symbolic links inside the revision's tree followed (`git cat-file
   * --batch --follow-symlinks`, https://git-scm.com/docs/git-cat-file): a blob's bytes, a tree, or
   * absent (a link to nothing there too). A link leading outside the tree or in a loop cannot be read.
   */
  private object(gp: string, contents: boolean): { type: string; oid: string; bytes?: Buffer } | 'missing' | 'dangling' {
    let out: Buffer;
    try {
      out = execFileSync('git', ['cat-file', contents ? '--batch' : '--batch-check', '--follow-symlinks'], {
        cwd: this.root,
        input: `${this.commit}:${gp}\n`,
        stdio: ['pipe', 'pipe', 'pipe'],
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch (err) {
      throw new UserError(`--base-ref ${this.ref}: cannot read ${gp}: ${gitError(err)}`);
    }
    const nl = out.indexOf(10);
    const header = out.subarray(0, nl < 0 ? out.length : nl).toString('utf8');
    // "REV:path missing" (echoing the input line): absent at the revision; so is a link to nothing there
    if (header === `${this.commit}:${gp} missing`) return 'missing';
    if (header.startsWith('dangling ')) return 'dangling';
    const m = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
    if (!m) {
      const why = header.split(' ')[0];
      const what =
        why === 'symlink'
          ? 'a symbolic link that leads outside the repository'
          : why === 'loop'
            ? 'a symbolic link loop'
            : why === 'notdir'
              ? 'a path through a file'
              : `an unexpected object (${header.slice(0, 60)})`;
      throw new UserError(
        `--base-ref ${this.ref}: cannot read ${gp}: ${what} at that revision`,
        'check regular files tracked in the repository',
      );
    }
    return { oid: m[1], type: m[2], ...(contents ? { bytes: out.subarray(nl + 1, nl + 1 + Number(m[3])) } : {}) };
  }

  /** The path (from the repository root) as shown relative to `cwd`. */
  shown(gitPath: string): string {
    const abs = join(this.root, ...gitPath.split('/'));
    const rel = relative(realpathSync(this.cwd), abs);
    return rel && !rel.startsWith('..') ? rel : abs;
  }

  /** What the path is at the revision: a file (blob), a directory (tree), or absent. */
  kind(path: string): 'blob' | 'tree' | undefined {
    return this.kindOf(this.gitPath(path));
  }

  private kindOf(gp: string): 'blob' | 'tree' | undefined {
    if (!gp) return 'tree';
    const type = this.typeAt(gp);
    if (type === 'tree' || type === 'commit') return 'tree';
    if (type !== undefined) return 'blob';
    const sub = this.submodule(gp);
    return sub ? sub.rev.kindOf(sub.rest) : undefined;
  }

  /** The type of the object at the path (links followed), or undefined when absent. */
  private typeAt(gp: string): string | undefined {
    if (!gp.includes('\n')) {
      const o = this.object(gp, false);
      if (o === 'dangling') return undefined;
      if (o !== 'missing') return o.type;
    }
    // absent (or a name cat-file's line input cannot carry): what the tree itself holds there, e.g. a submodule
    const out = git(['--literal-pathspecs', 'ls-tree', '-z', this.commit, '--', gp], this.root).split('\0')[0];
    return out ? out.split(/\s+/)[1] : undefined;
  }

  /**
   * Where `gp` is a submodule, or lies inside one, at the revision (a gitlink, mode 160000, on its path): the
   * submodule's clone read at the commit the revision records for it, and the rest of the path. A submodule
   * whose clone or commit is not here cannot be read (exit 2): its prompts were "new" at the base, so a model
   * switch in them passed maxIncreasePct.
   */
  private submodule(gp: string): { prefix: string; rest: string; rev: GitRevision } | undefined {
    const parts = gp.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      const line = git(['--literal-pathspecs', 'ls-tree', '-z', this.commit, '--', prefix], this.root).split('\0')[0];
      const m = /^\d+ (\w+) ([0-9a-f]+)\t/.exec(line);
      if (!m || m[1] === 'blob') return undefined;
      if (m[1] === 'commit') return { prefix, rest: parts.slice(i).join('/'), rev: this.submoduleAt(prefix, m[2]) };
    }
    return undefined;
  }

  private submoduleAt(prefix: string, commit: string): GitRevision {
    const dir = join(this.root, ...prefix.split('/'));
    const at = `${this.at} (submodule ${prefix} at ${commit.slice(0, 12)})`;
    let top = '';
    try {
      top = realpathSync(git(['rev-parse', '--show-toplevel'], dir).trim());
      if (top !== realpathSync(dir)) top = '';
    } catch {
      // not checked out
    }
    if (!top)
      throw new UserError(
        `--base-ref ${this.ref}: ${prefix} is a submodule that is not checked out: its files at ${this.at} cannot be read`,
        'git submodule update --init (in CI: actions/checkout with submodules: true)',
      );
    try {
      git(['cat-file', '-e', `${commit}^{commit}`], top);
    } catch {
      throw new UserError(
        `--base-ref ${this.ref}: the submodule ${prefix} is at commit ${commit.slice(0, 12)} at ${this.at}, which its clone does not have`,
        `fetch it: git -C ${prefix} fetch origin (in CI: actions/checkout with submodules: true and fetch-depth: 0)`,
      );
    }
    return new GitRevision(this.ref, top, { submodule: { root: top, commit, at } });
  }

  /** Files under a directory at the revision (paths from the repository root), sorted. */
  list(path: string): string[] {
    return this.listOf(this.gitPath(path));
  }

  private listOf(gp: string): string[] {
    const type = gp ? this.typeAt(gp) : 'tree';
    if (type === undefined || type === 'commit') {
      const sub = this.submodule(gp);
      return sub ? sub.rev.listOf(sub.rest).map((f) => `${sub.prefix}/${f}`) : [];
    }
    // the directory's own tree, so a directory reached through a link at the revision is listed too
    const tree = gp && !gp.includes('\n') ? this.object(gp, false) : undefined;
    const entries =
      typeof tree === 'object' && tree.type === 'tree'
        ? git(['ls-tree', '-r', '-z', tree.oid], this.root)
        : git(['--literal-pathspecs', 'ls-tree', '-r', '-z', this.commit, '--', gp ? `${gp}/` : '.'], this.root);
    const from = typeof tree === 'object' && tree.type === 'tree' ? `${gp}/` : '';
    const out: string[] = [];
    for (const e of entries.split('\0')) {
      const tab = e.indexOf('\t');
      if (tab < 0) continue;
      const name = from + e.slice(tab + 1);
      // a submodule's files are listed from its clone, as the working tree's listing walks into it
      if (e.split(' ')[1] === 'commit') out.push(...this.listOf(name));
      else out.push(name);
    }
    return out.sort();
  }

  /**
   * Files git sees renamed between the revision and the working tree (`git diff -M`, staged and
   * unstaged changes of tracked files): new path -> old path, both from the repository root.
   */
  renames(): Map<string, string> {
    if (this.renameMap) return this.renameMap;
    let out: string[];
    try {
      out = git(['diff', '-M', '--name-status', '-z', this.commit, '--'], this.root).split('\0');
    } catch (err) {
      throw new UserError(`--base-ref ${this.ref}: cannot list renamed files: ${gitError(err)}`);
    }
    const map = new Map<string, string>();
    for (let i = 0; i < out.length; ) {
      const status = out[i];
      if (!status) break;
      if (status.startsWith('R') || status.startsWith('C')) {
        if (status.startsWith('R')) map.set(out[i + 2], out[i + 1]);
        i += 3;
      } else i += 2;
    }
    this.renameMap = map;
    return map;
  }

  /** Files at the revision that the working tree no longer has (`git diff --diff-filter=D --no-renames`), from the repository root. */
  deleted(): string[] {
    try {
      return git(['diff', '--no-renames', '--diff-filter=D', '--name-only', '-z', this.commit, '--'], this.root)
        .split('\0')
        .filter(Boolean);
    } catch (err) {
      throw new UserError(`--base-ref ${this.ref}: cannot list deleted files: ${gitError(err)}`);
    }
  }

  /** Whether git sees `beforeFile` at the revision renamed to `afterFile` in the working tree (paths as `gitPath` takes them). */
  renamed(afterFile: string, beforeFile: string): boolean {
    return this.renames().get(this.gitPath(afterFile)) === this.gitPath(beforeFile);
  }

  /**
   * The content of a Git LFS pointer that `path` holds at the revision: `git lfs smudge` reads a pointer on standard
   * input and writes the file's content, from the local LFS store or downloaded from the LFS endpoint
   * (https://github.com/git-lfs/git-lfs/blob/main/docs/man/git-lfs-smudge.adoc). Without git-lfs, or when the
   * content cannot be had, exit 2 saying what to install or fetch: priced as text, the pointer was the same ~40
   * tokens on both sides, whatever the prompt became.
   */
  lfsContent(path: string, pointer: Buffer): Buffer {
    const gp = this.gitPath(path);
    const what = `--base-ref ${this.ref}: ${gp} is a Git LFS pointer at ${this.at}`;
    const fetch = `git lfs fetch origin ${this.commit.slice(0, 12)} (in CI: actions/checkout with lfs: true and fetch-depth: 0), or compare with --baseline FILE`;
    const env = { ...process.env };
    // set by some checkouts to leave pointers in place: here the content is what is wanted
    delete env.GIT_LFS_SKIP_SMUDGE;
    let out: Buffer;
    try {
      out = execFileSync('git', ['lfs', 'smudge', '--', gp], {
        cwd: this.root,
        input: pointer,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch (err) {
      const why = gitError(err);
      if (/is not a git command/.test(why))
        throw new UserError(
          `${what}, and git-lfs is not installed: its content cannot be read there`,
          `install Git LFS (https://git-lfs.com), then: ${fetch}`,
        );
      throw new UserError(`${what}: git lfs smudge cannot give its content: ${why}`, `fetch it: ${fetch}`);
    }
    // lfs.fetchexclude, or an object neither here nor on the endpoint: smudge copies the pointer through
    if (isLfsPointer(out.toString('utf8')))
      throw new UserError(`${what}: git lfs smudge gave the pointer back (its content is not fetched)`, `fetch it: ${fetch}`);
    return out;
  }

  /** File bytes at the revision, or undefined when the path does not exist there. */
  read(path: string): Buffer | undefined {
    return this.readOf(this.gitPath(path));
  }

  private readOf(gp: string): Buffer | undefined {
    const o = gp && !gp.includes('\n') ? this.object(gp, true) : 'missing';
    if (o === 'dangling') return undefined;
    if (o !== 'missing' && o.type === 'blob') return o.bytes;
    const kind = o !== 'missing' ? o.type : this.typeAt(gp);
    if (kind === undefined) {
      // inside a submodule at the revision: read from its clone at the commit recorded there
      const sub = this.submodule(gp);
      return sub ? sub.rev.readOf(sub.rest) : undefined;
    }
    if (kind === 'tree') throw new UserError(`--base-ref ${this.ref}: ${gp} is a directory at that revision, not a file`);
    if (kind === 'commit') throw new UserError(`--base-ref ${this.ref}: ${gp} is a submodule at that revision, not a file`);
    try {
      return execFileSync('git', ['cat-file', 'blob', `${this.commit}:${gp}`], {
        cwd: this.root,
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch (err) {
      throw new UserError(
        `--base-ref ${this.ref}: cannot read ${gp}: ${gitError(err)}`,
        'a submodule cannot be read at a revision: check regular files',
      );
    }
  }
}
