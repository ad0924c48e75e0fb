/**
 * The dashboard's data (`retrain status --json`, `/api/dashboard`): the six sections of the
 * original `get_dashboard_data()` under its key names — `last_retraining`,
 * `current_model_performance`, `retraining_triggers`, `upcoming_retraining`,
 * `recent_deployments`, `performance_trends` — plus `recent_runs` for the page's run table.
 * Computed on request from the records and the bucket, never stored; fields inside the sections
 * are camelCase like every record they are read from.
 */
import { z } from 'zod';
import { MetricsByTargetSchema } from '../../models/manifest.ts';
import { DeploymentRecordSchema } from '../deploy/deployment-record.ts';
import { SignalValueSchema } from '../decide/trigger.ts';
import { ErrorInfoSchema, RunStatusSchema, StageStatusSchema } from '../../runs/run-record.ts';

/** Current format of the dashboard data. */
export const DASHBOARD_SCHEMA_VERSION = 1;

const iso = z.iso.datetime({ offset: true });
const share = z.number().min(0).max(1);

/** One stage of a run with its timing. */
export const StageTimingSchema = z.strictObject({
  name: z.string(),
  status: StageStatusSchema,
  attempts: z.number().int().nonnegative(),
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
  durationMs: z.number().nonnegative().nullable(),
  error: ErrorInfoSchema.nullable(),
});

/** A run as the dashboard shows it: status, stages in order, outputs, error, its report. */
export const RunSummarySchema = z.strictObject({
  runId: z.string(),
  status: RunStatusSchema,
  mode: z.string(),
  createdAt: iso,
  finishedAt: iso.nullable(),
  durationMs: z.number().nonnegative().nullable(),
  reasons: z.array(z.string()),
  strategy: z.string().nullable(),
  version: z.string().nullable(),
  rows: z.number().int().nonnegative().nullable(),
  verdict: z.string().nullable(),
  metrics: z.record(z.string(), z.number()),
  error: ErrorInfoSchema.nullable(),
  /** Why the run ended without a new version (skipped, no improvement). */
  reason: z.string().nullable(),
  stages: z.array(StageTimingSchema),
  /** Page-relative URL of the run's comparison report (`reports/<runId>/report.html`), when there is one. */
  reportUrl: z.string().nullable(),
});

/** `last_retraining`: the latest run of any status, and the latest one that succeeded. */
export const LastRetrainingSchema = z.strictObject({
  run: RunSummarySchema.nullable(),
  lastSuccess: z.strictObject({ runId: z.string(), finishedAt: iso.nullable(), version: z.string().nullable() }).nullable(),
});

/** A version that serves users, with its training-time numbers from the manifest. */
export const ServingModelSchema = z.strictObject({
  role: z.enum(['stable', 'canary']),
  version: z.string(),
  /** Share of users it serves, percent. */
  percentage: z.number().min(0).max(100),
  since: iso.nullable(),
  deploymentId: z.string().nullable(),
  /** Null when the version has no manifest in the registry (then `note` says so). */
  training: z
    .strictObject({
      createdAt: iso,
      strategy: z.enum(['full', 'incremental']),
      runId: z.string(),
      rows: z.number().int().nonnegative(),
      summary: z.strictObject({ meanAccuracy: z.number(), meanLogloss: z.number(), meanRmse: z.number() }),
      metrics: MetricsByTargetSchema,
    })
    .nullable(),
  note: z.string().nullable(),
});

/** Live accuracy of one served class target, with its Wilson interval. */
export const LiveTargetSchema = z.strictObject({
  sessions: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  accuracy: share.nullable(),
  lower: share.nullable(),
  upper: share.nullable(),
});

/** Live accuracy of what one version and variant served in the monitoring window. */
export const LiveGroupSchema = z.strictObject({
  version: z.string().nullable(),
  variant: z.enum(['current', 'canary', 'default']),
  /** Which serving version of the registry this is, or null (a name the registry does not serve). */
  role: z.enum(['stable', 'canary']).nullable(),
  sessions: z.number().int().nonnegative(),
  scored: z.number().int().nonnegative(),
  meanAccuracy: share.nullable(),
  targets: z.record(z.string(), LiveTargetSchema),
});

/** `current_model_performance`. */
export const CurrentPerformanceSchema = z.strictObject({
  pointer: z
    .strictObject({ updatedAt: iso, reason: z.string(), previousVersion: z.string().nullable(), runId: z.string().nullable() })
    .nullable(),
  serving: z.array(ServingModelSchema),
  live: z.strictObject({
    window: z.strictObject({ start: iso, end: iso, hours: z.number().positive() }),
    level: z.number(),
    groups: z.array(LiveGroupSchema),
    counts: z.strictObject({ read: z.number().int(), invalid: z.number().int(), duplicates: z.number().int(), unscored: z.record(z.string(), z.number().int()) }),
  }),
});

/** One trigger's latest values, its headline value and the thresholds it is compared with. */
export const TriggerViewSchema = z.strictObject({
  name: z.string(),
  evaluated: z.boolean(),
  triggered: z.boolean(),
  blocks: z.boolean(),
  reason: z.string(),
  /** The value the trigger judges (`days_since_last`, `new_samples`…), null when it has none. */
  signal: z.strictObject({ key: z.string(), value: z.number().nullable() }).nullable(),
  thresholds: z.array(z.strictObject({ key: z.string(), value: z.number() })),
  /** Every value the trigger recorded. */
  values: z.record(z.string(), SignalValueSchema),
  signals: z.array(z.string()),
});

