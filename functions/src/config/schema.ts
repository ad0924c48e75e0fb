/**
 * The one source of truth for `config/retraining.yaml`: every setting, its default, its type and
 * its documentation (`.describe`). The docs table in the README is generated from this schema
 * (`retrain config --docs`). Settings of the original retraining config keep their meaning and
 * defaults; names are camelCase with units (`min_days_since_last` → `minDaysSinceLast`).
 */
import { z } from 'zod';
import { cronProblem } from './cron.ts';
import { ruleProblem } from './strategy-rule.ts';

const days = (d: string) => z.number().nonnegative().describe(d);
const share = (d: string) => z.number().min(0).max(1).describe(d);
/** A bucket prefix: relative (no leading `/`), without `.`/`..` or empty segments, no backslash. */
const prefix = (value: string, d: string) =>
  z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !/\\/.test(p) && p.replace(/\/+$/, '').split('/').every((s) => s !== '' && s !== '.' && s !== '..'), {
      message: 'must be a relative path without "..", "." or empty segments, not starting with "/"',
    })
    .default(value)
    .describe(d);
/** A cron expression of a Cloud Scheduler job, checked when the config is read. */
const cron = (value: string, d: string) =>
  z
    .string()
    .min(1)
    .superRefine((v, ctx) => {
      const problem = cronProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: `not a cron expression: ${problem}` });
    })
    .default(value)
    .describe(d);
/** Most boosting rounds or trees a setting may ask for (far above any useful value; 1e12 is a typo). */
const MAX_ROUNDS = 100_000;

/** Triggers that decide when to retrain. */
export const TriggersSchema = z
  .strictObject({
    timeBased: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Evaluate the time-based trigger.'),
        minDaysSinceLast: days('Never retrain sooner than this many days after the last training (original min_days_since_last).').default(7),
        maxDaysSinceLast: days('Always retrain when the last training is older than this (original max_days_since_last).').default(30),
      })
      .prefault({})
      .refine((t) => t.maxDaysSinceLast >= t.minDaysSinceLast, {
        message: 'maxDaysSinceLast must be ≥ minDaysSinceLast',
        path: ['maxDaysSinceLast'],
      }),
    dataVolume: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Evaluate the data-volume trigger.'),
        minNewSamples: z.number().int().positive().default(500).describe('Retrain when at least this many usable new sessions arrived in the window (original min_new_samples).'),
        windowDays: days('Size of the collection window, in days (original collection_window_days).').default(7),
      })
      .prefault({}),
    performance: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Evaluate the live-performance trigger.'),
        accuracyThreshold: share('Retrain when the live accuracy of the served classes (their mean) is significantly below this: the upper end of its confidence interval is (original accuracy_threshold).').default(0.75),
        maxDropPercentage: z.number().min(0).max(100).default(5).describe('Retrain when live accuracy of a served class is significantly lower than its held-out accuracy at training time by more than this many percent (original max_drop_percentage 0.05).'),
        monitoringWindowHours: z.number().positive().default(24).describe('Live performance is measured over the sessions of the last this many hours (original monitoring_window_hours).'),
        minSessions: z.number().int().positive().default(200).describe('Fewer scored sessions than this in the monitoring window: the signal is not evaluated (insufficient_data).'),
      })
      .prefault({}),
    drift: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Evaluate the drift trigger.'),
        featureThresholdPsi: z.number().positive().default(0.2).describe('Retrain when a feature\'s population stability index against the serving version\'s training data significantly exceeds this (original feature_drift_threshold).'),
        featureWarnPsi: z.number().positive().default(0.1).describe('Warn above this feature PSI; after firing, the trigger keeps firing until every feature is back under it (hysteresis).'),
        predictionThresholdPsi: z.number().positive().default(0.15).describe('Retrain when a predicted class distribution\'s PSI against the training-time predictions significantly exceeds this (original prediction_drift_threshold).'),
        predictionWarnPsi: z.number().positive().default(0.1).describe('Warn above this prediction PSI; the hysteresis level of the predictions.'),
        significanceLevel: z.number().gt(0).lt(1).default(0.01).describe('A PSI counts only when sampling noise at these counts explains it with probability below this (chi-square, Holm-corrected across features and targets).'),
        minSessions: z.number().int().positive().default(200).describe('Fewer sessions than this in the window: the signal is not evaluated (insufficient_data).'),
        ignoreFeatures: z.array(z.string()).default(['previous_sessions_log1p']).describe('Features whose PSI is reported but never counts: a user\'s session count grows with time by construction, so it drifts every week without the traffic changing.'),
      })
      .prefault({})
      .refine((d) => d.featureWarnPsi <= d.featureThresholdPsi && d.predictionWarnPsi <= d.predictionThresholdPsi, {
        message: 'the warn levels must not exceed their thresholds',
        path: ['featureWarnPsi'],
      }),
  })
  .prefault({});

