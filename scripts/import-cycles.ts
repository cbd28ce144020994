/**
 * The import graph of src/ and its cycles (`npx tsx scripts/import-cycles.ts` lists them;
 * test/import-cycles.test.ts keeps the list empty). Only relative specifiers are followed: a
 * package cannot import vigil back; tests are left out (they may import in any direction).
 * `import type`, `export … from` and a literal `import('./x.js')` all count as edges: a type-only
 * or deferred cycle costs nothing at module evaluation, but it still ties two modules together so
 * that neither can be understood, moved or tested alone, which is what the rule is about (the scan
 * engine loading streamed.ts with `import()` while streamed.ts took a type from the engine was one
 * such cycle). A CLI command's `import()` of its capability stays fine: the capability does not
 * import the command back.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// `import … from './x.js'`, `import './x.js'`, `export … from './x.js'`, over several lines too.
const STATIC_IMPORT = /^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/gms;
// `await import('./x.js')` with a literal specifier.
const DYNAMIC_IMPORT = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !/\.(test|d)\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

/** Module → the modules it imports statically (absolute paths of .ts files). */
export function importGraph(root: string): Map<string, string[]> {
  const files = new Set(sourceFiles(root));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const edges: string[] = [];
    const source = readFileSync(file, 'utf8');
    for (const match of [...source.matchAll(STATIC_IMPORT), ...source.matchAll(DYNAMIC_IMPORT)]) {
      const target = resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'));
      const candidates = [target, target.replace(/\.ts$/, '.tsx'), join(target, 'index.ts')];
      const found = candidates.find((c) => files.has(c));
      if (found) edges.push(found);
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Every elementary cycle is too many on a large graph: one cycle per strongly connected component. */
export function importCycles(root: string): string[][] {
  const graph = importGraph(root);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  // Tarjan's algorithm; recursion depth is bounded by the number of modules (a few hundred).
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) components.push(component.map((f) => relative(root, f)).sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const cycles = importCycles(resolve(import.meta.dirname, '../src'));
  for (const cycle of cycles) console.log(cycle.join(' ↔ '));
  if (cycles.length > 0) process.exitCode = 1;
}
