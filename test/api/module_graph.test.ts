// The modules of src/ import each other without a cycle (type-only imports and re-exports
// included), so each can be read, loaded and tested from the bottom layer up.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The src/ files that `file` imports or re-exports from, by relative specifier. */
function localImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']*)'/gms)].map((m) => m[1]!);
  return specifiers.map((specifier) => {
    const target = path.resolve(path.dirname(file), specifier);
    return fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
  });
}

/** One cycle of the graph as a list of files (first = last), or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === 'done') return undefined;
    if (state.get(file) === 'open') return [...trail.slice(trail.indexOf(file)), file];
    state.set(file, 'open');
    trail.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('module graph of src/', () => {
  const graph = new Map(sourceFiles(src).map((file) => [file, localImports(file)]));

  it('reads the imports of every module', () => {
    expect(graph.get(path.join(src, 'kmeans.ts'))).toContain(path.join(src, 'estimator.ts'));
    expect(graph.get(path.join(src, 'index.ts'))).toContain(path.join(src, 'types.ts'));
    for (const targets of graph.values()) for (const target of targets) expect(graph.has(target)).toBe(true);
  });

  it('has no import cycle', () => {
    const cycle = findCycle(graph)?.map((file) => path.relative(src, file));
    expect(cycle).toBeUndefined();
  });

  it('finds a cycle where there is one', () => {
    const looped = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(findCycle(looped)).toEqual(['a', 'b', 'c', 'a']);
  });
});
