/**
 * The dashboard's data (`retrain status`, `/api/dashboard`): the six sections of the original
 * `get_dashboard_data()` computed from the run records, trigger decisions, deployment records, the
 * model registry and the live rollups. Read-only — the triggers are evaluated as a dry run — so it is safe
 * to call on every page refresh.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { listRuns } from '../../runs/run-record.ts';
import { refreshLive, type LiveRead } from '../monitor/live-metrics.ts';
import { DAY_MS } from '../rollup/rollup-schema.ts';
import { currentPerformance } from './current-performance.ts';
import { DASHBOARD_SCHEMA_VERSION, DashboardDataSchema, type DashboardData } from './dashboard-schema.ts';
import { performanceTrends } from './performance-trends.ts';
import { recentDeployments } from './recent-deployments.ts';
import { recentRuns } from './run-summary.ts';
import { decisionNow, recentDecisions, retrainingTriggers, upcomingRetraining } from './trigger-status.ts';

/** How much history the dashboard reads. */
export interface DashboardOptions {
  /** The instant the dashboard stands for (default: the ports' clock). */
  now?: Date;
  /** Days of trends (live accuracy per day). */
  trendDays?: number;
  /** Runs in the table and the run charts. */
  runs?: number;
  deployments?: number;
  /** Recorded decisions behind the trigger-value chart (a year of weekly checks, and some). */
  decisions?: number;
  /** Newest model versions in the training-accuracy series. */
  versions?: number;
  /** How live metrics are read (default: rollups, brought up to date first). */
  live?: LiveRead;
}

/** The defaults of `DashboardOptions`. */
export const DASHBOARD_DEFAULTS = { trendDays: 30, runs: 20, deployments: 20, decisions: 60, versions: 30 } as const;

/** Compute the dashboard. */
export async function dashboardData(ports: Ports, config: RetrainingConfig, opts: DashboardOptions = {}): Promise<DashboardData> {
  const now = opts.now ?? ports.clock.now();
  const d = DASHBOARD_DEFAULTS;
  const o = { trendDays: opts.trendDays ?? d.trendDays, runs: opts.runs ?? d.runs, deployments: opts.deployments ?? d.deployments, decisions: opts.decisions ?? d.decisions, versions: opts.versions ?? d.versions };
  // One rollup pass for every section (the trend window holds the others).
  const live = await refreshLive(ports, config, { start: new Date(now.getTime() - (o.trendDays + 1) * DAY_MS), end: now }, opts.live);
  const [runs, [lastSuccess], decisions, evaluation, current, deployments] = await Promise.all([
    recentRuns(ports, config, o.runs),
    listRuns(ports, { status: 'succeeded', limit: 1 }, { collection: config.pipeline.collections.runs }),
    recentDecisions(ports, config, o.decisions),
    decisionNow(ports, config, now, live),
    currentPerformance(ports, config, now, live),
    recentDeployments(ports, config, o.deployments),
  ]);
  const trends = await performanceTrends(ports, config, { now, days: o.trendDays, runs, decisions, maxVersions: o.versions, live });
  return DashboardDataSchema.parse({
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    last_retraining: {
      run: runs[0] ?? null,
      lastSuccess: lastSuccess ? { runId: lastSuccess.runId, finishedAt: lastSuccess.finishedAt, version: lastSuccess.outputs.version ?? null } : null,
    },
    current_model_performance: current,
    retraining_triggers: retrainingTriggers(evaluation, decisions[0] ?? null),
    upcoming_retraining: upcomingRetraining(config, evaluation, now),
    recent_deployments: deployments,
    performance_trends: trends,
    recent_runs: runs,
  });
}
