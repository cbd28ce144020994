/**
 * DMARC record parsing (RFC 7489 §6.3) — pure, shared by the evidence collector (to find the
 * external report destinations it must verify) and by the checks (to validate every tag).
 */
export interface DmarcTagProblem {
  tag: string;
  problem: string;
}

export interface ParsedDmarc {
  tags: Record<string, string>;
  p?: string | undefined;
  sp?: string | undefined;
  np?: string | undefined;
  pct?: number | undefined;
  rua: string[];
  ruf: string[];
  problems: DmarcTagProblem[];
}

const POLICIES = ['none', 'quarantine', 'reject'];
const KNOWN_TAGS = new Set(['v', 'p', 'sp', 'np', 'pct', 'rua', 'ruf', 'adkim', 'aspf', 'fo', 'rf', 'ri', 't', 'psd']);

export function isDmarcRecord(text: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/i.test(text.trim());
}

export function parseDmarc(text: string): ParsedDmarc {
  const tags: Record<string, string> = {};
  const problems: DmarcTagProblem[] = [];
  const parts = text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  parts.forEach((part, index) => {
    const eq = part.indexOf('=');
    if (eq < 0) {
      problems.push({ tag: part, problem: 'not a tag=value pair' });
      return;
    }
    const tag = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (index === 0 && (tag !== 'v' || value !== 'DMARC1')) problems.push({ tag: 'v', problem: 'the record must start with v=DMARC1' });
    if (tag in tags) problems.push({ tag, problem: 'tag appears more than once' });
    if (!KNOWN_TAGS.has(tag)) problems.push({ tag, problem: 'unknown tag' });
    tags[tag] = value;
  });
  const policy = (tag: 'p' | 'sp' | 'np') => {
    const value = tags[tag]?.toLowerCase();
    if (value !== undefined && !POLICIES.includes(value)) problems.push({ tag, problem: `must be none, quarantine or reject (got "${tags[tag]}")` });
    return value;
  };
  const p = policy('p');
  if (tags.p === undefined) problems.push({ tag: 'p', problem: 'required tag p= is missing' });
  else if (parts[1] && !/^p\s*=/i.test(parts[1])) problems.push({ tag: 'p', problem: 'p= must come right after v=DMARC1' });
  const sp = policy('sp');
  const np = policy('np');
  let pct: number | undefined;
  if (tags.pct !== undefined) {
    pct = /^\d{1,3}$/.test(tags.pct) ? Number(tags.pct) : Number.NaN;
    if (!(pct >= 0 && pct <= 100)) problems.push({ tag: 'pct', problem: `must be 0-100 (got "${tags.pct}")` });
  }
  for (const tag of ['adkim', 'aspf']) {
    if (tags[tag] !== undefined && !/^[rs]$/i.test(tags[tag]!)) problems.push({ tag, problem: `must be r or s (got "${tags[tag]}")` });
  }
  if (tags.fo !== undefined && !/^[01ds](:[01ds])*$/i.test(tags.fo))
    problems.push({ tag: 'fo', problem: `must be 0, 1, d, s joined by ":" (got "${tags.fo}")` });
  if (tags.ri !== undefined && !/^\d+$/.test(tags.ri)) problems.push({ tag: 'ri', problem: `must be a number of seconds (got "${tags.ri}")` });
  const uris = (tag: 'rua' | 'ruf') => {
    if (tags[tag] === undefined) return [];
    const list = tags[tag]!.split(',').map((u) => u.trim());
    for (const uri of list) {
      if (!/^mailto:[^@\s]+@[^@\s!]+(![0-9]+[kmgt]?)?$/i.test(uri)) problems.push({ tag, problem: `"${uri}" is not a mailto: URI` });
    }
    return list;
  };
  return { tags, p, sp, np, pct, rua: uris('rua'), ruf: uris('ruf'), problems };
}

/** The domain a mailto: report URI delivers to (without a size limit suffix). */
export function reportDestinationDomain(uri: string): string | undefined {
  const match = /^mailto:[^@\s]+@([^@\s!]+)/i.exec(uri.trim());
  return match ? match[1]!.toLowerCase().replace(/\.$/, '') : undefined;
}