/** `retraining_triggers`: every trigger evaluated now (nothing recorded) and the last recorded decision. */
export const RetrainingTriggersSchema = z.strictObject({
  evaluatedAt: iso,
  triggers: z.array(TriggerViewSchema),
  lastDecision: z
    .strictObject({ decisionId: z.string(), at: iso, mode: z.string(), shouldRetrain: z.boolean(), reasons: z.array(z.string()), runId: z.string().nullable() })
    .nullable(),
});

/** `upcoming_retraining`: when the checker runs next and what it would decide now. */
export const UpcomingRetrainingSchema = z.strictObject({
  schedule: z.string(),
  timeZone: z.string(),
  /** Next scheduled checks (UTC instants), the first one first; empty when the schedule is invalid. */
  nextChecks: z.array(iso),
  scheduleError: z.string().nullable(),
  decisionNow: z.strictObject({
    shouldRetrain: z.boolean(),
    reasons: z.array(z.string()),
    blockedBy: z.array(z.string()),
    strategy: z.string(),
    recommendation: z.string(),
    currentVersion: z.string().nullable(),
    lastTraining: z.strictObject({ at: iso, version: z.string().nullable(), source: z.string() }).nullable(),
  }),
});

/** A deployment record with what the page needs to link it. */
export const DeploymentViewSchema = DeploymentRecordSchema.extend({
  isRollback: z.boolean(),
  reportUrl: z.string().nullable(),
});

/** `recent_deployments`: newest first; records that fail the schema are listed apart, not shown. */
export const RecentDeploymentsSchema = z.strictObject({
  deployments: z.array(DeploymentViewSchema),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  invalid: z.array(z.strictObject({ id: z.string(), message: z.string() })),
});

/** A threshold line of a chart: the setting it comes from and its value. */
export const ThresholdSchema = z.strictObject({ key: z.string(), value: z.number() });

/** `performance_trends`: the series behind the page's charts, each with the thresholds drawn on it. */
export const PerformanceTrendsSchema = z.strictObject({
  window: z.strictObject({ start: iso, end: iso, days: z.number().positive() }),
  liveAccuracy: z.strictObject({
    /** `triggers.performance.accuracyThreshold`. */
    thresholds: z.array(ThresholdSchema),
    level: z.number(),
    points: z.array(
      z.strictObject({
        day: z.iso.date(),
        version: z.string().nullable(),
        variant: z.enum(['current', 'canary', 'default']),
        /** Legend label: `<version> (<variant>)`, `default stylesheet` for the unmodelled share. */
        series: z.string(),
        sessions: z.number().int().nonnegative(),
        scored: z.number().int().nonnegative(),
        accuracy: share,
        lower: share,
        upper: share,
      }),
    ),
  }),
  /** Each recorded decision's signal of every trigger, and the thresholds it was held to then. */
  triggerValues: z.strictObject({
    points: z.array(
      z.strictObject({
        at: iso,
        decisionId: z.string(),
        trigger: z.string(),
        key: z.string(),
        value: z.number(),
        kind: z.enum(['value', 'threshold']),
        triggered: z.boolean(),
      }),
    ),
  }),
  runDurations: z.strictObject({
    points: z.array(
      z.strictObject({ runId: z.string(), createdAt: iso, status: RunStatusSchema, durationMs: z.number().nonnegative(), stages: z.record(z.string(), z.number().nonnegative()) }),
    ),
  }),
  /** Rows of each run's dataset; thresholds: `validation.qualityChecks.minSamples` (abort) and `warnSamples` (warn). */
  rowsCollected: z.strictObject({
    thresholds: z.array(ThresholdSchema),
    points: z.array(z.strictObject({ runId: z.string(), createdAt: iso, rows: z.number().int().nonnegative() })),
  }),
  /** Training-time accuracy of the newest versions, oldest first; threshold: `validation.performanceTests.minAccuracy`. */
  versions: z.strictObject({
    thresholds: z.array(ThresholdSchema),
    points: z.array(z.strictObject({ version: z.string(), createdAt: iso, strategy: z.string(), meanAccuracy: z.number(), meanRmse: z.number() })),
  }),
});

/** The whole dashboard. */
export const DashboardDataSchema = z.strictObject({
  schemaVersion: z.literal(DASHBOARD_SCHEMA_VERSION),
  generatedAt: iso,
  last_retraining: LastRetrainingSchema,
  current_model_performance: CurrentPerformanceSchema,
  retraining_triggers: RetrainingTriggersSchema,
  upcoming_retraining: UpcomingRetrainingSchema,
  recent_deployments: RecentDeploymentsSchema,
  performance_trends: PerformanceTrendsSchema,
  recent_runs: z.array(RunSummarySchema),
});

export type StageTiming = z.infer<typeof StageTimingSchema>;
export type RunSummary = z.infer<typeof RunSummarySchema>;
export type LastRetraining = z.infer<typeof LastRetrainingSchema>;
export type ServingModel = z.infer<typeof ServingModelSchema>;
export type LiveGroupView = z.infer<typeof LiveGroupSchema>;
export type CurrentPerformance = z.infer<typeof CurrentPerformanceSchema>;
export type TriggerView = z.infer<typeof TriggerViewSchema>;
export type RetrainingTriggers = z.infer<typeof RetrainingTriggersSchema>;
export type UpcomingRetraining = z.infer<typeof UpcomingRetrainingSchema>;
export type DeploymentView = z.infer<typeof DeploymentViewSchema>;
export type RecentDeployments = z.infer<typeof RecentDeploymentsSchema>;
export type Threshold = z.infer<typeof ThresholdSchema>;
export type PerformanceTrends = z.infer<typeof PerformanceTrendsSchema>;
export type DashboardData = z.infer<typeof DashboardDataSchema>;
