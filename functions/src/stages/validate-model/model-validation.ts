/**
 * The model-validation record (the original's stage 6, `validation`): every named test and
 * check with its status and numbers, the failures as `issues` (they fail the run and keep the
 * pointer where it is) and the warnings beside them. Stored write-once at
 * `<modelsPrefix>/validations/<version>.json`, so a rejected version stays listed as rejected.
 */
import { z } from 'zod';

/** Current record format. */
export const MODEL_VALIDATION_SCHEMA_VERSION = 1;

/** One named test or check. */
export const CheckResultSchema = z.strictObject({
  status: z.enum(['passed', 'failed', 'warning', 'skipped']),
  /** What was found, one line per finding (empty when passed). */
  findings: z.array(z.string()),
  /** The numbers the check looked at. */
  values: z.record(z.string(), z.unknown()),
});

/** `validations/<version>.json`. */
export const ModelValidationSchema = z.strictObject({
  schemaVersion: z.literal(MODEL_VALIDATION_SCHEMA_VERSION),
  version: z.string(),
  /** The serving version it was compared with (null when none served). */
  comparedWith: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  /** The original's verdict: true when every performance test and failing check passed. */
  performance_acceptable: z.boolean(),
  /** Failures, each naming the test and the target. */
  issues: z.array(z.string()),
  warnings: z.array(z.string()),
  tests: z.record(z.string(), CheckResultSchema),
  /** Per target: passed, and the failures that name it. */
  targets: z.record(z.string(), z.strictObject({ passed: z.boolean(), reasons: z.array(z.string()) })),
  /** Bucket path of the comparison report behind it (when exported). */
  reportPath: z.string().nullable(),
});

export type CheckResult = z.infer<typeof CheckResultSchema>;
export type ModelValidation = z.infer<typeof ModelValidationSchema>;
