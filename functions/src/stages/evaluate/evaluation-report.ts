/**
 * The evaluation report: one model version scored on one CSV, per target. It is what
 * `retrain evaluate --json` prints, what the comparison is built from, and what the validation
 * gate and deployment judge. Stored as `<reportsPrefix>/<id>/evaluation-<version>.json` when
 * exported. Keys follow the manifest's camelCase; `schemaVersion` 1.
 */
import { z } from 'zod';

/** Current report format. */
export const EVALUATION_SCHEMA_VERSION = 1;

/** Precision, recall and F1 of one class (one-vs-rest), with its support in the truth. */
export const PerClassSchema = z.strictObject({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int().nonnegative(),
});

/** One bin of the top-label reliability diagram (confidence of the predicted class). */
export const CalibrationBinSchema = z.strictObject({
  lower: z.number(),
  upper: z.number(),
  count: z.number().int().nonnegative(),
  /** Mean predicted probability of the predicted class in the bin (null when empty). */
  meanConfidence: z.number().nullable(),
  /** Share of the bin's rows whose predicted class was right (null when empty). */
  accuracy: z.number().nullable(),
});

/** Importance of a model's features (XGBoost `total_gain`, normalised to sum 1), top first. */
export const ImportanceSchema = z.array(z.strictObject({ feature: z.string(), name: z.string(), gain: z.number() }));

/** Metrics of a classifier (multi:softprob) on the rows whose target is known. */
export const ClassEvaluationSchema = z.strictObject({
  kind: z.literal('class'),
  /** Rows evaluated (target present). */
  rows: z.number().int().nonnegative(),
  /** Rows skipped because the target cell was empty. */
  skipped: z.number().int().nonnegative(),
  labels: z.array(z.string()).min(2),
  accuracy: z.number(),
  balancedAccuracy: z.number(),
  macroF1: z.number(),
  logloss: z.number(),
  /** Multi-class Brier score: mean over rows of Σ_k (p_k − y_k)². */
  brier: z.number(),
  /** Expected calibration error of the top label over `calibration`'s equal-width bins. */
  ece: z.number(),
  /** `confusion[true][predicted]`, in `labels` order. */
  confusion: z.array(z.array(z.number().int().nonnegative())),
  perClass: z.array(PerClassSchema),
  calibration: z.array(CalibrationBinSchema),
  /** Share of rows predicted as each label (the served class distribution this version would give). */
  predictedShare: z.record(z.string(), z.number()),
  /** Share of rows truly of each label. */
  trueShare: z.record(z.string(), z.number()),
  importance: ImportanceSchema,
});

/** Residual quantiles (prediction − truth). */
export const ResidualQuantilesSchema = z.strictObject({
  p05: z.number(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p95: z.number(),
});

/**
 * A histogram of residuals. The edges depend only on the data (symmetric around 0, ±3 standard
 * deviations of the truth, 24 bins, the outermost bins open-ended), so two versions evaluated on
 * the same rows share them.
 */
export const HistogramSchema = z.strictObject({
  edges: z.array(z.number()).min(2),
  counts: z.array(z.number().int().nonnegative()),
});

/** Metrics of a regressor on the rows whose target is known. */
export const VarEvaluationSchema = z.strictObject({
  kind: z.literal('var'),
  rows: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  rmse: z.number(),
  mae: z.number(),
  /** Coefficient of determination (1 − SSE/SST; 0 when the truth is constant and the fit exact). */
  r2: z.number(),
  residualQuantiles: ResidualQuantilesSchema,
  residualHistogram: HistogramSchema,
  importance: ImportanceSchema,
});

/** One target's evaluation. */
export const TargetEvaluationSchema = z.discriminatedUnion('kind', [ClassEvaluationSchema, VarEvaluationSchema]);

/** Warm prediction time of all models of a version. */
export const LatencySchema = z.strictObject({
  /** Median and 95th percentile of the time to predict 1,000 rows with every model (scaling included), ms. */
  p50MsPer1k: z.number().nonnegative(),
  p95MsPer1k: z.number().nonnegative(),
  /** Median time of one row (a served session) with every model, ms. */
  p50MsPerRow: z.number().nonnegative(),
  /**
   * CPU time (this process, user + system) of the fastest 1,000-row batch, ms: what the
   * latency_test judges. Wall time on a shared machine measures the neighbours too, and even CPU
   * time picks up their cache and scheduler noise; the fastest repeat is the version's own cost.
   */
  cpuMsPer1k: z.number().nonnegative(),
  repeats: z.number().int().positive(),
});

/** `retrain evaluate --json` and the stored evaluation. */
export const EvaluationReportSchema = z.strictObject({
  schemaVersion: z.literal(EVALUATION_SCHEMA_VERSION),
  version: z.string(),
  /** Where the version was read from (a bucket path or a local folder). */
  source: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  data: z.strictObject({ path: z.string(), sha256: z.string(), rows: z.number().int().nonnegative() }),
  /** Rows of the CSV (each target may skip some; see `targets.<t>.skipped`). */
  rows: z.number().int().nonnegative(),
  targets: z.record(z.string(), TargetEvaluationSchema),
  summary: z.strictObject({ meanAccuracy: z.number(), meanLogloss: z.number(), meanRmse: z.number() }),
  latency: LatencySchema,
  size: z.strictObject({ bytes: z.number().int().nonnegative(), files: z.number().int().nonnegative(), trees: z.number().int().nonnegative() }),
});

export type PerClass = z.infer<typeof PerClassSchema>;
export type CalibrationBin = z.infer<typeof CalibrationBinSchema>;
export type Importance = z.infer<typeof ImportanceSchema>;
export type ClassEvaluation = z.infer<typeof ClassEvaluationSchema>;
export type VarEvaluation = z.infer<typeof VarEvaluationSchema>;
export type TargetEvaluation = z.infer<typeof TargetEvaluationSchema>;
export type Latency = z.infer<typeof LatencySchema>;
export type EvaluationReport = z.infer<typeof EvaluationReportSchema>;
