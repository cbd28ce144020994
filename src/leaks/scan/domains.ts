import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Census categories of an address's domain. `org` is the organisation's own domains. */
export type Category = 'vn' | 'gov.vn' | 'edu.vn' | 'bank' | 'org';
export const CATEGORIES: readonly Category[] = ['vn', 'gov.vn', 'edu.vn', 'bank', 'org'];

/** `domain` is `parent` or one of its subdomains (label-aligned: `hanoi.gov.vn.evil.com` is not under `gov.vn`). */
export function isUnder(domain: string, parent: string): boolean {
  return domain === parent || (domain.length > parent.length && domain.endsWith(parent) && domain.charCodeAt(domain.length - parent.length - 1) === 46);
}

/** A set of domains matched with their subdomains: walks the label suffixes of a name (a few Set lookups). */
export class DomainSet {
  private readonly set: Set<string>;
  constructor(domains: Iterable<string>) {
    this.set = new Set([...domains].map((d) => d.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean));
  }
  get size(): number {
    return this.set.size;
  }
  values(): string[] {
    return [...this.set];
  }
  /** The listed domain that `domain` equals or sits under, if any. */
  match(domain: string): string | undefined {
    let at = 0;
    for (;;) {
      const candidate = at === 0 ? domain : domain.slice(at);
      if (this.set.has(candidate)) return candidate;
      const dot = domain.indexOf('.', at);
      if (dot < 0) return undefined;
      at = dot + 1;
    }
  }
}

export interface BankEntry {
  brand: string;
  fullName: string;
  type: string;
  domain: string;
}

let banksCache: BankEntry[] | undefined;

/** Vietnamese banks and their domains (data/vn-banks.tsv, shipped with vigil). */
export function vnBanks(): BankEntry[] {
  if (banksCache) return banksCache;
  const here = dirname(fileURLToPath(import.meta.url));
  // src/leaks/scan → src/leaks/data; dist/leaks/scan has no data folder, so fall back to the sources.
  const candidates = [join(here, '..', 'data', 'vn-banks.tsv'), join(here, '..', '..', '..', 'src', 'leaks', 'data', 'vn-banks.tsv')];
  let text = '';
  for (const file of candidates) {
    try {
      text = readFileSync(file, 'utf8');
      break;
    } catch {
      // try the next location
    }
  }
  banksCache = text
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split('\t'))
    .filter((cols) => cols.length >= 4 && cols[3])
    .map(([brand, fullName, type, domain]) => ({ brand: brand!, fullName: fullName!, type: type!, domain: domain!.trim().toLowerCase() }));
  return banksCache;
}

/** Classifies a normalised domain into census categories. */
export class Classifier {
  readonly org: DomainSet;
  readonly banks: DomainSet;
  constructor(orgDomains: Iterable<string>, bankDomains: Iterable<string> = vnBanks().map((b) => b.domain)) {
    this.org = new DomainSet(orgDomains);
    this.banks = new DomainSet(bankDomains);
  }
  categories(domain: string): Category[] {
    const out: Category[] = [];
    if (isUnder(domain, 'vn')) {
      out.push('vn');
      if (isUnder(domain, 'gov.vn')) out.push('gov.vn');
      else if (isUnder(domain, 'edu.vn')) out.push('edu.vn');
    }
    if (this.banks.match(domain)) out.push('bank');
    if (this.org.match(domain)) out.push('org');
    return out;
  }
}
