/**
 * Reading a collected CSV into a training table. Columns are found by name (extra columns such
 * as ids are ignored); an empty feature cell is missing (NaN). Every problem — empty file,
 * missing or unexpected columns, a non-numeric cell, an unknown class label — is a DataError
 * naming the line and the column, raised before anything is written.
 */
import { parse } from 'csv-parse/sync';
import { FEATURE_COLUMNS } from '../../data/features.ts';
import { inSharedMemory, sharedFloat32Array } from '../../engine/index.ts';
import { labelIndex, type TargetEncoding } from '../../models/labels.ts';
import { putOnce, sha256 } from '../../models/write-once.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import { DataError, NotFoundError } from '../../shared/errors.ts';

/** A dataset in memory: raw (unscaled) features, encoded class targets, variable targets. */
export interface TrainingTable {
  path: string;
  sha256: string;
  rows: number;
  features: readonly string[];
  /** Row-major, `rows × features.length`, NaN = missing. */
  values: Float32Array;
  /** Class index per row, by target name. */
  classes: Record<string, Int32Array>;
  /** Value per row, by target name. */
  vars: Record<string, Float32Array>;
}

/** Problems reported at most, so that a broken file gives a readable error. */
const MAX_ISSUES = 20;

function fail(path: string, issues: string[], code: string): never {
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new DataError(`${path}: ${issues[0]}${more}`, { stage: 'train', code, details: { path, issues: issues.slice(0, MAX_ISSUES) } });
}

/** How a CSV is read: for training every target must be present; for evaluation an empty target cell is skipped. */
export interface CsvReadOptions {
  /** `error` (training, the default) or `skip`: an empty class cell becomes −1, an empty variable NaN. */
  missingTargets?: 'error' | 'skip';
}

/** The header's problems (a message and its code), or the column index of each feature and target. */
function readHeader(record: string[], targets: readonly TargetEncoding[]): { problem: [string, string] } | { fIdx: number[]; tIdx: number[] } {
  const header = record.map((h) => h.trim());
  const at = new Map(header.map((h, i) => [h, i]));
  const featureCols = header.filter((h) => /^feature_\d+$/.test(h));
  const missingFeatures = FEATURE_COLUMNS.filter((c) => !at.has(c));
  const unexpected = featureCols.filter((c) => !FEATURE_COLUMNS.includes(c));
  if (missingFeatures.length || unexpected.length) {
    return {
      problem: [
        `wrong feature count: expected ${FEATURE_COLUMNS.length} columns feature_0…feature_${FEATURE_COLUMNS.length - 1}, found ${featureCols.length}` +
          (missingFeatures.length ? `; missing ${missingFeatures.join(', ')}` : '') +
          (unexpected.length ? `; unexpected ${unexpected.join(', ')}` : ''),
        'FEATURES_MISMATCH',
      ],
    };
  }
  const missingTargets = targets.filter((t) => !at.has(t.name)).map((t) => t.name);
  if (missingTargets.length) return { problem: [`missing target column${missingTargets.length > 1 ? 's' : ''} ${missingTargets.join(', ')}`, 'TARGETS_MISSING'] };
  return { fIdx: FEATURE_COLUMNS.map((c) => at.get(c)!), tIdx: targets.map((t) => at.get(t.name)!) };
}

/**
 * Parse CSV text into a table; `targets` gives the label encodings the data must fit. Records are
 * converted as the parser yields them and never kept, so a 100k-row file costs its typed arrays,
 * not 3 million cell strings (peak memory of a 100k-row comparison fell by about a third).
 */
