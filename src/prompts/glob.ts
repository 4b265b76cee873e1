/**
 * Glob patterns in file arguments, expanded by the tool: a pattern the shell did not expand (quoted,
 * `tokenomics estimate 'prompts/**\/*.md'`, a CI step's YAML, a shell without globbing) reached the
 * reader as a file name and was "no such file". An argument that names an existing file is taken
 * as it is, whatever it holds.
 *
 * The syntax is `report`'s for log inputs (ingest/glob.ts, one matcher for both): `*` any characters
 * but `/`, `?` one, `[abc]`, `[a-z]` and `[!abc]` a character of (not of) the set, `{md,txt}` one of
 * the alternatives, `**` as a whole name any number of directories (none included). Hidden names (`.git`, `.drafts`) and `node_modules` are never walked into or
 * matched, as a directory argument's listing skips them. The same matcher serves the working tree
 * and a git revision's listing (`check 'prompts/*.md' --base-ref REV`), so both sides hold the same files.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UserError } from '../core/issues.js';
import { globIsRecursive, globToRegExp, hasGlob, splitGlobBase } from '../ingest/glob.js';

/** Whether a listing looks into or takes this name: hidden names (.git, .github, .drafts) and node_modules are skipped at every depth. */
export function listsName(name: string): boolean {
  return !name.startsWith('.') && name !== 'node_modules';
}

/** Whether an argument holds glob syntax (`*`, `?`, `[`, `{`): the reader of `report`'s inputs decides alike (ingest/glob.ts). */
export const isGlob = hasGlob;

/**
 * A pattern split at its first name holding glob syntax: the directory to walk (`.` for the working directory) and
 * the rest (`prompts/**\/*.md` -> `prompts`, `**\/*.md`).
 */
export const splitGlob = splitGlobBase;

/** Whether a `/`-separated path (below the pattern's base) matches the pattern's rest. */
export function globMatcher(rest: string): (path: string) => boolean {
  const re = globToRegExp(rest);
  return (path) => re.test(path);
}

/**
 * Whether a file listed below a pattern's base (a git revision's listing, `/`-separated from the base) is one the
 * pattern takes: no hidden or node_modules name on its path (the working tree's walk does not enter them) and a match.
 */
export function globTakes(rest: string): (pathBelowBase: string) => boolean {
  const match = globMatcher(rest);
  // as deep as the walk goes: a class such as [!x] takes a '/' in the matcher, never in the walk
  const depth = globIsRecursive(rest) ? undefined : rest.split('/').length;
  return (p) => {
    const names = p.split('/');
    return (depth === undefined || names.length === depth) && names.every(listsName) && match(p);
  };
}

/**
 * Files under the pattern's base (relative to `cwd`) whose path below it matches the rest, as absolute paths, in
 * walk order (names sorted).
 * Links are followed, a linked directory entered once; what cannot be read is passed over.
 */
export function globFiles(pattern: string, cwd: string): string[] {
  const { base, rest } = splitGlob(pattern);
  const match = globMatcher(rest);
  const maxDepth = globIsRecursive(rest) ? Number.POSITIVE_INFINITY : rest.split('/').length;
  const root = resolve(cwd, base);
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (below: string, depth: number) => {
    let info: ReturnType<typeof statSync>;
    try {
      info = statSync(join(root, below));
    } catch {
      return;
    }
    const key = `${info.dev}:${info.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    let names: string[];
    try {
      names = readdirSync(join(root, below)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (!listsName(name)) continue;
      const rel = below ? `${below}/${name}` : name;
      let isDir = false;
      try {
        isDir = statSync(join(root, rel)).isDirectory();
      } catch {
        // a link to nothing: no file
        continue;
      }
      if (isDir) {
        if (depth + 1 < maxDepth) walk(rel, depth + 1);
      } else if (match(rel)) out.push(join(root, rel));
    }
  };
  walk('', 0);
  return out;
}

/**
 * A pattern argument as the files it matches (globFiles), relative to `cwd` where they are inside it, as a shell
 * would have given them; no match is an error naming the pattern.
 */
export function expandGlob(pattern: string, cwd: string): string[] {
  const matched = globFiles(pattern, cwd);
  if (!matched.length)
    throw new UserError(
      `no file matches ${pattern}`,
      'a pattern is expanded below its directory (hidden names and node_modules skipped): check the pattern',
    );
  return matched.map((f) => {
    const rel = relative(cwd, f);
    return rel && !rel.startsWith('..') ? rel : f;
  });
}
