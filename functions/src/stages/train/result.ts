/**
 * What a retraining run reports, shaped like the original scripts' output (`status`,
 * `model_version`, `validation_results`, `samples_used`), plus progress events for bars.
 */
import { z } from 'zod';
import { EvaluationSchema, MetricsByTargetSchema } from '../../models/manifest.ts';

/** Full retrain: held-out test metrics, the comparison with the current version, the deployment. */
export const FullValidationSchema = z.strictObject({
  test: MetricsByTargetSchema,
  summary: z.strictObject({ meanAccuracy: z.number(), meanLogloss: z.number(), meanRmse: z.number() }),
  comparison: EvaluationSchema.nullable(),
  compared_with: z.string().nullable(),
  threshold: z.number(),
  better: z.boolean().nullable(),
  deployed: z.boolean(),
  deploy_reason: z.string(),
});

/** Incremental update: parent vs update on the new data and on a sample of the parent's data. */
export const IncrementalValidationSchema = z.strictObject({
  parent_version: z.string(),
  new_data: EvaluationSchema,
  old_data: EvaluationSchema.nullable(),
  improvement: z.number(),
  threshold: z.number(),
  old_data_regression_limit: z.number(),
  accepted: z.boolean(),
  reason: z.string(),
  deployed: z.boolean(),
});

/** The result of `retrain incremental` / `retrain full` and of the trainer function. */
export const TrainResultSchema = z.strictObject({
  status: z.enum(['success', 'no_improvement', 'skipped']),
  strategy: z.enum(['incremental', 'full']),
  reason: z.string().optional(),
  model_version: z.string().nullable(),
  validation_results: z.union([FullValidationSchema, IncrementalValidationSchema]).nullable(),
  samples_used: z.number().int().nonnegative(),
  backup: z.string().nullable().optional(),
  timings_ms: z.record(z.string(), z.number()).optional(),
});

export type FullValidation = z.infer<typeof FullValidationSchema>;
export type IncrementalValidation = z.infer<typeof IncrementalValidationSchema>;
export type TrainResult = z.infer<typeof TrainResultSchema>;

/** A step of a long run, for progress bars and logs. */
export interface TrainProgress {
  phase: 'load' | 'tune' | 'train' | 'evaluate' | 'write';
  done: number;
  total: number;
  detail?: string;
}

/** Receives progress events. */
export type ProgressFn = (p: TrainProgress) => void;
