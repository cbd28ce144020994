import { type ArtefactHit, type ArtefactRule, DEFAULT_ARTEFACTS, findArtefacts } from './artefacts.js';
import { type PageFacts, siteOf } from './extract.js';

/**
 * Baseline and comparison (pure). The baseline is learned from several fetches: text blocks seen
 * in every sample are stable; the others are the page's own churn (news rotation, counters), and
 * their size becomes a budget of change that is forgiven at check time.
 */
export interface DefacementBaseline {
  version: 1;
  title: string;
  /** Blocks present in every sample. */
  stableBlocks: string[];
  /** Every block seen in any sample. */
  knownBlocks: string[];
  /** Characters of churn seen per sample beyond the stable blocks (the largest). */
  churnBudget: number;
  stableLength: number;
  scriptHosts: string[];
  resourceHosts: string[];
  /** Artefact ids already on the page at baseline (a news article about "hacked by" is not a defacement). */
  artefacts: string[];
  samples: number;
}

export type DefacementLevel = 'change' | 'warning' | 'defacement';

export interface DefacementFinding {
  /** null: nothing to report. change = large change alone (event); warning = artefact alone; defacement = likely defacement. */
  level: DefacementLevel | null;
  changeRatio: number;
  removedRatio: number;
  newScriptHosts: string[];
  newResourceHosts: string[];
  artefacts: ArtefactHit[];
  titleBefore: string;
  titleAfter: string;
  /** A few added and removed blocks for the alert text and the diff view. */
  added: string[];
  removed: string[];
  reasons: string[];
}

export function learnBaseline(samples: PageFacts[], rules: ArtefactRule[] = DEFAULT_ARTEFACTS, html: string[] = []): DefacementBaseline {
  if (samples.length === 0) throw new Error('a baseline needs at least one sample');
  const sets = samples.map((s) => new Set(s.blocks));
  const first = samples[0]!;
  const stable = first.blocks.filter((block) => sets.every((set) => set.has(block)));
  const stableSet = new Set(stable);
  const known = [...new Set(samples.flatMap((s) => s.blocks))];
  const churnBudget = Math.max(0, ...samples.map((s) => s.blocks.filter((b) => !stableSet.has(b)).reduce((n, b) => n + b.length, 0)));
  const artefacts = new Set<string>();
  samples.forEach((s, i) => {
    for (const hit of findArtefacts({ text: s.rawText, title: s.title, html: html[i] ?? '' }, rules)) artefacts.add(hit.id);
  });
  return {
    version: 1,
    title: first.title,
    stableBlocks: stable,
    knownBlocks: known,
    churnBudget,
    stableLength: stable.reduce((n, b) => n + b.length, 0),
    scriptHosts: [...new Set(samples.flatMap((s) => s.scriptHosts))].sort(),
    resourceHosts: [...new Set(samples.flatMap((s) => s.resourceHosts))].sort(),
    artefacts: [...artefacts].sort(),
    samples: samples.length,
  };
}

export interface CompareOptions {
  /** Share of text that may change before it counts as a large change (default 0.3). */
  threshold?: number;
  rules?: ArtefactRule[];
}

export function comparePage(baseline: DefacementBaseline, page: PageFacts, html: string, options: CompareOptions = {}): DefacementFinding {
  const threshold = options.threshold ?? 0.3;
  const current = new Set(page.blocks);
  const known = new Set(baseline.knownBlocks);
  const removed = baseline.stableBlocks.filter((b) => !current.has(b));
  const added = page.blocks.filter((b) => !known.has(b));
  const removedChars = removed.reduce((n, b) => n + b.length, 0);
  const addedChars = added.reduce((n, b) => n + b.length, 0);
  const unexplainedAdded = Math.max(0, addedChars - baseline.churnBudget);
  const removedRatio = baseline.stableLength > 0 ? removedChars / baseline.stableLength : page.textLength > 0 ? 1 : 0;
  const denominator = Math.max(1, baseline.stableLength + unexplainedAdded);
  const changeRatio = Math.min(1, (removedChars + unexplainedAdded) / denominator);

  const knownScriptSites = new Set(baseline.scriptHosts.map(siteOf));
  const knownResourceSites = new Set([...baseline.resourceHosts, ...baseline.scriptHosts].map(siteOf));
  const newScriptHosts = page.scriptHosts.filter((h) => !knownScriptSites.has(siteOf(h)));
  const newResourceHosts = page.resourceHosts.filter((h) => !knownResourceSites.has(siteOf(h)));

  const baselineArtefacts = new Set(baseline.artefacts);
  const artefacts = findArtefacts({ text: page.rawText, title: page.title, html }, options.rules).filter((hit) => !baselineArtefacts.has(hit.id));

  const large = changeRatio >= threshold;
  const reasons: string[] = [];
  if (large) reasons.push(`${Math.round(changeRatio * 100)}% of the text changed (threshold ${Math.round(threshold * 100)}%)`);
  if (newScriptHosts.length) reasons.push(`scripts/iframes from new domains: ${newScriptHosts.join(', ')}`);
  if (artefacts.length) reasons.push(`defacer artefacts: ${artefacts.map((a) => `${a.label} («${a.match}»)`).join('; ')}`);
  if (page.title !== baseline.title) reasons.push(`title changed: «${baseline.title}» → «${page.title}»`);

  let level: DefacementLevel | null = null;
  if ((large && artefacts.length > 0) || newScriptHosts.length > 0) level = 'defacement';
  else if (artefacts.length > 0) level = 'warning';
  else if (large) level = 'change';

  return {
    level,
    changeRatio: round(changeRatio),
    removedRatio: round(removedRatio),
    newScriptHosts,
    newResourceHosts,
    artefacts,
    titleBefore: baseline.title,
    titleAfter: page.title,
    added: added.slice(0, 20).map((b) => b.slice(0, 300)),
    removed: removed.slice(0, 20).map((b) => b.slice(0, 300)),
    reasons,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
