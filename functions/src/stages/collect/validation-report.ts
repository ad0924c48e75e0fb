/**
 * The dataset validation report (typed artefact `<name>_validation.json`, beside the CSV): what was
 * read and skipped and why, per-column quality, class balance, duplicates, and a verdict the
 * trainer obeys — `proceed`, `warn` (train, but say why) or `abort` (do not train on this).
 *
 * Verdict rules (thresholds from `validation.qualityChecks`):
 * - abort: fewer rows than `minSamples`; a required feature missing in more than
 *   `abortMissingShare` of rows.
 * - warn: fewer rows than `warnSamples`; a required feature missing in more than
 *   `maxMissingShare`; an optional feature (absent by design on some devices, see
 *   `FEATURE_SPECS[].optional`) never present at all; any value outside its spec range (a
 *   transform or schema changed); duplicate sessions above `maxDuplicateShare` of the kept rows;
 *   a class rarer than `minClassShare`; invalid logs above `maxSkippedShare` of the logs read.
 */
import { z } from 'zod';
import type { RetrainingConfig } from '../../config/schema.ts';
import { FEATURE_SPECS } from '../../data/features.ts';
import { TARGET_CLASS_COLUMNS, VAR_SPECS } from '../../data/targets.ts';
import type { DatasetProfile } from './dataset-profile.ts';

const count = z.number().int().nonnegative();
const share = z.number().min(0).max(1);

/** One skipped document, as an example of its reason. */
export const SkipExampleSchema = z.strictObject({ id: z.string(), reason: z.string(), message: z.string().optional() });

/** Quality of one feature or variable column. */
export const ColumnQualitySchema = z.strictObject({
  column: z.string(),
  name: z.string(),
  optional: z.boolean(),
  missing: count,
  missingShare: share,
  outOfRange: count,
});

/** The report. */
export const ValidationReportSchema = z.strictObject({
  kind: z.literal('dataset_validation_report'),
  formatVersion: z.literal(1),
  rows: count,
  logs: z.strictObject({
    /** Documents returned by the log store for the window, and those that belong to no window. */
    read: count,
    /** Failed the interaction-log schema. */
    invalid: count,
    /** Same session_id as an earlier kept session (the first one is kept). */
    duplicates: count,
    /** Valid, but the targets could not be inferred (bot, no engagement, contradictions). */
    uninferable: count,
    /** Valid, but shorter than the minimum, or outside the window (defensive; stores filter the window). */
    filtered: count,
  }),
  skipped: z.strictObject({
    /** invalid + duplicates + uninferable + filtered. */
    total: count,
    /** invalid / read: the share the `maxSkippedShare` check looks at. */
    invalidShare: share,
    byReason: z.record(z.string(), count),
    examples: z.array(SkipExampleSchema),
  }),
  columns: z.array(ColumnQualitySchema),
  classBalance: z.record(z.string(), z.record(z.string(), z.strictObject({ count, share }))),
  duplicateSessions: z.strictObject({ count, share }),
  minimumSamples: z.strictObject({ required: count, warnBelow: count, ok: z.boolean() }),
  verdict: z.enum(['proceed', 'warn', 'abort']),
  reasons: z.array(z.string()),
});

/** A dataset validation report. */
export type ValidationReport = z.output<typeof ValidationReportSchema>;
/** An example of a skipped document. */
export type SkipExample = z.output<typeof SkipExampleSchema>;

