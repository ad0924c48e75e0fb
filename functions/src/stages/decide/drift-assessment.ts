/**
 * The measurements of the drift trigger, as a pure function of a version's frozen reference
 * (models/reference-stats.ts) and a window's feature rows and predicted classes: the PSI of every
 * feature on the reference's own quantile bins, the PSI of each predicted class distribution
 * against the training-time one, and for each the PSI that sampling noise alone would give at
 * these counts with a p-value (stats/psi-noise.ts), Holm-adjusted across every column tested so
 * that nineteen features and three targets do not add up to a false alarm.
 */
import { FEATURE_COLUMNS, FEATURE_NAMES } from '../../data/features.ts';
import type { ReferenceStats } from '../../models/reference-stats.ts';
import { holmAdjust } from '../../stats/holm.ts';
import { binOf } from '../../models/reference-stats.ts';
import { psiOfShares } from '../../stats/psi.ts';
import { psiNoise } from '../../stats/psi-noise.ts';

/** One column's drift: its PSI, the noise yardsticks and the adjusted p-value. */
export interface ColumnDrift {
  /** Descriptive feature name (`viewport_width`) or target column (`css_class_theme`). */
  name: string;
  kind: 'feature' | 'prediction';
  psi: number;
  bins: number;
  /** Window values compared (non-missing) and reference values. */
  n: number;
  referenceN: number;
  /** Mean PSI of two same-distribution samples at these counts. */
  noisePsi: number;
  /** PSI that noise alone exceeds with probability α. */
  criticalPsi: number;
  pValue: number;
  /** Holm-adjusted across every column of the assessment. */
  pAdjusted: number;
}

/** Counts of predicted classes per target of the window, label → count. */
export type PredictedCounts = Record<string, Record<string, number>>;

/** The drift of every column, worst first within each kind. */
export interface DriftAssessment {
  features: ColumnDrift[];
  predictions: ColumnDrift[];
}

/** Non-missing values per reference bin, per feature column (what the rollups keep). */
export type FeatureBinCounts = Record<string, number[]>;

/** Bin a sample's row-major feature rows on a reference's bins (missing values left out). */
export function binSample(reference: ReferenceStats, sample: { rows: number; values: Float32Array }): FeatureBinCounts {
  const ncol = FEATURE_COLUMNS.length;
  const out: FeatureBinCounts = {};
  FEATURE_COLUMNS.forEach((column, c) => {
    const h = reference.features[column];
    if (!h) return;
    const counts = new Array<number>(Math.max(1, h.frequencies.length)).fill(0);
    const last = counts.length - 1;
    for (let r = 0; r < sample.rows; r++) {
      const v = sample.values[r * ncol + c];
      if (!Number.isNaN(v)) counts[Math.min(last, binOf(h.edges, v))] += 1;
    }
    out[column] = counts;
  });
  return out;
}

type Raw = Omit<ColumnDrift, 'pAdjusted'>;

function measured(name: string, kind: ColumnDrift['kind'], expected: number[], actual: number[], n: number, referenceN: number, alpha: number): Raw {
  const psi = n ? psiOfShares(expected, actual) : 0;
  const noise = psiNoise(psi, expected.length, n, referenceN, alpha);
  return { name, kind, psi, bins: expected.length, n, referenceN, noisePsi: noise.expected, criticalPsi: noise.critical, pValue: noise.pValue };
}

/** Assess a window's binned features and predicted classes against a version's reference at significance `alpha`. */
export function assessDrift(reference: ReferenceStats, features: FeatureBinCounts, predicted: PredictedCounts | null, alpha: number): DriftAssessment {
  const raw: Raw[] = [];
  FEATURE_COLUMNS.forEach((column, c) => {
    const h = reference.features[column];
    // A constant feature in training (one bin) cannot drift in PSI terms; a new value shows elsewhere.
    const counts = features[column];
    if (!h || h.frequencies.length < 2 || !counts || counts.length !== h.frequencies.length) return;
    const n = counts.reduce((a, b) => a + b, 0);
    const shares = counts.map((k) => (n ? k / n : 0));
    raw.push(measured(FEATURE_NAMES[c], 'feature', h.frequencies, shares, n, h.count, alpha));
  });
  for (const [target, dist] of Object.entries(reference.predictions.classes)) {
    const counts = predicted?.[target];
    if (!counts) continue;
    const labels = Object.keys(dist);
    const n = labels.reduce((s, l) => s + (counts[l] ?? 0), 0);
    raw.push(measured(target, 'prediction', labels.map((l) => dist[l]), labels.map((l) => (n ? (counts[l] ?? 0) / n : 0)), n, reference.predictionRows, alpha));
  }
  const adjusted = holmAdjust(raw.map((r) => r.pValue));
  const all = raw.map((r, i) => ({ ...r, pAdjusted: adjusted[i] }));
  const worstFirst = (a: ColumnDrift, b: ColumnDrift) => b.psi - a.psi || a.name.localeCompare(b.name);
  return { features: all.filter((d) => d.kind === 'feature').sort(worstFirst), predictions: all.filter((d) => d.kind === 'prediction').sort(worstFirst) };
}
