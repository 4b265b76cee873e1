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

export interface YamlSyntaxError {
  message: string;
  line?: number;
}

// loaded on first use: commands that read no YAML (a JSON report over the cached catalog) skip it
const require = createRequire(import.meta.url);
let yamlLib: typeof YamlLib | undefined;
function yaml(): typeof YamlLib {
  return (yamlLib ??= require('yaml') as typeof YamlLib);
}

export function parseYaml(text: string): LoadedYaml | { errors: YamlSyntaxError[] } {
  const { LineCounter, parseDocument, isNode } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => ({
        message: e.message.split('\n')[0],
        line: e.linePos?.[0]?.line,
      })),
    };
  }
  const value = doc.toJS({ maxAliasCount: 100 });
  return {
    value,
    lineOf(path: PathPart[]): number | undefined {
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
        // a missing key: fall back to the parent; a key whose value is a scalar was found above
      }
      return undefined;
    },
  };
}

/** `file:line: path: message` lines for validation errors. */
export function describeErrors(file: string, loaded: LoadedYaml | undefined, errors: ValidationError[]): string[] {
  return errors.map((e) => {
    const line = loaded?.lineOf(e.path);
    return `${file}${line ? `:${line}` : ''}: ${formatPath(e.path)}: ${e.message}`;
  });
}
