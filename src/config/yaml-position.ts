import { isMap, isPair, isScalar, type LineCounter, type Node } from 'yaml';

/**
 * Locate a validation issue's path in a parsed YAML document, so errors in vigil.yaml and in lab
 * world files can name the line and column (zod reports paths, not positions).
 */
export function nodeAt(root: unknown, keyPath: (string | number)[]): Node | undefined {
  let node = root as Node | undefined;
  for (const key of keyPath) {
    if (!node || typeof node !== 'object' || !('items' in node)) return undefined;
    const items = (node as unknown as { items: unknown[] }).items;
    if (isMap(node)) {
      const pair = items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(key));
      node = isPair(pair) ? (pair.value as Node | undefined) : undefined;
    } else {
      node = items[Number(key)] as Node | undefined;
    }
  }
  return node;
}

/** The key node of `key` in a map (to point at an unknown key itself rather than its value). */
export function keyNodeAt(node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** 1-based line and column of a node (line 1, column 1 when it has no position). */
export function positionOf(node: unknown, lineCounter: LineCounter): { line: number; col: number } {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  return range ? lineCounter.linePos(range[0]) : { line: 1, col: 1 };
}
