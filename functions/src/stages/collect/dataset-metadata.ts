/**
 * The dataset metadata (typed artefact `<name>_metadata.json`, beside the CSV). Written last: its
 * presence marks the dataset complete, and a redelivered request that finds it reuses the dataset
 * instead of collecting again. Keeps the original script's fields (`collection_date`,
 * `start_date`, `end_date`, `total_samples`, `min_session_duration`, `feature_names`) and adds
 * what a reader needs to trust the CSV: its checksum, column layout, schema versions, skip counts,
 * the validation verdict, and the hash of the config that made it.
 */
import { z } from 'zod';

/** Version of this metadata format. */
export const DATASET_METADATA_VERSION = 1;

const count = z.number().int().nonnegative();
const iso = z.iso.datetime({ offset: true });

/** The metadata document. */
export const DatasetMetadataSchema = z.strictObject({
  kind: z.literal('dataset_metadata'),
  metadata_version: z.literal(DATASET_METADATA_VERSION),
  /** Pipeline run that made it, or null for a CLI collection. */
  run_id: z.string().nullable(),
  /** When the collection ran (ISO 8601). */
  collection_date: iso,
  /** Window start, inclusive (ISO 8601). */
  start_date: iso,
  /** Window end, exclusive (ISO 8601). */
  end_date: iso,
  /** Rows in the CSV. */
  total_samples: count,
  /** Sessions shorter than this (ms) were not collected. */
  min_session_duration: count,
  /** The row cap of this collection. */
  max_samples: count,
  /** True when the cap was reached (later sessions of the window were not read). */
  reached_max_samples: z.boolean(),
  /**
   * When the window held more usable sessions than `max_samples`: the instant from which the newest
   * ones were collected (the rows are the most recent of the window, never the oldest); else absent.
   */
  collected_from: iso.optional(),
  /** CSV column → descriptive feature name. */
  feature_names: z.record(z.string(), z.string()),
  feature_columns: z.array(z.string()),
  target_columns: z.array(z.string()),
  /** Every CSV column, in order. */
  columns: z.array(z.string()),
  /** Interaction-log schema the logs were validated against. */
  log_schema_version: z.number().int(),
  /** Version of the feature computation. */
  feature_version: z.number().int(),
  csv: z.strictObject({
    /** Where the CSV is (bucket-relative path, or a file path for a local collection). */
    path: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: count,
    /** How numbers are written (`shortest-roundtrip`, see csv-format.ts); empty cell = missing. */
    number_format: z.string(),
  }),
  logs_read: count,
  /** Skipped documents by reason (invalid-log reasons, `duplicate_session`, target reasons). */
  skipped: z.record(z.string(), count),
  validation: z.strictObject({
    verdict: z.enum(['proceed', 'warn', 'abort']),
    reasons: z.array(z.string()),
    /** Where the full report is, or null when it was not written. */
    report_path: z.string().nullable(),
  }),
  /** sha256 of the effective config (keys sorted). */
  config_hash: z.string(),
});

/** The dataset metadata. */
export type DatasetMetadata = z.output<typeof DatasetMetadataSchema>;