/** A strategy rule: trigger names and `time_since_last_days` comparisons joined by and/or/not. */
const rule = (value: string, d: string) =>
  z
    .string()
    .min(1)
    .superRefine((v, ctx) => {
      const problem = ruleProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: `not a strategy rule: ${problem}` });
    })
    .default(value)
    .describe(d);

/** How to retrain once a trigger fired. */
export const StrategiesSchema = z
  .strictObject({
    incremental: z
      .strictObject({
        conditions: rule('data_volume and time_since_last_days <= 14', 'When an incremental update is the strategy: trigger names (time_based, data_volume, performance, drift, max_days_exceeded, manual) and time_since_last_days comparisons joined by and/or/not (original incremental.conditions).'),
        minSamples: z.number().int().positive().default(100).describe('Skip the update with fewer new rows than this (original min_samples).'),
        maxNewTrees: z.number().int().positive().max(1000).default(20).describe('Trees added per model per update (original max_new_trees).'),
        learningRateFactor: z.number().positive().max(1).default(0.8).describe('Continued boosting uses eta × this factor (original learning_rate_factor).'),
        validationSplit: z.number().gt(0).lt(1).default(0.2).describe('Share of the new rows held out to validate the update.'),
        minImprovementThreshold: z.number().default(0.01).describe('Keep the update only when the improvement measure is at least this (1 % = 0.01).'),
        maxOldDataRegression: z.number().min(0).default(0.02).describe('Without detected drift, reject the update when it is worse than the current model by more than this on a sample of the old training data (catastrophic forgetting; each target is also held to the validation margins there); not checked after drift or a performance drop.'),
      })
      .prefault({}),
    full: z
      .strictObject({
        conditions: rule('performance or drift or time_since_last_days >= 21', 'When a full retrain is the strategy (checked first; always with no serving model): same syntax (original full.conditions).'),
        hyperparameterTuning: z.boolean().default(true).describe('Search hyperparameters with k-fold CV (original hyperparameter_tuning).'),
        cvFolds: z.number().int().min(2).max(20).default(5).describe('Folds of the cross-validation (original cv_folds).'),
        testSplit: z.number().gt(0).lt(1).default(0.2).describe('Share held out for the final test, stratified on the class targets (original test_split).'),
        tuningBudgetSeconds: z.number().positive().default(90).describe('Wall-clock budget of the hyperparameter search.'),
        tuningTrials: z.number().int().positive().default(16).describe('Candidate configurations in the first rung of successive halving.'),
        minImprovementThreshold: z.number().default(0.01).describe('With --deploy-if-better, the candidate must beat the current version by this much.'),
      })
      .prefault({}),
  })
  .prefault({});

/** How a new version reaches users. */
export const DeploymentSchema = z
  .strictObject({
    autoDeploy: z.boolean().default(false).describe('Deploy a better version without a human (original auto_deploy).'),
    strategy: z.enum(['safe', 'canary', 'immediate']).default('safe').describe('safe: gate then switch; canary: serve a share first; immediate: switch at once (original strategy).'),
    rollbackEnabled: z.boolean().default(true).describe('Roll back automatically when the new version underperforms (original rollback_enabled).'),
    monitoringHours: z.number().positive().default(24).describe('Watch a new version this long before the deployment is final (original monitoring_hours).'),
    canaryPercentage: z.number().gt(0).lt(100).default(10).describe('Share of sessions served by a canary, in percent.'),
    minCanarySessions: z.number().int().positive().default(200).describe('A canary is promoted only after at least this many of its sessions were scored against their late labels.'),
  })
  .prefault({});

/** How the predict endpoint (`predict` function, `retrain serve`) serves versions. */
export const ServingSchema = z
  .strictObject({
    stateRefreshSeconds: z.number().min(0).default(30).describe('Re-read the serving state (models/current.json) at most this often, in seconds; 0 = on every request.'),
    maxCachedVersions: z.number().int().min(1).max(16).default(3).describe('Loaded versions kept in memory per instance (stable, canary, a fallback).'),
    maxBodyBytes: z.number().int().min(1024).max(10_000_000).default(65_536).describe('Requests with a larger body are refused with 413, in bytes.'),
  })
  .prefault({});

