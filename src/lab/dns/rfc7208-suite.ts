/**
 * The openspf RFC 7208 test suite (test/fixtures/spf/rfc7208-tests.yml) as lab DNS worlds: one
 * zone per scenario, following the suite's driver conventions — an SPF entry is also served as
 * TXT unless the name lists TXT itself ("TXT: NONE" = no TXT), and TIMEOUT makes the name time
 * out for every type it has no records of.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { DnsMisbehaviourRule, DnsRecord } from './types.js';

export interface SpfSuiteCase {
  scenario: string;
  name: string;
  helo: string;
  host: string;
  mailfrom: string;
  /** Acceptable results (several when the suite lists several). */
  results: string[];
  explanation?: string;
  spec?: string;
}

export interface SpfSuiteScenario {
  description: string;
  cases: SpfSuiteCase[];
  records: DnsRecord[];
  misbehave: DnsMisbehaviourRule[];
}

/** YAML "\xEF" escapes are bytes in the suite: keep strings of code points < 256 byte for byte. */
function txtValue(value: unknown): string | Buffer | (string | Buffer)[] {
  const one = (v: unknown): string | Buffer => {
    const s = String(v);
    return /[^\x00-\x7f]/.test(s) && /^[\x00-\xff]*$/.test(s) ? Buffer.from(s, 'latin1') : s;
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

export function loadSpfSuite(path: string): SpfSuiteScenario[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  const scenarios: SpfSuiteScenario[] = [];
  for (const document of documents) {
    const doc = document.toJS() as {
      description: string;
      tests: Record<string, { helo: string; host: string; mailfrom: string; result: string | string[]; explanation?: string; spec?: string }>;
      zonedata: Record<string, (string | Record<string, unknown>)[]>;
    } | null;
    if (!doc) continue;
    const records: DnsRecord[] = [];
    const misbehave: DnsMisbehaviourRule[] = [];
    for (const [name, entries] of Object.entries(doc.zonedata ?? {})) {
      const hasTxt = entries.some((e) => typeof e === 'object' && 'TXT' in e);
      for (const entry of entries) {
        if (entry === 'TIMEOUT') {
          misbehave.push({ name, mode: 'timeout', exact: true, onlyMissingTypes: true });
          continue;
        }
        if (typeof entry !== 'object') continue;
        for (const [type, value] of Object.entries(entry)) {
          switch (type) {
            case 'SPF':
              records.push({ name, type: 'SPF', data: txtValue(value) });
              if (!hasTxt) records.push({ name, type: 'TXT', data: txtValue(value) });
              break;
            case 'TXT':
              if (value !== 'NONE') records.push({ name, type: 'TXT', data: txtValue(value) });
              break;
            case 'MX': {
              const [preference, exchange] = value as [number, string];
              records.push({ name, type: 'MX', data: { preference, exchange: exchange.replace(/\.$/, '') } });
              break;
            }
            case 'A':
            case 'AAAA':
            case 'PTR':
            case 'CNAME':
              records.push({ name, type, data: String(value).replace(/\.$/, '') });
              break;
            default:
              throw new Error(`unsupported record type ${type} in the RFC 7208 suite`);
          }
        }
      }
    }
    const cases = Object.entries(doc.tests).map(([caseName, t]) => ({
      scenario: doc.description,
      name: caseName,
      helo: t.helo,
      host: t.host,
      mailfrom: t.mailfrom,
      results: Array.isArray(t.result) ? t.result : [t.result],
      ...(t.explanation !== undefined ? { explanation: t.explanation } : {}),
      ...(t.spec !== undefined ? { spec: String(t.spec) } : {}),
    }));
    scenarios.push({ description: doc.description, cases, records, misbehave });
  }
  return scenarios;
}
