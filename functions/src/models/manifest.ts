/**
 * `manifest.json` of a model version: what was trained, from which data, how, and how well.
 * Written last, write-once: a version folder without it is incomplete and invisible to the
 * registry. Its `files` list (path, sha256, bytes) lets a reader verify the bundle it loads.
 */
import { z } from 'zod';

/** Current manifest format. */
export const MANIFEST_SCHEMA_VERSION = 1;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const iso = z.iso.datetime({ offset: true });

/** Held-out metrics of one model. */
export const TargetMetricsSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('class'), rows: z.number().int().nonnegative(), logloss: z.number(), accuracy: z.number() }),
  z.strictObject({ kind: z.literal('var'), rows: z.number().int().nonnegative(), rmse: z.number(), mae: z.number() }),
]);

/** Metrics of every model, by target name. */
export const MetricsByTargetSchema = z.record(z.string(), TargetMetricsSchema);

/**
 * A baseline and a candidate evaluated on the same rows. `perTarget` is the relative
 * improvement (baseline − candidate) / baseline of log loss (class) or RMSE (var);
 * `improvement` is their mean — the one improvement measure (docs/model-bundle.md).
 */
export const EvaluationSchema = z.strictObject({
  rows: z.number().int().nonnegative(),
  baseline: MetricsByTargetSchema,
  candidate: MetricsByTargetSchema,
  perTarget: z.record(z.string(), z.number()),
  improvement: z.number(),
});

/** Parameters and size of one trained model. */
export const ModelTrainingSchema = z.strictObject({
  params: z.record(z.string(), z.union([z.number(), z.string()])),
  /** Rounds asked for in this run (new rounds for an incremental update). */
  numBoostRound: z.number().int().nonnegative(),
  /** Rounds in the final model (parent's + new for an incremental update). */
  totalRounds: z.number().int().nonnegative(),
  bestIteration: z.number().int().nullable(),
});

/** One candidate of the hyperparameter search. */
export const TrialSchema = z.strictObject({
  trial: z.number().int().nonnegative(),
  params: z.record(z.string(), z.number()),
  rungs: z.array(z.strictObject({ rung: z.number().int(), rows: z.number().int(), folds: z.number().int(), maxRounds: z.number().int(), score: z.number(), bestRounds: z.number().int() })),
});

/** The hyperparameter search of a full retrain. */
export const TuningReportSchema = z.strictObject({
  method: z.literal('successive-halving'),
  folds: z.number().int().min(2),
  trials: z.number().int().positive(),
  /** Rungs completed. */
  rungs: z.number().int().positive(),
  /** The planned rungs: candidates, rows and folds of each. */
  plan: z.array(z.strictObject({ candidates: z.number().int().positive(), rows: z.number().int().positive(), folds: z.number().int().positive() })),
  budgetSeconds: z.number().positive(),
  elapsedMs: z.number().nonnegative(),
  /** True when the budget cut the search short (then it is not reproducible bit for bit). */
  budgetExhausted: z.boolean(),
  metricByKind: z.strictObject({ class: z.literal('mlogloss'), var: z.literal('rmse') }),
  targets: z.record(
    z.string(),
    z.strictObject({
      trials: z.array(TrialSchema),
      chosen: z.strictObject({ trial: z.number().int(), params: z.record(z.string(), z.number()), numBoostRound: z.number().int().positive(), cvScore: z.number() }),
    }),
  ),
});

/** A file of the bundle with its digest. */
export const BundleFileSchema = z.strictObject({ path: z.string().min(1), sha256, bytes: z.number().int().nonnegative() });

/** A data file the version was trained or checked on. */
export const DataRefSchema = z.strictObject({
  path: z.string().min(1),
  sha256,
  rows: z.number().int().nonnegative(),
  metadataPath: z.string().nullable(),
});

/** `manifest.json`. */
export const ManifestSchema = z.strictObject({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  version: z.string().min(1),
  createdAt: iso,
  strategy: z.enum(['full', 'incremental']),
  parentVersion: z.string().nullable(),
  runId: z.string().min(1),
  data: DataRefSchema,
  /** The parent's training data sampled to catch forgetting (incremental only). */
  oldData: DataRefSchema.extend({ rowsSampled: z.number().int().nonnegative() }).nullable(),
  features: z.array(z.string().min(1)).min(1),
  configHash: z.string().min(1),
  seed: z.number().int().nonnegative(),
  codeVersion: z.string().min(1),
  engine: z.strictObject({ name: z.string().min(1), models: z.record(z.string(), ModelTrainingSchema) }),
  samples: z.strictObject({
    total: z.number().int().nonnegative(),
    train: z.number().int().nonnegative(),
    heldOut: z.number().int().nonnegative(),
    oldData: z.number().int().nonnegative(),
    /** Share held out (stratified, seeded with `seed`), so the validation stage can rebuild the same rows. */
    heldOutShare: z.number().gt(0).lt(1).optional(),
  }),
  /** Held-out rows: the stratified test split (full) or the validation split (incremental). */
  metrics: MetricsByTargetSchema,
  summary: z.strictObject({ meanAccuracy: z.number(), meanLogloss: z.number(), meanRmse: z.number() }),
  /** Incremental: parent vs update on the new data and on old data; full with --compare-with-current: current vs candidate. */
  evaluation: z.strictObject({
    newData: EvaluationSchema.nullable(),
    oldData: EvaluationSchema.nullable(),
    threshold: z.number(),
    accepted: z.boolean(),
  }).nullable(),
  tuning: TuningReportSchema.nullable(),
  timings: z.record(z.string(), z.number().nonnegative()),
  files: z.array(BundleFileSchema),
});

export type TargetMetrics = z.infer<typeof TargetMetricsSchema>;
export type MetricsByTarget = z.infer<typeof MetricsByTargetSchema>;
export type Evaluation = z.infer<typeof EvaluationSchema>;
export type ModelTraining = z.infer<typeof ModelTrainingSchema>;
export type TuningReport = z.infer<typeof TuningReportSchema>;
export type Trial = z.infer<typeof TrialSchema>;
export type BundleFile = z.infer<typeof BundleFileSchema>;
export type DataRef = z.infer<typeof DataRefSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
