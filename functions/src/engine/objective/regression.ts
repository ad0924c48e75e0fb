/**
 * Element-wise objectives (XGBoost's RegLossObj family): squared error, pseudo-Huber and
 * logistic. Gradients follow XGBoost's formulas, including `scale_pos_weight` on rows whose
 * label is 1 and the 1e-16 floor on the logistic hessian.
 */
import { DataError } from '../../shared/errors.ts';
import type { ResolvedParams } from '../params.ts';
import type { Objective } from './objective.ts';

/** The logistic function in float32, as XGBoost's common::Sigmoid. */
export function sigmoid(x: number): number {
  return Math.fround(1 / (1 + Math.exp(-x)));
}

function fmtParam(v: number): string {
  return String(v);
}


function elementwise(
  name: string,
  defaultMetric: string,
  loss: (p: ResolvedParams) => { gradHess: (z: number, y: number, out: Float64Array) => void; transform: (x: number) => number },
  opts: { baseMargin?: (b: number) => number; checkLabel?: (y: number) => string | null; jsonParams: (p: ResolvedParams) => Record<string, unknown> },
): Objective {
  return {
    name,
    defaultMetric,
    numGroups: () => 1,
    baseMargin: opts.baseMargin ?? ((b) => b),
    checkLabels(label) {
      for (let i = 0; i < label.length; i++) {
        const y = label[i];
        const why = y !== y || !Number.isFinite(y) ? 'a finite number' : opts.checkLabel?.(y);
        if (why) throw new DataError(`label of row ${i} must be ${why} for ${name}, got ${y}`, { stage: 'engine', details: { row: i, label: y } });
      }
    },
    gradients(margin, label, weight, n, p, gh) {
      const { gradHess } = loss(p);
      const spw = p.scale_pos_weight;
      const tmp = new Float64Array(2);
      for (let i = 0; i < n; i++) {
        const y = label[i];
        let w = weight ? weight[i] : 1;
        if (y === 1) w *= spw;
        gradHess(margin[i], y, tmp);
        gh[2 * i] = tmp[0] * w;
        gh[2 * i + 1] = tmp[1] * w;
      }
    },
    evalTransform(margin, n, p) {
      const { transform } = loss(p);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = transform(margin[i]);
      return out;
    },
    predTransform(margin, n, p) {
      return this.evalTransform(margin, n, p);
    },
    jsonParams: opts.jsonParams,
  };
}

const identity = (x: number) => x;

/** `reg:squarederror`: grad = pred − y, hess = 1. */
export const squaredError: Objective = elementwise(
  'reg:squarederror',
  'rmse',
  () => ({
    gradHess(z, y, out) {
      out[0] = z - y;
      out[1] = 1;
    },
    transform: identity,
  }),
  { jsonParams: (p) => ({ reg_loss_param: { scale_pos_weight: fmtParam(p.scale_pos_weight) } }) },
);

/** `reg:pseudohubererror`: a smooth absolute loss with slope `huber_slope`. */
export const pseudoHuberError: Objective = elementwise(
  'reg:pseudohubererror',
  'mphe',
  (p) => {
    const s2 = p.huber_slope * p.huber_slope;
    return {
      gradHess(z, y, out) {
        const d = z - y;
        const scale = 1 + (d * d) / s2;
        const sq = Math.sqrt(scale);
        out[0] = d / sq;
        out[1] = 1 / (scale * sq);
      },
      transform: identity,
    };
  },
  { jsonParams: (p) => ({ pseudo_huber_param: { huber_slope: fmtParam(p.huber_slope) } }) },
);

/** `binary:logistic`: labels in [0, 1], predictions are probabilities. */
export const binaryLogistic: Objective = elementwise(
  'binary:logistic',
  'logloss',
  () => ({
    gradHess(z, y, out) {
      const pr = sigmoid(z);
      out[0] = pr - y;
      out[1] = Math.max(pr * (1 - pr), 1e-16);
    },
    transform: sigmoid,
  }),
  {
    baseMargin: (b) => Math.fround(-Math.log(1 / b - 1)),
    checkLabel: (y) => (y < 0 || y > 1 ? 'in [0, 1]' : null),
    jsonParams: (p) => ({ reg_loss_param: { scale_pos_weight: fmtParam(p.scale_pos_weight) } }),
  },
);

