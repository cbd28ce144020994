import { z } from 'zod';
import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { readRange } from '../../leaks/passwords/pwned.js';
import { buildLeakReport, listSources, sourceDetail } from '../../leaks/report-model.js';
import { sourceTotals } from '../../leaks/import/source-census.js';
import { leakReportPdf } from '../../leaks/report-pdf.js';
import { leakReportXlsx } from '../../leaks/report-xlsx.js';
import {
  ACCOUNT_PAGE_DEFAULT,
  ACCOUNT_PAGE_MAX,
  ACCOUNT_SORTS,
  type AccountFilter,
  assignUnit,
  BULK_MAX,
  emailsUnder,
  LEAK_STATES,
  pageAccounts,
  setState,
  unitProgress,
} from '../../leaks/triage/triage.js';
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
  text: z.string().max(200).optional().describe('part of the address or of the person’s name (case-insensitive)'),
});

const accountPageQuery = accountQuery.extend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(ACCOUNT_PAGE_MAX)
    .default(ACCOUNT_PAGE_DEFAULT)
    .describe(`accounts per page, 1–${ACCOUNT_PAGE_MAX} (default ${ACCOUNT_PAGE_DEFAULT}); out of bounds → 400 request.invalid`),
  cursor: z.string().max(2000).optional().describe('nextCursor of the previous page (same filters, sort and order); a foreign cursor → 400 leaks.bad-cursor'),
  sort: z
    .enum(ACCOUNT_SORTS)
    .default('severity')
    .describe('severity (rank), state (lifecycle order), email, person (unit, then name), lastSeen; ties by address'),
  order: z.enum(['asc', 'desc']).optional().describe('default desc for severity and lastSeen, asc otherwise'),
});

/** Whom a bulk action touches: the listed addresses, or every account under a filter (server-side). */
const bulkTarget = {
  emails: z.array(z.string().max(320)).min(1).max(BULK_MAX).optional().describe('the accounts (selected rows)'),
  filter: accountQuery.optional().describe(`instead of emails: every account under these filters (at most ${BULK_MAX}; more → 400 leaks.bulk-too-many)`),
  expectTotal: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('with filter: the total the caller showed; a different count now → 409 leaks.bulk-changed, nothing done'),
};

async function bulkEmails(
  store: Store,
  body: { emails?: string[] | undefined; filter?: AccountFilter | undefined; expectTotal?: number | undefined },
): Promise<string[]> {
  if (Boolean(body.emails) === Boolean(body.filter)) {
    throw new VigilError('leaks.bulk-target', 'a bulk action takes either emails or filter', {
      hint: 'send the selected addresses as emails, or the list’s filters as filter',
    });
  }
  if (body.emails) return body.emails;
  const emails = await emailsUnder(store, body.filter ?? {});
  if (!emails) {
    throw new VigilError('leaks.bulk-too-many', `more than ${BULK_MAX} accounts are under these filters`, {
      hint: 'narrow the filters (state, unit, severity, source, text) and act in parts',
    });
  }
  if (body.expectTotal !== undefined && emails.length !== body.expectTotal) {
    throw new VigilError('leaks.bulk-changed', `${emails.length} accounts are under these filters now, not ${body.expectTotal}`, {
      hint: 'the list changed since it was shown: reload it and act again',
      status: 409,
    });
  }
  return emails;
}

const sourceSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  breachDate: z.string().nullable(),
  addedDate: z.string(),
  pwnCount: z.number(),
  orgCount: z.number(),
  dataClasses: z.array(z.string()),
  flags: z.record(z.string(), z.boolean()),
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
    response: z.array(sourceSummarySchema.extend({ census: z.unknown() })),
    handler: async ({ services }) => listSources(services.store),
  });

  r.get({
    url: '/leaks/accounts',
    role: 'viewer',
    summary: 'Leaked accounts of the organisation, one page at a time (filters, server-side sort, keyset cursor, total)',
    description:
      'Filters: state, unit (own or assigned), severity, source, text. `total` counts every account under the filters; ' +
      '`accounts` is one page of at most `limit`, sorted by `sort`/`order` with the address breaking ties. Pass `nextCursor` ' +
      'back as `cursor` (with the same filters, sort and order) for the next page; it is null on the last page. ' +
      'Keyset paging: an account changing state between two requests never makes a page repeat or skip others.',
    tags: ['leaks'],
    query: accountPageQuery,
    response: z.object({
      total: z.number(),
      limit: z.number(),
      sort: z.enum(ACCOUNT_SORTS),
      order: z.enum(['asc', 'desc']),
      nextCursor: z.string().nullable(),
      accounts: z.array(accountSchema),
    }),
    handler: async ({ services, query }) => {
      const { limit, cursor, sort, order: requested, ...filter } = query;
      const order = requested ?? (sort === 'severity' || sort === 'lastSeen' ? 'desc' : 'asc');
      const page = await pageAccounts(services.store, { filter, sort, descending: order === 'desc', limit, cursor });
      return { total: page.total, limit, sort, order, nextCursor: page.nextCursor, accounts: page.accounts };
    },
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
    description: 'Target: `emails`, or `filter` (every account under those filters, as GET /leaks/accounts takes them) with `expectTotal`.',
    body: z.object({ ...bulkTarget, state: z.enum(LEAK_STATES), note: z.string().max(2000).optional() }),
    response: z.object({
      changed: z.array(z.string()),
      unchanged: z.array(z.string()),
      refused: z.array(z.object({ email: z.string(), from: z.string(), reason: z.string() })),
    }),
    handler: async ({ services, body, user }) => setState(services.store, await bulkEmails(services.store, body), body.state, `user:${user.name}`, body.note),
  });

  r.post({
    url: '/leaks/accounts/assign',
    role: 'analyst',
    summary: 'Assign accounts to a unit',
    tags: ['leaks'],
    description: 'Target: `emails`, or `filter` with `expectTotal`, as for /leaks/accounts/state.',
    body: z.object({ ...bulkTarget, unit: z.string().min(1).max(200) }),
    response: z.object({ assigned: z.number() }),
    handler: async ({ services, body, user }) => ({
      assigned: await assignUnit(services.store, await bulkEmails(services.store, body), body.unit, `user:${user.name}`),
    }),
  });

  r.get({
    url: '/leaks/sources/:id',
    role: 'viewer',
    summary: 'One leak source: HIBP-shaped fields, its census totals (unions over files), the census of each file, and its accounts by state and severity',
    tags: ['leaks'],
    params: z.object({ id: z.string().max(100) }),
    response: sourceSummarySchema.extend({
      files: z.array(
        z.object({
          key: z.string(),
          name: z.string(),
          path: z.string(),
          size: z.number(),
          completedAt: z.string().nullable(),
          bytes: z.number().nullable(),
          lines: z.number().nullable(),
          records: z.number().nullable(),
          rejected: z.number().nullable(),
          rejectedByReason: z.record(z.string(), z.number()),
          skipped: z.record(z.string(), z.number()),
          uniqueAddresses: z.number().nullable(),
          uniqueAddressesEstimated: z.boolean(),
          uniqueAddressesErrorBound: z.number().nullable(),
          categories: z.record(z.string(), z.number().nullable()),
          domains: z.record(z.string(), z.number()),
        }),
      ),
      accountsByState: z.record(z.string(), z.number()),
      accountsBySeverity: z.record(z.string(), z.number()),
      totals: z
        .object({
          files: z.number().describe('files whose census sketch was merged'),
          filesWithoutSketch: z.array(z.string()).describe('completed files imported before sketches existed: not in the unions'),
          bytes: z.number(),
          lines: z.number(),
          records: z.number(),
          rejected: z.number(),
          uniqueAddresses: z.number(),
          uniqueAddressesEstimated: z.boolean(),
          uniqueAddressesErrorBound: z.number().nullable(),
          categories: z.record(z.string(), z.number()),
          domains: z.record(z.string(), z.number()),
        })
        .describe(
          'The whole source: bytes, lines, records and rejected are sums over files; unique addresses, categories and domains are unions (an address in several files or import runs counts once)',
        ),
    }),
    handler: async ({ services, params }) => {
      const detail = await sourceDetail(services.store, params.id);
      const union = detail ? await sourceTotals(services.store, params.id) : null;
      if (!detail || !union)
        throw new VigilError('leaks.source-not-found', `no leak source with id ${params.id}`, { hint: 'list the sources: GET /leaks/sources', status: 404 });
      const files = detail.files;
      const sum = (pick: (f: (typeof files)[number]) => number | null) => files.reduce((n, f) => n + (pick(f) ?? 0), 0);
      const { sketchVersions: _versions, ...unions } = union;
      return {
        ...detail,
        totals: { ...unions, bytes: sum((f) => f.bytes), lines: sum((f) => f.lines), records: sum((f) => f.records), rejected: sum((f) => f.rejected) },
      };
    },
  });

  r.get({
    url: '/leaks/accounts/export.xlsx',
    role: 'viewer',
    summary: 'Leaked accounts (same filters as /leaks/accounts) as an XLSX workbook: accounts, per-unit progress, sources; masked passwords',
    tags: ['leaks'],
    query: accountQuery,
    handler: async ({ services, query, audit }) => {
      const body = await leakReportXlsx(await buildLeakReport(services.store, query));
      await audit('leaks.export', null, { format: 'xlsx', filter: query });
      return download({ body, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', filename: 'tai-khoan-lo-lot.xlsx' });
    },
  });

  r.get({
    url: '/leaks/accounts/export.pdf',
    role: 'viewer',
    summary: 'Báo cáo xử lý tài khoản bị lộ lọt (PDF, same filters as /leaks/accounts): per-unit progress, sources, accounts with masked passwords',
    tags: ['leaks'],
    query: accountQuery,
    handler: async ({ services, query, audit }) => {
      const body = await leakReportPdf(await buildLeakReport(services.store, query), services.config.config.organisation);
      await audit('leaks.export', null, { format: 'pdf', filter: query });
      return download({ body, contentType: 'application/pdf', filename: 'bao-cao-tai-khoan-lo-lot.pdf' });
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
