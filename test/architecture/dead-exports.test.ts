/**
 * No dead exports: every name a module under src/ exports is used somewhere, in its own module or
 * by another module, a test or a script (`ts-prune` without the dependency). A name counts as used
 * when it appears as a word anywhere beyond its export line: a loose check (a homonym elsewhere
 * keeps a name alive), but an export nothing mentions at all is caught.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mjs|js)$/.test(f) ? [p] : [];
  });
}

/** The names a module exports: declarations and `export { a, b as c }` lists (with or without `from`). */
function exportedNames(text: string): string[] {
  const names = [
    ...text.matchAll(
      /^export (?:declare )?(?:async )?(?:abstract )?(?:const|let|function\*?|class|interface|type|enum) +([A-Za-z_$][\w$]*)/gm,
    ),
  ].map((m) => m[1]);
  for (const m of text.matchAll(/^export (?:type )?\{([^}]*)\}/gm))
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  return names;
}

const count = (text: string, name: string): number =>
  text.match(new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g'))?.length ?? 0;

describe('exports', () => {
  it('the check sees declarations and export lists', () => {
    const text =
      'export const A = 1;\nexport function b() {}\nexport { c, d as e } from "./x.js";\nexport type { F } from "./y.js";\nconst g = A;\n';
    expect(exportedNames(text)).toEqual(['A', 'b', 'c', 'e', 'F']);
    expect(count(text, 'A')).toBe(2);
  });

  it('every export of src/ is used somewhere (src, test, scripts, bin)', () => {
    const src = files(resolve('src'));
    const all = [...src, ...files(resolve('test')), ...files(resolve('scripts')), ...files(resolve('bin'))];
    const texts = new Map(all.map((f) => [f, readFileSync(f, 'utf8')]));
    const dead: string[] = [];
    for (const f of src) {
      const own = texts.get(f)!;
      for (const name of exportedNames(own)) {
        const used = count(own, name) > 1 || all.some((g) => g !== f && count(texts.get(g)!, name) > 0);
        if (!used) dead.push(`${relative(resolve('.'), f)}: ${name}`);
      }
    }
    expect(dead).toEqual([]);
  });
});
