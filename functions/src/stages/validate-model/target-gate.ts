/**
 * The per-target rule shared by the validation gate and the incremental keep/reject decision:
 * a target fails when the candidate (B) is significantly worse than the baseline (A) after
 * Holm's correction AND worse by more than its allowed margin — accuracy by `maxAccuracyDrop`
 * (absolute) for a class, RMSE by `maxRmseIncrease` (relative) for a variable. Judging each
 * target, not the mean, is what stops one collapsed model hiding behind ten improved ones.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { ComparisonReport } from '../compare/comparison-report.ts';

/** A failing target and why. */
export interface TargetRegression {
  target: string;
  reason: string;
}

/** Targets of a comparison on which B is significantly worse than A beyond the margin. */
export function targetRegressions(cmp: ComparisonReport, limits: RetrainingConfig['validation']['performanceTests'], label = 'the serving version'): TargetRegression[] {
  const out: TargetRegression[] = [];
  for (const [name, t] of Object.entries(cmp.targets)) {
    if (t.winner !== 'a') continue;
    const p = `p ${t.p_value_adjusted < 1e-4 ? '< 0.0001' : `= ${t.p_value_adjusted.toPrecision(3)}`} (Holm), ${t.test}`;
    if (t.a.kind === 'class' && t.b.kind === 'class') {
      const drop = t.a.accuracy - t.b.accuracy;
      if (drop > limits.maxAccuracyDrop) out.push({ target: name, reason: `${name}: accuracy ${t.b.accuracy.toFixed(4)} vs ${t.a.accuracy.toFixed(4)} of ${label}, −${(drop * 100).toFixed(2)} points > allowed ${(limits.maxAccuracyDrop * 100).toFixed(2)} (${p})` });
    } else if (t.a.kind === 'var' && t.b.kind === 'var') {
      const rise = t.a.rmse > 0 ? (t.b.rmse - t.a.rmse) / t.a.rmse : t.b.rmse > 0 ? Infinity : 0;
      if (rise > limits.maxRmseIncrease) out.push({ target: name, reason: `${name}: RMSE ${t.b.rmse.toPrecision(4)} vs ${t.a.rmse.toPrecision(4)} of ${label}, +${(rise * 100).toFixed(1)} % > allowed ${(limits.maxRmseIncrease * 100).toFixed(1)} % (${p})` });
    }
  }
  return out;
}
