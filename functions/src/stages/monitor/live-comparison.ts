/**
 * A candidate's live accuracy against a baseline's, per served class target: the difference with
 * Newcombe's interval and a two-proportion test (stats/proportions.ts), Holm-adjusted across the
 * three targets so that three looks at identical models do not cry "worse" one time in seven.
 * "Significantly worse" = adjusted p below the significance level and the candidate lower. The
 * canary verdict and the post-promotion check read this; the numbers go into their records.
 */
import { TARGET_CLASS_COLUMNS, type TargetClassColumn } from '../../data/targets.ts';
import { holmAdjust } from '../../stats/holm.ts';
import { twoProportionTest, wilsonInterval } from '../../stats/proportions.ts';
import type { LiveGroup, LiveTargetAccuracy } from './live-metrics.ts';

/** One class target of the comparison. */
export interface LiveTargetComparison {
  baseline: LiveTargetAccuracy;
  candidate: LiveTargetAccuracy;
  /** candidate − baseline accuracy. */
  diff: number;
  /** Newcombe interval of `diff` at the comparison's level. */
  lower: number;
  upper: number;
  pValue: number;
  /** Holm-adjusted across the three targets. */
  pAdjusted: number;
  worse: boolean;
  better: boolean;
}

/** The whole comparison. */
export interface LiveComparison {
  level: number;
  baseline: { version: string | null; variant: string | null; sessions: number; scored: number; meanAccuracy: number | null };
  candidate: { version: string | null; variant: string | null; sessions: number; scored: number; meanAccuracy: number | null };
  targets: Record<TargetClassColumn, LiveTargetComparison>;
  /** Targets on which the candidate is significantly worse. */
  worse: TargetClassColumn[];
}

/** Merge groups of the same version (several variants or days) into one, with Wilson intervals at `level`. */
export function mergeGroups(groups: readonly LiveGroup[], level: number): { sessions: number; scored: number; targets: Record<TargetClassColumn, LiveTargetAccuracy>; meanAccuracy: number | null } {
  const targets = {} as Record<TargetClassColumn, LiveTargetAccuracy>;
  let sessions = 0;
  let scored = 0;
  for (const g of groups) {
    sessions += g.sessions;
    scored += g.scored;
  }
  for (const name of TARGET_CLASS_COLUMNS) {
    let correct = 0;
    let n = 0;
    for (const g of groups) {
      correct += g.targets[name].correct;
      n += g.targets[name].sessions;
    }
    const ci = n ? wilsonInterval(correct, n, level) : null;
    targets[name] = { sessions: n, correct, accuracy: n ? correct / n : null, lower: ci?.lower ?? null, upper: ci?.upper ?? null };
  }
  const accs = TARGET_CLASS_COLUMNS.map((n) => targets[n].accuracy).filter((a): a is number => a !== null);
  return { sessions, scored, targets, meanAccuracy: accs.length ? accs.reduce((a, b) => a + b, 0) / accs.length : null };
}

/** Compare a candidate's groups with a baseline's at a confidence level (1 − α). */
export function compareLive(baseline: readonly LiveGroup[], candidate: readonly LiveGroup[], level: number): LiveComparison {
  const a = mergeGroups(baseline, level);
  const b = mergeGroups(candidate, level);
  const alpha = 1 - level;
  const raw = TARGET_CLASS_COLUMNS.map((name) => {
    const ta = a.targets[name];
    const tb = b.targets[name];
    return { name, ta, tb, test: twoProportionTest(ta.correct, ta.sessions, tb.correct, tb.sessions, level) };
  });
  const adjusted = holmAdjust(raw.map((r) => r.test.pValue));
  const targets = {} as Record<TargetClassColumn, LiveTargetComparison>;
  const worse: TargetClassColumn[] = [];
  raw.forEach((r, i) => {
    const significant = adjusted[i] < alpha;
    const cmp: LiveTargetComparison = {
      baseline: r.ta,
      candidate: r.tb,
      diff: r.test.diff,
      lower: r.test.lower,
      upper: r.test.upper,
      pValue: r.test.pValue,
      pAdjusted: adjusted[i],
      worse: significant && r.test.diff < 0,
      better: significant && r.test.diff > 0,
    };
    targets[r.name] = cmp;
    if (cmp.worse) worse.push(r.name);
  });
  const side = (gs: readonly LiveGroup[], m: ReturnType<typeof mergeGroups>) => ({
    version: gs[0]?.version ?? null,
    variant: gs.length === 1 ? gs[0].variant : gs.length ? 'mixed' : null,
    sessions: m.sessions,
    scored: m.scored,
    meanAccuracy: m.meanAccuracy,
  });
  return { level, baseline: side(baseline, a), candidate: side(candidate, b), targets, worse };
}

/** `css_class_theme 0.612 vs 0.801 (-0.189, p=0.0012, worse)` for each class target: candidate vs baseline. */
export function describeComparison(c: LiveComparison): string {
  const f = (v: number | null) => (v === null ? '-' : v.toFixed(3));
  return TARGET_CLASS_COLUMNS.map((n) => {
    const t = c.targets[n];
    const p = t.pAdjusted < 1e-4 ? 'p<0.0001' : `p=${t.pAdjusted.toPrecision(2)}`;
    return `${n} ${f(t.candidate.accuracy)} vs ${f(t.baseline.accuracy)} (${t.diff >= 0 ? '+' : ''}${t.diff.toFixed(3)}, ${p}${t.worse ? ', worse' : ''})`;
  }).join('; ');
}
