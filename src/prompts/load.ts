/**
 * Reading prompt files and directories. The format follows the file name: `.yaml`/`.yml` is a
 * prompt spec, `.json` a chat request (OpenAI or Anthropic), anything else plain text or Markdown
 * (one user message). Variables in any message are filled from the spec's `variables:`; missing
 * sample values render empty and are reported.
 */
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { decodeTextBytes, readTextFile, type TextRead, type TextReadOptions } from '../core/read-text.js';
import { basename, extname, join, relative, resolve } from 'node:path';
import { UserError } from '../core/issues.js';
import { expandGlob, isGlob, listsName } from './glob.js';
import { parseChatJson } from './parse-chat.js';
import { parseSpecYaml } from './parse-spec.js';
import { variablesIn } from './template.js';
import type { Prompt } from './types.js';
import { jsonErrorMessage, jsonErrorWhere } from '../core/json-error.js';

const PROMPT_EXTENSIONS = ['.yaml', '.yml', '.json', '.md', '.markdown', '.txt', '.prompt'];

export function defaultPromptId(file: string): string {
  const base = basename(file);
  const ext = extname(base);
  return ext ? base.slice(0, -ext.length) : base;
}

/**
 * Whether a text is a Git LFS pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md: `version URL`,
 * `oid`, `size`) in place of a file: a checkout without its LFS content, or a git revision's blob.
 */
export function isLfsPointer(text: string): boolean {
  return /^version https:\/\/(git-lfs|hawser)\.github\.com\/spec\/v1\r?\n(?:ext-[^\n]*\n)*oid sha256:[0-9a-f]{64}\r?\nsize \d+\s*$/.test(
    text.replace(/^\uFEFF/, ''),
  );
}

/** Parse prompt text by its file name. Pure: used for working-tree files and `git show` output alike. */
export function parsePromptText(text: string, file: string, id = defaultPromptId(file)): Prompt {
  const clean = text.replace(/^\uFEFF/, '');
  // a checkout without the LFS content (actions/checkout's default lfs: false): priced as a prompt, the pointer
  // was ~40 tokens on both sides, any change to the real prompt "unchanged" (check --base-ref reads a revision's
  // pointer through git lfs smudge first: GitRevision.lfsContent)
  if (isLfsPointer(clean))
    throw new UserError(
      `${file}: a Git LFS pointer, not the prompt: its content was not fetched`,
      'fetch it (git lfs pull; in CI: actions/checkout with lfs: true)',
    );
  const ext = extname(file).toLowerCase();
  let prompt: Prompt;
  if (ext === '.yaml' || ext === '.yml') prompt = parseSpecYaml(clean, file, id);
  else if (ext === '.json') {
    let doc: unknown;
    try {
      doc = JSON.parse(clean);
    } catch (err) {
      throw new UserError(
        `${file}${jsonErrorWhere(clean)}: invalid JSON: ${jsonErrorMessage(err)}`,
        'a chat prompt is a messages array, {messages, tools} or {system, messages, tools}',
      );
    }
    prompt = parseChatJson(doc, file, id);
  } else {
    prompt = {
      id,
      file,
      format: 'text',
      parts: [{ name: 'prompt', kind: 'prompt', messages: [{ role: 'user', content: clean }], loadBearing: false }],
      variables: {},
      models: [],
      warnings: [],
    };
  }
  noteMissingVariables(prompt);
  noteEmpty(prompt);
  return prompt;
}

/** A prompt with no text and no tools is priced as chat framing alone: say so (an empty or truncated file). */
function noteEmpty(prompt: Prompt): void {
  const text = prompt.parts.some((p) => p.toolsJson || p.messages.some((m) => m.content.trim() !== ''));
  if (!text)
    prompt.warnings.push(
      prompt.parts.length ? 'the prompt is empty: only chat-format overhead is counted' : 'no messages: only the reply priming is counted',
    );
}

function noteMissingVariables(prompt: Prompt): void {
  const used = new Set<string>();
  for (const part of prompt.parts) for (const m of part.messages) for (const v of variablesIn(m.content)) used.add(v);
  const missing = [...used].filter((v) => !Object.hasOwn(prompt.variables, v)).sort();
  if (missing.length)
    prompt.warnings.push(`no sample value for ${missing.map((v) => `{{${v}}}`).join(', ')}: counted as empty (add variables: to a spec)`);
}

/**
 * Bytes of a prompt file (from disk or a git revision) as text, checked like every other input read
 * (core/read-text.ts): size cap, binary refused, invalid UTF-8 reported as a warning.
 */
const PROMPT_READ: TextReadOptions = { what: 'prompt file', hint: 'check the path', invalidUtf8: 'warn' };

