/**
 * Softmax objectives (XGBoost's SoftmaxMultiClassObj): one tree per class per round, labels
 * are class ids 0…K−1, hessian 2·p·(1−p) as XGBoost uses.
 */
import { DataError } from '../../shared/errors.ts';
import type { ResolvedParams } from '../params.ts';
import type { Objective } from './objective.ts';

const FLT_MIN = 1.1754943508222875e-38;

/** Row-wise softmax of `margin` (n × k, row-major) into probabilities. */
export function softmax(margin: Float32Array, n: number, k: number): Float32Array {
  const out = new Float32Array(n * k);
  for (let r = 0; r < n; r++) {
    const o = r * k;
    let wmax = margin[o];
    for (let j = 1; j < k; j++) if (margin[o + j] > wmax) wmax = margin[o + j];
    let wsum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.fround(Math.exp(margin[o + j] - wmax));
      out[o + j] = e;
      wsum += e;
    }
    const s = Math.fround(wsum);
    for (let j = 0; j < k; j++) out[o + j] = out[o + j] / s;
  }
  return out;
}

function make(name: 'multi:softprob' | 'multi:softmax'): Objective {
  return {
    name,
    defaultMetric: 'mlogloss',
    numGroups: (p) => p.num_class,
    baseMargin: (b) => b,
    checkLabels(label, p) {
      for (let i = 0; i < label.length; i++) {
        const y = label[i];
        if (!(Number.isInteger(y) && y >= 0 && y < p.num_class)) {
          throw new DataError(`label of row ${i} must be a class id in 0…${p.num_class - 1} for ${name}, got ${y}`, {
            stage: 'engine',
            details: { row: i, label: y },
          });
        }
      }
    },
    gradients(margin, label, weight, n, p, gh) {
      const k = p.num_class;
      const e = new Float64Array(k);
      for (let r = 0; r < n; r++) {
        const o = r * k;
        let wmax = FLT_MIN;
        for (let j = 0; j < k; j++) if (margin[o + j] > wmax) wmax = margin[o + j];
        let wsum = 0;
        for (let j = 0; j < k; j++) {
          e[j] = Math.fround(Math.exp(margin[o + j] - wmax));
          wsum += e[j];
        }
        const s = Math.fround(wsum);
        const y = label[r];
        const w = weight ? weight[r] : 1;
        for (let j = 0; j < k; j++) {
          const pr = Math.fround(e[j] / s);
          const h = Math.max(2 * pr * (1 - pr) * w, 1e-16);
          const g = j === y ? pr - 1 : pr;
          const at = (j * n + r) * 2;
          gh[at] = g * w;
          gh[at + 1] = h;
        }
      }
    },
    evalTransform(margin, n, p) {
      return softmax(margin, n, p.num_class);
    },
    predTransform(margin, n, p) {
      const k = p.num_class;
      if (name === 'multi:softprob') return softmax(margin, n, k);
      const out = new Float32Array(n);
      for (let r = 0; r < n; r++) {
        let best = 0;
        for (let j = 1; j < k; j++) if (margin[r * k + j] > margin[r * k + best]) best = j;
        out[r] = best;
      }
      return out;
    },
    jsonParams: (p) => ({ softmax_multiclass_param: { num_class: String(p.num_class) } }),
  };
}

/** `multi:softprob`: predictions are n × K class probabilities. */
export const softprob: Objective = make('multi:softprob');
/** `multi:softmax`: predictions are class ids; metrics still see probabilities. */
export const softmaxObjective: Objective = make('multi:softmax');
