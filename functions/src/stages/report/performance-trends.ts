/**
 * `performance_trends`: the series behind the page's charts — live accuracy per UTC day per served
 * version and variant over the last `days`, each recorded decision's trigger values against their
 * thresholds, run durations, rows collected per run, and the training-time accuracy of every
 * version. Live accuracy is summed from the day rollups (stages/monitor/live-metrics.ts).
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { TriggerDecision } from '../decide/decision.ts';
import { liveMetrics, type LivePorts, type LiveRead } from '../monitor/live-metrics.ts';
import type { PerformanceTrends, RunSummary } from './dashboard-schema.ts';
import { triggerView } from './trigger-view.ts';

const DAY_MS = 86_400_000;

/** What the trends are computed from besides the stores: already-read runs and decisions. */
export interface TrendInputs {
  now: Date;
  days: number;
  /** Runs, newest first. */
  runs: readonly RunSummary[];
  /** Recorded decisions, newest first. */
  decisions: readonly TriggerDecision[];
  /** Versions of the registry shown (the newest this many). */
  maxVersions: number;
  /** How live accuracy is read (default: rollups, refreshed first). */
  live?: LiveRead;
}

/** Legend label of a served group. */
export function seriesLabel(version: string | null, variant: string): string {
  return version === null ? 'default stylesheet' : `${version} (${variant})`;
}

/** Flatten decisions into one point per trigger signal and threshold, oldest first. */
export function triggerValuePoints(decisions: readonly TriggerDecision[]): PerformanceTrends['triggerValues']['points'] {
  const points: PerformanceTrends['triggerValues']['points'] = [];
  for (const d of [...decisions].reverse()) {
    for (const result of d.triggers) {
      const view = triggerView(result);
      const base = { at: d.at, decisionId: d.decisionId, trigger: view.name, triggered: view.triggered };
      if (view.signal?.value !== null && view.signal?.value !== undefined) points.push({ ...base, key: view.signal.key, value: view.signal.value, kind: 'value' });
      for (const t of view.thresholds) points.push({ ...base, key: t.key, value: t.value, kind: 'threshold' });
    }
  }
  return points;
}

/** Compute the trends. */
export async function performanceTrends(ports: LivePorts, config: RetrainingConfig, input: TrendInputs): Promise<PerformanceTrends> {
  const end = input.now;
  const start = new Date(Math.floor((end.getTime() - input.days * DAY_MS) / DAY_MS) * DAY_MS);
  const live = await liveMetrics(ports, config, { start, end, byDay: true, ...input.live });
  const points: PerformanceTrends['liveAccuracy']['points'] = [];
  for (const g of live.groups) {
    const t = Object.values(g.targets);
    if (g.day === null || g.meanAccuracy === null || !t.length) continue;
    // The band drawn around a day's mean: the mean of the three targets' Wilson bounds (each over
    // the same sessions) — a guide to how many sessions the point rests on, not an exact interval.
    const mean = (f: (x: (typeof t)[number]) => number | null) => t.reduce((a, x) => a + (f(x) ?? 0), 0) / t.length;
    points.push({
      day: g.day,
      version: g.version,
      variant: g.variant,
      series: seriesLabel(g.version, g.variant),
      sessions: g.sessions,
      scored: g.scored,
      accuracy: g.meanAccuracy,
      lower: mean((x) => x.lower),
      upper: mean((x) => x.upper),
    });
  }

  const chronological = [...input.runs].reverse();
  const runDurations = chronological.flatMap((r) =>
    r.durationMs === null
      ? []
      : [{ runId: r.runId, createdAt: r.createdAt, status: r.status, durationMs: r.durationMs, stages: Object.fromEntries(r.stages.flatMap((s) => (s.durationMs === null ? [] : [[s.name, s.durationMs]]))) }],
  );
  const rowsCollected = chronological.flatMap((r) => (r.rows === null ? [] : [{ runId: r.runId, createdAt: r.createdAt, rows: r.rows }]));

  const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
  const names = (await registry.listVersions()).slice(-input.maxVersions);
  const manifests = await Promise.all(names.map((v) => registry.manifest(v).catch(() => null)));
  const versions = manifests.flatMap((m) =>
    m ? [{ version: m.version, createdAt: m.createdAt, strategy: m.strategy, meanAccuracy: m.summary.meanAccuracy, meanRmse: m.summary.meanRmse }] : [],
  );

  const checks = config.validation.qualityChecks;
  return {
    window: { start: start.toISOString(), end: end.toISOString(), days: input.days },
    liveAccuracy: { thresholds: [{ key: 'triggers.performance.accuracyThreshold', value: config.triggers.performance.accuracyThreshold }], level: live.level, points },
    triggerValues: { points: triggerValuePoints(input.decisions) },
    runDurations: { points: runDurations },
    rowsCollected: {
      thresholds: [
        { key: 'validation.qualityChecks.minSamples', value: checks.minSamples },
        { key: 'validation.qualityChecks.warnSamples', value: checks.warnSamples },
      ],
      points: rowsCollected,
    },
    versions: { thresholds: [{ key: 'validation.performanceTests.minAccuracy', value: config.validation.performanceTests.minAccuracy }], points: versions },
  };
}
