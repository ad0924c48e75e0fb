/**
 * Evaluation metrics under XGBoost's names, computed on transformed predictions (values or
 * probabilities), weighted by sample weight, accumulated in double precision.
 */
import { ConfigError, DataError } from '../shared/errors.ts';

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Classes for mlogloss/merror (predictions are then n × K row-major). */
  numClass?: number;
  weights?: Float32Array;
  /** Slope of the pseudo-Huber metric `mphe` (default 1; XGBoost 1.7's metric always uses 1, whatever `huber_slope` the objective has). */
  huberSlope?: number;
}

/** Metrics where larger is better (early stopping maximises them). */
export const MAXIMIZE_METRICS: ReadonlySet<string> = new Set(['auc']);

const EPS = 1e-16;

function rowwise(preds: Float32Array, labels: Float32Array, w: Float32Array | undefined, f: (p: number, y: number) => number): number {
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < labels.length; i++) {
    const wi = w ? w[i] : 1;
    sum += wi * f(preds[i], labels[i]);
    wsum += wi;
  }
  return wsum === 0 ? NaN : sum / wsum;
}

function classwise(preds: Float32Array, labels: Float32Array, k: number, w: Float32Array | undefined, f: (row: number, y: number) => number): number {
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < labels.length; i++) {
    const wi = w ? w[i] : 1;
    const y = labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < k)) throw new DataError(`label of row ${i} must be a class id in 0…${k - 1}, got ${y}`, { stage: 'engine', details: { row: i } });
    sum += wi * f(i * k, y);
    wsum += wi;
  }
  return wsum === 0 ? NaN : sum / wsum;
}

/** Weighted area under the ROC curve; tied predictions count as half. */
function auc(preds: Float32Array, labels: Float32Array, w: Float32Array | undefined): number {
  const n = labels.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => preds[b] - preds[a]);
  let tp = 0;
  let fp = 0;
  let area = 0;
  let i = 0;
  while (i < n) {
    const p = preds[order[i]];
    const tp0 = tp;
    const fp0 = fp;
    while (i < n && preds[order[i]] === p) {
      const r = order[i++];
      const wi = w ? w[r] : 1;
      tp += labels[r] * wi;
      fp += (1 - labels[r]) * wi;
    }
    area += ((fp - fp0) * (tp0 + tp)) / 2;
  }
  return tp <= 0 || fp <= 0 ? NaN : area / (tp * fp);
}

/** The value of `metric` for predictions against labels (XGBoost's definitions). */
export function evaluate(metric: string, preds: Float32Array, labels: Float32Array, opts: EvaluateOptions = {}): number {
  const k = opts.numClass ?? 0;
  const w = opts.weights;
  const multi = metric === 'mlogloss' || metric === 'merror';
  const expected = multi ? labels.length * Math.max(k, 1) : labels.length;
  if (multi && k < 2) throw new ConfigError(`${metric} needs numClass >= 2`, { key: 'numClass' });
  if (preds.length !== expected) {
    throw new DataError(`${metric}: ${preds.length} predictions for ${labels.length} labels${multi ? ` × ${k} classes` : ''}`, { stage: 'engine' });
  }
  switch (metric) {
    case 'rmse':
      return Math.sqrt(rowwise(preds, labels, w, (p, y) => (p - y) * (p - y)));
    case 'mae':
      return rowwise(preds, labels, w, (p, y) => Math.abs(p - y));
    case 'mphe': {
      const s2 = (opts.huberSlope ?? 1) ** 2;
      return rowwise(preds, labels, w, (p, y) => s2 * (Math.sqrt(1 + ((y - p) * (y - p)) / s2) - 1));
    }
    case 'logloss':
      return rowwise(preds, labels, w, (p, y) => -(y * Math.log(Math.max(p, EPS)) + (1 - y) * Math.log(Math.max(1 - p, EPS))));
    case 'error':
      return rowwise(preds, labels, w, (p, y) => (p > 0.5 ? 1 - y : y));
    case 'mlogloss':
      return classwise(preds, labels, k, w, (o, y) => -Math.log(Math.max(preds[o + y], EPS)));
    case 'merror':
      return classwise(preds, labels, k, w, (o, y) => {
        let best = 0;
        for (let j = 1; j < k; j++) if (preds[o + j] > preds[o + best]) best = j;
        return best === y ? 0 : 1;
      });
    case 'auc':
      return auc(preds, labels, w);
    default:
      throw new ConfigError(`unknown metric "${metric}"`, { key: 'eval_metric' });
  }
}
