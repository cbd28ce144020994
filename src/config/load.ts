import { keyNodeAt, nodeAt, positionOf } from './yaml-position.js';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { VigilError } from '../errors.js';
import { type ConfigSection, configSchema, type VigilConfig } from './schema.js';

export const DEFAULT_CONFIG_FILE = './vigil.yaml';

export interface LoadedConfig {
  /** Absolute path of the file read, or undefined when no file exists (the default path only). */
  file: string | undefined;
  /** Folder that relative paths in the file are resolved against. */
  baseDir: string;
  config: VigilConfig;
}

/** Sections that have an example in `vigil init`'s template, for "how to add it" hints. */
const SECTION_HINTS: Record<ConfigSection, string> = {
  organisation: 'organisation:\n  name: Sở Thông tin và Truyền thông …',
  network: 'network:\n  resolver: 127.0.0.1:53',
  mail: 'mail:\n  domains: [example.gov.vn]',
  websites: 'websites:\n  - url: https://example.gov.vn/',
  staff: 'staff:\n  directory: staff.csv',
  notifications: 'notifications:\n  smtp: { host: mail.example.gov.vn, from: vigil@example.gov.vn }',
  onCall: 'onCall:\n  people: [{ name: Nguyễn Văn A, email: a@example.gov.vn }]',
  monitors: 'monitors:\n  - { name: Cổng thông tin, type: http, url: https://example.gov.vn/ }',
};

/**
 * Read and validate vigil.yaml. Errors name the file, line and column, what is wrong and how to
 * fix it. When `file` is not given and ./vigil.yaml does not exist the configuration is empty:
 * every section is optional and commands that need one say so.
 */
export async function loadConfig(file?: string): Promise<LoadedConfig> {
  const path = resolve(file ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && file === undefined) return { file: undefined, baseDir: process.cwd(), config: configSchema.parse({}) };
    throw new VigilError('config.unreadable', `cannot read configuration file ${path}: ${code ?? (error as Error).message}`, {
      hint: code === 'ENOENT' ? 'create one with `vigil init`, or pass the right path with --config FILE' : 'check the file’s permissions',
    });
  }
  return { file: path, baseDir: dirname(path), config: parseConfigText(text, path) };
}

/** Validate YAML text; `path` is only used in messages. */
export function parseConfigText(text: string, path: string): VigilConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = first.linePos?.[0];
    throw new VigilError('config.syntax', `${path}:${pos?.line ?? '?'}:${pos?.col ?? '?'}: YAML syntax error: ${first.message.split('\n')[0]}`, {
      hint: 'fix the YAML syntax at that position (indentation uses spaces; quote values containing ": ")',
    });
  }
  const raw = doc.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;

  const messages = result.error.issues.slice(0, 10).map((issue) => describeIssue(issue, doc.contents, lineCounter, path));
  throw new VigilError('config.invalid', `${path}: invalid configuration\n${messages.join('\n')}`, {
    hint: 'see the commented example written by `vigil init` for every section and key',
  });
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, lineCounter: LineCounter, path: string): string {
  const keyPath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  let node = nodeAt(root, keyPath);
  let what = issue.message;
  let fix = 'correct the value';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const keyNode = keyNodeAt(node, key);
    if (keyNode) node = keyNode;
    what = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    fix = 'remove it or check its spelling (unknown keys are not ignored)';
  } else if (issue.code === 'invalid_type') {
    fix = `give a value of type ${issue.expected}`;
    if (node === undefined) {
      node = nodeAt(root, keyPath.slice(0, -1));
      what = `missing required key "${String(keyPath.at(-1))}"`;
      fix = 'add it';
    }
  } else if (issue.code === 'invalid_value' || issue.code === 'invalid_union') {
    fix = 'use one of the allowed values';
  }
  const pos = positionOf(node, lineCounter);
  const where = keyPath.length ? keyPath.join('.') : '(top level)';
  return `  ${path}:${pos.line}:${pos.col}: ${where}: ${what} — ${fix}`;
}

/** Return a section or fail with a message that says how to add it. */
export function requireSection<K extends ConfigSection>(loaded: LoadedConfig, section: K): NonNullable<VigilConfig[K]> {
  const value = loaded.config[section];
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    throw new VigilError('config.section-missing', `this command needs the "${section}" section of ${loaded.file ?? DEFAULT_CONFIG_FILE}, which is missing`, {
      hint: `add it, for example:\n${SECTION_HINTS[section]}\n(or run \`vigil init\` for a commented example)`,
    });
  }
  return value as NonNullable<VigilConfig[K]>;
}

/** Resolve a path written in the config file relative to the file's folder. */
export function configPath(loaded: LoadedConfig, relative: string): string {
  return resolve(loaded.baseDir, relative);
}
