/** YAML loading with line numbers for error messages. */
import { createRequire } from 'node:module';
import type * as YamlLib from 'yaml';
import type { PathPart, ValidationError } from './validate.js';
import { formatPath } from './validate.js';

export interface LoadedYaml {
  value: unknown;
  /** 1-based line of the node at `path`, or of its closest existing parent. */
  lineOf(path: PathPart[]): number | undefined;
}

interface YamlSyntaxError {
  message: string;
  /** 1-based line and column where the parser found the error. */
  line?: number;
  col?: number;
}

// loaded on first use: commands that read no YAML (a JSON report over the cached catalog) skip it
const require = createRequire(import.meta.url);
let yamlLib: typeof YamlLib | undefined;
function yaml(): typeof YamlLib {
  return (yamlLib ??= require('yaml') as typeof YamlLib);
}

/** Alias expansions allowed while building the value (the yaml package counts expanded nodes). */
const MAX_ALIAS_COUNT = 100;
/** Syntax errors shown for one file: a binary or wrong file yields thousands, and the first few say it all. */
const MAX_ERRORS_SHOWN = 5;
const MAX_MESSAGE_CHARS = 200;

/**
 * Parse one YAML document. Never throws for bad input: syntax errors, alias bombs ("billion laughs",
 * capped at MAX_ALIAS_COUNT expansions) and nesting too deep for the stack come back as `errors`.
 */
export function parseYaml(text: string): LoadedYaml | { errors: YamlSyntaxError[] } {
  const { LineCounter, parseDocument, isNode, isMap, isScalar, isSeq } = yaml();
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  let value: unknown;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0)
      // positions from the parser's offsets (linePos is only filled in with prettyErrors)
      return {
        errors: capErrors(doc.errors.map((e) => ({ message: e.message.split('\n')[0], ...lineCounter.linePos(e.pos[0]) }))),
      };
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return { errors: [{ message: resourceMessage(err) }] };
  }
  return {
    value,
    lineOf(path: PathPart[]): number | undefined {
      const lineAt = (node: unknown) => (isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined);
      for (let n = path.length; n > 0; n--) {
        // a key's own line (a block mapping or list under it starts on the next line), a list item's line
        const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
        const last = path[n - 1];
        const line = isMap(parent)
          ? lineAt(parent.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(last))?.key)
          : isSeq(parent)
            ? lineAt(parent.items[Number(last)])
            : undefined;
        if (line !== undefined) return line;
        // a missing key: fall back to the parent
      }
      return lineAt(doc.contents);
    },
  };
}

function capErrors(errors: YamlSyntaxError[]): YamlSyntaxError[] {
  const shown = errors
    .slice(0, MAX_ERRORS_SHOWN)
    .map((e) => (e.message.length > MAX_MESSAGE_CHARS ? { ...e, message: e.message.slice(0, MAX_MESSAGE_CHARS) + '...' } : e));
  if (errors.length > MAX_ERRORS_SHOWN)
    shown.push({ message: `... and ${errors.length - MAX_ERRORS_SHOWN} more YAML errors (is this a YAML file?)` });
  return shown;
}

function resourceMessage(err: unknown): string {
  const e = err as Error;
  if (e instanceof ReferenceError && /alias/i.test(e.message))
    return `too many alias expansions (more than ${MAX_ALIAS_COUNT}): refused as a resource-exhaustion attack`;
  if (e instanceof RangeError) return 'YAML nested too deeply to read';
  return `cannot read YAML: ${e?.message ?? String(err)}`;
}

/** `file:line:col: message` lines for YAML syntax errors (file alone when the parser gave no position). */
export function describeSyntaxErrors(file: string, errors: YamlSyntaxError[]): string[] {
  return errors.map((e) => `${file}${e.line ? `:${e.line}${e.col ? `:${e.col}` : ''}` : ''}: ${e.message}`);
}

/** `file:line: path: message` lines for validation errors. */
export function describeErrors(file: string, loaded: LoadedYaml | undefined, errors: ValidationError[]): string[] {
  return errors.map((e) => {
    const line = loaded?.lineOf(e.path);
    return `${file}${line ? `:${line}` : ''}: ${formatPath(e.path)}: ${e.message}`;
  });
}