/** What the collection stage reads. */
export const DataCollectionSchema = z
  .strictObject({
    minSessionDurationMs: z.number().int().nonnegative().default(30000).describe('Sessions shorter than this carry too little behaviour to infer targets (original min_session_duration, ms).'),
    maxSamplesPerCollection: z.number().int().positive().default(10000).describe('Stop collecting after this many rows (original max_samples_per_collection).'),
    dataRetentionDays: z.number().int().positive().default(90).describe('Logs and datasets older than this may be deleted (original data_retention_days).'),
    pageSize: z.number().int().min(1).max(10000).default(1000).describe('Documents read per page from the log store.'),
  })
  .prefault({});

/** The model-validation gate's named tests (the original's `validation.performance_tests`). */
export const PERFORMANCE_TESTS = ['accuracy_test', 'latency_test', 'api_compatibility_test'] as const;
/** The named quality checks (the original's `validation.quality_checks`). */
export const QUALITY_CHECKS = ['data_quality', 'feature_distribution', 'prediction_consistency'] as const;

/** Gates every dataset and every model version must pass. */
export const ValidationSchema = z
  .strictObject({
    qualityChecks: z
      .strictObject({
        checks: z.array(z.enum(QUALITY_CHECKS)).default([...QUALITY_CHECKS]).describe('Quality checks run on a candidate (original quality_checks): data_quality fails the run; feature_distribution and prediction_consistency warn.'),
        minSamples: z.number().int().positive().default(100).describe('data_quality: abort with fewer usable rows than this.'),
        warnSamples: z.number().int().positive().default(1000).describe('data_quality: warn with fewer usable rows than this.'),
        maxMissingShare: share('data_quality: warn when a feature column is missing in more than this share of rows.').default(0.2),
        abortMissingShare: share('data_quality: abort when a feature column is missing in more than this share of rows.').default(0.8),
        maxDuplicateShare: share('data_quality: warn when more than this share of rows are duplicate sessions.').default(0.01),
        minClassShare: share('data_quality: collection warns when a class of a target is rarer than this share.').default(0.02),
        minTrainClassShare: share('data_quality: a class target whose training rows hold a single class, or a class rarer than this share, is not trained (rare but real classes, such as high-contrast, stay trainable above it).').default(0.005),
        maxSkippedShare: share('data_quality: warn when more than this share of logs were skipped as invalid.').default(0.05),
        maxFeaturePsi: z.number().positive().default(0.25).describe('feature_distribution: warn when a feature of the validation rows has a PSI above this against the serving version\'s training data.'),
        maxPredictionChangeShare: share('prediction_consistency: warn when the candidate changes the predicted class of more than this share of rows of a target.').default(0.3),
      })
      .prefault({}),
    performanceTests: z
      .strictObject({
        tests: z.array(z.enum(PERFORMANCE_TESTS)).default([...PERFORMANCE_TESTS]).describe('Tests a candidate must pass before it may serve (original performance_tests).'),
        minAccuracy: share('accuracy_test: every class model must reach this accuracy on held-out rows.').default(0.6),
        maxAccuracyDrop: share('accuracy_test: a class model significantly less accurate than the serving one by more than this (absolute) fails.').default(0.01),
        maxRmseIncrease: z.number().min(0).default(0.1).describe('accuracy_test: a variable model whose RMSE is significantly worse than the serving one by more than this share fails.'),
        maxLatencyMsPer1k: z.number().positive().default(50).describe('latency_test: a version that needs more CPU time than this to predict 1,000 rows with all 11 models (fastest of 15 repeats, ms) fails.'),
        significanceLevel: z.number().gt(0).lt(1).default(0.05).describe('Significance level of the comparison tests (McNemar, paired bootstrap; Holm-corrected across targets).'),
      })
      .prefault({}),
  })
  .prefault({});

