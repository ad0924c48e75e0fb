/**
 * Every metric of a classifier on the rows whose target is known (truth ≥ 0): accuracy,
 * balanced accuracy, macro-F1, log loss, Brier score, expected calibration error, the confusion
 * matrix, per-class precision/recall/support and a reliability diagram. Also the per-row values
 * the paired comparison resamples (right or wrong, log loss) — computed in the same pass.
 */
import type { CalibrationBin, ClassEvaluation, PerClass } from './evaluation-report.ts';

/** Probabilities are clipped to [EPS, 1 − EPS] in the log loss, as XGBoost's mlogloss does. */
const EPS = 1e-15;
/** Equal-width confidence bins of the reliability diagram and the ECE. */
export const CALIBRATION_BINS = 10;

/** A classifier's evaluation and its per-row values. */
export interface ClassScore {
  evaluation: Omit<ClassEvaluation, 'importance'>;
  /** Predicted class index of every row (also rows without a target). */
  predicted: Int32Array;
  /** Indices of the rows that were scored (target present). */
  scoredRows: Int32Array;
  /** Per scored row: 1 when the predicted class is right, else 0. */
  correct: Float64Array;
  /** Per scored row: the log loss of the true class. */
  loss: Float64Array;
}

/** Round for storage: ten significant digits keep reports stable across platforms. */
export const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(10)) : v);

/** Score `n × k` row-major probabilities against class indices (−1 = target missing). */
export function scoreClasses(probs: Float32Array, truth: Int32Array, labels: readonly string[]): ClassScore {
  const k = labels.length;
  const n = truth.length;
  if (probs.length !== n * k) throw new RangeError(`${probs.length} probabilities for ${n} rows × ${k} classes`);
  const predicted = new Int32Array(n);
  let scored = 0;
  for (let r = 0; r < n; r++) if (truth[r] >= 0) scored += 1;
  const scoredRows = new Int32Array(scored);
  const correct = new Float64Array(scored);
  const loss = new Float64Array(scored);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const binCount = new Float64Array(CALIBRATION_BINS);
  const binConf = new Float64Array(CALIBRATION_BINS);
  const binHits = new Float64Array(CALIBRATION_BINS);
  let brier = 0;
  let lossSum = 0;
  let hits = 0;
  let s = 0;
  for (let r = 0; r < n; r++) {
    const base = r * k;
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[base + c] > probs[base + best]) best = c;
    predicted[r] = best;
    const y = truth[r];
    if (y < 0) continue;
    if (y >= k) throw new RangeError(`row ${r}: class index ${y} ≥ ${k}`);
    const p = Math.min(1 - EPS, Math.max(EPS, probs[base + y]));
    const l = -Math.log(p);
    const ok = best === y ? 1 : 0;
    scoredRows[s] = r;
    loss[s] = l;
    correct[s] = ok;
    s += 1;
    lossSum += l;
    hits += ok;
    confusion[y][best] += 1;
    for (let c = 0; c < k; c++) {
      const d = probs[base + c] - (c === y ? 1 : 0);
      brier += d * d;
    }
    const conf = probs[base + best];
    const bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(conf * CALIBRATION_BINS)));
    binCount[bin] += 1;
    binConf[bin] += conf;
    binHits[bin] += ok;
  }

  const perClass: PerClass[] = labels.map((label, c) => {
    const tp = confusion[c][c];
    let support = 0;
    let predictedAs = 0;
    for (let j = 0; j < k; j++) {
      support += confusion[c][j];
      predictedAs += confusion[j][c];
    }
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision: round(precision), recall: round(recall), f1: round(f1), support };
  });
  const present = perClass.filter((_, c) => perClass[c].support > 0 || confusion.some((row) => row[c] > 0));
  const withSupport = perClass.filter((p) => p.support > 0);
  const calibration: CalibrationBin[] = Array.from({ length: CALIBRATION_BINS }, (_, b) => ({
    lower: b / CALIBRATION_BINS,
    upper: (b + 1) / CALIBRATION_BINS,
    count: binCount[b],
    meanConfidence: binCount[b] ? round(binConf[b] / binCount[b]) : null,
    accuracy: binCount[b] ? round(binHits[b] / binCount[b]) : null,
  }));
  let ece = 0;
  for (let b = 0; b < CALIBRATION_BINS; b++) if (binCount[b]) ece += (binCount[b] / scored) * Math.abs(binHits[b] / binCount[b] - binConf[b] / binCount[b]);
  const share = (counts: number[]) => Object.fromEntries(labels.map((l, c) => [l, scored ? round(counts[c] / scored) : 0]));
  const predictedCounts = labels.map((_, c) => confusion.reduce((sum, row) => sum + row[c], 0));
  const trueCounts = labels.map((_, c) => confusion[c].reduce((a, b) => a + b, 0));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    evaluation: {
      kind: 'class',
      rows: scored,
      skipped: n - scored,
      labels: [...labels],
      accuracy: round(scored ? hits / scored : 0),
      balancedAccuracy: round(mean(withSupport.map((p) => p.recall))),
      macroF1: round(mean(present.map((p) => p.f1))),
      logloss: round(scored ? lossSum / scored : 0),
      brier: round(scored ? brier / scored : 0),
      ece: round(ece),
      confusion,
      perClass,
      calibration,
      predictedShare: share(predictedCounts),
      trueShare: share(trueCounts),
    },
    predicted,
    scoredRows,
    correct,
    loss,
  };
}
