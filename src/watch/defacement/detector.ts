import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../../store/store.js';
import type { HttpMonitorConfig } from '../config-schema.js';
import { decideHttp } from '../decide.js';
import type { HttpEvidence } from '../monitors/http.js';
import { comparePage, type DefacementBaseline, type DefacementFinding, learnBaseline } from './compare.js';
import { extractPage } from './extract.js';
import type { Screenshotter } from './screenshot.js';

export interface DefacementReport extends DefacementFinding {
  /** Files kept with the alert (relative to the data folder). */
  evidence?: { html: string; screenshot?: string; baselineScreenshot?: string };
}

export interface DefacementOutcome {
  /** A baseline was taken on this check (first run, or after "accept as new baseline"). */
  baselineTaken: boolean;
  finding: DefacementReport | null;
}

/**
 * Defacement watch of one page: takes the baseline on first sight (the page fetched `samples`
 * times to learn its own churn), then compares each check with it and keeps evidence (HTML and a
 * Chromium screenshot) whenever something is found.
 */
export class DefacementDetector {
  constructor(
    private readonly store: Store,
    private readonly screenshots: Screenshotter,
    private readonly fetchAgain: (monitor: HttpMonitorConfig) => Promise<HttpEvidence>,
    private readonly options: { samples?: number; sampleGapMs?: number } = {},
  ) {}

  async inspect(monitorId: string, monitor: HttpMonitorConfig, response: HttpEvidence, now: number): Promise<DefacementOutcome> {
    if (!isHtml(response)) return { baselineTaken: false, finding: null };
    const row = await this.store.db.selectFrom('watch_baselines').selectAll().where('monitor_id', '=', monitorId).executeTakeFirst();
    if (!row) {
      await this.takeBaseline(monitorId, monitor, response, now);
      return { baselineTaken: true, finding: null };
    }
    const baseline = JSON.parse(row.data) as DefacementBaseline;
    const finding = comparePage(baseline, extractPage(response.body, response.finalUrl, monitor.defacementIgnore), response.body, {
      threshold: monitor.defacementThreshold,
    });
    if (!finding.level) return { baselineTaken: false, finding: null };
    const evidence = await this.keepEvidence(monitorId, response, finding, now);
    return { baselineTaken: false, finding: { ...finding, evidence: { ...evidence, ...(row.screenshot ? { baselineScreenshot: row.screenshot } : {}) } } };
  }

  /** Learn the page from several fetches and store it as the baseline (also "accept as new baseline"). */
  async takeBaseline(monitorId: string, monitor: HttpMonitorConfig, first: HttpEvidence | undefined, now: number): Promise<DefacementBaseline> {
    const responses: HttpEvidence[] = first ? [first] : [];
    const wanted = this.options.samples ?? 3;
    while (responses.length < wanted) {
      if (responses.length > 0) await new Promise((r) => setTimeout(r, this.options.sampleGapMs ?? 300));
      const again = await this.fetchAgain(monitor);
      if (decideHttp(monitor, again).status === 'down' || !isHtml(again)) {
        if (responses.length === 0) throw new Error(`cannot take a baseline: ${again.error ?? `HTTP ${again.status}`}`);
        break;
      }
      responses.push(again);
    }
    const baseline = learnBaseline(
      responses.map((r) => extractPage(r.body, r.finalUrl, monitor.defacementIgnore)),
      undefined,
      responses.map((r) => r.body),
    );
    const dir = join('watch', 'baselines', safeName(monitorId), stamp(now));
    await mkdir(join(this.store.dataDir, dir), { recursive: true });
    const shot = await this.screenshots.capture(responses[0]!.body, responses[0]!.finalUrl);
    const screenshot = shot ? join(dir, 'screenshot.png') : null;
    if (shot && screenshot) await writeFile(join(this.store.dataDir, screenshot), shot);
    const values = { data: JSON.stringify(baseline), html: responses[0]!.body, screenshot, created_at: new Date(now).toISOString() };
    await this.store.db
      .insertInto('watch_baselines')
      .values({ monitor_id: monitorId, ...values })
      .onConflict((oc) => oc.column('monitor_id').doUpdateSet(values))
      .execute();
    return baseline;
  }

  private async keepEvidence(
    monitorId: string,
    response: HttpEvidence,
    finding: DefacementFinding,
    now: number,
  ): Promise<{ html: string; screenshot?: string }> {
    const dir = join('watch', 'evidence', safeName(monitorId), stamp(now));
    await mkdir(join(this.store.dataDir, dir), { recursive: true });
    const html = join(dir, 'page.html');
    await writeFile(join(this.store.dataDir, html), response.body);
    await writeFile(join(this.store.dataDir, dir, 'finding.json'), JSON.stringify(finding, null, 2));
    const shot = await this.screenshots.capture(response.body, response.finalUrl);
    if (!shot) return { html };
    const screenshot = join(dir, 'screenshot.png');
    await writeFile(join(this.store.dataDir, screenshot), shot);
    return { html, screenshot };
  }
}

function isHtml(response: HttpEvidence): boolean {
  if (response.error || !response.body) return false;
  if (response.contentType) return /html|xml/i.test(response.contentType);
  return /<html|<body|<!doctype html/i.test(response.body.slice(0, 2_000));
}

function safeName(id: string): string {
  return id.replace(/[^a-zA-Z0-9._-]/g, '_');
}

function stamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}
