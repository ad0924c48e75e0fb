/**
 * Messages between stages (Pub/Sub topics in the cloud, the in-process bus locally). They carry
 * ids, windows and storage paths — never the data itself. Every handler parses its message with
 * these schemas first; a message that fails is a permanent error (acknowledged, recorded).
 */
import { z } from 'zod';

/** A run id: `run_YYYYMMDDTHHMMSSZ_<hash>`-like, safe in storage paths and document ids. */
export const RunIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{2,127}$/, 'run id: letters, digits, _ . - (3–128 chars)');

/** How to retrain: decided by the checker, or left to the trainer (`auto`). */
export const StrategySchema = z.enum(['incremental', 'full', 'auto']);

/** `retrain-requests`: checker → collector. */
export const RetrainRequestSchema = z.strictObject({
  runId: RunIdSchema,
  window: z.strictObject({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
  }),
  reasons: z.array(z.string().min(1)).default([]),
  strategy: StrategySchema.default('auto'),
  requestedAt: z.iso.datetime({ offset: true }).optional(),
  minSessionDurationMs: z.number().int().nonnegative().optional(),
  maxSamples: z.number().int().positive().optional(),
  /** A drift or performance trigger fired: an incremental update is judged on recent data, not held to the drifted past. */
  driftDetected: z.boolean().default(false),
});

/** `dataset-ready`: collector → trainer. */
export const DatasetReadySchema = z.strictObject({
  runId: RunIdSchema,
  strategy: StrategySchema,
  /** Bucket-relative path of the CSV. */
  csvPath: z.string().min(1),
  /** Bucket-relative path of the metadata JSON (written last: its presence marks the dataset complete). */
  metadataPath: z.string().min(1),
  rows: z.number().int().nonnegative(),
  verdict: z.enum(['proceed', 'warn', 'abort']),
  reasons: z.array(z.string()).default([]),
  /** Carried from the retrain request (see there). */
  driftDetected: z.boolean().default(false),
});

/** `model-trained`: trainer → whoever deploys. */
export const ModelTrainedSchema = z.strictObject({
  runId: RunIdSchema,
  status: z.enum(['success', 'no_improvement', 'skipped', 'failed']),
  version: z.string().nullable(),
  strategy: z.enum(['incremental', 'full']).nullable(),
  metrics: z.record(z.string(), z.number()).default({}),
  reason: z.string().optional(),
  /** Bucket path of the comparison report of the version against the serving one (when one served). */
  reportPath: z.string().optional(),
});

export type RetrainRequest = z.output<typeof RetrainRequestSchema>;
export type RetrainRequestInput = z.input<typeof RetrainRequestSchema>;
export type DatasetReady = z.output<typeof DatasetReadySchema>;
export type ModelTrained = z.output<typeof ModelTrainedSchema>;
