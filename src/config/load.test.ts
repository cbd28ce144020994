import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../errors.js';
import { loadConfig, parseConfigText, requireSection } from './load.js';
import { CONFIG_TEMPLATE } from './template.js';

function errorOf(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (error) {
    if (error instanceof VigilError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('vigil.yaml', () => {
  it('accepts the template that `vigil init` writes', () => {
    const config = parseConfigText(CONFIG_TEMPLATE, 'vigil.yaml');
    expect(config.organisation?.name).toContain('Sở Thông tin');
    expect(config.mail?.domains).toEqual(['so-demo.gov.vn.test']);
    expect(config.websites?.[0]?.portal).toBe(true);
  });

  it('accepts an empty file and a file with only monitors', () => {
    expect(parseConfigText('', 'x.yaml')).toEqual({});
    const c = parseConfigText('monitors:\n  - name: a\n    type: tcp\n    host: a.example\n    port: 25\n', 'x.yaml');
    expect(c.monitors?.length).toBe(1);
  });

  it('names file, line and column of an unknown key', () => {
    const error = errorOf(() => parseConfigText('organisation:\n  name: A\n  nmae: B\n', '/etc/vigil.yaml'));
    expect(error.id).toBe('config.invalid');
    expect(error.message).toContain('/etc/vigil.yaml:3:3');
    expect(error.message).toContain('unknown key "nmae"');
  });

  it('points at a wrong value', () => {
    const error = errorOf(() => parseConfigText('mail:\n  domains:\n    - "not a domain!"\n', 'v.yaml'));
    expect(error.message).toContain('v.yaml:3:7');
    expect(error.message).toContain('mail.domains.0');
  });

  it('refuses a rotation that covers nothing (no start/end, no holidays) at load, with its line', () => {
    const text = 'onCall:\n  people:\n    - name: An\n  rotation:\n    primary: [An]\n';
    const error = errorOf(() => parseConfigText(text, 'vigil.yaml'));
    expect(error.message).toMatch(/vigil\.yaml:5:\d+: onCall\.rotation/);
    expect(error.message).toContain('covers nothing');
    const withHolidays = parseConfigText(`${text}  holidays:\n    - { name: Tết, from: 2027-02-05, to: 2027-02-10 }\n`, 'vigil.yaml');
    expect(withHolidays.onCall?.holidays?.[0]?.name).toBe('Tết');
  });

  it('reports YAML syntax errors with a position', () => {
    const error = errorOf(() => parseConfigText('mail:\n  domains: [a\n', 'v.yaml'));
    expect(error.id).toBe('config.syntax');
    expect(error.message).toMatch(/v\.yaml:\d+:\d+/);
  });

  it('says which section is missing and how to add it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cfg-'));
    const file = join(dir, 'vigil.yaml');
    writeFileSync(file, 'organisation:\n  name: A\n');
    const loaded = await loadConfig(file);
    const error = errorOf(() => requireSection(loaded, 'mail'));
    expect(error.id).toBe('config.section-missing');
    expect(error.hint).toContain('domains');
  });

  it('fails clearly when an explicit --config file is missing', async () => {
    await expect(loadConfig('/nonexistent/vigil.yaml')).rejects.toMatchObject({ id: 'config.unreadable' });
  });
});
