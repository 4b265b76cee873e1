/**
 * The shape of the code, checked from the sources: no module outside src/cli imports the command
 * layer (the pipeline and the engine take an explicit environment), and the import graph between
 * the top-level folders of src/ has no cycle. Every import counts (type-only and dynamic ones too):
 * a folder that names another's types depends on it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : f.endsWith('.ts') ? [p] : [];
  });
}

/** Relative module specifiers of a file: `import ... from`, `export ... from`, `import '...'`, `import('...')`. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(m[1]);
  return out;
}

const folderOf = (file: string): string => relative(SRC, file).split('/')[0];

/** Edges between folders, each with the files that make it. */
function folderGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of sources(SRC)) {
    const from = folderOf(file);
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const to = folderOf(resolve(dirname(file), spec));
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      const edges = graph.get(from)!;
      edges.set(to, [...(edges.get(to) ?? []), relative(SRC, file)]);
    }
  }
  return graph;
}

/** A cycle in a directed graph as a path a -> ... -> a, or undefined. */
function findCycle(graph: Map<string, Iterable<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('import graph of src/', () => {
  const graph = folderGraph();

  it('reads the imports (the command layer reaches the engine, the engine the usage table)', () => {
    expect(graph.get('cli')?.has('engine')).toBe(true);
    expect(graph.get('engine')?.has('usage')).toBe(true);
    expect(specifiers("import type { A } from '../a/b.js';\nexport { C } from './c.js';\nawait import('../d.js');")).toEqual([
      '../a/b.js',
      './c.js',
      '../d.js',
    ]);
  });

  it('no folder outside cli/ imports cli/', () => {
    const offenders = [...graph].flatMap(([from, edges]) => (from === 'cli' ? [] : (edges.get('cli') ?? [])));
    expect(offenders).toEqual([]);
  });

  it('the folder graph has no cycle', () => {
    const cycle = findCycle(new Map([...graph].map(([from, edges]) => [from, edges.keys()])));
    const detail = cycle?.slice(0, -1).map(
      (f, i) =>
        `${f} -> ${cycle[i + 1]} (${graph
          .get(f)
          ?.get(cycle[i + 1])
          ?.join(', ')})`,
    );
    expect(detail).toBeUndefined();
  });

  it('the cycle check finds cycles', () => {
    const g = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycle(g)).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toBeUndefined();
  });
});
