import { z } from 'zod';
import { exportMatches } from '../../leaks/export.js';
import { readRange } from '../../leaks/passwords/pwned.js';
import { assignUnit, LEAK_STATES, listAccounts, setState, unitProgress } from '../../leaks/triage/triage.js';
import { defineRoutes, download } from '../route.js';

/**
 * Leak intake and triage over the API: sources with their census, accounts (filters), per-unit
 * progress, bulk triage actions, export, and the Pwned Passwords range for the k-anonymity
 * self-check (the browser sends only 5 hex digits of the SHA-1).
 */
const accountQuery = z.object({
  state: z.enum(LEAK_STATES).optional(),
  unit: z.string().max(200).optional(),
  severity: z.enum(['address', 'hashed', 'plaintext', 'stealer']).optional(),
  source: z.string().max(200).optional(),
});

const accountSchema = z.object({
  email: z.string(),
  orgDomain: z.string(),
  staffName: z.string().nullable(),
  unit: z.string().nullable(),
  assignedUnit: z.string().nullable(),
  state: z.string(),
  severity: z.string(),
  passwordKind: z.string(),
  passwordMask: z.string().nullable(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  sources: z.array(z.string()),
});

export const leaksRoutes = defineRoutes((r) => {
  r.get({
    url: '/leaks/sources',
    role: 'viewer',
    summary: 'Leak sources (HIBP-shaped breaches) with their census',
    tags: ['leaks'],
    response: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        title: z.string(),
        breachDate: z.string().nullable(),
        addedDate: z.string(),
        pwnCount: z.number(),
        orgCount: z.number(),
        dataClasses: z.array(z.string()),
        flags: z.record(z.string(), z.boolean()),
        census: z.unknown(),
      }),
    ),
    handler: async ({ services }) => {
      const rows = await services.store.db.selectFrom('leak_sources').selectAll().orderBy('added_date', 'desc').execute();
      return rows.map((s) => ({
        id: s.id,
        name: s.name,
        title: s.title,
        breachDate: s.breach_date,
        addedDate: s.added_date,
        pwnCount: Number(s.pwn_count),
        orgCount: Number(s.org_count),
        dataClasses: JSON.parse(s.data_classes) as string[],
        flags: JSON.parse(s.flags) as Record<string, boolean>,
        census: s.census ? JSON.parse(s.census) : null,
      }));
    },
  });

  r.get({
    url: '/leaks/accounts',
    role: 'viewer',
    summary: 'Leaked accounts of the organisation (filter by state, unit, severity, source)',
    tags: ['leaks'],
    query: accountQuery,
    response: z.array(accountSchema),
    handler: async ({ services, query }) => listAccounts(services.store, query),
  });

  r.get({
    url: '/leaks/progress',
    role: 'viewer',
    summary: 'Per-unit progress: accounts by triage state',
    tags: ['leaks'],
    response: z.array(z.object({ unit: z.string(), states: z.record(z.string(), z.number()), total: z.number() })),
    handler: async ({ services }) => unitProgress(services.store),
  });

  r.post({
    url: '/leaks/accounts/state',
    role: 'analyst',
    summary: 'Move accounts to a triage state (bulk); logged with who and when',
    tags: ['leaks'],
    body: z.object({ emails: z.array(z.string().max(320)).min(1).max(10_000), state: z.enum(LEAK_STATES), note: z.string().max(2000).optional() }),
    response: z.object({
      changed: z.array(z.string()),
      unchanged: z.array(z.string()),
      refused: z.array(z.object({ email: z.string(), from: z.string(), reason: z.string() })),
    }),
    handler: async ({ services, body, user }) => setState(services.store, body.emails, body.state, `user:${user.name}`, body.note),
  });

  r.post({
    url: '/leaks/accounts/assign',
    role: 'analyst',
    summary: 'Assign accounts to a unit',
    tags: ['leaks'],
    body: z.object({ emails: z.array(z.string().max(320)).min(1).max(10_000), unit: z.string().min(1).max(200) }),
    response: z.object({ assigned: z.number() }),
    handler: async ({ services, body, user }) => ({ assigned: await assignUnit(services.store, body.emails, body.unit, `user:${user.name}`) }),
  });

  r.get({
    url: '/leaks/accounts/export.xlsx',
    role: 'viewer',
    summary: 'Leaked accounts as an XLSX workbook (masked passwords)',
    tags: ['leaks'],
    query: accountQuery,
    handler: async ({ services, query }) => {
      const rows = await listAccounts(services.store, query);
      const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const dir = mkdtempSync(join(tmpdir(), 'vigil-leaks-export-'));
      try {
        const file = join(dir, 'accounts.xlsx');
        await exportMatches(
          file,
          rows.map((a) => ({
            email: a.email,
            orgDomain: a.orgDomain,
            file: a.sources.join(', '),
            offset: 0,
            form: 'combo' as const,
            url: null,
            passwordKind: a.passwordKind as 'plaintext',
            passwordMask: a.passwordMask,
            fingerprint: null,
            severity: a.severity as 'plaintext',
          })),
        );
        return download({
          body: readFileSync(file),
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          filename: 'tai-khoan-lo-lot.xlsx',
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  });

  r.get({
    url: '/passwords/range/:prefix',
    role: 'viewer',
    summary: 'Pwned Passwords range: SUFFIX:COUNT lines for a 5-hex-digit SHA-1 prefix (k-anonymity)',
    tags: ['leaks'],
    params: z.object({ prefix: z.string().regex(/^[0-9A-Fa-f]{5}$/) }),
    response: z.object({ prefix: z.string(), suffixes: z.array(z.string()) }),
    handler: async ({ services, params }) => ({ prefix: params.prefix.toUpperCase(), suffixes: readRange(services.dataDir, params.prefix) }),
  });
});
