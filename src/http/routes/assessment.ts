import { z } from 'zod';
import type { Locale } from '../../checks/types.js';
import { declaredTargets } from '../../config/probe-context.js';
import { VigilError } from '../../errors.js';
import { assertHostsInScope } from '../../probes/scope.js';
import type { JobContext } from '../../jobs/queue.js';
import { exportFindings, FINDINGS_CONTENT_TYPES, findingsFilename } from '../../reports/findings/index.js';
import { CATALOGUE, CATEGORY_INFO, categoryTitle } from '../../services/assessment/catalogue.js';
import { orderChecks } from '../../services/assessment/render.js';
import { AssessmentRepository } from '../../services/assessment/repository.js';
import { runAndStoreOrganisation } from '../../services/assessment/runs.js';
import { defineRoutes, download } from '../route.js';
import type { HttpServices } from '../services.js';

export const ASSESSMENT_JOB = 'assessment.run';

interface RunPayload {
  runId: string;
  concurrency: number;
}

const langQuery = z.object({ lang: z.enum(['vi', 'en']).default('vi') });
const runParams = z.object({ id: z.string().min(1).max(100) });

const localized = z.object({ vi: z.string(), en: z.string() });
const gradeSchema = z.string();
const runSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(['org', 'mail', 'web']),
  scope: z.string(),
  organisation: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  score: z.number().nullable(),
  grade: gradeSchema.nullable(),
  targetCount: z.number(),
  /** Targets left out of `score` because they could not be assessed. */
  notAssessed: z.number(),
  failedChecks: z.number(),
  actor: z.string(),
  error: z.string().nullable(),
});
const capSchema = z.object({ grade: z.string(), sslLabs: z.string(), reasons: z.array(z.string()) });
const categorySchema = z.object({
  category: z.string(),
  /** The category's name in the requested language, from the check catalogue (target view). */
  title: z.string().optional(),
  score: z.number(),
  grade: z.string(),
  earned: z.number().optional(),
  max: z.number().optional(),
  observatory: z.object({ penaltyScore: z.number(), bonus: z.number(), rawScore: z.number() }).optional(),
  cap: capSchema.optional(),
  counted: z.number(),
});
const targetSummarySchema = z.object({
  target: z.string(),
  kind: z.enum(['mail', 'web']),
  name: z.string().nullable(),
  startedAt: z.string(),
  durationMs: z.number(),
  /** false: "không đánh giá được / not assessed" (every check error); score and grade are null. */
  assessed: z.boolean(),
  score: z.number().nullable(),
  grade: gradeSchema.nullable(),
  categories: z.array(categorySchema),
  cap: capSchema.optional(),
  errors: z.array(z.string()),
  failedChecks: z.number(),
  worst: z.array(z.object({ id: z.string(), status: z.string(), severity: z.string(), title: localized, subject: z.string().optional() })),
});
const checkSchema = z.object({
  id: z.string(),
  status: z.enum(['pass', 'warn', 'fail', 'info', 'error']),
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
  category: z.string(),
  title: z.string(),
  detail: z.string(),
  remediation: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  references: z.array(z.string()),
  subject: z.string().optional(),
});
const changeSchema = z.object({
  id: z.string(),
  subject: z.string().optional(),
  title: z.string(),
  severity: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
const trendSchema = z.object({
  points: z.array(z.object({ runId: z.string(), startedAt: z.string(), score: z.number().nullable(), grade: z.string().nullable(), failedChecks: z.number() })),
});

function summarise(t: Awaited<ReturnType<AssessmentRepository['getRun']>>['targets'][number]) {
  return {
    target: t.target,
    kind: t.kind,
    name: t.name,
    startedAt: t.startedAt,
    durationMs: t.durationMs,
    assessed: t.assessed,
    score: t.score,
    grade: t.grade,
    categories: t.scoreReport.categories,
    ...(t.scoreReport.cap ? { cap: t.scoreReport.cap } : {}),
    errors: t.errors,
    failedChecks: t.failedChecks,
    worst: t.worst,
  };
}

export const assessmentRoutes = defineRoutes((r) => {
  r.onStart((services) => {
    services.jobs.register<RunPayload, { runId: string; score: number | null; grade: string | null; notAssessed: number }>(
      ASSESSMENT_JOB,
      async (payload, job: JobContext) => {
        // The server's probe settings (vigil.yaml network:, or the lab in the demo), not a default.
        const ctx = { ...services.probe, signal: job.signal };
        const { runId, run } = await runAndStoreOrganisation(services.store, services.config.config, ctx, {
          existingRunId: payload.runId,
          concurrency: payload.concurrency,
          onTarget: (done, total) => job.progress(done / total, `${done}/${total}`),
        });
        return { runId, score: run.score, grade: run.grade, notAssessed: run.notAssessed };
      },
      { concurrency: 1 },
    );
    return undefined;
  });

  r.post({
    url: '/assessment/runs',
    role: 'analyst',
    summary: 'Start an assessment of every mail domain and website in vigil.yaml (runs as a background job)',
    tags: ['assessment'],
    body: z.object({ concurrency: z.number().int().min(1).max(64).default(8) }).default({ concurrency: 8 }),
    status: 202,
    response: z.object({ runId: z.string(), jobId: z.string() }),
    handler: async ({ services, body, user, audit }) => {
      const config = services.config.config;
      if (!config.mail?.domains?.length && !config.websites?.length) {
        throw new VigilError('assessment.nothing-to-assess', 'vigil.yaml lists no mail domains and no websites', {
          status: 409,
          hint: 'add a `mail: { domains: [...] }` or `websites:` section to vigil.yaml and restart vigil',
        });
      }
      // The run's targets are vigil.yaml's; refused if the server's probe scope does not cover them.
      assertHostsInScope(services.probe.scope, declaredTargets({ mail: config.mail, websites: config.websites }));
      const repo = new AssessmentRepository(services.store);
      const organisation = config.organisation?.name ?? '';
      const runId = await repo.createRun({ kind: 'org', scope: organisation || 'organisation', organisation, actor: `user:${user.name}` });
      let jobId: string;
      try {
        jobId = await services.jobs.enqueue<RunPayload>(ASSESSMENT_JOB, { runId, concurrency: body.concurrency });
      } catch (error) {
        await repo.finishRun(runId, { status: 'failed', error: (error as Error).message });
        throw error;
      }
      await audit('assessment.start', runId, { jobId, domains: config.mail?.domains.length ?? 0, websites: config.websites?.length ?? 0 });
      return { runId, jobId };
    },
  });

  r.get({
    url: '/assessment/runs',
    role: 'viewer',
    summary: 'Assessment runs, newest first',
    tags: ['assessment'],
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      offset: z.coerce.number().int().min(0).default(0),
      kind: z.enum(['org', 'mail', 'web']).optional(),
    }),
    response: z.object({ runs: z.array(runSummarySchema) }),
    handler: async ({ services, query }) => ({
      runs: await new AssessmentRepository(services.store).listRuns({ limit: query.limit, offset: query.offset, ...(query.kind ? { kind: query.kind } : {}) }),
    }),
  });

  r.get({
    url: '/assessment/runs/latest',
    role: 'viewer',
    summary: 'The latest organisation run with each target’s grade and worst findings (the posture at a glance)',
    tags: ['assessment'],
    response: z.object({ run: runSummarySchema.extend({ targets: z.array(targetSummarySchema) }).nullable() }),
    handler: async ({ services }) => {
      const repo = new AssessmentRepository(services.store);
      const latest = (await repo.listRuns({ kind: 'org', limit: 10 })).find((run) => run.status === 'done') ?? (await repo.latestRun('org'));
      if (!latest) return { run: null };
      const run = await repo.getRun(latest.id);
      return { run: { ...run, targets: run.targets.map(summarise) } };
    },
  });

  r.get({
    url: '/assessment/runs/:id',
    role: 'viewer',
    summary: 'One run with each target’s grade, category scores and worst findings',
    tags: ['assessment'],
    params: runParams,
    response: runSummarySchema.extend({ targets: z.array(targetSummarySchema) }),
    handler: async ({ services, params }) => {
      const run = await new AssessmentRepository(services.store).getRun(params.id);
      return { ...run, targets: run.targets.map(summarise) };
    },
  });

  r.get({
    url: '/assessment/runs/:id/target',
    role: 'viewer',
    summary: 'One target of a run: every check with evidence and remediation (?target=…&status=fail)',
    tags: ['assessment'],
    params: runParams,
    query: langQuery.extend({ target: z.string().min(1).max(2000), status: z.enum(['pass', 'warn', 'fail', 'info', 'error']).optional() }),
    response: targetSummarySchema.extend({ checks: z.array(checkSchema) }),
    handler: async ({ services, params, query }) => {
      const stored = await new AssessmentRepository(services.store).getTarget(params.id, query.target);
      const locale = query.lang as Locale;
      const checks = orderChecks(stored.checks)
        .filter((c) => !query.status || c.status === query.status)
        .map((c) => ({
          id: c.id,
          status: c.status,
          severity: c.severity,
          category: c.category,
          title: c.title[locale],
          detail: c.detail[locale],
          remediation: c.remediation[locale],
          evidence: c.evidence,
          references: c.references,
          ...(c.subject ? { subject: c.subject } : {}),
        }));
      const categories = stored.scoreReport.categories.map((c) => ({ ...c, title: categoryTitle(c.category)[locale] }));
      return { ...summarise(stored), categories, checks };
    },
  });

  r.get({
    url: '/assessment/runs/:id/diff',
    role: 'viewer',
    summary: 'What changed for a target since the previous run (new failures, fixed, other changes)',
    tags: ['assessment'],
    params: runParams,
    query: langQuery.extend({ target: z.string().min(1).max(2000) }),
    response: z.object({
      target: z.string(),
      runId: z.string(),
      previousRunId: z.string().nullable(),
      previousStartedAt: z.string().nullable(),
      scoreBefore: z.number().nullable(),
      scoreAfter: z.number().nullable(),
      newFailures: z.array(changeSchema),
      fixed: z.array(changeSchema),
      changed: z.array(changeSchema),
    }),
    handler: async ({ services, params, query }) => {
      const diff = await new AssessmentRepository(services.store).diffSinceLastRun(params.id, query.target);
      const locale = query.lang as Locale;
      const render = (list: typeof diff.newFailures) => list.map((c) => ({ ...c, title: c.title[locale] }));
      return { ...diff, newFailures: render(diff.newFailures), fixed: render(diff.fixed), changed: render(diff.changed) };
    },
  });

  r.get({
    url: '/assessment/trend',
    role: 'viewer',
    summary: 'Score over time: of one target (?target=…) or of the organisation',
    tags: ['assessment'],
    query: z.object({ target: z.string().min(1).max(2000).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    response: trendSchema,
    handler: async ({ services, query }) => {
      const repo = new AssessmentRepository(services.store);
      return { points: query.target ? await repo.targetTrend(query.target, query.limit) : await repo.organisationTrend(query.limit) };
    },
  });

  r.get({
    url: '/assessment/runs/:id/export',
    role: 'viewer',
    summary: 'Download a run’s findings as XLSX or PDF (?format=xlsx|pdf&lang=vi|en)',
    tags: ['assessment'],
    params: runParams,
    query: langQuery.extend({ format: z.enum(['xlsx', 'pdf']) }),
    handler: async ({ services, params, query, audit }) => {
      const repo = new AssessmentRepository(services.store);
      const run = await repo.getRun(params.id);
      const body = await exportFindings(repo, params.id, query.format, { locale: query.lang as Locale, organisation: services.config.config.organisation });
      await audit('assessment.export', params.id, { format: query.format });
      return download({
        body,
        contentType: FINDINGS_CONTENT_TYPES[query.format],
        filename: findingsFilename(params.id, run.startedAt, query.format, query.lang as Locale),
      });
    },
  });

  r.get({
    url: '/assessment/catalogue',
    role: 'viewer',
    summary: 'The published check ids with what each verifies, their points, and the scoring categories',
    tags: ['assessment'],
    query: langQuery,
    response: z.object({
      checks: z.array(
        z.object({
          id: z.string(),
          kind: z.string(),
          category: z.string(),
          points: z.number().nullable(),
          title: z.string(),
          verifies: z.string(),
          anchors: z.string(),
        }),
      ),
      categories: z.array(z.object({ id: z.string(), title: z.string(), model: z.string() })),
    }),
    handler: async ({ query }) => ({
      checks: CATALOGUE.map((e) => ({
        id: e.id,
        kind: e.kind,
        category: e.category,
        points: e.points,
        title: e.title[query.lang],
        verifies: e.verifies[query.lang],
        anchors: e.anchors,
      })),
      categories: CATEGORY_INFO.map((c) => ({ id: c.id, title: c.title[query.lang], model: c.model })),
    }),
  });

  r.get({
    url: '/assessment/jobs/:id',
    role: 'viewer',
    summary: 'State and progress of an assessment job',
    tags: ['assessment'],
    params: runParams,
    response: z.object({ id: z.string(), state: z.string(), progress: z.number().optional(), error: z.string().optional(), result: z.unknown().optional() }),
    handler: async ({ services, params }) => {
      const status = await services.jobs.status(params.id);
      if (!status || status.name !== ASSESSMENT_JOB) throw new VigilError('assessment.job-not-found', `no assessment job ${params.id}`, { status: 404 });
      return {
        id: status.id,
        state: status.state,
        ...(status.progress !== undefined ? { progress: status.progress } : {}),
        ...(status.error ? { error: status.error } : {}),
        ...(status.result !== undefined ? { result: status.result } : {}),
      };
    },
  });
});
