/**
 * Running statistics of the rows being written, in constant memory: per-column missing and
 * out-of-range counts (against `FEATURE_SPECS` / `VAR_SPECS`), class counts per target. The
 * validation report is computed from this profile and the stage's skip counters.
 */
import { countMissing, countOutOfRange, FEATURE_COUNT } from '../../data/features.ts';
import { CLASS_LABELS, TARGET_CLASS_COLUMNS, VAR_SPECS, type TargetClassColumn } from '../../data/targets.ts';

// Inferred variables are clamped to their spec; the tolerance only absorbs float noise.
const EPS = 1e-9;

/** Counters over the written rows. */
export class DatasetProfile {
  rows = 0;
  readonly featureMissing = new Float64Array(FEATURE_COUNT);
  readonly featureOutOfRange = new Float64Array(FEATURE_COUNT);
  readonly varMissing = new Float64Array(VAR_SPECS.length);
  readonly varOutOfRange = new Float64Array(VAR_SPECS.length);
  /** Per class target (`TARGET_CLASS_COLUMNS` order), rows per label index (`CLASS_LABELS` order). */
  readonly classIndexCounts: Float64Array[] = TARGET_CLASS_COLUMNS.map((c) => new Float64Array(CLASS_LABELS[c].length));

  /** Rows per label of each class target. */
  get classCounts(): Record<TargetClassColumn, Map<string, number>> {
    return Object.fromEntries(
      TARGET_CLASS_COLUMNS.map((c, k) => [c, new Map(CLASS_LABELS[c].map((label, i) => [label, this.classIndexCounts[k][i]]))]),
    ) as Record<TargetClassColumn, Map<string, number>>;
  }

  /** Count one written row; `classes` are label indices in `TARGET_CLASS_COLUMNS` order. */
  add(features: Float64Array, classes: ArrayLike<number>, vars: Float64Array): void {
    this.rows++;
    countMissing(features, this.featureMissing);
    countOutOfRange(features, this.featureOutOfRange);
    for (let j = 0; j < VAR_SPECS.length; j++) {
      const v = vars[j];
      if (!Number.isFinite(v)) this.varMissing[j]++;
      else if (v < VAR_SPECS[j].min - EPS || v > VAR_SPECS[j].max + EPS) this.varOutOfRange[j]++;
    }
    for (let k = 0; k < this.classIndexCounts.length; k++) this.classIndexCounts[k][classes[k]]++;
  }
}
