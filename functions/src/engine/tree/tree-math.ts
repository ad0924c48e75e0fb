/**
 * The tree maths of XGBoost's param.h: optimal leaf weight and structure score from summed
 * gradient statistics, with L1/L2 regularisation and `max_delta_step`. Results are rounded to
 * float32 where XGBoost stores them as float, so split choices tie-break the same way.
 */

/** Regularisation constants, float32 as XGBoost's TrainParam stores them. */
export interface TreeMathParams {
  readonly lambda: number;
  readonly alpha: number;
  readonly maxDeltaStep: number;
  readonly minChildWeight: number;
}

const f32 = Math.fround;

/** Soft-thresholding by the L1 penalty. */
export function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/** The optimal leaf weight −T(G)/(H+λ), clipped by max_delta_step, 0 below min_child_weight. */
export function calcWeight(p: TreeMathParams, g: number, h: number): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  let w = -thresholdL1(g, p.alpha) / (h + p.lambda);
  if (p.maxDeltaStep !== 0 && Math.abs(w) > p.maxDeltaStep) w = w < 0 ? -p.maxDeltaStep : p.maxDeltaStep;
  return f32(w);
}

/** The structure score of one node (twice the loss reduction its weight achieves). */
export function calcGain(p: TreeMathParams, g: number, h: number): number {
  if (h <= 0) return 0;
  if (p.maxDeltaStep === 0) {
    const t = thresholdL1(g, p.alpha);
    return f32((t * t) / (h + p.lambda));
  }
  const w = calcWeight(p, g, h);
  return f32(-(2 * g * w + (h + p.lambda) * w * w));
}
