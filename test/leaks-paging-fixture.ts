import type { Store } from '../src/store/store.js';
import { LEAK_STATES } from '../src/leaks/triage/triage.js';

/**
 * Synthetic leaked accounts for the paging tests (route and dashboard): many rows fast, written
 * straight to the store, with ties on every sort key (severity, state, unit, name, last seen)
 * so the address tie-break and the keyset cursor are exercised.
 */
export interface SeededAccount {
  email: string;
  severity: string;
  severityRank: number;
  state: string;
  unit: string | null;
  assignedUnit: string | null;
  staffName: string | null;
  lastSeen: string;
  sources: string[];
}

const SEVERITIES = ['address', 'hashed', 'plaintext', 'stealer'] as const;
export const SEED_UNITS = ['Phòng Hành chính', 'Phòng Kỹ thuật', 'Văn phòng Sở'];
export const SEED_SOURCES = ['Combo A', 'Combo B'];

function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

export async function seedAccounts(store: Store, count: number, seed = 7): Promise<SeededAccount[]> {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const now = '2026-11-01T00:00:00.000Z';
  const sourceIds = SEED_SOURCES.map((_, i) => `seed-source-${i}`);
  await store.db
    .insertInto('leak_sources')
    .values(
      SEED_SOURCES.map((name, i) => ({
        id: sourceIds[i]!,
        name,
        title: name,
        breach_date: null,
        added_date: now,
        pwn_count: 0,
        org_count: 0,
        data_classes: '["Email addresses"]',
        flags: '{}',
        census: null,
      })),
    )
    .execute();
  const accounts: SeededAccount[] = [];
  for (let i = 0; i < count; i++) {
    const severity = pick(SEVERITIES);
    const unit = next() < 0.15 ? null : pick(SEED_UNITS);
    const inA = next() < 0.7;
    accounts.push({
      email: `${pick(['an', 'binh', 'chi', 'dung', 'hoa'])}.${String(i).padStart(5, '0')}@lab.gov.vn`,
      severity,
      severityRank: SEVERITIES.indexOf(severity),
      state: pick(LEAK_STATES),
      unit,
      assignedUnit: next() < 0.1 ? pick(SEED_UNITS) : null,
      staffName: next() < 0.2 ? null : `${pick(['Nguyễn', 'Trần', 'Lê', 'Đặng'])} Văn ${pick(['An', 'Bình', 'Cường'])}`,
      lastSeen: `2026-0${1 + Math.floor(next() * 9)}-01T00:00:00.000Z`,
      sources: inA ? (next() < 0.3 ? SEED_SOURCES : [SEED_SOURCES[0]!]) : [SEED_SOURCES[1]!],
    });
  }
  for (let i = 0; i < accounts.length; i += 500) {
    const batch = accounts.slice(i, i + 500);
    await store.db
      .insertInto('leak_accounts')
      .values(
        batch.map((a) => ({
          email: a.email,
          org_domain: 'lab.gov.vn',
          first_seen: a.lastSeen,
          last_seen: a.lastSeen,
          severity: a.severity,
          severity_rank: a.severityRank,
          password_kind: a.severity === 'address' ? 'none' : 'plaintext',
          password_mask: a.severity === 'address' ? null : 'm*****3 (8)',
          password_fingerprint: null,
          state: a.state,
          state_changed_at: now,
          staff_name: a.staffName,
          staff_email: null,
          unit: a.unit,
          assigned_unit: a.assignedUnit,
        })),
      )
      .execute();
    await store.db
      .insertInto('leak_account_sources')
      .values(
        batch.flatMap((a) =>
          a.sources.map((name) => ({
            email: a.email,
            source_id: sourceIds[SEED_SOURCES.indexOf(name)]!,
            severity: a.severity,
            severity_rank: a.severityRank,
            password_kind: 'plaintext',
            password_mask: null,
            password_fingerprint: null,
            url: null,
            seen_at: a.lastSeen,
          })),
        ),
      )
      .execute();
  }
  return accounts;
}

const UNASSIGNED = '(chưa gán / unassigned)';

/** The order the API promises, in plain JS (the test databases compare text by code point, as JS does). */
export function expectedOrder(accounts: SeededAccount[], sort: string, descending: boolean): string[] {
  const key = (a: SeededAccount): (string | number)[] => {
    switch (sort) {
      case 'severity':
        return [a.severityRank];
      case 'state':
        return [LEAK_STATES.indexOf(a.state as (typeof LEAK_STATES)[number])];
      case 'person':
        return [a.assignedUnit ?? a.unit ?? UNASSIGNED, a.staffName ?? ''];
      case 'lastSeen':
        return [a.lastSeen];
      default:
        return [];
    }
  };
  const cmp = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);
  return [...accounts]
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      for (let i = 0; i < ka.length; i++) {
        const c = cmp(ka[i]!, kb[i]!);
        if (c !== 0) return descending ? -c : c;
      }
      const e = cmp(a.email, b.email);
      return sort === 'email' && descending ? -e : e;
    })
    .map((a) => a.email);
}