/** What the stage counted besides the written rows. */
export interface SkipCounts {
  read: number;
  invalid: Map<string, number>;
  duplicates: number;
  uninferable: Map<string, number>;
  filtered: Map<string, number>;
  examples: SkipExample[];
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** Compute the report and its verdict. */
export function buildValidationReport(
  profile: DatasetProfile,
  skips: SkipCounts,
  checks: RetrainingConfig['validation']['qualityChecks'],
): ValidationReport {
  const rows = profile.rows;
  const aborts: string[] = [];
  const warns: string[] = [];
  const share = (n: number, of: number) => (of > 0 ? n / of : 0);

  if (rows < checks.minSamples) aborts.push(`only ${rows} rows, fewer than minSamples ${checks.minSamples}`);
  else if (rows < checks.warnSamples) warns.push(`only ${rows} rows, fewer than warnSamples ${checks.warnSamples}`);

  const columns: ValidationReport['columns'] = [];
  FEATURE_SPECS.forEach((s, j) => {
    const missing = profile.featureMissing[j];
    const outOfRange = profile.featureOutOfRange[j];
    const missingShare = share(missing, rows);
    columns.push({ column: s.column, name: s.name, optional: s.optional, missing, missingShare, outOfRange });
    if (rows > 0 && !s.optional && missingShare > checks.abortMissingShare) aborts.push(`${s.column} (${s.name}) missing in ${pct(missingShare)} of rows`);
    else if (rows > 0 && !s.optional && missingShare > checks.maxMissingShare) warns.push(`${s.column} (${s.name}) missing in ${pct(missingShare)} of rows`);
    else if (rows > 0 && s.optional && missing === rows) warns.push(`${s.column} (${s.name}) is never present`);
    if (outOfRange > 0) warns.push(`${s.column} (${s.name}) outside its range in ${outOfRange} rows`);
  });
  VAR_SPECS.forEach((s, j) => {
    const missing = profile.varMissing[j];
    const outOfRange = profile.varOutOfRange[j];
    const missingShare = share(missing, rows);
    columns.push({ column: s.column, name: s.name, optional: false, missing, missingShare, outOfRange });
    if (rows > 0 && missingShare > checks.abortMissingShare) aborts.push(`${s.column} (${s.name}) missing in ${pct(missingShare)} of rows`);
    else if (missing > 0) warns.push(`${s.column} (${s.name}) missing in ${missing} rows`);
    if (outOfRange > 0) warns.push(`${s.column} (${s.name}) outside its range in ${outOfRange} rows`);
  });

  const classBalance: ValidationReport['classBalance'] = {};
  const classCounts = profile.classCounts;
  for (const c of TARGET_CLASS_COLUMNS) {
    const entry: Record<string, { count: number; share: number }> = {};
    for (const [label, n] of classCounts[c]) {
      entry[label] = { count: n, share: share(n, rows) };
      if (rows > 0 && share(n, rows) < checks.minClassShare) warns.push(`${c}=${label} in only ${pct(share(n, rows))} of rows (minClassShare ${pct(checks.minClassShare)})`);
    }
    classBalance[c] = entry;
  }

  const dupShare = share(skips.duplicates, rows + skips.duplicates);
  if (dupShare > checks.maxDuplicateShare) warns.push(`${skips.duplicates} duplicate sessions (${pct(dupShare)})`);

  const invalid = sum(skips.invalid);
  const invalidShare = share(invalid, skips.read);
  if (invalidShare > checks.maxSkippedShare) warns.push(`${invalid} invalid logs skipped (${pct(invalidShare)} of ${skips.read} read)`);

  const byReason: Record<string, number> = {};
  const put = (m: Map<string, number>) => {
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) byReason[k] = (byReason[k] ?? 0) + v;
  };
  put(skips.invalid);
  if (skips.duplicates) byReason.duplicate_session = skips.duplicates;
  put(skips.uninferable);
  put(skips.filtered);
  const uninferable = sum(skips.uninferable);
  const filtered = sum(skips.filtered);

  return {
    kind: 'dataset_validation_report',
    formatVersion: 1,
    rows,
    logs: { read: skips.read, invalid, duplicates: skips.duplicates, uninferable, filtered },
    skipped: { total: invalid + skips.duplicates + uninferable + filtered, invalidShare, byReason, examples: skips.examples },
    columns,
    classBalance,
    duplicateSessions: { count: skips.duplicates, share: dupShare },
    minimumSamples: { required: checks.minSamples, warnBelow: checks.warnSamples, ok: rows >= checks.minSamples },
    verdict: aborts.length ? 'abort' : warns.length ? 'warn' : 'proceed',
    reasons: [...aborts, ...warns],
  };
}
