import { keyNodeAt, nodeAt, positionOf } from '../../config/yaml-position.js';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { VigilError } from '../../errors.js';
import { type ParsedWorld, type World, worldSchema } from './schema.js';

/** The built-in world (source tree; a build without the YAML copied falls back to src/). */
export function defaultWorldFile(): string {
  const beside = fileURLToPath(new URL('../worlds/default.yaml', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../../src/lab/worlds/default.yaml', import.meta.url));
}

/** A world given as a file path, an object, or nothing (the built-in default world). */
export async function resolveWorld(world: string | World | undefined): Promise<ParsedWorld> {
  if (world === undefined) return loadWorldFile(defaultWorldFile());
  if (typeof world === 'string') return loadWorldFile(world);
  const result = worldSchema.safeParse(world);
  if (!result.success) {
    const lines = result.error.issues.slice(0, 10).map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new VigilError('lab.world-invalid', `invalid lab world\n${lines.join('\n')}`, { hint: 'see docs/lab.md for the world format' });
  }
  return result.data;
}

export async function loadWorldFile(path: string): Promise<ParsedWorld> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new VigilError('lab.world-unreadable', `cannot read world file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      hint: 'pass an existing YAML file with --world FILE, or omit it for the built-in world',
    });
  }
  return parseWorldText(text, path);
}

/** Validate world YAML; errors carry file:line:column like vigil.yaml's (src/config/load.ts). */
export function parseWorldText(text: string, path: string): ParsedWorld {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = first.linePos?.[0];
    throw new VigilError('lab.world-syntax', `${path}:${pos?.line ?? '?'}:${pos?.col ?? '?'}: YAML syntax error: ${first.message.split('\n')[0]}`, {
      hint: 'fix the YAML syntax at that position (indentation uses spaces; quote values containing ": ")',
    });
  }
  const result = worldSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const messages = result.error.issues.slice(0, 10).map((issue) => describeIssue(issue, doc.contents, lineCounter, path));
  throw new VigilError('lab.world-invalid', `${path}: invalid lab world\n${messages.join('\n')}`, {
    hint: 'see docs/lab.md for the world format, and src/lab/worlds/default.yaml for an example',
  });
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, lineCounter: LineCounter, path: string): string {
  const keyPath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  let node = nodeAt(root, keyPath);
  let what = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keyNode = keyNodeAt(node, issue.keys[0] ?? '');
    if (keyNode) node = keyNode;
    what = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (unknown keys are not ignored)`;
  } else if (issue.code === 'invalid_type' && node === undefined) {
    node = nodeAt(root, keyPath.slice(0, -1));
    what = `missing required key "${String(keyPath.at(-1))}"`;
  }
  const pos = positionOf(node, lineCounter);
  return `  ${path}:${pos.line}:${pos.col}: ${keyPath.length ? keyPath.join('.') : '(top level)'}: ${what}`;
}
