import type { VigilConfig } from '../../config/schema.js';
import type { ProbeContext } from '../../probes/context.js';
import type { Store } from '../../store/store.js';
import { AssessmentRepository } from './repository.js';
import { type AssessOrganisationOptions, assessOrganisation } from './service.js';
import type { OrganisationAssessment } from './types.js';

/**
 * Run an organisation assessment and store it as it goes: the run row exists (status `running`)
 * from the start, so the dashboard shows it; it ends `done`, or `failed` with the reason.
 */
export async function runAndStoreOrganisation(
  store: Store,
  config: VigilConfig,
  ctx: ProbeContext,
  options: AssessOrganisationOptions & { actor?: string /** A run already created (status running) to fill in. */; existingRunId?: string } = {},
): Promise<{ runId: string; run: OrganisationAssessment }> {
  const repo = new AssessmentRepository(store);
  const organisation = config.organisation?.name ?? '';
  const runId =
    options.existingRunId ?? (await repo.createRun({ kind: 'org', scope: organisation || 'organisation', organisation, actor: options.actor ?? 'cli' }));
  let saving: Promise<void> = Promise.resolve();
  try {
    const run = await assessOrganisation(config, ctx, {
      ...options,
      onTarget: (done, total, target, index) => {
        // Save each target as it finishes, at its place in vigil.yaml's order, one write at a time.
        saving = saving.then(() => repo.addTargets(runId, [target], index));
        options.onTarget?.(done, total, target, index);
      },
    });
    await saving;
    await repo.finishRun(runId, { status: 'done', score: run.score, grade: run.grade });
    return { runId, run };
  } catch (error) {
    await saving.catch(() => {});
    await repo.finishRun(runId, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/** `vigil demo`: assess the whole lab organisation and store the run, so the dashboard starts full. */
export async function runDemoAssessment(store: Store, config: VigilConfig, ctx: ProbeContext): Promise<{ runId: string; run: OrganisationAssessment }> {
  return runAndStoreOrganisation(store, config, ctx, { actor: 'demo', concurrency: 8 });
}