export function parseTrainingCsv(text: string, path: string, targets: readonly TargetEncoding[], opts: CsvReadOptions = {}): TrainingTable {
  const skipMissing = opts.missingTargets === 'skip';
  const ncol = FEATURE_COLUMNS.length;
  // Rows are at most the line count; the arrays are trimmed to the rows read at the end.
  let capacity = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) capacity += 1;
  const values = new Float32Array(capacity * ncol);
  const codes = targets.map((t) => (t.kind === 'class' ? new Int32Array(capacity) : new Float32Array(capacity)));
  const indexes = targets.map((t) => (t.kind === 'class' ? labelIndex(t) : null));
  const featureIssues: string[] = [];
  const targetIssues: string[][] = targets.map(() => []);
  const where = (r: number, col: string) => `line ${r + 2} (row ${r + 1}), column ${col}`;
  let columns: { fIdx: number[]; tIdx: number[] } | null = null;
  let headerProblem: [string, string] | null = null;
  let seenHeader = false;
  let rows = 0;
  const onRecord = (rec: string[]): null => {
    if (!seenHeader) {
      seenHeader = true;
      const h = readHeader(rec, targets);
      if ('problem' in h) headerProblem = h.problem;
      else columns = h;
      return null;
    }
    if (!columns) return null;
    const r = rows++;
    const { fIdx, tIdx } = columns;
    for (let c = 0; c < ncol; c++) {
      const cell = rec[fIdx[c]].trim();
      if (cell === '') {
        values[r * ncol + c] = NaN;
        continue;
      }
      const v = Number(cell);
      if (!Number.isFinite(v) && featureIssues.length < MAX_ISSUES) featureIssues.push(`${where(r, FEATURE_COLUMNS[c])}: not a number: ${JSON.stringify(cell)}`);
      values[r * ncol + c] = v;
    }
    for (let k = 0; k < targets.length; k++) {
      const t = targets[k];
      const cell = rec[tIdx[k]].trim();
      const issues = targetIssues[k];
      if (t.kind === 'class') {
        const i = indexes[k]!.get(cell);
        if (cell === '' && skipMissing) codes[k][r] = -1;
        else if (i === undefined) {
          if (issues.length < MAX_ISSUES) issues.push(cell === '' ? `${where(r, t.name)}: missing class label` : `${where(r, t.name)}: unknown class label ${JSON.stringify(cell)} (known: ${t.labels.join(', ')})`);
        } else codes[k][r] = i;
      } else {
        const v = cell === '' ? NaN : Number(cell);
        if (!Number.isFinite(v) && !(cell === '' && skipMissing) && issues.length < MAX_ISSUES) issues.push(`${where(r, t.name)}: ${cell === '' ? 'missing value' : `not a number: ${JSON.stringify(cell)}`}`);
        codes[k][r] = v;
      }
    }
    return null;
  };
  try {
    parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, on_record: onRecord });
  } catch (err) {
    const e = err as { lines?: number; message: string };
    fail(path, [`not a valid CSV${e.lines ? ` near line ${e.lines}` : ''}: ${e.message}`], 'CSV_INVALID');
  }
  if (!seenHeader) fail(path, ['the file is empty (no header, no rows)'], 'DATASET_EMPTY');
  if (headerProblem) fail(path, [headerProblem[0]], headerProblem[1]);
  if (rows === 0) fail(path, ['the file has a header but no rows'], 'DATASET_EMPTY');
  const issues = [...featureIssues, ...targetIssues.flat()].slice(0, MAX_ISSUES);
  if (issues.length) fail(path, issues, issues[0].includes('class label') ? 'LABEL_UNKNOWN' : 'CELL_INVALID');
  const classes: Record<string, Int32Array> = {};
  const vars: Record<string, Float32Array> = {};
  targets.forEach((t, k) => {
    if (t.kind === 'class') classes[t.name] = (codes[k] as Int32Array).slice(0, rows);
    else vars[t.name] = (codes[k] as Float32Array).slice(0, rows);
  });
  return { path, sha256: sha256(text), rows, features: FEATURE_COLUMNS, values: inSharedMemory(values.subarray(0, rows * ncol)), classes, vars };
}

/** Read and parse a CSV from the artefact store. */
export async function loadTrainingCsv(store: ArtifactStore, path: string, targets: readonly TargetEncoding[], opts: CsvReadOptions = {}): Promise<TrainingTable> {
  let bytes: Buffer;
  try {
    bytes = await store.get(path);
  } catch (err) {
    if (err instanceof NotFoundError) throw new DataError(`Dataset ${path} not found in ${store.root}`, { stage: 'train', code: 'DATASET_NOT_FOUND', details: { path }, cause: err });
    throw err;
  }
  const table = parseTrainingCsv(bytes.toString('utf8'), path, targets, opts);
  table.sha256 = sha256(bytes);
  return table;
}

/**
 * Where the data of a run comes from: a bucket path, or bytes from outside the store (a local
 * file given to the CLI) that are stored at `path` only once a version is written.
 */
export interface DataSource {
  path: string;
  bytes?: Buffer;
}

/** Parse the source's bytes, or read its path from the store. */
export async function readSource(store: ArtifactStore, source: DataSource, targets: readonly TargetEncoding[], opts: CsvReadOptions = {}): Promise<TrainingTable> {
  if (!source.bytes) return await loadTrainingCsv(store, source.path, targets, opts);
  const table = parseTrainingCsv(source.bytes.toString('utf8'), source.path, targets, opts);
  table.sha256 = sha256(source.bytes);
  return table;
}

/** Store outside bytes at their path (write-once; the same bytes again is fine). */
export async function persistSource(store: ArtifactStore, source: DataSource): Promise<void> {
  if (source.bytes) await putOnce(store, source.path, source.bytes, 'text/csv');
}

/** A stratum key per row combining every class target (mixed radix). */
export function stratumKeys(table: TrainingTable, targets: readonly TargetEncoding[]): Int32Array {
  const keys = new Int32Array(table.rows);
  for (const t of targets) {
    if (t.kind !== 'class') continue;
    const k = t.labels.length;
    const cls = table.classes[t.name];
    for (let r = 0; r < table.rows; r++) keys[r] = keys[r] * k + cls[r];
  }
  return keys;
}

/** The rows `rows` of a table as a new table (same columns). */
export function selectRows(table: TrainingTable, rows: ArrayLike<number>): TrainingTable {
  const ncol = table.features.length;
  const values = sharedFloat32Array(rows.length * ncol);
  for (let k = 0; k < rows.length; k++) values.set(table.values.subarray(rows[k] * ncol, rows[k] * ncol + ncol), k * ncol);
  const pick = <A extends Int32Array | Float32Array>(a: A): A => {
    const out = new (a.constructor as { new (n: number): A })(rows.length);
    for (let k = 0; k < rows.length; k++) out[k] = a[rows[k]];
    return out;
  };
  return {
    ...table,
    rows: rows.length,
    values,
    classes: Object.fromEntries(Object.entries(table.classes).map(([k, v]) => [k, pick(v)])),
    vars: Object.fromEntries(Object.entries(table.vars).map(([k, v]) => [k, pick(v)])),
  };
}