/** Defaults of the boosting engine for a full retrain without tuning. */
export const TrainingSchema = z
  .strictObject({
    rounds: z.number().int().positive().max(MAX_ROUNDS).default(100).describe('Boosting rounds per model.'),
    maxDepth: z.number().int().min(1).max(16).default(6).describe('XGBoost max_depth.'),
    eta: z.number().gt(0).max(1).default(0.1).describe('XGBoost eta (learning rate).'),
    minChildWeight: z.number().min(0).default(1).describe('XGBoost min_child_weight.'),
    subsample: z.number().gt(0).max(1).default(1).describe('XGBoost subsample.'),
    colsampleBytree: z.number().gt(0).max(1).default(1).describe('XGBoost colsample_bytree.'),
    lambda: z.number().min(0).default(1).describe('XGBoost lambda (L2).'),
    maxBin: z.number().int().min(2).max(65535).default(256).describe('XGBoost max_bin.'),
    earlyStoppingRounds: z.number().int().positive().default(10).describe('Early stopping patience inside CV folds.'),
    seed: z.number().int().nonnegative().default(42).describe('Seed of splits, sampling and the search.'),
    workers: z.number().int().min(0).max(64).default(0).describe('Worker threads for training the 11 models; 0 = one per core.'),
  })
  .prefault({});

/** How live metrics are kept: rollups of the interaction logs that every live reader reads instead of the logs. */
export const MonitoringSchema = z
  .strictObject({
    rollups: z
      .strictObject({
        overlapHours: z.number().int().min(0).max(168).default(3).describe('Each rollup pass re-reads this many hours before its watermark, so documents written up to this late are counted (exactly once).'),
        initialDays: z.number().int().min(1).max(400).default(35).describe('A first rollup pass (no watermark yet) rolls up this many days back.'),
        schedule: cron('5 * * * *', 'Cron of the `rollup` function (Cloud Scheduler); ahead of the hourly canary watcher.'),
      })
      .prefault({}),
  })
  .prefault({});

/** Names and places of the pipeline's cloud resources and embedded files. */
export const PipelineSchema = z
  .strictObject({
    projectId: z.string().min(1).default('demo-adaptive-ui').describe('Google Cloud / Firebase project id.'),
    region: z.string().min(1).default('europe-west1').describe('Region of the Cloud Functions.'),
    bucket: z.string().min(1).default('demo-adaptive-ui-retraining').describe('Cloud Storage bucket for datasets and model versions.'),
    schedule: cron('0 2 * * 1', 'Cron of the checker (Cloud Scheduler), original `0 2 * * 1`.'),
    timeZone: z.string().min(1).default('Etc/UTC').describe('Time zone of the schedule.'),
    topics: z
      .strictObject({
        retrainRequests: z.string().min(1).default('retrain-requests').describe('Checker → collector.'),
        datasetReady: z.string().min(1).default('dataset-ready').describe('Collector → trainer.'),
        modelTrained: z.string().min(1).default('model-trained').describe('Trainer → whoever deploys.'),
      })
      .prefault({}),
    collections: z
      .strictObject({
        interactionLogs: z.string().min(1).default('interaction_logs').describe('Sessions logged by the web app.'),
        runs: z.string().min(1).default('retraining_runs').describe('One record per pipeline run.'),
        decisions: z.string().min(1).default('trigger_decisions').describe('One record per trigger evaluation.'),
        deployments: z.string().min(1).default('deployments').describe('One record per deployment.'),
        liveRollups: z.string().min(1).default('live_rollups').describe('Hourly and daily rollups of the interaction logs, and the rollup watermark.'),
      })
      .prefault({}),
    layout: z
      .strictObject({
        datasetsPrefix: prefix('datasets', 'Datasets live under `<prefix>/<runId>/`.'),
        modelsPrefix: prefix('models', 'Model versions live under `<prefix>/v_YYYYMMDD_HHMMSS/`.'),
        reportsPrefix: prefix('reports', 'Comparison and evaluation reports.'),
      })
      .prefault({}),
    embedded: z
      .strictObject({
        dir: z.string().min(1).default('.retrain').describe('Folder (relative to the repository root or absolute) holding the embedded store.'),
        databaseFile: z.string().min(1).default('retrain.sqlite').describe('SQLite file inside `dir` for logs and records.'),
        bucketDir: z.string().min(1).default('bucket').describe('Folder inside `dir` used as the bucket.'),
      })
      .prefault({}),
  })
  .prefault({});

/** The whole config file. */
export const RetrainingConfigSchema = z
  .strictObject({
    triggers: TriggersSchema,
    strategies: StrategiesSchema,
    deployment: DeploymentSchema,
    serving: ServingSchema,
    dataCollection: DataCollectionSchema,
    validation: ValidationSchema,
    training: TrainingSchema,
    monitoring: MonitoringSchema,
    pipeline: PipelineSchema,
  })
  .prefault({});

/** The validated config, every default filled in. */
export type RetrainingConfig = z.infer<typeof RetrainingConfigSchema>;
/** The config as written in a file (everything optional). */
export type RetrainingConfigInput = z.input<typeof RetrainingConfigSchema>;
