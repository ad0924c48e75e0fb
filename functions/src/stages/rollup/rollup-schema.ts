/**
 * The rollup artefacts (collection `pipeline.collections.liveRollups`): one document per UTC hour
 * and per UTC day of interaction logs, and one state document holding the watermark. A bucket is a
 * pure function of the documents whose `timestamp` falls in it (as of `readUntil`), so rewriting
 * it is always safe; every live reader (dashboard, status, canary watcher, performance and drift
 * triggers) sums buckets instead of reading sessions.
 *
 * Layout: `hour_YYYY-MM-DDTHH` and `day_YYYY-MM-DD` buckets, `state_live` the watermark. Maps are
 * keyed by fixed names only (targets, labels, reasons, feature columns); version names, which may
 * hold any character, live in arrays of objects.
 */
import { z } from 'zod';

/** Version of the rollup documents; a reader refuses any other (rebuild with `retrain rollup --rebuild`). */
export const ROLLUP_SCHEMA_VERSION = 1;

/** Id of the state document. */
export const ROLLUP_STATE_ID = 'state_live';

const count = z.number().int().nonnegative();
const counts = z.record(z.string(), count);

/** Sums of one CSS variable's served value against the inferred one (for MAE and RMSE). */
export const VarSumsSchema = z.strictObject({
  n: count,
  /** Σ (served − inferred). */
  sumError: z.number(),
  sumAbsError: z.number().nonnegative(),
  sumSquaredError: z.number().nonnegative(),
});

/** Everything served by one version and variant to one segment within a bucket. */
export const RollupGroupSchema = z.strictObject({
  /** `served.model_version` (null: the default stylesheet). */
  version: z.string().nullable(),
  variant: z.enum(['current', 'canary', 'default']),
  /** Segment keys (today `device_class`; more keys may be added without a schema change). */
  segment: z.record(z.string(), z.string()),
  /** Valid, first-of-their-id sessions. */
  sessions: count,
  /** Sessions whose targets could be inferred. */
  scored: count,
  /** Valid sessions whose targets could not be inferred, by reason. */
  unscored: counts,
  /** Per class target: served label → inferred label → scored sessions. */
  confusion: z.record(z.string(), z.record(z.string(), counts)),
  /** Per class target: served label → sessions (scored or not). */
  served: z.record(z.string(), counts),
  /** Per CSS variable (`css_var_0` …), over the scored sessions. */
  vars: z.record(z.string(), VarSumsSchema),
});

/** The traffic seen through one version's frozen reference: what the drift trigger needs. */
export const RollupDriftSchema = z.strictObject({
  /** The reference version (its `reference.json` bins, its class models' predictions). */
  version: z.string(),
  /** Valid, first-of-their-id sessions (whatever served them). */
  rows: count,
  /** Per feature column: non-missing values per reference bin. */
  features: z.record(z.string(), z.array(count)),
  /** Per class target: predicted label → sessions. */
  predicted: z.record(z.string(), counts),
});

/** One hour or one day of logs. */
export const RollupBucketSchema = z.strictObject({
  schemaVersion: z.literal(ROLLUP_SCHEMA_VERSION),
  kind: z.enum(['hour', 'day']),
  /** Inclusive start and exclusive end (ISO 8601 UTC). */
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  /** The bucket holds every document of its span stored before this instant (the pass's end). */
  readUntil: z.iso.datetime(),
  /** The log filter the bucket was read with (a change needs a rebuild). */
  minSessionDurationMs: count,
  /** Day buckets: hour buckets summed (24 when complete). */
  hours: count,
  /** Documents read, invalid ones by reason, and repeated session ids (the first one counts). */
  read: count,
  invalid: counts,
  duplicates: count,
  groups: z.array(RollupGroupSchema),
  drift: z.array(RollupDriftSchema),
  updatedAt: z.iso.datetime(),
});

/** Where the incremental passes stand. */
export const RollupStateSchema = z.strictObject({
  schemaVersion: z.literal(ROLLUP_SCHEMA_VERSION),
  /** Every log with a `timestamp` before this (and stored before the pass) is in the buckets. */
  watermark: z.iso.datetime(),
  minSessionDurationMs: count,
  /** Reference versions whose drift section every hour bucket in [`from`, `until`) carries. */
  tracked: z.array(z.strictObject({ version: z.string(), from: z.iso.datetime(), until: z.iso.datetime() })),
  passes: count,
  updatedAt: z.iso.datetime(),
});

export type VarSums = z.infer<typeof VarSumsSchema>;
export type RollupGroup = z.infer<typeof RollupGroupSchema>;
export type RollupDrift = z.infer<typeof RollupDriftSchema>;
export type RollupBucket = z.infer<typeof RollupBucketSchema>;
export type RollupState = z.infer<typeof RollupStateSchema>;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Start of the UTC hour holding `t`. */
export function floorHour(t: Date | number): Date {
  const ms = typeof t === 'number' ? t : t.getTime();
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
}

/** Start of the UTC day holding `t`. */
export function floorDay(t: Date | number): Date {
  const ms = typeof t === 'number' ? t : t.getTime();
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS);
}

/** Document id of the hour bucket starting at `start`. */
export function hourId(start: Date): string {
  return `hour_${start.toISOString().slice(0, 13)}`;
}

/** Document id of the day bucket starting at `start`. */
export function dayId(start: Date): string {
  return `day_${start.toISOString().slice(0, 10)}`;
}

export { DAY_MS, HOUR_MS };