export function decodePromptBytes(buf: Uint8Array, file: string): TextRead {
  return decodeTextBytes(buf, file, PROMPT_READ);
}

/**
 * A prompt's warnings do not name its file: whoever shows them does (estimate by file, check by id).
 * The reader's start with `prompt file FILE: `, which estimate printed twice (`warning: a.md: prompt
 * file a.md: not valid UTF-8 ...`). A file read at a git revision keeps its `REV:path` (decodePromptBytes).
 */
const unnamed =
  (file: string) =>
  (w: string): string => {
    const label = `${PROMPT_READ.what} ${file}: `;
    return w.startsWith(label) ? w.slice(label.length) : w;
  };

function readText(path: string, file: string): TextRead {
  return readTextFile(path, { ...PROMPT_READ, name: file });
}

/**
 * Whether a file found under a directory given as a prompt path is one of its prompts, from its path
 * below that directory (`/`-separated): every name listed and a prompt extension. The one rule for the
 * working tree and for a git revision's listing (`check DIR --base-ref REV`), so both sides hold the same files.
 */
export function isListedPromptFile(pathBelowDir: string): boolean {
  const names = pathBelowDir.split('/');
  return names.every(listsName) && PROMPT_EXTENSIONS.includes(extname(names[names.length - 1]).toLowerCase());
}

/**
 * Files under a directory with a prompt extension, recursively, sorted. Links are followed, a linked
 * directory entered once (a link back up, `sub/up -> ..`, walked forever, ending in ELOOP on a path
 * of hundreds of names); a link to nothing named like a prompt is an error naming it (it stopped the
 * walk with a bare "cannot stat ...: ENOENT"), one named otherwise is not a prompt and is passed over.
 */
function listDir(dir: string, below = '', seen = new Set<string>()): string[] {
  const info = statSync(dir);
  const key = `${info.dev}:${info.ino}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!listsName(name)) continue;
    const full = join(dir, name);
    let isDir: boolean;
    try {
      isDir = statSync(full).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ELOOP') || !lstatSync(full, { throwIfNoEntry: false })?.isSymbolicLink()) throw err;
      if (!isListedPromptFile(`${below}${name}`)) continue;
      throw new UserError(
        code === 'ELOOP'
          ? `prompt file ${full}: ELOOP (a symbolic link loop): the link points, through other links, back to itself`
          : `prompt file ${full} is a symbolic link to nothing (${readlinkSync(full)})`,
        'remove the link or restore what it points to',
      );
    }
    if (isDir) out.push(...listDir(full, `${below}${name}/`, seen));
    else if (isListedPromptFile(`${below}${name}`)) out.push(full);
  }
  return out;
}

/**
 * Expand file and directory arguments to prompt files, as paths relative to `cwd` when inside it. An argument that
 * is no file but a glob pattern (`'prompts/**\/*.md'`, quoted) is expanded: the files it matches, whatever their
 * extension, as a shell would have given them.
 */
export function expandPromptPaths(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      // a glob the shell did not expand (quoted, or a CI step's YAML): the tool expands it (prompts/glob.ts)
      if (isGlob(p)) {
        for (const shown of expandGlob(p, cwd)) if (!out.includes(shown)) out.push(shown);
        continue;
      }
      throw new UserError(
        `no such prompt file or directory: ${p}`,
        'give prompt files (.yaml spec, .json chat, .md/.txt) or directories of them',
      );
    }
    const files = isDir ? listDir(abs) : [abs];
    if (isDir && files.length === 0) throw new UserError(`no prompt files in ${p}`, `prompt files end in ${PROMPT_EXTENSIONS.join(', ')}`);
    for (const f of files) {
      const rel = relative(cwd, f);
      const shown = rel && !rel.startsWith('..') ? rel : f;
      if (!out.includes(shown)) out.push(shown);
    }
  }
  return out;
}

export function loadPromptFile(file: string, cwd: string, id?: string): Prompt {
  return loadPromptWithText(file, cwd, id).prompt;
}

/** The prompt and the text it was parsed from (the gate finds the first changed line in it). */
export function loadPromptWithText(file: string, cwd: string, id?: string): { prompt: Prompt; text: string } {
  const { text, warnings } = readText(resolve(cwd, file), file);
  const prompt = parsePromptText(text, file, id);
  prompt.warnings.push(...warnings.map(unnamed(file)));
  return { prompt, text };
}

export function loadPrompts(paths: readonly string[], cwd: string): Prompt[] {
  return expandPromptPaths(paths, cwd).map((f) => loadPromptFile(f, cwd));
}
