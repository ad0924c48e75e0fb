/**
 * The comparison report: two versions scored on the same rows, per target, with a paired
 * significance test, Holm's correction across the targets, API compatibility, prediction
 * consistency and latency — the original `compare_models.py`'s output. Its JSON keys are the
 * original's (`model_a`, `p_value`, `summary.winner`), as `retrain compare --json` prints them.
 *
 * Stored layout when exported (`--export-report [dir]`, or by the pipeline under
 * `<pipeline.layout.reportsPrefix>/<runId or a-vs-b>/`):
 *   comparison.json   this report (`report` filled with the paths)
 *   report.html       self-contained page, every chart an inline SVG (readable offline)
 *   summary.md        a short Markdown summary
 *   charts/<kind>.svg each chart on its own
 */
import { z } from 'zod';
import { LatencySchema, TargetEvaluationSchema } from '../evaluate/evaluation-report.ts';

/** Current report format. */
export const COMPARISON_SCHEMA_VERSION = 1;

/** Which model wins a test. */
export const WinnerSchema = z.enum(['a', 'b', 'none']);

/** A version as compared. */
export const ComparedModelSchema = z.strictObject({
  /** What the user asked for (`current`, a version name, a path). */
  ref: z.string(),
  version: z.string(),
  source: z.string(),
  createdAt: z.string().nullable(),
  strategy: z.string().nullable(),
});

/** A confidence interval of `b − a` for one metric (paired bootstrap over rows). */
export const IntervalSchema = z.strictObject({
  metric: z.string(),
  estimate: z.number(),
  lower: z.number(),
  upper: z.number(),
  level: z.number(),
});

/** One target of the comparison. */
export const TargetComparisonSchema = z.strictObject({
  kind: z.enum(['class', 'var']),
  /** The metric the test is about: `accuracy` (class, McNemar) or `rmse` (var, bootstrap). */
  metric: z.enum(['accuracy', 'rmse']),
  a: TargetEvaluationSchema,
  b: TargetEvaluationSchema,
  /** `b − a` for every numeric headline metric of the kind (accuracy, logloss, … or rmse, mae, r2). */
  diff: z.record(z.string(), z.number()),
  /** `mcnemar-exact` (fewer than 25 discordant rows), `mcnemar-chi2` (continuity corrected) or `paired-bootstrap`. */
  test: z.enum(['mcnemar-exact', 'mcnemar-chi2', 'paired-bootstrap']),
  /** Raw two-sided p-value of the test. */
  p_value: z.number().min(0).max(1),
  /** Holm-adjusted p-value across the compared targets. */
  p_value_adjusted: z.number().min(0).max(1),
  significant: z.boolean(),
  winner: WinnerSchema,
  /** Class targets: rows right only under a, right only under b (McNemar's discordant pairs). */
  discordant: z.strictObject({ a_only: z.number().int().nonnegative(), b_only: z.number().int().nonnegative() }).nullable(),
  /** Bootstrap intervals of `b − a`: log loss and accuracy (class), RMSE (var). */
  intervals: z.array(IntervalSchema),
});

/** Whether b can replace a behind the serving code. */
export const CompatibilitySchema = z.strictObject({
  compatible: z.boolean(),
  reasons: z.array(z.string()),
  checks: z.strictObject({
    features: z.boolean(),
    targets: z.boolean(),
    labels: z.boolean(),
    objectives: z.boolean(),
    outputShapes: z.boolean(),
  }),
});

/** How often the two versions disagree on the same row. */
export const ConsistencySchema = z.record(
  z.string(),
  z.strictObject({
    /** Class: share of rows whose predicted class differs. */
    changedShare: z.number().nullable(),
    /** Var: mean absolute difference of the two predictions. */
    meanAbsDiff: z.number().nullable(),
    rows: z.number().int().nonnegative(),
  }),
);

/** `retrain compare --json` and the stored comparison. */
export const ComparisonReportSchema = z.strictObject({
  schemaVersion: z.literal(COMPARISON_SCHEMA_VERSION),
  createdAt: z.iso.datetime({ offset: true }),
  model_a: ComparedModelSchema,
  model_b: ComparedModelSchema,
  data: z.strictObject({ path: z.string(), sha256: z.string(), rows: z.number().int().nonnegative() }),
  rows: z.number().int().nonnegative(),
  /** Significance level and the correction applied across targets. */
  alpha: z.number(),
  correction: z.literal('holm'),
  bootstrap: z.strictObject({ resamples: z.number().int().positive(), seed: z.number().int() }),
  targets: z.record(z.string(), TargetComparisonSchema),
  compatibility: CompatibilitySchema,
  consistency: ConsistencySchema,
  latency: z.strictObject({ a: LatencySchema, b: LatencySchema }),
  /** Summary headline numbers of both (mean accuracy, log loss, RMSE). */
  means: z.strictObject({
    a: z.strictObject({ meanAccuracy: z.number(), meanLogloss: z.number(), meanRmse: z.number() }),
    b: z.strictObject({ meanAccuracy: z.number(), meanLogloss: z.number(), meanRmse: z.number() }),
  }),
  summary: z.strictObject({
    /** `b` when b wins at least one target significantly and loses none, `a` the other way, else `none`. */
    winner: WinnerSchema,
    a_wins: z.array(z.string()),
    b_wins: z.array(z.string()),
    verdict: z.string(),
  }),
  /** Paths of the exported files (null until exported). */
  report: z
    .strictObject({ dir: z.string(), json: z.string(), html: z.string().nullable(), markdown: z.string(), charts: z.array(z.string()) })
    .nullable(),
});

export type Winner = z.infer<typeof WinnerSchema>;
export type ComparedModel = z.infer<typeof ComparedModelSchema>;
export type Interval = z.infer<typeof IntervalSchema>;
export type TargetComparison = z.infer<typeof TargetComparisonSchema>;
export type Compatibility = z.infer<typeof CompatibilitySchema>;
export type Consistency = z.infer<typeof ConsistencySchema>;
export type ComparisonReport = z.infer<typeof ComparisonReportSchema>;
