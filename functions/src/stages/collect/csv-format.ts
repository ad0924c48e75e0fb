/**
 * The dataset CSV: one row per usable session, columns by name (readers must not rely on
 * positions beyond these names). RFC 4180, `\n` line ends, UTF-8, a header row.
 *
 * Columns, in order:
 * - `session_id`, `timestamp` (ISO 8601 UTC, ms): identify the row (duplicate checks, time-based
 *   splits, tracing a row back to its log); not model inputs.
 * - `feature_0` … `feature_18`: the model inputs (`FEATURE_COLUMNS`, names kept from the original
 *   pipeline; descriptive names in the metadata). An empty cell is a missing feature.
 * - `css_class_density`, `css_class_font`, `css_class_theme`: class targets, as labels.
 * - `css_var_0` … `css_var_7`: continuous targets.
 *
 * Numbers are written as JavaScript's `String(x)`: the shortest decimal that parses back to the
 * same float64 (like Python's `repr`), e.g. `0.7071067811865476`, `1.5`, `1e-7`; `-0` becomes `0`.
 */
import { FEATURE_COLUMNS, FEATURE_COUNT } from '../../data/features.ts';
import { CLASS_LABELS, TARGET_CLASS_COLUMNS, TARGET_COLUMNS, TARGET_VAR_COLUMNS } from '../../data/targets.ts';
import { formatBatch, RowBatchBuilder, type RowLayout } from './row-batch.ts';

export { csvNumber, csvText } from './row-batch.ts';

/** Identification columns written before the features. */
export const ID_COLUMNS = ['session_id', 'timestamp'] as const;

/** Every column of the dataset CSV, in order. */
export const CSV_COLUMNS: readonly string[] = [...ID_COLUMNS, ...FEATURE_COLUMNS, ...TARGET_COLUMNS];

/** The header line (with its line end). */
export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\n`;

/** How numbers and missing values are written, recorded in the metadata. */
export const CSV_NUMBER_FORMAT = 'shortest-roundtrip' as const;

/** The shape of the dataset's rows (for row batches and the formatting worker). */
export const ROW_LAYOUT: RowLayout = {
  featureCount: FEATURE_COUNT,
  varCount: TARGET_VAR_COLUMNS.length,
  classLabels: TARGET_CLASS_COLUMNS.map((c) => CLASS_LABELS[c]),
};

/** The class labels of one row, by target column. */
export type RowClasses = Readonly<Record<(typeof TARGET_CLASS_COLUMNS)[number], string>>;

const LABEL_INDEX = TARGET_CLASS_COLUMNS.map((c) => new Map(CLASS_LABELS[c].map((label, i) => [label, i])));

/** Label indices of a row's classes, in `TARGET_CLASS_COLUMNS` order (written into `out`). */
export function classIndices(classes: RowClasses, out: Uint8Array): Uint8Array {
  for (let c = 0; c < TARGET_CLASS_COLUMNS.length; c++) {
    const i = LABEL_INDEX[c].get(classes[TARGET_CLASS_COLUMNS[c]]);
    if (i === undefined) throw new RangeError(`unknown ${TARGET_CLASS_COLUMNS[c]} label ${classes[TARGET_CLASS_COLUMNS[c]]}`);
    out[c] = i;
  }
  return out;
}

/** One CSV line (with its line end), formatted exactly as in a batch. */
export function csvRow(sessionId: string, timestampMs: number, features: Float64Array, classes: RowClasses, vars: Float64Array): string {
  const b = new RowBatchBuilder(ROW_LAYOUT, 1);
  b.push(sessionId, timestampMs, features, vars, classIndices(classes, new Uint8Array(TARGET_CLASS_COLUMNS.length)));
  return Buffer.from(formatBatch(ROW_LAYOUT, b.take())).toString('utf8');
}
