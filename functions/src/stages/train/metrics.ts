/**
 * Held-out metrics of a bundle's predictions and the one improvement measure.
 *
 * Improvement of a candidate over a baseline on the same rows: for each class target the
 * relative reduction of log loss, (base − cand) / base, for each variable target the relative
 * reduction of RMSE; the measure is the unweighted mean over the eleven targets. 0.01 means
 * "1 % better on average"; a negative value means worse.
 */
import type { Evaluation, MetricsByTarget, TargetMetrics } from '../../models/manifest.ts';
import type { TargetEncoding } from '../../models/labels.ts';
import type { BundlePredictions } from '../../models/bundle.ts';
import type { TrainingTable } from './dataset.ts';

const EPS = 1e-15;
const round = (v: number) => Number(v.toPrecision(10));

/** Mean negative log likelihood and accuracy of row-major probabilities `nrow × k`. */
export function classMetrics(probs: Float32Array, labels: Int32Array, k: number): { logloss: number; accuracy: number } {
  const n = labels.length;
  let loss = 0;
  let hits = 0;
  for (let r = 0; r < n; r++) {
    const base = r * k;
    const p = Math.min(1 - EPS, Math.max(EPS, probs[base + labels[r]]));
    loss -= Math.log(p);
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[base + c] > probs[base + best]) best = c;
    if (best === labels[r]) hits += 1;
  }
  return { logloss: n ? loss / n : 0, accuracy: n ? hits / n : 0 };
}

/** Root mean squared and mean absolute error. */
export function varMetrics(pred: Float32Array, truth: Float32Array): { rmse: number; mae: number } {
  const n = truth.length;
  let sq = 0;
  let abs = 0;
  for (let r = 0; r < n; r++) {
    const d = pred[r] - truth[r];
    sq += d * d;
    abs += Math.abs(d);
  }
  return { rmse: n ? Math.sqrt(sq / n) : 0, mae: n ? abs / n : 0 };
}

/** Metrics of every target of a bundle on a table (predictions made on that table's rows). */
export function evaluatePredictions(preds: BundlePredictions, table: TrainingTable, targets: readonly TargetEncoding[]): MetricsByTarget {
  const out: MetricsByTarget = {};
  for (const t of targets) {
    if (t.kind === 'class') {
      const m = classMetrics(preds[t.name], table.classes[t.name], t.labels.length);
      out[t.name] = { kind: 'class', rows: table.rows, logloss: round(m.logloss), accuracy: round(m.accuracy) };
    } else {
      const m = varMetrics(preds[t.name], table.vars[t.name]);
      out[t.name] = { kind: 'var', rows: table.rows, rmse: round(m.rmse), mae: round(m.mae) };
    }
  }
  return out;
}

/** The loss the improvement measure uses for one target. */
export function primaryLoss(m: TargetMetrics): number {
  return m.kind === 'class' ? m.logloss : m.rmse;
}

/** Compare a candidate with a baseline evaluated on the same rows (see the module comment). */
export function compareMetrics(baseline: MetricsByTarget, candidate: MetricsByTarget): Evaluation {
  const perTarget: Record<string, number> = {};
  for (const name of Object.keys(candidate)) {
    const b = baseline[name];
    if (!b) continue;
    const lb = primaryLoss(b);
    const lc = primaryLoss(candidate[name]);
    perTarget[name] = round(lb > 0 ? (lb - lc) / lb : lc > 0 ? -1 : 0);
  }
  const values = Object.values(perTarget);
  const improvement = values.length ? round(values.reduce((a, b) => a + b, 0) / values.length) : 0;
  const rows = Object.values(candidate)[0]?.rows ?? 0;
  return { rows, baseline, candidate, perTarget, improvement };
}

/** Headline numbers of a metrics set: mean accuracy, mean log loss (classes) and mean RMSE (vars). */
export function summarize(metrics: Record<string, { kind: 'class'; accuracy: number; logloss: number } | { kind: 'var'; rmse: number }>): { meanAccuracy: number; meanLogloss: number; meanRmse: number } {
  const all = Object.values(metrics);
  const mean = (a: number[]) => (a.length ? round(a.reduce((x, y) => x + y, 0) / a.length) : 0);
  return {
    meanAccuracy: mean(all.flatMap((m) => (m.kind === 'class' ? [m.accuracy] : []))),
    meanLogloss: mean(all.flatMap((m) => (m.kind === 'class' ? [m.logloss] : []))),
    meanRmse: mean(all.flatMap((m) => (m.kind === 'var' ? [m.rmse] : []))),
  };
}

/** Flat `target.metric → value` map for the `model-trained` message. */
export function flatMetrics(metrics: MetricsByTarget): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, m] of Object.entries(metrics)) {
    if (m.kind === 'class') {
      out[`${name}.logloss`] = m.logloss;
      out[`${name}.accuracy`] = m.accuracy;
    } else {
      out[`${name}.rmse`] = m.rmse;
      out[`${name}.mae`] = m.mae;
    }
  }
  return out;
}
